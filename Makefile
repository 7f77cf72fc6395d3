# The storefront's commands. `make run` and `make test` are all a new machine needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install -qq --disable-pip-version-check
# uv (from the package index, into the virtualenv) resolves and installs in seconds what pip
# takes most of a minute over; pip does it alone if uv cannot be had. Compiled, as pip does:
# with PYTHONDONTWRITEBYTECODE set, nothing would be, and every start would be twice as slow.
UV := $(VENV)/bin/uv
INSTALL = $(PIP) uv && $(UV) pip install -q --compile-bytecode --python $(PY) $(1) || $(PIP) $(1)
RUN_REQUIREMENTS := -e ".[demo]"
DEV_REQUIREMENTS := -e ".[demo,dev]"
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in the demo's emails are built on SHOP_URL: the address `make run` serves on.
DEMO_SHOP_URL = $(or $(SHOP_URL),http://$(HOST):$(PORT))

.PHONY: install install-run run test test-cluster test-sqlite lint format worker admin clean bench messages cluster cluster-stop loadtest capacity openapi

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found %s)" % sys.version.split()[0])'
	@$(PYTHON) -m venv $(VENV)

# What running the shop needs (and the demo's Stripe emulator): `make run`.
$(VENV)/.installed-run: pyproject.toml | $(PY)
	@echo "Installing the shop into $(VENV) (the first time only)..."
	@$(call INSTALL,$(RUN_REQUIREMENTS))
	@touch $@

# Everything, with the test and lint tools: `make test`, `make lint`, CI.
$(VENV)/.installed-dev: pyproject.toml | $(PY)
	@echo "Installing the shop and its development tools into $(VENV)..."
	@$(call INSTALL,$(DEV_REQUIREMENTS))
	@touch $@ $(VENV)/.installed-run

install-run: $(VENV)/.installed-run
install: $(VENV)/.installed-dev

# Embedded defaults: SQLite, tasks in-process, emails kept for /dev/emails/, local Stripe
# emulator. Ctrl-C stops it all.
run: $(VENV)/.installed-run
	@DEBUG=1 SHOP_URL=$(DEMO_SHOP_URL) $(PY) manage.py run_demo $(HOST):$(PORT)

# PYTEST_ARGS: more pytest options (.ci/run adds its JUnit report). With SHOP_CLUSTER_APART=1
# the cluster test is left to `make test-cluster`, which .ci/run runs as a step of its own.
# PYTEST_WORKERS: pytest-xdist processes (one per core by default; 0 runs in this process).
PYTEST_WORKERS ?= auto
test: $(VENV)/.installed-dev
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(if $(SHOP_CLUSTER_APART),-m "not cluster") $(PYTEST_ARGS)

test-cluster: $(VENV)/.installed-dev
	$(PY) -m pytest -m cluster --output=test-artifacts/failures-cluster $(PYTEST_ARGS)

# The SQLite paths `make run` takes (search fallback, facets through json_each, the listing
# pages, the cart, the demo loader): the tests marked `sqlite`, on SQLite (DATABASE_URL unset).
test-sqlite: $(VENV)/.installed-dev
	env -u DATABASE_URL SHOP_REQUIRE_SERVICES=0 SHOP_REQUIRE_SQLITE=1 $(PY) -m pytest -m sqlite \
		--output=test-artifacts/failures-sqlite $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports --no-cache

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# A Celery worker with beat (periodic tasks). Needs REDIS_URL; see the README for production.
worker: $(VENV)/.installed-run
	@test -n "$$REDIS_URL" || (echo "Set REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0 make worker"; exit 2)
	$(VENV)/bin/celery -A worker worker --beat --loglevel=INFO

# Create a merchant account for the admin: make admin EMAIL=you@example.com PASSWORD=...
# (without them it asks).
admin: $(VENV)/.installed-run
	@DEBUG=1 $(PY) manage.py create_merchant $(if $(EMAIL),--email "$(EMAIL)") $(if $(PASSWORD),--password "$(PASSWORD)")

clean:
	rm -rf $(VENV) db.sqlite3 media var staticfiles test-artifacts .pytest_cache .ruff_cache

# The translation catalog: every marked string of the templates and the code, in
# locale/en/LC_MESSAGES/django.po (a test fails when it is not current).
MESSAGES_IGNORE = --ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles --ignore=media --ignore=var --ignore=test-artifacts
# The English catalog written afresh, new strings merged into the German one (untranslated:
# tests/languages/ fails until they are), and the German compiled (the .mo is committed).
messages: $(VENV)/.installed-dev
	DEBUG=1 $(PY) manage.py makemessages -l en -l de --no-location --no-obsolete $(MESSAGES_IGNORE)
	DEBUG=1 $(PY) manage.py compilemessages -l de $(MESSAGES_IGNORE)

# Pages under load (gunicorn, wrk) beside a no-database view: see bench/load.py.
# PRODUCTS=20000 for the large catalog; DATABASE_URL (PostgreSQL) and REDIS_URL as configured.
bench: $(VENV)/.installed-dev
	@command -v wrk >/dev/null || (echo "Installing wrk..." && apt-get install -y -qq wrk >/dev/null)
	$(PY) bench/load.py --products $(or $(PRODUCTS),2000)

# The shop on many machines, on this one: two gunicorn nodes behind nginx, two Celery
# workers and beat, PostgreSQL and Redis (the running ones), the Stripe emulator and a local
# S3 endpoint (deploy/cluster.py). `make loadtest` puts checkouts through it (bench/loadtest.py):
# DURATION=300 (seconds) RATE=200 (checkouts a minute) by default.
cluster: $(VENV)/.installed-dev
	$(PY) deploy/cluster.py start

cluster-stop: $(VENV)/.installed-dev
	$(PY) deploy/cluster.py stop

loadtest: $(VENV)/.installed-dev
	$(PY) bench/loadtest.py --seconds $(or $(DURATION),300) --rate $(or $(RATE),200)

# The highest checkout rate the cluster holds (bench/capacity.py): steps of STEP seconds (120),
# each a load test with a web node and a worker killed, from START a minute (200) up by half.
capacity: $(VENV)/.installed-dev
	$(PY) bench/capacity.py --start $(or $(START),200) --step-seconds $(or $(STEP),120)

# The API's OpenAPI schema, committed (tests/api checks it is current): run after changing it.
openapi: $(VENV)/.installed-dev
	DEBUG=1 $(PY) manage.py openapi
