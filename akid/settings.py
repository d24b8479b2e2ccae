"""One settings object: every ``AKID_*`` variable and every limit, read once at start.

Why one module: the studio used to read its environment in a dozen places (some on
every request) and wrote the same limits several times, so changing a limit meant
hunting for copies and a variable set after start took effect in some places only.
Now ``get_settings()`` reads ``os.environ`` once per process and returns a frozen
:class:`Settings`; the app factory, the run manager, the CLI and the deploy helpers
receive it (or call ``get_settings()`` where they run as their own process).

Every field has its environment variable (``AKID_`` + the field name upper-cased,
limits included: ``AKID_MAX_JSON_DEPTH``), its type and default here; ``docs/security.md``
lists the limits, ``docs/architecture.md`` the module. Variables that are not ours
(``TF_CONFIG``, ``KUBECONFIG``, ``HOME``, ``JOB_COMPLETION_INDEX``) are read through
:func:`environ` by the code that interprets them.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

PREFIX = "AKID_"


@dataclass(frozen=True)
class Limits:
    """Work any one request may cause; exceeding one is a 4xx naming the limit and the value."""

    #: Largest model (trainable + non-trainable parameters) a run or validate may build.
    max_model_params: int = 50_000_000
    #: Largest HTTP request body and Socket.IO message, bytes (uploads included).
    max_request_bytes: int = 64 * 1024 * 1024
    #: Largest JSON request body, bytes (parsing costs several times its size; graphs are far smaller).
    max_json_bytes: int = 8 * 1024 * 1024
    #: Deepest nesting of JSON objects/arrays in a request body.
    max_json_depth: int = 64
    #: Most nodes in one graph document, counting every composite definition's nodes.
    max_graph_nodes: int = 5_000
    #: Most edges in one graph document, counting every composite definition's edges.
    max_graph_edges: int = 20_000
    #: Most nodes a graph has after composites are expanded (computed before expanding).
    max_expanded_nodes: int = 20_000
    #: Longest meta-syntax text, characters.
    max_metasyntax_chars: int = 200_000
    #: Most nodes a meta-syntax text may expand to (``[a]*1000`` repeats count).
    max_metasyntax_nodes: int = 20_000
    #: Deepest bracket nesting in a meta-syntax text.
    max_metasyntax_nesting: int = 64
    #: Longest number literal (digits) in a meta-syntax text.
    max_number_digits: int = 40
    #: Longest Keras JSON text for import, characters.
    max_import_chars: int = 2_000_000
    #: Largest Keras model file (``.keras`` archive or model JSON) uploaded for import, bytes.
    max_keras_file_bytes: int = 64 * 1024 * 1024
    #: Seconds the import of one Keras model file may take (it runs in a child process, killed after this).
    keras_import_deadline_s: float = 120.0
    #: Pixels of one resized picture (height x width) for image-folder data sets.
    max_image_pixels: int = 1024 * 1024
    #: Bytes of the decoded image tensor of an image-folder data set (pictures x h x w x c x 4).
    max_image_bytes: int = 1024 * 1024 * 1024
    #: Bytes of one array whose size a file header declares (npz, IDX).
    max_array_bytes: int = 1024 * 1024 * 1024
    #: Bytes of a pickle file read by the restricted unpickler (CIFAR batches).
    max_pickle_bytes: int = 256 * 1024 * 1024
    #: Bytes of a CSV file (parsing costs ~25x its size in memory).
    max_csv_bytes: int = 8 * 1024 * 1024
    #: Runs waiting in the queue (not yet running), over all users.
    max_queued_runs: int = 20
    #: Largest integer accepted in a path or query parameter (SQLite stores 64-bit ints).
    max_int_param: int = 2**53
    #: Seconds a validate may take before it is abandoned with a 503.
    validate_deadline_s: float = 20.0
    #: Slow-reader policy: socket messages buffered per client before it is sent a gap.
    client_queue_max: int = 256


@dataclass(frozen=True)
class Settings:
    """Everything the studio, its workers and the deploy helpers are configured with."""

    #: Address the server binds; any non-loopback address needs a token.
    host: str = "127.0.0.1"
    port: int = 5000
    #: Runs, uploads and the SQLite file.
    data_dir: str = "var"
    #: Run logdirs and checkpoints (default ``<data_dir>/runs``; shared storage for remote workers).
    runs_dir: str | None = None
    #: SQLAlchemy URL (default: SQLite under ``data_dir``).
    db_url: str | None = None
    #: Access token for the API and sockets (generated when binding a non-loopback address).
    token: str | None = None
    #: Extra origins allowed to call the API (comma separated in the environment).
    cors_origins: tuple[str, ...] = ()
    #: Extra folder runs may read data files from, and where built-in sources look for files.
    data_path: str | None = None
    max_concurrent_runs: int = 1
    #: Seconds a multi-worker launch waits for a silent worker before restarting all.
    worker_silence_s: float = 600.0
    #: Heartbeat file a deploy worker touches (the container health check reads its age).
    heartbeat: str = "/tmp/akid-worker.heartbeat"
    #: Seconds after which the container health check calls a worker's heartbeat stale.
    heartbeat_max_age: float = 900.0
    #: Job file of a deploy worker (``python -m akid.deploy.worker``).
    job_spec: str | None = None
    #: ``0``/``off`` turns Kubernetes submission off.
    k8s: str = "auto"
    #: Image, namespace and shared PVC of Kubernetes training Jobs.
    image: str = "akid-studio:latest"
    k8s_namespace: str = "default"
    k8s_shared_pvc: str = "akid-shared"
    #: Allow a non-loopback bind without a token (container entrypoint guard).
    allow_no_token: bool = False
    #: Benchmarks only: live metrics messages say when the server got and sent them (``bench/stream_latency.py``).
    stream_trace: bool = False
    limits: Limits = field(default_factory=Limits)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``env`` (default: the process environment), then ``overrides``.

        ``overrides`` may name limits too (``max_model_params=...``); ``None`` keeps the default.
        """
        env = os.environ if env is None else env
        top: dict[str, Any] = {}
        lim: dict[str, Any] = {}
        for f in fields(cls):
            if f.name != "limits" and PREFIX + f.name.upper() in env:
                top[f.name] = _convert(f, env[PREFIX + f.name.upper()])
        for f in fields(Limits):
            if PREFIX + f.name.upper() in env:
                lim[f.name] = _convert(f, env[PREFIX + f.name.upper()])
        limit_names = {f.name for f in fields(Limits)}
        for key, value in overrides.items():
            if value is None:
                continue
            if key in limit_names:
                lim[key] = value
            elif key in {f.name for f in fields(cls)}:
                top[key] = tuple(value) if key == "cors_origins" else value
            else:
                raise TypeError(f"unknown setting {key!r}")
        return cls(**top, limits=Limits(**lim))

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` (limits by name too)."""
        limit_names = {f.name for f in fields(Limits)}
        lim = {k: v for k, v in changes.items() if k in limit_names}
        top = {k: v for k, v in changes.items() if k not in limit_names}
        if "cors_origins" in top:
            top["cors_origins"] = tuple(top["cors_origins"])
        return dataclasses.replace(self, **top, limits=dataclasses.replace(self.limits, **lim))

    @property
    def k8s_enabled(self) -> bool:
        return self.k8s.lower() not in {"0", "off", "false", "no"}


def _convert(f: dataclasses.Field, raw: str) -> Any:
    kind = str(f.type)
    try:
        if kind.startswith("int"):
            return int(raw)
        if kind.startswith("float"):
            return float(raw)
        if kind.startswith("bool"):
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if kind.startswith("tuple"):
            return tuple(o.strip() for o in raw.split(",") if o.strip())
    except ValueError:
        raise ValueError(f"{PREFIX}{f.name.upper()} must be a {kind}. Received: {raw!r}") from None
    return raw or None if "None" in kind else raw


_lock = threading.Lock()
_settings: Settings | None = None


def get_settings() -> Settings:
    """This process's settings, read from the environment on first use."""
    global _settings
    with _lock:
        if _settings is None:
            _settings = Settings.from_env()
        return _settings


def reload_settings() -> Settings:
    """Read the environment again (tests that change ``AKID_*`` variables; never per request)."""
    global _settings
    with _lock:
        _settings = Settings.from_env()
        return _settings


def environ() -> Mapping[str, str]:
    """The process environment, for variables that are not studio settings (``TF_CONFIG``,
    ``KUBECONFIG``, ``HOME``, ``JOB_COMPLETION_INDEX``) and to pass on to child processes."""
    return os.environ


def set_process_env(values: Mapping[str, str]) -> None:
    """Export ``values`` into this process's environment (worker processes: their spec's env);
    the settings are read again from it on next use."""
    global _settings
    os.environ.update(values)
    with _lock:
        _settings = None
