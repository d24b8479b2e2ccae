"""Metric series and min/max-preserving downsampling."""

from backend.metrics import downsample, series_from_events


def test_series_from_events_groups_and_sorts():
    evs = [
        {
            "payload": {
                "points": [
                    {"step": 2, "split": "train", "name": "loss", "value": 0.5},
                    {"step": 2, "split": "val", "name": "y/accuracy", "value": 0.9},
                ]
            }
        },
        {
            "payload": {
                "points": [
                    {"step": 1, "split": "train", "name": "loss", "value": 0.7},
                    {"step": 3, "split": "train", "name": "loss", "value": None},
                ]
            }
        },
    ]
    assert series_from_events(evs) == {"train/loss": [[1, 0.7], [2, 0.5]], "val/y/accuracy": [[2, 0.9]]}


def test_downsample_keeps_ends_and_extremes():
    pts = [[i, 1.0] for i in range(1000)]
    pts[500][1] = 99.0  # a spike striding would lose
    pts[700][1] = -5.0
    out = downsample(pts, 50)
    assert len(out) <= 50 and out[0] == [0, 1.0] and out[-1] == [999, 1.0]
    assert [500, 99.0] in out and [700, -5.0] in out
    assert [p[0] for p in out] == sorted(p[0] for p in out)
    assert downsample(pts[:10], 50) == pts[:10]
    assert len(downsample(pts, 2)) == 2
