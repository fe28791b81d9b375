"""Entry point for the production WSGI server (waitress in `make run`)."""

from motcua import create_app

app = create_app({"START_WORKERS": True})
