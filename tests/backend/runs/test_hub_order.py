"""The hub sends a scalar event before storing it (the SQLite write is off the live path) and
stores pictures first (their message carries the stored numbers); both under the run's lock."""

from backend.runs.hub import EventHub


class Store:
    def __init__(self, log):
        self.log, self.n = log, 0

    def max_seq(self, run_id):
        return 0

    def add_event(self, run_id, seq, kind, payload, atts=None):
        self.log.append(("store", kind, seq))
        self.n += len(atts or [])
        return list(range(self.n - len(atts or []) + 1, self.n + 1))


class SocketIO:
    def __init__(self, log):
        self.log, self.server = log, None

    def emit(self, event, msg, to=None, namespace=None):
        self.log.append(("emit", event, msg))


def test_scalars_go_out_before_the_store_write_pictures_after():
    log = []
    hub = EventHub(Store(log), SocketIO(log))
    hub.publish("r", "metrics", {"points": [{"step": 1, "split": "train", "name": "loss", "value": 0.5}]})
    hub.publish("r", "images", {"step": 1, "items": [{"index": 0}]}, [b"png"])
    assert [(e[0], e[1]) for e in log] == [
        ("emit", "run.metrics"),
        ("store", "metrics"),
        ("store", "images"),
        ("emit", "run.images"),
    ]
    metrics, images = log[0][2], log[3][2]
    assert metrics["seq"] == 1 and metrics["columns"]["series"] == {"train/loss": [0.5]} and "points" not in metrics
    assert images["seq"] == 2 and images["images"] == [1] and images["attachments"] == [b"png"]
