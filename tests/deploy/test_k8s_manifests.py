"""Every manifest under deploy/k8s/ (and a freshly rendered training Job) passes
``kubernetes-validate --strict`` offline, and the manifests agree with each other."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from akid.deploy import k8s

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
EXAMPLES = ROOT / "deploy" / "examples"
K8S_VERSION = "1.30.0"  # bundled with kubernetes-validate: no schema download
MANIFESTS = sorted(p for p in K8S.rglob("*.yaml") if p.name != "kustomization.yaml")


def validator() -> str:
    """The CLI next to this interpreter (the venv), else on PATH. Missing = failure, not skip:
    CI must not go green because the tool vanished from requirements-dev.txt."""
    here = Path(sys.executable).parent / "kubernetes-validate"
    found = str(here) if here.exists() else shutil.which("kubernetes-validate")
    assert found, "kubernetes-validate is missing: pip install -r requirements-dev.txt"
    return found


def validate(*paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [validator(), "--strict", "-k", K8S_VERSION, *map(str, paths)], capture_output=True, text=True, timeout=60
    )


def docs(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def all_docs() -> list[dict]:
    return [d for p in MANIFESTS for d in docs(p)]


def test_every_manifest_validates_strictly():
    assert len(MANIFESTS) >= 8
    result = validate(*MANIFESTS)
    assert result.returncode == 0, result.stdout + result.stderr
    passed = result.stdout.count(" passed for resource ")
    assert passed == len(all_docs()), result.stdout


def test_strict_validation_really_rejects_unknown_fields(tmp_path):
    """Guards against a validator that passes everything (e.g. a missing schema)."""
    job = k8s.render_training_job("neg", {}, {}, 2, "img", "akid")[2]
    job["spec"]["completionsMode"] = "Indexed"  # typo
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(job))
    result = validate(bad)
    assert result.returncode != 0 and "completionsMode" in result.stdout + result.stderr


def test_rendered_training_job_validates(tmp_path):
    objs = k8s.render_training_job(
        "ci-run", {"format": "akid.graph/v1", "nodes": [], "edges": []}, {"epochs": 1}, 3, "registry.example/akid:1", "akid"
    )
    out = tmp_path / "job.yaml"
    out.write_text(k8s.to_yaml(objs))
    result = validate(out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(" passed for resource ") == 3


def test_committed_example_job_is_what_the_renderer_produces():
    """training/example-job.yaml is documentation; regenerate it when the renderer changes:
    python -m akid.deploy.k8s render --run-id example --graph deploy/examples/mlp.graph.json \\
      --config deploy/examples/train.config.json --workers 3 --image akid-studio:latest --namespace akid"""
    import json

    graph = json.loads((EXAMPLES / "mlp.graph.json").read_text())
    config = json.loads((EXAMPLES / "train.config.json").read_text())
    fresh = k8s.render_training_job("example", graph, config, 3, "akid-studio:latest", "akid")
    assert docs(K8S / "training" / "example-job.yaml") == fresh


def test_kustomization_lists_the_stack_and_files_exist():
    kust = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = {K8S / r for r in kust["resources"]}
    assert all(p.is_file() for p in listed), sorted(map(str, listed))
    templates = {K8S / "secret.example.yaml", K8S / "training" / "example-job.yaml"}
    assert listed == set(MANIFESTS) - templates  # nothing forgotten, no secret applied


def test_no_real_secret_values_are_committed():
    secrets = [d for d in all_docs() if d["kind"] == "Secret"]
    assert secrets, "the Secret template is missing"
    for s in secrets:
        assert "data" not in s  # base64 blobs hide real values from review
        assert all("CHANGE-ME" in v for v in s["stringData"].values()), s["stringData"]


def test_referenced_secrets_claims_and_accounts_exist():
    objs = all_docs()
    secret_keys = {(d["metadata"]["name"], k) for d in objs if d["kind"] == "Secret" for k in d["stringData"]}
    claims = {d["metadata"]["name"] for d in objs if d["kind"] == "PersistentVolumeClaim"}
    accounts = {d["metadata"]["name"] for d in objs if d["kind"] == "ServiceAccount"}
    pods = [d["spec"]["template"]["spec"] for d in objs if d["kind"] in {"Deployment", "StatefulSet"}]
    for pod in pods:
        for c in pod["containers"]:
            for e in c.get("env", []):
                ref = e.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert (ref["name"], ref["key"]) in secret_keys
        for v in pod.get("volumes", []):
            if "persistentVolumeClaim" in v:
                assert v["persistentVolumeClaim"]["claimName"] in claims
        if "serviceAccountName" in pod:
            assert pod["serviceAccountName"] in accounts


def test_services_select_their_pods_and_probe_the_health_endpoint():
    objs = all_docs()
    labels = [d["spec"]["template"]["metadata"]["labels"] for d in objs if d["kind"] in {"Deployment", "StatefulSet", "Job"}]
    for svc in (d for d in objs if d["kind"] == "Service"):
        sel = svc["spec"]["selector"]
        assert any(all(lab.get(k) == v for k, v in sel.items()) for lab in labels), svc["metadata"]["name"]
    studio = next(d for d in objs if d["kind"] == "Deployment")
    container = studio["spec"]["template"]["spec"]["containers"][0]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == "/api/health"
    env = {e["name"]: e.get("value") for e in container["env"]}
    # $(POSTGRES_PASSWORD) expands only if that variable is defined earlier in the list
    names = [e["name"] for e in container["env"]]
    assert names.index("POSTGRES_PASSWORD") < names.index("AKID_DB_URL")
    assert "$(POSTGRES_PASSWORD)@postgres:5432" in env["AKID_DB_URL"]


def test_pods_run_as_the_images_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "USER 10001:10001" in dockerfile
    for d in all_docs():
        if d["kind"] in {"Deployment", "StatefulSet", "Job"}:
            sc = d["spec"]["template"]["spec"]["securityContext"]
            assert sc["runAsNonRoot"] is True and sc["runAsUser"] != 0
            if d["metadata"]["name"] != "postgres":
                assert sc["runAsUser"] == 10001


def test_studio_can_submit_jobs_that_mount_the_shared_claim():
    objs = all_docs()
    studio = next(d for d in objs if d["kind"] == "Deployment")
    env = {e["name"]: e.get("value") for e in studio["spec"]["template"]["spec"]["containers"][0]["env"]}
    claims = {d["metadata"]["name"] for d in objs if d["kind"] == "PersistentVolumeClaim"}
    assert env["AKID_K8S_SHARED_PVC"] in claims
    assert env["AKID_IMAGE"] == studio["spec"]["template"]["spec"]["containers"][0]["image"]
    role = next(d for d in objs if d["kind"] == "Role")
    granted = {(g, r, v) for rule in role["rules"] for g in rule["apiGroups"] for r in rule["resources"] for v in rule["verbs"]}
    needed = {
        ("batch", "jobs", "create"),
        ("batch", "jobs", "delete"),
        ("batch", "jobs/status", "get"),
        ("", "configmaps", "create"),
        ("", "configmaps", "patch"),
        ("", "configmaps", "delete"),
        ("", "services", "create"),
        ("", "services", "patch"),
        ("", "services", "delete"),
    }
    assert needed <= granted, needed - granted
    binding = next(d for d in objs if d["kind"] == "RoleBinding")
    assert binding["subjects"][0]["name"] == studio["spec"]["template"]["spec"]["serviceAccountName"]
