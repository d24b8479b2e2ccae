"""The frame format between a worker and the server: JSON header + raw attachment bytes.

Not pickle: the server never unpickles what a worker (which runs user graphs)
sends. PNG attachments travel as raw bytes (no base64 inflation).
"""

from __future__ import annotations

import json
import math
import struct
from typing import Any

_LEN = struct.Struct("!I")


def clean(obj: Any) -> Any:
    """JSON-safe copy: numpy scalars/arrays to Python, NaN/inf to None (browsers reject NaN)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, (str, int, bool)) or obj is None:
        return obj
    if isinstance(obj, dict):
        return {str(k): clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    if hasattr(obj, "tolist"):
        return clean(obj.tolist())
    if hasattr(obj, "item"):
        return clean(obj.item())
    return str(obj)


def encode(kind: str, payload: dict[str, Any], attachments: list[bytes] | tuple = ()) -> bytes:
    atts = [bytes(a) for a in attachments or ()]
    header = json.dumps({"kind": kind, "payload": clean(payload), "sizes": [len(a) for a in atts]}, allow_nan=False).encode()
    return b"".join([_LEN.pack(len(header)), header, *atts])


def decode(frame: bytes) -> tuple[str, dict[str, Any], list[bytes]]:
    (n,) = _LEN.unpack_from(frame, 0)
    header = json.loads(frame[_LEN.size : _LEN.size + n])
    atts, pos = [], _LEN.size + n
    for size in header["sizes"]:
        atts.append(frame[pos : pos + size])
        pos += size
    if pos != len(frame):
        raise ValueError("frame length does not match its header")
    return str(header["kind"]), dict(header["payload"]), atts
