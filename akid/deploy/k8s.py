"""Multi-worker training on Kubernetes: render, submit and delete one run's indexed Job.

A run becomes three objects sharing one name (``akid-train-<run>``):
- a ConfigMap ``<name>-spec`` holding ``job.json`` (``akid.job/v1``: graph + TrainConfig);
- a headless Service ``<name>`` (``publishNotReadyAddresses`` so peers resolve before readiness);
- an indexed Job ``<name>`` (``completions = parallelism = workers``, ``subdomain = <name>``), so
  pod *i* is ``<name>-<i>.<name>`` and ``akid.deploy.worker`` derives ``TF_CONFIG`` from
  ``JOB_COMPLETION_INDEX``. ``restartPolicy: OnFailure`` + ``backoffLimit`` restart a killed
  worker, which resumes from the checkpoints on the shared PVC.
The studio calls ``kubernetes_available()`` to show the option (or why it is off) and
``submit_training_job(...)``; ``python -m akid.deploy.k8s render ...`` prints the YAML instead.
The ``kubernetes`` client is imported only inside the functions that talk to a cluster.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from akid.deploy.jobspec import JobSpec
from akid.deploy.tfconfig import DEFAULT_PORT, tf_config_for
from akid.settings import environ, get_settings

__all__ = [
    "DEFAULT_PORT",
    "delete_training_job",
    "job_name_for",
    "kubernetes_available",
    "render_training_job",
    "settings_from_env",
    "submit_training_job",
    "tf_config_for",
    "to_yaml",
    "training_job_status",
]

NAME_PREFIX = "akid-train-"
MAX_NAME = 52  # pod hostname "<name>-<index>" must stay a 63-char DNS label
RUN_LABEL = "akid.dev/run"
CONFIGMAP_LIMIT = 1_000_000  # etcd's object limit is ~1 MiB; leave room for metadata
SA_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token"
JOB_MOUNT = "/etc/akid/job"
DEFAULT_RESOURCES = {"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"memory": "4Gi"}}


def job_name_for(run_id: str) -> str:
    """A DNS-1123 name for ``run_id``; a hash suffix keeps distinct run ids distinct after cleanup."""
    slug = re.sub(r"[^a-z0-9-]+", "-", run_id.lower()).strip("-")
    name = NAME_PREFIX + slug
    if slug != run_id or len(name) > MAX_NAME:
        digest = hashlib.sha256(run_id.encode()).hexdigest()[:8]
        name = f"{name[: MAX_NAME - 9].rstrip('-')}-{digest}"
    return name


def _labels(name: str) -> dict:
    return {"app.kubernetes.io/name": "akid-training", "app.kubernetes.io/part-of": "akid-studio", RUN_LABEL: name}


def render_training_job(
    run_id: str,
    graph_doc: dict,
    config: dict,
    workers: int,
    image: str,
    namespace: str = "default",
    *,
    port: int = DEFAULT_PORT,
    shared_pvc: str = "akid-shared",
    runs_dir: str = "/shared/runs",
    data_dir: str = "/shared/data",
    datasets_dir: str = "/shared/datasets",
    logdir: str | None = None,
    backoff_limit: int | None = None,
    ttl_seconds_after_finished: int | None = 86400,
    resources: dict | None = None,
    image_pull_policy: str = "IfNotPresent",
    service_account: str | None = None,
) -> list[dict]:
    """ConfigMap, headless Service and indexed Job (plain dicts, apply order) for one run.

    ``logdir`` (on the shared claim) defaults to ``<runs_dir>/<run_id>``; the studio passes the
    run directory it already uses so its event readers find the workers' output.
    ``backoff_limit`` defaults to ``3 * workers``: one killed pod takes its peers' collective ops
    down with it, so a single preemption can cost several restarts.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1. Received: workers={workers}")
    cfg = dict(config, strategy="multi_worker", workers=workers) if workers > 1 else dict(config)
    spec = JobSpec(run_id, graph_doc, cfg, logdir)
    payload = json.dumps(spec.to_json(), sort_keys=True, separators=(",", ":"))
    if len(payload.encode()) > CONFIGMAP_LIMIT:
        raise ValueError(f"graph + config are too large for a ConfigMap ({len(payload)} bytes > {CONFIGMAP_LIMIT})")
    name = job_name_for(run_id)
    labels = _labels(name)
    meta = {"name": name, "namespace": namespace, "labels": labels}
    configmap = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": dict(meta, name=f"{name}-spec"),
        "data": {"job.json": payload},
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta,
        "spec": {
            "clusterIP": "None",
            "publishNotReadyAddresses": True,
            "selector": {RUN_LABEL: name},
            "ports": [{"name": "tf", "port": port, "targetPort": port, "protocol": "TCP"}],
        },
    }
    env = [
        {"name": "AKID_WORKERS", "value": str(workers)},
        {"name": "AKID_WORKER_SERVICE", "value": name},
        {"name": "AKID_JOB_NAME", "value": name},
        {"name": "AKID_WORKER_PORT", "value": str(port)},
        {"name": "AKID_K8S_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
        {"name": "AKID_RUNS_DIR", "value": runs_dir},
        {"name": "AKID_DATA_DIR", "value": data_dir},
        {"name": "AKID_DATA_PATH", "value": datasets_dir},
        {"name": "HOME", "value": "/tmp"},
        {"name": "TF_CPP_MIN_LOG_LEVEL", "value": "2"},
    ]
    container = {
        "name": "worker",
        "image": image,
        "imagePullPolicy": image_pull_policy,
        "command": ["python", "-m", "akid.deploy.worker"],
        "args": ["--job", f"{JOB_MOUNT}/job.json"],
        "env": env,
        "ports": [{"name": "tf", "containerPort": port, "protocol": "TCP"}],
        "resources": resources or DEFAULT_RESOURCES,
        "livenessProbe": {
            "exec": {"command": ["python", "-m", "akid.deploy.healthcheck", "--heartbeat", "/tmp/akid-worker.heartbeat"]},
            "initialDelaySeconds": 120,
            "periodSeconds": 60,
            "timeoutSeconds": 20,
            "failureThreshold": 3,
        },
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": [
            {"name": "job", "mountPath": JOB_MOUNT, "readOnly": True},
            {"name": "shared", "mountPath": "/shared"},
            {"name": "tmp", "mountPath": "/tmp"},
        ],
    }
    pod_spec = {
        "subdomain": name,
        "restartPolicy": "OnFailure",
        "automountServiceAccountToken": False,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": 10001,
            "runAsGroup": 10001,
            "fsGroup": 10001,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containers": [container],
        "volumes": [
            {"name": "job", "configMap": {"name": f"{name}-spec"}},
            {"name": "shared", "persistentVolumeClaim": {"claimName": shared_pvc}},
            {"name": "tmp", "emptyDir": {}},
        ],
    }
    if service_account:
        pod_spec["serviceAccountName"] = service_account
    job_spec = {
        "completionMode": "Indexed",
        "completions": workers,
        "parallelism": workers,
        "backoffLimit": 3 * workers if backoff_limit is None else backoff_limit,
        "template": {"metadata": {"labels": labels}, "spec": pod_spec},
    }
    if ttl_seconds_after_finished is not None:
        job_spec["ttlSecondsAfterFinished"] = ttl_seconds_after_finished
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta, "spec": job_spec}
    return [configmap, service, job]


def to_yaml(objects: list[dict]) -> str:
    """Multi-document YAML (stable key order as rendered) for ``kubectl apply -f -``."""
    import yaml  # here, not at the top: the studio imports this module at start-up and needs YAML only to render

    return "---\n".join(yaml.safe_dump(o, sort_keys=False, width=120) for o in objects)


def kubernetes_available(env: Mapping[str, str] | None = None) -> tuple[bool, str]:
    """(usable, reason) without contacting the cluster, so the UI can grey the option out fast."""
    env = environ() if env is None else env
    if env.get("AKID_K8S", "").lower() in {"0", "off", "false", "no"}:
        return False, "Kubernetes submission is disabled (AKID_K8S=0)"
    try:
        from kubernetes import config as kconfig
    except ImportError:
        return False, "the kubernetes Python client is not installed (pip install kubernetes)"
    if env.get("KUBERNETES_SERVICE_HOST") and Path(SA_TOKEN).is_file():
        return True, "in-cluster service account"
    home = Path(env.get("HOME") or Path.home())
    paths = [p for p in env.get("KUBECONFIG", "").split(os.pathsep) if p] or [str(home / ".kube" / "config")]
    found = [p for p in paths if Path(p).is_file()]
    if not found:
        return False, f"no kube config found ({', '.join(paths)}); set KUBECONFIG or run the studio in the cluster"
    try:
        _contexts, active = kconfig.list_kube_config_contexts(config_file=found[0])
    except Exception as exc:  # ConfigException, YAML errors: all mean "not usable", with the reason
        return False, f"kube config {found[0]} is not usable: {exc}"
    if not active:
        return False, f"kube config {found[0]} has no current context"
    return True, f"kube config {found[0]}, context {active.get('name')!r}"


def _apis(api_client=None):
    """CoreV1Api and BatchV1Api, loading in-cluster config first, then the kube config."""
    from kubernetes import client
    from kubernetes import config as kconfig

    if api_client is None:
        try:
            kconfig.load_incluster_config()
        except kconfig.ConfigException:
            kconfig.load_kube_config()
    return client.CoreV1Api(api_client), client.BatchV1Api(api_client)


def submit_training_job(
    run_id: str,
    graph_doc: dict,
    config: dict,
    workers: int,
    image: str,
    namespace: str = "default",
    *,
    core_api=None,
    batch_api=None,
    **render_kwargs,
) -> dict:
    """Create the run's ConfigMap, Service and Job; then make the Job own the other two.

    Owner references let ``ttlSecondsAfterFinished`` or one Job deletion clean everything up. If
    creating fails part-way, what was created is deleted again so a retry does not hit 409s.
    """
    if core_api is None or batch_api is None:
        core_api, batch_api = _apis()
    configmap, service, job = render_training_job(run_id, graph_doc, config, workers, image, namespace, **render_kwargs)
    created: list[tuple[str, str]] = []
    try:
        core_api.create_namespaced_config_map(namespace, configmap)
        created.append(("ConfigMap", configmap["metadata"]["name"]))
        core_api.create_namespaced_service(namespace, service)
        created.append(("Service", service["metadata"]["name"]))
        made = batch_api.create_namespaced_job(namespace, job)
        created.append(("Job", job["metadata"]["name"]))
    except Exception:
        _delete_objects(created, namespace, core_api, batch_api)
        raise
    uid = getattr(getattr(made, "metadata", None), "uid", None)
    if uid:
        owner = {
            "metadata": {
                "ownerReferences": [
                    {
                        "apiVersion": "batch/v1",
                        "kind": "Job",
                        "name": job["metadata"]["name"],
                        "uid": uid,
                        "blockOwnerDeletion": False,
                        "controller": False,
                    }
                ]
            }
        }
        core_api.patch_namespaced_config_map(configmap["metadata"]["name"], namespace, owner)
        core_api.patch_namespaced_service(service["metadata"]["name"], namespace, owner)
    return {
        "job": job["metadata"]["name"],
        "namespace": namespace,
        "workers": workers,
        "objects": [f"{kind}/{name}" for kind, name in created],
    }


def _delete_objects(objects: list[tuple[str, str]], namespace: str, core_api, batch_api) -> None:
    for kind, name in reversed(objects):
        try:
            if kind == "Job":
                batch_api.delete_namespaced_job(name, namespace, propagation_policy="Background")
            elif kind == "Service":
                core_api.delete_namespaced_service(name, namespace)
            else:
                core_api.delete_namespaced_config_map(name, namespace)
        except Exception as exc:  # 404 after GC is fine; anything else is reported, not fatal
            if getattr(exc, "status", None) != 404:
                print(f"akid k8s: could not delete {kind}/{name}: {exc}", file=sys.stderr)


def delete_training_job(run_id: str, namespace: str = "default", *, core_api=None, batch_api=None) -> None:
    """Cancel a run: delete its Job (pods go with it), Service and ConfigMap."""
    if core_api is None or batch_api is None:
        core_api, batch_api = _apis()
    name = job_name_for(run_id)
    _delete_objects([("ConfigMap", f"{name}-spec"), ("Service", name), ("Job", name)], namespace, core_api, batch_api)


def settings_from_env(env: Mapping[str, str] | None = None) -> dict:
    """Image, namespace and shared PVC for ``submit_training_job`` as the studio Deployment sets
    them (``AKID_IMAGE``, ``AKID_K8S_NAMESPACE``, ``AKID_K8S_SHARED_PVC``)."""
    if env is None:
        s = get_settings()
        return {"image": s.image, "namespace": s.k8s_namespace, "shared_pvc": s.k8s_shared_pvc}
    return {
        "image": env.get("AKID_IMAGE", "akid-studio:latest"),
        "namespace": env.get("AKID_K8S_NAMESPACE", "default"),
        "shared_pvc": env.get("AKID_K8S_SHARED_PVC", "akid-shared"),
    }


def training_job_status(run_id: str, namespace: str = "default", *, batch_api=None) -> dict:
    """``{"state": queued|running|completed|failed, "active", "succeeded", "failed", "reason"}``
    from the Job's status, in the run-state words of the live protocol."""
    if batch_api is None:
        _core, batch_api = _apis()
    job = batch_api.read_namespaced_job_status(job_name_for(run_id), namespace)
    st = job.status
    conditions = {c.type: c for c in (st.conditions or []) if c.status == "True"}
    active, succeeded, failed = st.active or 0, st.succeeded or 0, st.failed or 0
    if "Failed" in conditions:
        state, reason = "failed", f"{conditions['Failed'].reason}: {conditions['Failed'].message}"
    elif "Complete" in conditions:
        state, reason = "completed", None
    elif active:
        state, reason = "running", None
    else:
        state, reason = "queued", None
    return {"state": state, "active": active, "succeeded": succeeded, "failed": failed, "reason": reason}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m akid.deploy.k8s", description="Render or submit a training Job.")
    parser.add_argument("action", choices=["render", "submit", "delete", "check"])
    parser.add_argument("--run-id")
    parser.add_argument("--graph", help="akid.graph/v1 JSON file")
    parser.add_argument("--config", help="TrainConfig JSON file")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--image", default=get_settings().image)
    parser.add_argument("--namespace", default=get_settings().k8s_namespace)
    args = parser.parse_args(argv)
    if args.action == "check":
        ok, reason = kubernetes_available()
        print(("available: " if ok else "unavailable: ") + reason)
        return 0 if ok else 1
    if not args.run_id:
        parser.error("--run-id is required")
    if args.action == "delete":
        delete_training_job(args.run_id, args.namespace)
        return 0
    if not args.graph:
        parser.error("--graph is required")
    graph = json.loads(Path(args.graph).read_text(encoding="utf-8"))
    config = json.loads(Path(args.config).read_text(encoding="utf-8")) if args.config else {}
    if args.action == "render":
        sys.stdout.write(to_yaml(render_training_job(args.run_id, graph, config, args.workers, args.image, args.namespace)))
    else:
        print(json.dumps(submit_training_job(args.run_id, graph, config, args.workers, args.image, args.namespace)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
