"""The one event pipeline: coalescing (Nagle-like), status bookkeeping, unknown kinds, ANSI codes."""

from __future__ import annotations

from backend.runs.events import EventRouter, RunEvents


class FakeHub:
    def __init__(self, idle: bool) -> None:
        self.idle, self.published = idle, []

    def room_idle(self, run_id: str) -> bool:
        return self.idle

    def publish(self, run_id, kind, payload, atts=None):
        self.published.append((kind, payload))
        return len(self.published)


class FakeStore:
    def __init__(self) -> None:
        self.updates = []

    def update_run(self, run_id, **fields):
        self.updates.append(fields)


def point(step: int) -> dict:
    return {"points": [{"step": step, "name": "loss", "value": 1.0}]}


def test_idle_channel_sends_every_point_at_once():
    hub = FakeHub(idle=True)
    router, rs = EventRouter(FakeStore(), hub, batch_interval=60.0), RunEvents("r")
    for s in range(3):
        router.handle(rs, "metrics", point(s))
    assert [k for k, _ in hub.published] == ["metrics"] * 3


def test_busy_channel_coalesces_into_one_batch():
    hub = FakeHub(idle=False)
    router, rs = EventRouter(FakeStore(), hub, batch_interval=60.0), RunEvents("r")
    for s in range(4):
        router.handle(rs, "metrics", point(s))
    assert len(hub.published) == 1  # the leading edge
    router.handle(rs, "error", {"message": "\x1b[31mboom\x1b[0m"})  # errors flush what led to them
    assert [k for k, _ in hub.published] == ["metrics", "metrics", "error"]
    assert [p["step"] for p in hub.published[1][1]["points"]] == [1, 2, 3]
    assert hub.published[2][1]["message"] == "boom" and rs.saw_error


def test_status_and_unknown_kinds_and_worker_tags():
    hub, store = FakeHub(idle=True), FakeStore()
    router, rs = EventRouter(store, hub), RunEvents("r")
    router.handle(rs, "status", {"state": "running", "step": 5}, worker=1)
    router.handle(rs, "status", {"state": "completed", "step": 9})  # the end is announced by the watcher
    router.handle(rs, "metrics", point(1), worker=2)
    router.handle(rs, "bogus", {})
    kinds = [k for k, _ in hub.published]
    assert kinds == ["status", "metrics", "log"]
    assert hub.published[0][1]["worker"] == 1 and hub.published[1][1]["points"][0]["worker"] == 2
    assert rs.status["step"] == 9 and store.updates[0]["step"] == 5


def test_a_burst_already_read_goes_out_as_one_batch_even_when_idle():
    """Points that arrived while the last batch was going out are not sent one message each."""
    hub = FakeHub(idle=True)
    router, rs = EventRouter(FakeStore(), hub, batch_interval=60.0), RunEvents("r")
    for s in range(3):
        router.handle(rs, "metrics", point(s), more=s < 2)  # the reader saw the next frame waiting
    assert [[p["step"] for p in payload["points"]] for _, payload in hub.published] == [[0, 1, 2]]
    router.handle(rs, "metrics", point(3), more=True)
    assert router.due(rs, 0.0)  # the pump's end-of-pass check sends what a burst left waiting
