"""Worker -> server frames: JSON header + raw attachments, NaN-safe, no pickle."""

import math

import numpy as np
import pytest

from backend.runs.wire import clean, decode, encode


def test_round_trip_with_attachments_and_numpy():
    payload = {"step": np.int64(3), "value": np.float32(0.5), "arr": np.arange(3), "bad": float("nan"), "inf": math.inf}
    kind, out, atts = decode(encode("images", payload, [b"\x89PNG1", b"", b"xyz"]))
    assert kind == "images" and atts == [b"\x89PNG1", b"", b"xyz"]
    assert out == {"step": 3, "value": 0.5, "arr": [0, 1, 2], "bad": None, "inf": None}


def test_truncated_frame_is_rejected():
    frame = encode("log", {"message": "x"}, [b"abc"])
    with pytest.raises(ValueError):
        decode(frame[:-1])


def test_clean_nested():
    assert clean({"a": [1.0, float("-inf"), (2, np.float64(3))]}) == {"a": [1.0, None, [2, 3.0]]}
