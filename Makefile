# `make run` and `make test` set everything up on a machine with Python 3.13 and make.
PYTHON ?= python3.13
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: run test install system-packages lint format migrations-check deploy-check bench clean

# Debian packages the tests use: poppler (PDF pages to images) and zbar (barcode
# decoding) for label tests, Chromium for browser tests.
SYSTEM_PACKAGES := pdftoppm:poppler-utils zbarimg:zbar-tools chromium:chromium

$(INSTALLED): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $(INSTALLED)

install: $(INSTALLED)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) -m komet.launcher

system-packages:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do \
	  command -v $${pair%%:*} >/dev/null || missing="$$missing $${pair#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing$$missing"; \
	    apt-get update -qq && apt-get install -y -qq$$missing >/dev/null; \
	  else \
	    echo "The tests need these Debian packages:$$missing (sudo apt-get install$$missing)"; \
	    exit 1; \
	  fi; \
	fi

# Tests keep their SQLite files and file broker under var/test, apart from make run's.
test: install system-packages
	KOMET_VAR_DIR=$(CURDIR)/var/test $(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

deploy-check: install
	DJANGO_SETTINGS_MODULE=komet.production \
	DJANGO_SECRET_KEY=deploy-check-$$(date +%s)-a-long-random-value-for-the-check-only \
	DJANGO_ALLOWED_HOSTS=komet.example.com \
	DATABASE_URL=postgres://komet@127.0.0.1/komet REDIS_URL=redis://127.0.0.1:6379/0 \
	CARGO_MASTER_KEYS=$$($(PY) -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())") \
	$(PY) manage.py check --deploy --fail-level WARNING

# Benchmarks print figures; they need PostgreSQL and Redis on 127.0.0.1.
bench: install
	$(PY) bench/reservations.py
	$(PY) bench/imports.py
	$(PY) bench/labels.py

clean:
	rm -rf $(VENV) var
