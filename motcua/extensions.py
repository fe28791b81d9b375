"""Extensions, created once and bound to the app in create_app."""

from flask_htmx import HTMX
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
htmx = HTMX()
# Where limits are counted is RATELIMIT_STORAGE_URI: a site keeps them in its one server process's
# memory (a restart forgetting them is harmless); central's workers share Redis. Routes name their own
# limits; nothing is limited by default.
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
