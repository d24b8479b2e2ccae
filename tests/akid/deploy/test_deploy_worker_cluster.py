"""A real two-process cluster through ``python -m akid.deploy.worker`` (what each pod runs):
each process builds TF_CONFIG from its index, trains one synchronous run, the chief checkpoints."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from akid.deploy.jobspec import JobSpec, write_job_spec

ROOT = Path(__file__).resolve().parents[3]


def free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


@pytest.mark.slow
def test_two_workers_train_one_run_and_the_chief_checkpoints(tmp_path):
    graph = json.loads((ROOT / "deploy" / "examples" / "mlp.graph.json").read_text())
    config = json.loads((ROOT / "deploy" / "examples" / "train.config.json").read_text())
    config.update(
        epochs=1,
        workers=2,
        steps_per_epoch=4,  # the cluster is the point, not the training
        observers={"histograms_every": 0, "images_every": 0, "confusion": False, "tensorboard": False},
    )
    job = write_job_spec(JobSpec("cluster", graph, config, logdir=str(tmp_path / "run")), tmp_path / "job.json")
    hosts = ",".join(f"127.0.0.1:{p}" for p in free_ports(2))
    env = {k: v for k, v in os.environ.items() if k != "TF_CONFIG"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "akid.deploy.worker", "--job", str(job), "--heartbeat", str(tmp_path / f"hb{i}")],
            cwd=ROOT,
            env=env | {"AKID_WORKERS": "2", "AKID_WORKER_HOSTS": hosts, "AKID_WORKER_INDEX": str(i), "TF_CPP_MIN_LOG_LEVEL": "3"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for i in range(2)
    ]
    try:
        outs = [p.communicate(timeout=120)[0] for p in procs]
    finally:
        for p in procs:
            p.kill()
    assert [p.returncode for p in procs] == [0, 0], "\n".join(o[-3000:] for o in outs)
    results = [json.loads((tmp_path / "run" / "workers" / f"worker-{i}" / "result.json").read_text()) for i in range(2)]
    assert [r["state"] for r in results] == ["completed", "completed"]
    assert results[0]["metrics"]["steps"] == results[1]["metrics"]["steps"] > 0  # one synchronous run
    assert (tmp_path / "run" / "checkpoints" / "checkpoint").is_file()  # the chief wrote to the shared logdir
    events = [json.loads(line) for line in (tmp_path / "run" / "workers" / "worker-1" / "events.jsonl").read_text().splitlines()]
    assert any(e["payload"].get("worker") == 1 for e in events if e["kind"] == "metrics")
