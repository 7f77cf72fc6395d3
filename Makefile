# The storefront's commands. `make run` and `make test` are all a new machine needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails are built on SHOP_URL: the address this `make run` serves on.
SHOP_URL ?= http://$(HOST):$(PORT)
export SHOP_URL

.PHONY: install run test lint format worker admin clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Embedded defaults: SQLite, tasks in-process, emails on the console, local Stripe emulator.
run: $(STAMP)
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_demo
	@DEBUG=1 bash -c ' \
	  $(PY) manage.py stripe_emulator --shop-url http://$(HOST):$(PORT) & emu=$$!; \
	  trap "kill $$emu 2>/dev/null; wait $$emu 2>/dev/null" EXIT; \
	  echo "The shop: http://$(HOST):$(PORT)/   (Ctrl-C stops it and the Stripe emulator)"; \
	  $(PY) manage.py runserver $(HOST):$(PORT)'

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# A Celery worker with beat (periodic tasks). Needs REDIS_URL; see the README for production.
worker: $(STAMP)
	@test -n "$$REDIS_URL" || (echo "Set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0 make worker"; exit 2)
	$(VENV)/bin/celery -A worker worker --beat --loglevel=INFO

# Create a merchant account for the admin.
admin: $(STAMP)
	DEBUG=1 $(PY) manage.py create_merchant

clean:
	rm -rf $(VENV) db.sqlite3 media var staticfiles test-artifacts .pytest_cache .ruff_cache
