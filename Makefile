# 巡察通 — the two commands a newcomer needs:
#   make run    set up and start the product (SQLite, demo data) on http://127.0.0.1:8000
#   make test   set up and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# The address printed in QR codes and documents; override behind a proxy (SITE_URL=https://…).
SITE_URL ?= http://$(HOST):$(PORT)
export SITE_URL

.PHONY: run test test-fast test-pg lint check demo clean bench bench-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: $(BIN)/python requirements.txt
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_demo --if-empty
	@echo ""
	@echo "巡察通已启动：http://$(HOST):$(PORT)/  （按 Ctrl+C 停止）"
	$(BIN)/gunicorn -c gunicorn.conf.py xuncha.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 --timeout 120 --access-logfile - --logger-class xuncha.accesslog.PrivateAccessLogger

# System packages the tests need (Chromium for the browser tests, a CJK font for PDFs, dovecot as the
# IMAP server of the email-intake tests).
system-deps:
	@sh scripts/system-deps.sh

# The suite runs on TEST_WORKERS processes (pytest-xdist; one test database each): most of its time is spent
# waiting on browsers, servers and subprocesses, so more workers than cores pays off.
TEST_WORKERS ?= 3

test: $(VENV)/.dev system-deps
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS)

test-pg: $(VENV)/.dev system-deps
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python -m pytest -q -n $(TEST_WORKERS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy xuncha bench
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: $(VENV)/.dev
	$(BIN)/python bench/announcements.py

# The performance goals of issue 17 at SCALE reports on PostgreSQL and SQLite: one JSON line per workload,
# then a summary (bench/check.py; its databases are throwaway: xuncha_bench_perf_check_<SCALE>, a temp folder).
SCALE ?= 1000000
bench-check: $(VENV)/.dev
	$(BIN)/python bench/check.py --scale $(SCALE) $(BENCH_CHECK_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
