"""The hub sends every event before storing it (the SQLite write is off the live path), and
stores pictures' attachments before the event takes its seq, outside the run's lock (a large
picture never holds up a scalar event of the same run)."""

import threading

from backend.runs.hub import EventHub


class Store:
    def __init__(self, log):
        self.log, self.n = log, 0

    def max_seq(self, run_id):
        return 0

    def add_attachments(self, run_id, atts):
        self.log.append(("attachments", len(atts)))
        self.n += len(atts)
        return list(range(self.n - len(atts) + 1, self.n + 1))

    def add_event(self, run_id, seq, kind, payload, atts=None, images=None):
        self.log.append(("store", kind, seq, images))
        return list(images or [])


class SocketIO:
    def __init__(self, log):
        self.log, self.server = log, None

    def emit(self, event, msg, to=None, namespace=None):
        self.log.append(("emit", event, msg))


def test_events_go_out_before_the_store_write_attachments_before_the_seq():
    log = []
    hub = EventHub(Store(log), SocketIO(log))
    hub.publish("r", "metrics", {"points": [{"step": 1, "split": "train", "name": "loss", "value": 0.5}]})
    hub.publish("r", "images", {"step": 1, "items": [{"index": 0}]}, [b"png"])
    assert [e[:2] for e in log] == [
        ("emit", "run.metrics"),
        ("store", "metrics"),
        ("attachments", 1),
        ("emit", "run.images"),
        ("store", "images"),
    ]
    metrics, images = log[0][2], log[3][2]
    assert metrics["seq"] == 1 and metrics["columns"]["series"] == {"train/loss": [0.5]} and "points" not in metrics
    assert images["seq"] == 2 and images["images"] == [1] and images["attachments"] == [b"png"]
    assert log[4] == ("store", "images", 2, [1])  # the stored event names its pictures


def test_a_slow_picture_write_does_not_hold_the_runs_lock():
    """While one thread stores a picture, a scalar event of the same run is published at once."""
    log, writing, release = [], threading.Event(), threading.Event()

    class SlowPictures(Store):
        def add_attachments(self, run_id, atts):
            writing.set()
            assert release.wait(10)
            return super().add_attachments(run_id, atts)

    hub = EventHub(SlowPictures(log), SocketIO(log))
    t = threading.Thread(target=hub.publish, args=("r", "images", {"items": [{"index": 0}]}, [b"png"]))
    t.start()
    assert writing.wait(10)
    hub.publish("r", "metrics", {"points": [{"step": 1, "split": "train", "name": "loss", "value": 0.5}]})
    assert [e[:2] for e in log] == [("emit", "run.metrics"), ("store", "metrics")]  # not behind the picture
    release.set()
    t.join(10)
    assert [e[:2] for e in log][-2:] == [("emit", "run.images"), ("store", "images")]
    assert log[-1][2] == 2  # the picture took the next seq when it was published
