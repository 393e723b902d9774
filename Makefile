# INTROSERV panel. The README has the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

ROOT      := $(abspath .)
PY        := $(ROOT)/.venv/bin/python
BUN_VER   := 1.4.4
PYTHON    ?= python3

# Environment for every Reflex command (see docs/architecture.md, "Offline set-up").
export PATH := $(ROOT)/.tools/bin:$(ROOT)/.venv/bin:$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export REFLEX_DIR := $(ROOT)/.tools/reflex
export BUN_INSTALL_CACHE_DIR := $(ROOT)/.tools/bun-cache
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help run run-prod test setup setup-dev bun catalogs extract-messages compile-messages migrate \
        seed-demo chromium openipmi openipmi-optional services lint typecheck unit integration e2e clean

help:
	@echo "make run   - set up everything and start the panel on http://localhost:3000 with demo data"
	@echo "make test  - set up everything and run the whole test suite"

# ---------------------------------------------------------------- set-up
.venv/.stamp: requirements.txt
	@test -x .venv/bin/python || $(PYTHON) -m venv .venv
	@.venv/bin/pip install -q -r requirements.txt 2>&1 | grep -v "^WARNING: Location" ; \
	  test $${PIPESTATUS[0]} -eq 0 || { echo "error: pip could not install requirements.txt (check pip's registry settings)"; exit 1; }
	@touch $@

.venv/.dev-stamp: .venv/.stamp requirements-dev.txt
	@.venv/bin/pip install -q -r requirements-dev.txt 2>&1 | grep -v "^WARNING: Location" ; \
	  test $${PIPESTATUS[0]} -eq 0 || { echo "error: pip could not install requirements-dev.txt"; exit 1; }
	@touch $@

.tools/bin/bun:
	@scripts/install_bun.sh $(BUN_VER)

bun: .tools/bin/bun

setup: .venv/.stamp .tools/bin/bun compile-messages
	@mkdir -p data

setup-dev: setup .venv/.dev-stamp

# ---------------------------------------------------------------- translations
extract-messages: .venv/.stamp
	@.venv/bin/pybabel extract -F introserv_app/i18n/babel.cfg --ignore-dirs ".* __pycache__" -k t -k N_ -k gettext:2 -k translate_message:2 \
	    -o introserv_app/i18n/messages.pot --no-location --sort-output -w 100 introserv_app >/dev/null
	@for lang in en ru; do .venv/bin/pybabel update -N --ignore-obsolete -w 100 \
	    -i introserv_app/i18n/messages.pot -d introserv_app/i18n/locales -l $$lang; done
	@echo "Now translate the new entries in introserv_app/i18n/locales/ru/LC_MESSAGES/messages.po"

compile-messages: .venv/.stamp
	@.venv/bin/pybabel compile -d introserv_app/i18n/locales 2>&1 | grep -v "^compiling catalog" ; \
	  test $${PIPESTATUS[0]} -eq 0

# ---------------------------------------------------------------- database
migrate: setup
	@$(PY) -m introserv_app migrate

seed-demo: migrate
	@$(PY) -m introserv_app seed --demo

# ---------------------------------------------------------------- run
run: openipmi-optional seed-demo
	@$(PY) -m introserv_app check-frontend
	@$(PY) -m introserv_app demo-logins
	@echo "Starting the panel in production mode on http://localhost:3000 (first build takes a few minutes) ..."
	@INTROSERV_DEMO_MODE="$${INTROSERV_DEMO_MODE:-1}" INTROSERV_DEMO_BMC="$${INTROSERV_DEMO_BMC:-1}" NPM_CONFIG_REGISTRY="$$(npm config get registry 2>/dev/null)" exec .venv/bin/reflex run --env prod --single-port

# Production mode (docs/deploy.md): PostgreSQL + Redis given by INTROSERV_DB_URL / INTROSERV_REDIS_URL,
# migrations first, INTROSERV_WORKERS (default 2) backend workers behind one port.
run-prod: setup
	@$(PY) -m introserv_app check-frontend
	@NPM_CONFIG_REGISTRY="$$(npm config get registry 2>/dev/null)" exec $(PY) -m introserv_app serve-prod

# ---------------------------------------------------------------- tests
chromium:
	@scripts/ensure_chromium.sh

openipmi:
	@scripts/ensure_openipmi.sh

openipmi-optional:
	@scripts/ensure_openipmi.sh --optional

services:
	@$(PY) -m introserv_app check-services

lint: setup-dev
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .
	@.venv/bin/lint-imports --no-cache

typecheck: setup-dev
	@.venv/bin/mypy

test: setup-dev chromium openipmi services lint typecheck
	@NPM_CONFIG_REGISTRY="$$(npm config get registry 2>/dev/null)" $(PY) -m pytest

unit: setup-dev
	@$(PY) -m pytest tests/unit

integration: setup-dev openipmi
	@$(PY) -m pytest tests/integration

e2e: setup-dev chromium openipmi
	@NPM_CONFIG_REGISTRY="$$(npm config get registry 2>/dev/null)" $(PY) -m pytest tests/e2e

clean:
	rm -rf .web .states test-artifacts
