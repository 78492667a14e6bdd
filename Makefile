# Two commands run everything: `make run` and `make test`. Both set up what they need and are
# safe to re-run. Other targets are the steps they are made of.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEPLOY_CHECK_ENV := DJANGO_SETTINGS_MODULE=cfipros.settings.production SECRET_KEY=deploy-check-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=') ALLOWED_HOSTS=api.cfipros.com NUM_PROXIES=1 \
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cfipros} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/15}

.PHONY: run serve test venv lock system-deps services migrate catalog lint typecheck pytest contract bench bench-api bench-extraction bench-studyplans bench-batch bench-analytics bench-exports bench-webhooks bench-statistics worker beat

# requirements/*.txt are locks: every package, indirect ones and pip itself included, pinned with
# its hashes, and pip refuses anything else. Edit requirements/*.in, then `make lock`.
$(STAMP): requirements/base.txt requirements/dev.txt
	@command -v $(PYTHON) >/dev/null || PYTHON=python3
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	touch $(STAMP)

venv: system-deps $(STAMP)

# Re-lock after editing requirements/*.in. Keeps every other pin; LOCK_ARGS="--upgrade-package NAME"
# moves one indirect package to its newest release, LOCK_ARGS=--upgrade all of them.
PIP_COMPILE = CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(LOCK_ARGS)
lock: venv
	$(PIP_COMPILE) -o requirements/base.txt requirements/base.in
	$(PIP_COMPILE) -o requirements/dev.txt requirements/dev.in

system-deps:
	@bash scripts/system-deps.sh

services:
	@bash scripts/services.sh

migrate: venv
	$(PY) manage.py migrate --noinput

catalog: migrate
	$(PY) manage.py load_acs_catalog
	$(PY) manage.py load_study_resources

# Zero configuration: local settings, chosen explicitly (every other entry point defaults to
# production settings and refuses to start without its configuration).
run: export DJANGO_SETTINGS_MODULE ?= cfipros.settings.local
run: venv
	@mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_acs_catalog
	$(PY) manage.py load_study_resources
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "  CFIPros API      http://$(HOST):$(PORT)/api/v1/"
	@echo "  API docs         http://$(HOST):$(PORT)/api/docs  (ReDoc: /api/redoc)"
	@echo "  Admin            http://$(HOST):$(PORT)/admin/"
	@echo "  Create a staff user:  $(PY) manage.py createsuperuser"
	@echo ""
	$(VENV)/bin/gunicorn -c gunicorn.conf.py cfipros.wsgi:application --bind $(HOST):$(PORT)

# The production configuration on this machine: production settings, PostgreSQL and Redis, JSON
# logs, the release steps of docs/deployment.md. Only here is a throwaway SECRET_KEY generated.
# Plain HTTP on localhost, so the HTTPS redirect is off; everything else is as deployed.
SERVE_DATABASE_URL := $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/cfipros)
SERVE_REDIS_URL := $(or $(REDIS_URL),redis://127.0.0.1:6379/0)
serve: export DJANGO_SETTINGS_MODULE = cfipros.settings.production
serve: export DATABASE_URL = $(SERVE_DATABASE_URL)
serve: export REDIS_URL = $(SERVE_REDIS_URL)
serve: export ALLOWED_HOSTS ?= $(HOST),localhost,127.0.0.1
serve: export SECURE_SSL_REDIRECT ?= false
serve: export NUM_PROXIES ?= 0
serve: venv services
	@if [ -z "$$SECRET_KEY" ]; then echo "serve: SECRET_KEY is not set; using a throwaway key generated for this run only"; fi
	@echo "serve: production settings, DATABASE_URL=$$DATABASE_URL REDIS_URL=$$REDIS_URL ALLOWED_HOSTS=$$ALLOWED_HOSTS SECURE_SSL_REDIRECT=$$SECURE_SSL_REDIRECT NUM_PROXIES=$$NUM_PROXIES"
	@mkdir -p var
	export SECRET_KEY=$${SECRET_KEY:-serve-throwaway-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=')} && \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py collectstatic --noinput --verbosity 0 && \
	$(PY) manage.py load_acs_catalog && \
	$(PY) manage.py load_study_resources && \
	echo "serve: http://$(HOST):$(PORT)/api/docs  (a worker: DJANGO_SETTINGS_MODULE=$$DJANGO_SETTINGS_MODULE make worker, same variables)" && \
	exec $(VENV)/bin/gunicorn -c gunicorn.conf.py cfipros.wsgi:application --bind $(HOST):$(PORT)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: venv
	$(VENV)/bin/mypy accounts extraction studyplans cfipros

pytest: venv services
	$(VENV)/bin/pytest --cov --cov-report=term

contract: venv
	$(PY) manage.py spectacular --file contracts/openapi.yaml --validate --fail-on-warn

test: venv services
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy accounts extraction studyplans cfipros
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=cfipros.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(DEPLOY_CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	$(VENV)/bin/pytest --cov --cov-report=term

# A developer's worker and beat use local settings unless DJANGO_SETTINGS_MODULE says otherwise;
# `celery -A cfipros worker` run by hand defaults to production settings (docs/deployment.md).
worker: export DJANGO_SETTINGS_MODULE ?= cfipros.settings.local
worker: venv
	$(VENV)/bin/celery -A cfipros worker --loglevel INFO --concurrency 2

# Periodic jobs (hourly purge of expired anonymous results); run one beside the workers.
beat: export DJANGO_SETTINGS_MODULE ?= cfipros.settings.local
beat: venv
	@mkdir -p var
	$(VENV)/bin/celery -A cfipros beat --loglevel INFO --schedule var/celerybeat-schedule

bench-api: venv services
	$(PY) bench/bench_api.py --requests 300

# Every benchmark in turn; each also has its own target. Figures go to docs/performance.md.
bench: bench-extraction bench-api bench-studyplans bench-batch bench-analytics bench-exports bench-webhooks bench-statistics

bench-studyplans: venv services
	$(PY) bench/bench_studyplans.py --runs 200

bench-batch: venv services
	$(PY) bench/bench_batch.py --files 30 --concurrency 2

# Drawing the batch and cohort PDF reports (30 reports of 40 codes; 500 students by 20 areas).
bench-exports: venv
	$(PY) bench/bench_exports.py --runs 20

# Outgoing webhooks through a real worker: one event at a time, then a burst of 200.
bench-webhooks: venv services
	$(PY) bench/bench_webhooks.py --events 200 --single 30 --endpoints 2 --concurrency 2

# National statistics over 100,000 reports: the public tables cold and warm, writes, a rebuild.
bench-statistics: venv services
	$(PY) bench/bench_statistics.py --reports 100000 --runs 200 --writes 200

# Cohort and school analytics over a demo school (seed_demo_data): 500 students, 5,000 reports.
bench-analytics: venv services
	$(PY) bench/bench_analytics.py --students 500 --reports 5000 --runs 100

# In-process extraction time (text PDFs: p95 bar 20 ms). SAMPLES=../shared/samples/aktr to use them.
bench-extraction: venv
	$(PY) bench/bench_extraction.py $(SAMPLES) --repeat 20
