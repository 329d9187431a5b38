# The README's two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Production server: gunicorn with 2 x CPUs + 1 workers (WEB_CONCURRENCY overrides) of 4
# threads each (gthread: a long streamed export occupies one thread and is not killed by the
# worker timeout, which only catches a stuck worker), on 127.0.0.1:8000 (BIND overrides).
BIND ?= 127.0.0.1:8000
WORKERS ?= $(or $(WEB_CONCURRENCY),$(shell $(PYTHON) -c "import os; print(2 * (os.cpu_count() or 1) + 1)"))

.PHONY: run dev test lint setup

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

# Install, migrate, collect static files, load the sample corpus and curated timeline, then
# serve like production (gunicorn, DEBUG off) on 127.0.0.1:8000.
run: $(STAMP)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input -v0
	$(BIN)/python manage.py load_timeline
	$(BIN)/gunicorn config.wsgi --bind $(BIND) --workers $(WORKERS) \
		--worker-class gthread --threads 4 --timeout 30 \
		--access-logfile - --error-logfile -

# Development: Django's runserver with DEBUG on (reloads on change; static files from the tree).
dev: $(STAMP)
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_timeline
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

# The whole suite; DATABASE_URL=postgres://... runs it on PostgreSQL.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
