"""A real two-process MultiWorkerMirroredStrategy cluster on 127.0.0.1, and its fault recovery."""

from __future__ import annotations

import os
import signal

import pytest
from train_helpers import Recorder, bn_mlp, tiny_mlp

from akid.train import api

QUIET = {"histograms_every": 0, "images_every": 0}


@pytest.mark.slow
def test_two_workers_end_with_identical_weights(tmp_path):
    rec = Recorder()
    cfg = {"epochs": 1, "strategy": "multi_worker", "workers": 2, "optimizer": {"learning_rate": 0.01}, "observers": QUIET}
    result = api.train(bn_mlp(), cfg, logdir=tmp_path, sink=rec)
    assert result["state"] == "completed" and result["restarts"] == 0 and result["lost_steps"] == 0
    workers = result["workers"]
    assert [w["index"] for w in workers] == [0, 1]
    assert workers[0]["weights_digest"] == workers[1]["weights_digest"] == result["weights_digest"]
    assert workers[0]["steps"] == workers[1]["steps"] == result["steps"] == 1295 // 32
    # both workers' events are visible, tagged with their index
    assert {p.get("worker") for p, _ in rec.of("metrics")} == {0, 1}
    assert rec.points("loss", worker=0)[-1][1] == pytest.approx(rec.points("loss", worker=1)[-1][1], rel=1e-5)
    assert result["val"]["label/accuracy"] > 0.7
    assert rec.events[-1][1]["state"] == "completed"
    # the chief wrote the checkpoints and TensorBoard files; the other worker's temp dir is empty
    assert (tmp_path / "checkpoints").is_dir() and any((tmp_path / "tb" / "train").iterdir())
    assert not any((tmp_path / "tmp" / "worker_1").iterdir())


@pytest.mark.slow
def test_killed_worker_restarts_from_checkpoint(tmp_path):
    rec = Recorder()
    state = {"pids": None, "killed": False}

    def sink(kind, payload, attachments):
        rec(kind, payload, attachments)
        if kind == "log" and "pids" in payload and state["pids"] is None:
            state["pids"] = payload["pids"]
        if kind == "metrics" and not state["killed"] and max(p["step"] for p in payload["points"]) >= 12:
            state["killed"] = True
            os.kill(state["pids"][1], signal.SIGKILL)

    cfg = {"epochs": 1, "strategy": "multi_worker", "workers": 2, "checkpoint_every": 8, "observers": QUIET}
    result = api.train(tiny_mlp(), cfg, logdir=tmp_path, sink=sink)
    assert state["killed"]
    assert result["state"] == "completed" and result["restarts"] == 1
    restart = next(p for p, _ in rec.of("log") if p.get("restarts") == 1 and "lost_steps" in p)
    assert "worker 1 died" in restart["message"]
    assert result["lost_steps"] == restart["lost_steps"] >= 0
    assert result["resumed_from"] == restart["resume_step"] >= 8
    assert result["steps"] == result["total_steps"] == 1295 // 32
    assert result["workers"][0]["weights_digest"] == result["workers"][1]["weights_digest"]
    # the chief's loss curve continues from the checkpoint's step after the restart
    at = next(k for k, (kind, p, _) in enumerate(rec.events) if kind == "log" and p is restart)
    after = [
        pt["step"]
        for kind, p, _ in rec.events[at:]
        if kind == "metrics" and p.get("worker") == 0
        for pt in p["points"]
        if pt["name"] == "loss"
    ]
    assert after[0] == restart["resume_step"] + 1 and after[-1] == result["steps"]


class _Proc:
    def __init__(self, code):
        self.code = code

    def poll(self):
        return self.code


def test_watch_blames_the_crashed_worker_not_the_ones_it_broke(tmp_path):
    from akid.train.launcher import _watch, free_ports

    # worker 0 raised (a collective error caused by its dead peer), worker 1 was killed: the kill is the fault
    assert _watch([_Proc(1), _Proc(-9)], None, tmp_path / "STOP", 0.0) == (1, -9)
    assert _watch([_Proc(0), _Proc(0)], None, tmp_path / "STOP", 0.0) is None
    assert _watch([_Proc(0), _Proc(2)], None, tmp_path / "STOP", 0.0) == (1, 2)
    ports = free_ports(3)
    assert len(set(ports)) == 3 and all(p > 0 for p in ports)


def test_stop_event_becomes_a_stop_file(tmp_path):
    import threading

    from akid.train.launcher import _watch
    from akid.train.worker import FileFlag

    stop = threading.Event()
    stop.set()
    flag = FileFlag(tmp_path / "STOP")
    assert not flag.is_set()
    assert _watch([_Proc(0)], stop, tmp_path / "STOP", 0.0) is None
    assert flag.is_set()


def test_silent_workers_count_as_hung(tmp_path):
    import time

    from akid.train.launcher import _watch

    class R:
        last_message = time.monotonic() - 10

    assert _watch([_Proc(None), _Proc(None)], None, tmp_path / "STOP", 0.0, router=R(), silence_s=5) == (-1, 0)
