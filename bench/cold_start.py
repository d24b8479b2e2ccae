"""Cold start: seconds from starting ``python -m akid serve`` to ``GET /api/blocks`` answered.

Why: the editor cannot draw its palette before the block list arrives, so this is
how long a user stares at an empty studio after starting it. Measured on the
shared server of :mod:`studio` (``akid serve`` with the benchmark trainer as its
run target), which is why this benchmark runs first: it starts that server.
The figure includes Python start-up, imports, the database migration and the
first answer. Also reported: when the port started accepting connections and
the time from then to the answer (issue 12's "< 1 s after the port opens").
Target: < 1 s from the process start; ratio = 1 s / that figure.

    python bench/cold_start.py
"""

from __future__ import annotations

import json
from typing import Any

from common import result
from studio import Shared

TARGET_S = 1.0


def run(quick: bool = False, smoke: bool = False, shared: Shared | None = None) -> dict[str, Any]:
    own = shared is None
    shared = shared or Shared()
    try:
        studio = shared.studio()
        seconds = studio.started_s
        blocks = studio.api("GET", "/api/blocks")
    finally:
        if own:
            shared.close()
    count = len(blocks.get("blocks", blocks)) if isinstance(blocks, (dict, list)) else None
    return result(
        "cold_start",
        TARGET_S / seconds,
        f"/api/blocks answered < {TARGET_S:.0f} s after the server process started",
        seconds < TARGET_S,
        seconds_to_blocks=round(seconds, 3),
        seconds_to_port_open=None if studio.port_open_s is None else round(studio.port_open_s, 3),
        seconds_after_port_open=None if studio.port_open_s is None else round(seconds - studio.port_open_s, 3),
        blocks=count,
    )


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
