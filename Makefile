# The two commands of the README: `make run` and `make test`. Both are idempotent:
# they (re)install only what changed, then start the studio / run every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 5000
HOST ?= 127.0.0.1
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: run test venv frontend chromium bench clean
.DEFAULT_GOAL := run

$(VENV)/.stamp-deps: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt -r requirements-dev.txt
	touch $@

venv: $(VENV)/.stamp-deps

FRONTEND_SRC := $(shell find frontend -path frontend/node_modules -prune -o -path frontend/dist -prune -o -type f -print 2>/dev/null)

frontend/dist/index.html: $(FRONTEND_SRC)
	@if [ -f frontend/package.json ]; then \
	  cd frontend && (test -d node_modules && test node_modules/.package-lock.json -nt package-lock.json || npm ci --no-audit --no-fund) && npm run build; \
	else mkdir -p frontend/dist && echo '<!doctype html><title>akid studio</title>' > $@; fi

frontend: frontend/dist/index.html

# System tools the tests drive: Debian's chromium (browser tests) and docker-compose
# (validates docker-compose.yml offline; no engine needed).
chromium:
	@command -v chromium >/dev/null && command -v docker-compose >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium docker-compose >/dev/null)

run: venv frontend
	$(PY) -m akid serve --host $(HOST) --port $(PORT)

# Frontend unit tests first so that pytest's summary is the run's closing line.
test: venv frontend chromium
	@if [ -f frontend/package.json ]; then cd frontend && npm test --silent; fi
	$(PY) -m pytest

bench: venv frontend chromium
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist
