"""The training worker: TF_CONFIG before training, resume after a restart, results and exit codes."""

from __future__ import annotations

import json
import os
import threading

import pytest

from akid.deploy import worker
from akid.deploy.jobspec import JobSpec, JobSpecError, load_job_spec, write_job_spec

GRAPH = {"format": "akid.graph/v1", "name": "g", "nodes": [], "edges": []}


class FakeTrainer:
    """Stands in for akid.train.api.train; records what the worker handed it."""

    def __init__(self, fail: Exception | None = None, stop_midway: threading.Event | None = None):
        self.calls: list[dict] = []
        self.fail, self.stop_midway = fail, stop_midway

    def __call__(self, graph, config, *, logdir, sink, stop, resume):
        self.calls.append(
            {"graph": graph, "config": config, "logdir": logdir, "resume": resume, "tf_config": os.environ.get("TF_CONFIG")}
        )
        sink("status", {"state": "running", "step": 1}, [])
        sink("images", {"step": 1, "items": [{"index": 0}]}, [b"\x89PNG fake"])
        if self.fail:
            raise self.fail
        if self.stop_midway:
            stop.set()
        return {"loss": 0.5}


@pytest.fixture(autouse=True)
def _restore_tf_config(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)  # run_job sets it in os.environ


def spec(tmp_path, **config):
    return JobSpec("run-1", GRAPH, config, logdir=str(tmp_path / "run-1"))


def events(outdir):
    return [json.loads(line) for line in (outdir / "events.jsonl").read_text().splitlines()]


def test_k8s_worker_sets_tf_config_and_forces_multi_worker(tmp_path):
    trainer = FakeTrainer()
    env = {"AKID_WORKERS": "3", "JOB_COMPLETION_INDEX": "2", "AKID_WORKER_SERVICE": "svc"}
    code = worker.run_job(spec(tmp_path, epochs=1, strategy="default"), env, trainer=trainer, log=lambda m: None)
    assert code == worker.EXIT_OK
    call = trainer.calls[0]
    assert json.loads(call["tf_config"])["task"] == {"type": "worker", "index": 2}
    assert call["config"] == {"epochs": 1, "strategy": "multi_worker", "workers": 3}
    assert call["resume"] is False
    out = tmp_path / "run-1" / "workers" / "worker-2"
    assert json.loads((out / "result.json").read_text()) | {"wall": 0} == {
        "state": "completed",
        "metrics": {"loss": 0.5},
        "wall": 0,
    }
    assert [e["kind"] for e in events(out)] == ["log", "status", "images"]
    assert not list(out.glob("att-*.png"))  # only the chief stores images


def test_restart_resumes_and_chief_keeps_images(tmp_path):
    trainer = FakeTrainer()
    job = spec(tmp_path)
    assert worker.run_job(job, {}, trainer=trainer, log=lambda m: None) == 0
    assert worker.run_job(job, {}, trainer=trainer, log=lambda m: None) == 0
    assert [c["resume"] for c in trainer.calls] == [False, True]
    assert trainer.calls[0]["tf_config"] is None  # single worker: TF_CONFIG untouched
    out = tmp_path / "run-1" / "workers" / "worker-0"
    pngs = sorted(out.glob("att-*.png"))
    assert len(pngs) == 2 and pngs[0].read_bytes() == b"\x89PNG fake"
    assert [e["seq"] for e in events(out)] == [1, 2, 3, 4, 5, 6]  # a restart appends and continues seq


def test_failure_is_recorded_and_exits_1(tmp_path):
    code = worker.run_job(spec(tmp_path), {}, trainer=FakeTrainer(fail=ValueError("boom")), log=lambda m: None)
    assert code == worker.EXIT_FAILED
    out = tmp_path / "run-1" / "workers" / "worker-0"
    assert json.loads((out / "result.json").read_text())["state"] == "failed"
    assert events(out)[-1]["kind"] == "error" and "boom" in events(out)[-1]["payload"]["message"]


def test_stopped_early_exits_nonzero_so_kubernetes_retries(tmp_path):
    code = worker.run_job(spec(tmp_path), {}, trainer=FakeTrainer(stop_midway=threading.Event()), log=lambda m: None)
    assert code == worker.EXIT_TERMINATED


def test_bad_cluster_description_exits_2_without_training(tmp_path):
    trainer = FakeTrainer()
    assert worker.run_job(spec(tmp_path), {"AKID_WORKERS": "2"}, trainer=trainer, log=lambda m: None) == 2
    assert trainer.calls == []


def test_heartbeat_is_refreshed_by_events(tmp_path):
    beat = tmp_path / "hb"
    worker.run_job(spec(tmp_path), {}, trainer=FakeTrainer(), heartbeat=str(beat), log=lambda m: None)
    assert beat.exists()


def test_job_file_round_trip_and_errors(tmp_path):
    path = write_job_spec(JobSpec("r1", GRAPH, {"epochs": 1}), tmp_path / "jobs" / "job.json")
    assert load_job_spec(path) == JobSpec("r1", GRAPH, {"epochs": 1})
    assert not list(path.parent.glob(".job-*"))  # no temp file left behind
    for doc, match in [
        ({"format": "akid.job/v2"}, "unknown job format"),
        ({"format": "akid.job/v1", "run_id": "r", "graph": {}, "extra": 1}, "unknown keys"),
        ({"format": "akid.job/v1", "run_id": "../etc", "graph": {}}, "run_id"),
        ({"format": "akid.job/v1", "graph": {}}, "run_id"),
    ]:
        path.write_text(json.dumps(doc))
        with pytest.raises(JobSpecError, match=match):
            load_job_spec(path)
    with pytest.raises(JobSpecError, match="cannot read"):
        load_job_spec(tmp_path / "missing.json")


def test_logdir_defaults_under_runs_dir(tmp_path):
    assert JobSpec("r1", GRAPH).resolved_logdir(str(tmp_path)) == tmp_path / "r1"


def test_main_waits_for_the_job_file_then_fails_cleanly_on_a_bad_one(tmp_path, capsys):
    job = tmp_path / "job.json"
    code = worker.main(["--job", str(job), "--wait", "--wait-timeout", "0", "--heartbeat", str(tmp_path / "hb")])
    assert code == worker.EXIT_BAD_JOB and "no job file" in capsys.readouterr().err
    job.write_text("{}")
    assert worker.main(["--job", str(job), "--heartbeat", str(tmp_path / "hb")]) == worker.EXIT_BAD_JOB
