# The two commands of the README: `make run` and `make test`. Both are idempotent:
# they (re)install only what changed, then start the studio / run every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 5000
HOST ?= 127.0.0.1
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: run test lint fix venv frontend chromium tools bench clean
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

# System tools the tests drive, installed with apt only when missing: Debian's chromium (browser
# tests), docker-compose (validates docker-compose.yml offline), docker.io + mmdebstrap (build and
# run the image in tests/deploy; mmdebstrap builds a Debian base when no registry answers) and
# postgresql (the store's PostgreSQL tests start a throwaway cluster).
tools:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v docker-compose >/dev/null || missing="$$missing docker-compose"; \
	command -v dockerd >/dev/null || missing="$$missing docker.io"; \
	command -v mmdebstrap >/dev/null || missing="$$missing mmdebstrap"; \
	command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

chromium: tools

run: venv frontend
	$(PY) -m akid serve --host $(HOST) --port $(PORT)

# Linters (config: pyproject.toml [tool.ruff], frontend/biome.json). Fix with `make fix`.
lint: venv frontend
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	cd frontend && npm run --silent lint

fix: venv frontend
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	cd frontend && npm run --silent lint:fix

# Linters and frontend unit tests first so that pytest's summary is the run's closing line.
# tests/deploy builds and runs the Docker image (caches: docs/deployment.md, "Tests").
test: venv frontend tools lint
	@if [ -f frontend/package.json ]; then cd frontend && npm test --silent; fi
	$(PY) -m pytest

bench: venv frontend tools
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist
