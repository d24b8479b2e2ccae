"""The rendered training Job: one pod per worker, each deriving the right TF_CONFIG from its index."""

from __future__ import annotations

import json

import pytest

from akid.deploy import k8s
from akid.deploy.jobspec import JobSpec
from akid.deploy.tfconfig import tf_config_from_env

GRAPH = {"format": "akid.graph/v1", "name": "g", "nodes": [], "edges": []}
CONFIG = {"data": {"source": "digits", "params": {}}, "epochs": 2, "batch_size": 32}


def render(workers: int = 3, run_id: str = "r1", **kw):
    objs = k8s.render_training_job(run_id, GRAPH, CONFIG, workers, "registry.example/akid:1.0", "ml", **kw)
    return {o["kind"]: o for o in objs}, objs


def pod_env(job: dict, index: int) -> dict[str, str]:
    """The env a pod of ``job`` sees: the container's literal env, the downward API, and the
    JOB_COMPLETION_INDEX that Kubernetes injects into indexed Jobs."""
    env = {}
    for item in job["spec"]["template"]["spec"]["containers"][0]["env"]:
        if "value" in item:
            env[item["name"]] = item["value"]
        elif item["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.namespace":
            env[item["name"]] = job["metadata"]["namespace"]
    env["JOB_COMPLETION_INDEX"] = str(index)
    return env


def test_three_workers_get_one_cluster_and_their_own_index():
    by_kind, _ = render(3)
    job, svc = by_kind["Job"], by_kind["Service"]
    name = job["metadata"]["name"]
    expected = [f"{name}-{i}.{svc['metadata']['name']}.ml.svc:2222" for i in range(3)]
    for index in range(3):
        cfg = tf_config_from_env(pod_env(job, index))
        assert cfg["cluster"] == {"worker": expected}
        assert cfg["task"] == {"type": "worker", "index": index}
    # The addresses resolve only because the pod hostname is "<job>-<index>" and its subdomain
    # is the headless Service: check those links rather than trusting the strings.
    assert job["spec"]["template"]["spec"]["subdomain"] == svc["metadata"]["name"]
    assert svc["spec"]["clusterIP"] == "None" and svc["spec"]["publishNotReadyAddresses"] is True
    pod_labels = job["spec"]["template"]["metadata"]["labels"]
    assert all(pod_labels.get(k) == v for k, v in svc["spec"]["selector"].items())
    assert svc["spec"]["ports"][0]["port"] == 2222
    assert job["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] == 2222


def test_job_is_indexed_with_one_pod_per_worker_and_restarts():
    by_kind, objs = render(3)
    spec = by_kind["Job"]["spec"]
    assert spec["completionMode"] == "Indexed"
    assert spec["completions"] == spec["parallelism"] == 3
    assert spec["template"]["spec"]["restartPolicy"] == "OnFailure"
    assert spec["backoffLimit"] >= 3
    assert [o["kind"] for o in objs] == ["ConfigMap", "Service", "Job"]  # apply order: spec before pods


def test_pods_resume_from_the_shared_pvc_and_read_the_mounted_job_file():
    by_kind, _ = render(2, shared_pvc="ckpts")
    pod = by_kind["Job"]["spec"]["template"]["spec"]
    vols = {v["name"]: v for v in pod["volumes"]}
    assert vols["shared"]["persistentVolumeClaim"]["claimName"] == "ckpts"
    assert vols["job"]["configMap"]["name"] == by_kind["ConfigMap"]["metadata"]["name"]
    container = pod["containers"][0]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert container["args"] == ["--job", f"{mounts['job']}/job.json"]
    assert pod_env(by_kind["Job"], 0)["AKID_RUNS_DIR"].startswith(mounts["shared"])


def test_configmap_carries_the_graph_and_forces_multi_worker():
    by_kind, _ = render(3)
    spec = JobSpec.from_json(json.loads(by_kind["ConfigMap"]["data"]["job.json"]))
    assert spec.run_id == "r1" and spec.graph == GRAPH
    assert spec.config["strategy"] == "multi_worker" and spec.config["workers"] == 3
    assert spec.config["epochs"] == 2
    assert "strategy" not in CONFIG  # the caller's dict is not mutated


def test_logdir_can_point_at_the_studios_run_directory():
    by_kind, _ = render(2, logdir="/shared/data/runs/r1")
    spec = JobSpec.from_json(json.loads(by_kind["ConfigMap"]["data"]["job.json"]))
    assert str(spec.resolved_logdir()) == "/shared/data/runs/r1"
    by_kind, _ = render(2)
    spec = JobSpec.from_json(json.loads(by_kind["ConfigMap"]["data"]["job.json"]))
    assert str(spec.resolved_logdir(pod_env(by_kind["Job"], 0)["AKID_RUNS_DIR"])) == "/shared/runs/r1"


def test_single_worker_needs_no_multi_worker_strategy():
    by_kind, _ = render(1)
    assert json.loads(by_kind["ConfigMap"]["data"]["job.json"])["config"] == CONFIG
    assert tf_config_from_env(pod_env(by_kind["Job"], 0))["cluster"]["worker"][0].endswith(":2222")


@pytest.mark.parametrize("run_id", ["Run_42", "a" * 120, "x.y"])
def test_job_names_are_dns_labels_and_unique(run_id):
    name = k8s.job_name_for(run_id)
    assert len(name) <= k8s.MAX_NAME and name == name.lower()
    assert all(c.isalnum() or c == "-" for c in name) and not name.endswith("-")
    assert len(f"{name}-999") <= 63  # pod hostnames
    assert k8s.job_name_for(run_id.upper() + "z") != name


def test_rejects_bad_inputs():
    with pytest.raises(ValueError, match="workers"):
        render(0)
    with pytest.raises(ValueError, match="too large"):
        k8s.render_training_job("big", dict(GRAPH, name="x" * 1_100_000), CONFIG, 2, "img", "ml")


def test_tf_config_for_matches_the_contract():
    cfg = k8s.tf_config_for(1, 3, "akid-train-r1", 2222)
    assert cfg == {
        "cluster": {"worker": [f"akid-train-r1-{i}.akid-train-r1:2222" for i in range(3)]},
        "task": {"type": "worker", "index": 1},
    }
    with pytest.raises(ValueError):
        k8s.tf_config_for(3, 3, "s", 2222)


def test_kubernetes_available_reports_why_not(tmp_path):
    ok, reason = k8s.kubernetes_available({"HOME": str(tmp_path)})
    assert not ok and "kube config" in reason
    ok, reason = k8s.kubernetes_available({"AKID_K8S": "0", "HOME": str(tmp_path)})
    assert not ok and "disabled" in reason
    broken = tmp_path / "broken"
    broken.write_text("apiVersion: v1\nkind: Config\ncontexts: []\n")
    ok, reason = k8s.kubernetes_available({"KUBECONFIG": str(broken)})
    assert not ok and str(broken) in reason


def test_kubernetes_available_with_a_kube_config(tmp_path):
    cfg = tmp_path / "config"
    cfg.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: lab\n"
        "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443'}}]\n"
        "users: [{name: u, user: {token: dummy}}]\n"
        "contexts: [{name: lab, context: {cluster: c, user: u, namespace: ml}}]\n"
    )
    ok, reason = k8s.kubernetes_available({"KUBECONFIG": str(cfg)})
    assert ok and "'lab'" in reason


class FakeApi:
    """Records calls like CoreV1Api/BatchV1Api; can fail on one method."""

    def __init__(self, calls: list, fail_on: str | None = None):
        self.calls, self.fail_on = calls, fail_on

    def __getattr__(self, method):
        def call(*args, **kwargs):
            self.calls.append((method, args, kwargs))
            if method == self.fail_on:
                raise RuntimeError("409 Conflict")
            return type("Obj", (), {"metadata": type("M", (), {"uid": "uid-1"})()})()

        return call


def test_submit_creates_in_order_then_sets_owner():
    calls: list = []
    api = FakeApi(calls)
    out = k8s.submit_training_job("r1", GRAPH, CONFIG, 3, "img", "ml", core_api=api, batch_api=api)
    methods = [c[0] for c in calls]
    assert methods == [
        "create_namespaced_config_map",
        "create_namespaced_service",
        "create_namespaced_job",
        "patch_namespaced_config_map",
        "patch_namespaced_service",
    ]
    assert calls[2][1][1]["spec"]["completions"] == 3
    owner = calls[3][1][2]["metadata"]["ownerReferences"][0]
    assert owner["kind"] == "Job" and owner["uid"] == "uid-1" and owner["name"] == out["job"]


def test_submit_rolls_back_on_failure():
    calls: list = []
    api = FakeApi(calls, fail_on="create_namespaced_job")
    with pytest.raises(RuntimeError):
        k8s.submit_training_job("r1", GRAPH, CONFIG, 2, "img", "ml", core_api=api, batch_api=api)
    assert [c[0] for c in calls][-2:] == ["delete_namespaced_service", "delete_namespaced_config_map"]


def _job_status(**status):
    ns = type("NS", (), {})
    obj = ns()
    obj.status = ns()
    for key in ("active", "succeeded", "failed", "conditions"):
        setattr(obj.status, key, status.get(key))
    return obj


def _cond(type_, reason="", message=""):
    return type("C", (), {"type": type_, "status": "True", "reason": reason, "message": message})()


@pytest.mark.parametrize(
    "status,state",
    [
        ({}, "queued"),
        ({"active": 3}, "running"),
        ({"succeeded": 3, "conditions": [_cond("Complete")]}, "completed"),
        ({"failed": 9, "active": 1, "conditions": [_cond("Failed", "BackoffLimitExceeded", "too many restarts")]}, "failed"),
    ],
)
def test_job_status_maps_to_run_states(status, state):
    class Batch:
        def read_namespaced_job_status(self, name, namespace):
            assert name == k8s.job_name_for("r1") and namespace == "ml"
            return _job_status(**status)

    out = k8s.training_job_status("r1", "ml", batch_api=Batch())
    assert out["state"] == state
    if state == "failed":
        assert "BackoffLimitExceeded" in out["reason"]


def test_settings_from_env_matches_the_studio_deployment():
    assert k8s.settings_from_env({"AKID_IMAGE": "r/akid:2", "AKID_K8S_NAMESPACE": "ml"}) == {
        "image": "r/akid:2",
        "namespace": "ml",
        "shared_pvc": "akid-shared",
    }
