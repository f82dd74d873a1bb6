# Two entry points do all set-up on a fresh Debian machine (Python 3.11, root):
#   make run   build every package into dist/ and serve the LRS (SQLite) on 127.0.0.1:8000,
#              with the demo reports at /reports/demo
#   make test  install what the tests need (venv, pip, npm, Debian chromium), then run them all
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test setup setup-test build serve bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the project's dependency list changes.
$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed

setup-test: setup node_modules/.installed
	@command -v chromium >/dev/null || { echo "Installing Debian chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || { echo "Starting PostgreSQL"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start || true; }

build: setup
	$(BIN)/qrscorm build

# The demo database (synthetic learners, seeded once) is served at /reports/demo next to the LRS.
DEMO_DB ?= sqlite:///$(CURDIR)/instance/demo.sqlite3

serve: setup
	$(BIN)/qrlrs db upgrade
	$(BIN)/qrlrs demo --database $(DEMO_DB)
	LRS_REPORTS_DEMO_DATABASE_URL=$(DEMO_DB) LRS_REPORTS_INSECURE_LOOPBACK=true \
	  $(BIN)/qrlrs serve --host $(HOST) --port $(PORT)

run: build serve

test: setup-test
	$(BIN)/pytest $(PYTEST_ARGS)

bench: setup
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) node_modules dist/*/ build *.egg-info
