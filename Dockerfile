# akid studio image: the web studio + run manager (default CMD) and the training worker
# (`python -m akid.deploy.worker`, used by docker-compose.yml and the Kubernetes Job).
# Build: docker build -t akid-studio:latest .        Docs: docs/deployment.md
# No `# syntax=` line: BuildKit would pull a frontend image for it, which fails offline; the
# file uses only instructions both the classic builder and BuildKit understand.

# Base images are build arguments so a machine without registry access can build from local
# ones (tests/deploy builds them from Debian packages). Any Debian-based image with `python3`
# (3.11) + `venv`, `useradd`, and one with Node.js >= 20.19 + npm will do. Both Python stages
# must use the same base: the venv points at the interpreter of the stage that created it.
ARG NODE_BASE=node:20-bookworm-slim
ARG PYTHON_BASE=python:3.11-slim
# The stage that runs `pip install` (default: PYTHON_BASE). The tests point it at PYTHON_BASE plus
# a local wheel directory and a pip.conf, so `pip install` works without an index and is cached.
ARG PYTHON_BUILD_BASE=python:3.11-slim

# --- 1. Browser app: Vite build -> /src/frontend/dist --------------------------------------
FROM ${NODE_BASE} AS frontend
WORKDIR /src/frontend
# Lock files first so `npm ci` is cached until dependencies change.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# --- 2. Python dependencies in a venv (nothing from this stage but /opt/venv ships) ---------
FROM ${PYTHON_BUILD_BASE} AS python-deps
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python3 -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt deploy/requirements-deploy.txt /tmp/req/
RUN pip install -r /tmp/req/requirements.txt -r /tmp/req/requirements-deploy.txt

# --- 3. Runtime ------------------------------------------------------------------------------
FROM ${PYTHON_BASE} AS runtime
LABEL org.opencontainers.image.title="akid studio" \
      org.opencontainers.image.description="Design, train and watch neural networks in the browser"
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TF_CPP_MIN_LOG_LEVEL=2 \
    HOME=/home/akid \
    AKID_HOST=0.0.0.0 \
    AKID_PORT=5000 \
    AKID_DATA_DIR=/shared/data \
    AKID_DATA_PATH=/shared/datasets \
    AKID_RUNS_DIR=/shared/runs
# Fixed non-root uid/gid 10001: the Kubernetes manifests' runAsUser/fsGroup match it, and the
# /shared mount point is owned by it so a fresh named volume starts writable.
RUN groupadd --system --gid 10001 akid \
 && useradd --system --uid 10001 --gid 10001 --create-home --home-dir /home/akid --shell /usr/sbin/nologin akid \
 && mkdir -p /shared/data /shared/datasets /shared/runs /shared/jobs \
 && chown -R 10001:10001 /shared
COPY --from=python-deps /opt/venv /opt/venv
WORKDIR /app
# Code stays root-owned (read-only to the server process); only /shared and $HOME are writable.
COPY pyproject.toml ./
COPY akid/ akid/
COPY backend/ backend/
COPY --from=frontend /src/frontend/dist frontend/dist
USER 10001:10001
EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-m", "akid.deploy.healthcheck"]
# The entrypoint refuses to serve on 0.0.0.0 without a real AKID_TOKEN, then execs CMD.
# The token, DB URL and data dir come from the environment (AKID_TOKEN, AKID_DB_URL,
# AKID_DATA_DIR), never from the command line where `ps` would show them.
ENTRYPOINT ["python", "-m", "akid.deploy.entrypoint"]
CMD ["python", "-m", "akid", "serve", "--host", "0.0.0.0"]
