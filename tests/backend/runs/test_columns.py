"""Columnar run.metrics messages: lossless against the stored per-point form."""

from backend.runs.columns import from_columns, metrics_message, to_columns


def _pts(step, wall, **vals):
    return [{"step": step, "epoch": 0, "split": "train", "name": k, "value": v, "wall": wall} for k, v in vals.items()]


def test_one_row_per_step_and_one_array_per_series():
    points = _pts(1, 10.0, loss=0.5, accuracy=0.1) + _pts(2, 10.5, loss=0.4, accuracy=0.2)
    points.append({"step": 2, "epoch": 0, "split": "val", "name": "y/accuracy", "value": 0.3, "wall": 10.5})
    cols, rest = to_columns(points)
    assert rest == []
    assert cols == {
        "step": [1, 2],
        "epoch": [0, 0],
        "wall": [10.0, 10.5],
        "series": {"train/loss": [0.5, 0.4], "train/accuracy": [0.1, 0.2], "val/y/accuracy": [None, 0.3]},
    }
    key = lambda p: (p["step"], p["split"], p["name"])
    assert sorted(from_columns(cols), key=key) == sorted(points, key=key)


def test_optional_columns_only_when_present_and_workers_get_their_own_rows():
    cols, rest = to_columns(
        [
            {"step": 3, "split": "train", "name": "loss", "value": 1.0, "worker": 0},
            {"step": 3, "split": "train", "name": "loss", "value": 2.0, "worker": 1},
        ]
    )
    assert rest == [] and "epoch" not in cols and "wall" not in cols
    assert cols["worker"] == [0, 1] and cols["series"] == {"train/loss": [1.0, 2.0]}


def test_points_a_column_cannot_hold_stay_points_in_order():
    odd = [
        {"step": 1, "split": "train", "name": "loss", "value": None},  # NaN stored as null
        {"step": 1, "split": "train", "name": "loss", "value": 1.0, "extra": "x"},
        {"step": 1, "split": "a/b", "name": "loss", "value": 1.0},
        "not a point",
    ]
    dup = [
        {"step": 5, "split": "train", "name": "loss", "value": 1.0},
        {"step": 5, "split": "train", "name": "loss", "value": 2.0},
    ]
    cols, rest = to_columns(odd + dup)
    assert rest == odd + dup[1:]
    assert cols["series"] == {"train/loss": [1.0]}


def test_metrics_message_keeps_other_keys_and_drops_points_when_all_fit():
    msg = metrics_message({"points": _pts(1, 1.0, loss=0.5), "worker": 2})
    assert msg == {"worker": 2, "columns": {"step": [1], "epoch": [0], "wall": [1.0], "series": {"train/loss": [0.5]}}}
    assert metrics_message({"points": []})["columns"] == {"step": [], "series": {}}
