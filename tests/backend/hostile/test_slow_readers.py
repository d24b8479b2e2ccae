"""20 subscribers that never read, during a run that sends a 50 KB picture every step.

Policy under test (docs/protocol.md, "Slow readers"): a client whose send queue holds more
than ``client_queue_max`` messages (64 on this server) is disconnected and its queue freed;
it would reconnect and re-subscribe with ``since_seq``. So the server's memory stays
bounded (baseline + RSS_SLACK, where unbounded queues would hold 20 x the run's ~15 MB of
pictures), the run completes, and careful readers get every event, in order.
"""

from __future__ import annotations

import threading
import time

from hostile_server import RSS_SLACK, TOKEN, fake_graph, wait_run
from sockets import Reader, Sleeper

STEPS, PICTURE = 300, 50_000


def test_slow_readers_are_bounded_and_fast_readers_get_everything(hostile):
    run = hostile.api(
        "POST", "/api/runs", json={"graph": fake_graph(steps=STEPS, delay=0.02, images=True, image_bytes=PICTURE), "config": {}}
    ).json()
    run_id = run["id"]
    readers = [Reader(hostile.url, TOKEN, run_id) for _ in range(2)]
    sleepers = [Sleeper(hostile.port, TOKEN, run_id) for _ in range(20)]
    peak, stop = [hostile.rss()], threading.Event()

    def watch():
        while not stop.is_set():
            peak[0] = max(peak[0], hostile.rss())
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        final = wait_run(hostile, run_id, timeout=180)
        assert final["status"] == "completed"
        last = hostile.api("GET", f"/api/runs/{run_id}/events?since_seq=0").json()["last_seq"]
        assert last > STEPS  # a picture per step plus the metrics batches
        deadline = time.monotonic() + 60
        while any(r.contiguous() < last for r in readers) and time.monotonic() < deadline:
            time.sleep(0.1)
        for r in readers:
            assert sorted(r.seqs) == list(range(1, last + 1)), f"reader missed events: has {len(r.seqs)} of {last}"
            if r.reconnects == 0:
                assert r.seqs == sorted(r.seqs), "events arrived out of order"
    finally:
        stop.set()
        watcher.join()
        for s in sleepers:
            s.close()
        for r in readers:
            r.close()
    print(f"server RSS baseline {hostile.baseline / 2**20:.0f} MiB, peak {peak[0] / 2**20:.0f} MiB during the run")
    assert peak[0] < hostile.baseline + RSS_SLACK, f"peak RSS {peak[0] / 2**20:.0f} MiB"
    assert "dropped slow socket client" in hostile.log_text()
    assert hostile.api("GET", "/api/health").status_code == 200
