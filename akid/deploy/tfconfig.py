"""Build ``TF_CONFIG`` for one worker of a multi-worker training job.

``tf.distribute.MultiWorkerMirroredStrategy`` needs every worker to know the full cluster and its
own index. Orchestrators do not hand that over as one env var, so each worker derives it at start:

- Kubernetes indexed Job: the pod's ``JOB_COMPLETION_INDEX`` + worker count + headless Service.
  Pod ``<job>-<i>`` with ``subdomain: <service>`` is reachable as ``<job>-<i>.<service>``; we name
  the Job and its Service alike so ``tf_config_for(index, workers, service)`` needs no job name.
- Docker Compose replicas: the service name resolves to every replica's address; sorting them gives
  every worker the same cluster list, and its own address gives its index.
- Explicit: ``TF_CONFIG`` already set, or ``AKID_WORKER_INDEX`` + ``AKID_WORKER_HOSTS``.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
from collections.abc import Callable, Mapping

DEFAULT_PORT = 2222


class TFConfigError(ValueError):
    """The environment does not describe a consistent worker cluster."""


def worker_host(index: int, service: str, *, job_name: str | None = None, namespace: str | None = None) -> str:
    """DNS name of worker ``index``: ``<job>-<index>.<service>[.<namespace>.svc]``.

    The namespace-qualified form resolves from any namespace and does not depend on the cluster
    domain (``.svc`` is completed by the pod's DNS search path).
    """
    host = f"{job_name or service}-{index}.{service}"
    return f"{host}.{namespace}.svc" if namespace else host


def tf_config_for(
    index: int,
    workers: int,
    service: str,
    port: int = DEFAULT_PORT,
    *,
    job_name: str | None = None,
    namespace: str | None = None,
) -> dict:
    """``TF_CONFIG`` dict for worker ``index`` of ``workers`` behind headless Service ``service``."""
    if workers < 1:
        raise TFConfigError(f"workers must be at least 1. Received: workers={workers}")
    if not 0 <= index < workers:
        raise TFConfigError(f"worker index must be in [0, {workers}). Received: index={index}")
    hosts = [f"{worker_host(i, service, job_name=job_name, namespace=namespace)}:{port}" for i in range(workers)]
    return cluster_config(hosts, index)


def cluster_config(hosts: list[str], index: int) -> dict:
    """``TF_CONFIG`` for ``hosts`` (``host:port``), this process being ``hosts[index]``."""
    if not 0 <= index < len(hosts):
        raise TFConfigError(f"worker index must be in [0, {len(hosts)}). Received: index={index}")
    return {"cluster": {"worker": list(hosts)}, "task": {"type": "worker", "index": index}}


Resolver = Callable[[str], list[str]]


def resolve_all(name: str) -> list[str]:
    """Every IPv4/IPv6 address ``name`` resolves to (Compose: one per replica)."""
    try:
        infos = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        return []
    return sorted({info[4][0] for info in infos})


def own_addresses() -> set[str]:
    """Addresses of this container: what peers see when they resolve the service name."""
    found: set[str] = set()
    try:
        found.update(info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None))
    except socket.gaierror:
        pass
    return found


def discover_by_dns(
    service: str,
    workers: int,
    port: int = DEFAULT_PORT,
    *,
    resolve: Resolver = resolve_all,
    mine: Callable[[], set[str]] = own_addresses,
    timeout: float = 300.0,
    interval: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
) -> dict:
    """Wait until ``service`` resolves to ``workers`` addresses, then index them sorted.

    Sorting numerically (not as text) gives every replica the same order, so worker 0 (the chief
    that writes checkpoints) is the same process for everyone.
    """
    waited = 0.0
    while True:
        addresses = sorted(resolve(service), key=ipaddress.ip_address)
        if len(addresses) == workers:
            break
        if len(addresses) > workers:
            raise TFConfigError(
                f"{service!r} resolves to {len(addresses)} replicas but AKID_WORKERS={workers}; "
                f"scale the service to match. Received: {addresses}"
            )
        if waited >= timeout:
            raise TFConfigError(
                f"only {len(addresses)} of {workers} workers of {service!r} appeared within {timeout:.0f}s. Received: {addresses}"
            )
        sleep(interval)
        waited += interval
    own = mine()
    matches = [i for i, addr in enumerate(addresses) if addr in own]
    if len(matches) != 1:
        raise TFConfigError(f"cannot find this container among {service!r}'s addresses {addresses}. Received: own={sorted(own)}")
    hosts = [f"[{a}]:{port}" if ":" in a else f"{a}:{port}" for a in addresses]
    return cluster_config(hosts, matches[0])


def _int(env: Mapping[str, str], key: str, default: int | None = None) -> int:
    raw = env.get(key)
    if raw in (None, ""):
        if default is None:
            raise TFConfigError(f"{key} is required for a multi-worker job")
        return default
    try:
        return int(raw)
    except ValueError:
        raise TFConfigError(f"{key} must be an integer. Received: {raw!r}") from None


def tf_config_from_env(env: Mapping[str, str], *, resolve: Resolver = resolve_all, **dns_kwargs) -> dict | None:
    """The ``TF_CONFIG`` this process should use, or ``None`` for a single-worker run.

    Precedence: an explicit ``TF_CONFIG``; Kubernetes ``JOB_COMPLETION_INDEX``; explicit
    ``AKID_WORKER_INDEX`` + ``AKID_WORKER_HOSTS``; Compose ``AKID_WORKER_DISCOVERY=dns``.
    """
    if env.get("TF_CONFIG"):
        try:
            cfg = json.loads(env["TF_CONFIG"])
        except json.JSONDecodeError as exc:
            raise TFConfigError(f"TF_CONFIG is not JSON: {exc}. Received: {env['TF_CONFIG']!r}") from None
        if not isinstance(cfg, dict) or "cluster" not in cfg or "task" not in cfg:
            raise TFConfigError(f"TF_CONFIG needs 'cluster' and 'task'. Received: {env['TF_CONFIG']!r}")
        return cfg
    workers = _int(env, "AKID_WORKERS", 1)
    port = _int(env, "AKID_WORKER_PORT", DEFAULT_PORT)
    if env.get("JOB_COMPLETION_INDEX", "") != "":
        service = env.get("AKID_WORKER_SERVICE")
        if not service:
            raise TFConfigError("AKID_WORKER_SERVICE (the headless Service name) is required with JOB_COMPLETION_INDEX")
        return tf_config_for(
            _int(env, "JOB_COMPLETION_INDEX"),
            workers,
            service,
            port,
            job_name=env.get("AKID_JOB_NAME") or None,
            namespace=env.get("AKID_K8S_NAMESPACE") or None,
        )
    if env.get("AKID_WORKER_HOSTS"):
        hosts = [h.strip() for h in env["AKID_WORKER_HOSTS"].split(",") if h.strip()]
        hosts = [h if ":" in h else f"{h}:{port}" for h in hosts]
        return cluster_config(hosts, _int(env, "AKID_WORKER_INDEX"))
    if env.get("AKID_WORKER_DISCOVERY") == "dns" and workers > 1:
        service = env.get("AKID_WORKER_SERVICE", "worker")
        return discover_by_dns(service, workers, port, resolve=resolve, **dns_kwargs)
    if workers > 1:
        raise TFConfigError(
            f"AKID_WORKERS={workers} but nothing says which worker this is: set JOB_COMPLETION_INDEX, "
            "AKID_WORKER_INDEX + AKID_WORKER_HOSTS, AKID_WORKER_DISCOVERY=dns, or TF_CONFIG"
        )
    return None
