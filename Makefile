# motcua: `make run` starts a demo site; `make test` runs every test; `make bench` prints figures.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
THREADS ?= 16
export MOTCUA_INSTANCE_PATH ?= $(CURDIR)/instance

.PHONY: run run-central test bench lint system-deps system-deps-run install install-test migrate demo clean

# `make run` installs what the site runs on; `make test` adds the test tools (pytest, Playwright…).
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	@# setuptools warns about every editable install ("folders named like the package"): that is the point here
	PYTHONWARNINGS=ignore $(BIN)/pip install --quiet -e .
	rm -f $(BIN)/.installed-test
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed
	PYTHONWARNINGS=ignore $(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed
install-test: $(BIN)/.installed-test

# Debian packages: espeak-ng speaks the calls on the display (optional at run time: the board
# falls back to the browser's voice); Chromium runs the browser tests.
APT_RUN  := espeak-ng
APT_TEST := espeak-ng chromium
define apt_install
	@missing=""; for pkg in $(1); do command -v $$pkg >/dev/null || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

system-deps-run:
	$(call apt_install,$(APT_RUN))

system-deps:
	$(call apt_install,$(APT_TEST))

# A database from before the event envelope (0007) gets its rows recorded once (idempotent).
migrate: install
	$(BIN)/flask --app motcua db upgrade
	$(BIN)/flask --app motcua events baseline

demo: migrate
	$(BIN)/flask --app motcua seed-demo --history 10

run: install
	-@$(MAKE) --no-print-directory system-deps-run || echo "espeak-ng unavailable: the board will use the browser's voice"
	@$(MAKE) --no-print-directory demo
	@echo "motcua: http://$(HOST):$(PORT)/  (kiosk /kiosk, counter /counter, display /display)"
	@$(BIN)/python -m motcua.serve --host=$(HOST) --port=$(PORT) --threads=$(THREADS)

# The province's central server (docs/central.md): PostgreSQL on 127.0.0.1:5432, Redis for the rate
# limits all its workers share, gunicorn; three demo reception points whose morning arrives by sync.
CENTRAL_PORT    ?= 8000
CENTRAL_WORKERS ?= 3
CENTRAL_DB      ?= postgresql+psycopg://postgres@127.0.0.1:5432/motcua_central
CENTRAL_REDIS   ?= redis://127.0.0.1:6379/0
CENTRAL_ENV := MOTCUA_INSTANCE_PATH=$(CURDIR)/instance-central FLASK_ROLE=central \
	FLASK_SQLALCHEMY_DATABASE_URI=$(CENTRAL_DB) FLASK_RATELIMIT_STORAGE_URI=$(CENTRAL_REDIS) \
	FLASK_PUBLIC_BASE_URL=http://$(HOST):$(CENTRAL_PORT)

run-central: install
	$(BIN)/python -m sync.pgsetup $(CENTRAL_DB)
	$(CENTRAL_ENV) $(BIN)/flask --app motcua db upgrade
	$(CENTRAL_ENV) $(BIN)/flask --app motcua central seed-demo
	@echo "motcua central: http://$(HOST):$(CENTRAL_PORT)/central/  (tinh.admin / motcua-demo)"
	$(CENTRAL_ENV) $(BIN)/gunicorn --workers $(CENTRAL_WORKERS) --bind $(HOST):$(CENTRAL_PORT) \
	  --timeout 60 --access-logfile - wsgi:app

test: install-test system-deps
	$(BIN)/ruff check .
	$(BIN)/pytest

bench: install-test
	$(BIN)/python -m bench.run

lint: install-test
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache bench/out
