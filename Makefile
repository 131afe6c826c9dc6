# Parcours Réserviste — the two commands: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: help install demo serve test test-sqlite test-postgres quality bench messages clean system-deps

help:
	@echo "make demo     create .venv, install, migrate, load the demo data and serve http://127.0.0.1:$(PORT)"
	@echo "make test     install what the tests need and run the suite on SQLite and PostgreSQL (browser tests included)"
	@echo "make quality  formatting, lint, migrations, deploy checks, translations"
	@echo "make bench    benchmarks, results in bench/results/"

$(STAMP): requirements.lock
	@set -e; if [ ! -x $(PY) ]; then \
	  python=$$(scripts/find-python.sh); echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)
	@mkdir -p var

messages: $(STAMP)
	@DEBUG=true $(PY) manage.py compilemessages --ignore=.venv -v0

demo: install messages
	DEBUG=true $(PY) manage.py migrate --no-input -v0
	DEBUG=true $(PY) manage.py demo
	@echo "Serving http://127.0.0.1:$(PORT) (Ctrl+C to stop)"
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:$(PORT)

system-deps:
	@scripts/system-deps.sh

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --silent

test: system-deps install messages node_modules/.package-lock.json
	@scripts/run-tests.sh

quality: install messages
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	DEBUG=false SECRET_KEY="quality-check-$$(date +%s)-not-a-real-key-0123456789abcdefghijklmnop" \
	  ALLOWED_HOSTS=parcours.example.org SECURE_SSL_REDIRECT=true SECURE_HSTS_PRELOAD=true \
	  EMAIL_URL=smtp+tls://parcours:secret@smtp.example.org:587 TASKS_BACKEND=django_tasks_db.DatabaseBackend \
	  CREDENTIALS_KEY_PASSPHRASE=quality-check-passphrase-0123456789 \
	  DATABASE_URL=sqlite:///var/quality.sqlite3 \
	  $(PY) manage.py check --deploy --fail-level WARNING
	DEBUG=true $(PY) scripts/check_translations.py

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var/static
