# The two commands in the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

install: $(VENV)/bin/python
	$(VENV)/bin/python -m pip install -q --disable-pip-version-check -e .

## Install the app, build the database, start the background worker and serve the modules on http://$(HOST):$(PORT)/
run: install
	$(VENV)/bin/flask --app wsgi db upgrade
	$(VENV)/bin/flask --app wsgi worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/flask --app wsgi run --host $(HOST) --port $(PORT)

## Install what the tests need (Chromium, PostgreSQL, Python packages) and run every test
test:
	PYTHON=$(PYTHON) VENV=$(VENV) scripts/test
