"""Sweeps on the server: each trial is an ordinary run of the run manager, driven by one thread per sweep.

The driver asks the Optuna search (:class:`akid.sweep.engine.Sweep`) for a
trial whenever fewer than ``parallel`` of its trials are active, creates a run
with that trial's *concrete* graph and config and submits it (so the queue,
the concurrency limit, cancel and the live view work per trial), then follows
the run through the store: each epoch's objective goes to the pruner, a
pruned trial's run is cancelled, a finished run is told to the search.

Optuna's study lives in memory for the sweep's life; the sweep's record —
settings, space, every trial's run id, choices, objective and state — is a
JSON file ``<DATA_DIR>/sweeps/<id>.json``, rewritten at every change, so
the list survives a restart (a sweep the server stopped reads back as
``interrupted``). Every change is also pushed to Socket.IO room
``sweep:<id>`` as ``sweep.update`` (see :mod:`backend.sweeps.live`).
"""

from __future__ import annotations

import json
import logging
import math
import pathlib
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

log = logging.getLogger("akid.sweeps")
TERMINAL_RUN = ("completed", "failed", "cancelled", "interrupted")
POLL_S = 0.25


class SweepService:
    def __init__(
        self,
        store: Any,
        manager: Any,
        data_dir: pathlib.Path,
        publish: Callable[[dict[str, Any]], None] | None = None,
        prepare_config: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> None:
        self.store, self.manager = store, manager
        self.dir = pathlib.Path(data_dir) / "sweeps"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.publish = publish or (lambda record: None)
        self.prepare_config = prepare_config or (lambda cfg: cfg)
        self._lock = threading.Lock()
        self._records: dict[str, dict[str, Any]] = {}
        self._stops: dict[str, threading.Event] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._closing = threading.Event()
        for path in sorted(self.dir.glob("*.json")):
            try:
                record = json.loads(path.read_text())
            except (OSError, ValueError):
                log.warning("unreadable sweep record %s", path)
                continue
            if record.get("status") == "running":
                record.update(status="interrupted", reason="the server stopped during the sweep", finished_at=time.time())
                self._write(record)
            self._records[record["id"]] = record

    # ---- request threads -----------------------------------------------------
    def create(
        self,
        name: str,
        graph: dict[str, Any],
        config: dict[str, Any],
        *,
        strategy: str,
        trials: int,
        objective: str,
        parallel: int,
        seed: int,
        prune: bool,
        budget_s: float | None,
        graph_id: str | None = None,
        check_config: bool = True,
        max_params: int | None = None,
    ) -> dict[str, Any]:
        """Check the space (every variant valid, size under the limit), then start the sweep's driver thread."""
        from akid.sweep.engine import Sweep
        from akid.sweep.space import check_space, space_of

        space = space_of(graph, config)
        check_space(space, check_config=check_config, max_params=max_params)
        search = Sweep(space, strategy, trials, objective, seed=seed, prune=prune)
        sid = uuid.uuid4().hex[:12]
        record = {
            "id": sid,
            "name": name,
            "status": "running",
            "reason": None,
            "strategy": strategy,
            "objective": objective,
            "direction": search.direction,
            "trials_wanted": search.trials_wanted,
            "parallel": parallel,
            "seed": seed,
            "prune": prune,
            "budget_s": budget_s,
            "graph_id": graph_id,
            "created_at": time.time(),
            "finished_at": None,
            "space": space.describe(),
            "graph": graph,
            "config": config,
            "trials": [],
            "best": None,
        }
        stop = threading.Event()
        with self._lock:
            self._records[sid] = record
            self._stops[sid] = stop
        self._write(record)
        thread = threading.Thread(target=self._drive, args=(record, search, stop), name=f"akid-sweep-{sid}", daemon=True)
        self._threads[sid] = thread
        thread.start()
        return self.get(sid)

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            records = sorted(self._records.values(), key=lambda r: r["created_at"], reverse=True)
            return [summary(r) for r in records]

    def get(self, sid: str) -> dict[str, Any]:
        with self._lock:
            record = self._records.get(sid)
            if record is None:
                raise KeyError(sid)
            return json.loads(json.dumps(record))

    def cancel(self, sid: str) -> dict[str, Any]:
        """Stop asking for trials and cancel the active ones; the driver records the end."""
        record = self.get(sid)
        stop = self._stops.get(sid)
        if record["status"] != "running" or stop is None:
            raise ValueError(f"the sweep is already {record['status']}")
        stop.set()
        return record

    def shutdown(self, timeout: float = 5.0) -> None:
        self._closing.set()
        for stop in self._stops.values():
            stop.set()
        for thread in list(self._threads.values()):
            thread.join(timeout)

    # ---- the driver thread -------------------------------------------------------
    def _drive(self, record: dict[str, Any], search: Any, stop: threading.Event) -> None:
        try:
            self._loop(record, search, stop)
        except Exception as exc:  # a sweep that breaks ends as failed, with its reason
            log.exception("sweep %s failed", record["id"])
            self._finish(record, search, "failed", f"{type(exc).__name__}: {exc}")

    def _loop(self, record: dict[str, Any], search: Any, stop: threading.Event) -> None:
        from akid.sweep.engine import final_objective, objective_value

        active: dict[str, dict[str, Any]] = {}  # run id -> {"trial", "since", "seen", "pruned"}
        started = time.monotonic()
        while True:
            over_budget = record["budget_s"] is not None and time.monotonic() - started > float(record["budget_s"])
            while not stop.is_set() and not over_budget and len(active) < record["parallel"]:
                trial = search.ask()
                if trial is None:
                    break
                config = self.prepare_config(trial.config)
                run = self.store.create_run(
                    f"{record['name']} · trial {trial.number}"[:200], trial.graph, config, record["graph_id"]
                )
                trial.run_id = run["id"]
                active[run["id"]] = {"trial": trial, "since": 0, "seen": {}, "pruned": False}
                self.manager.submit(run["id"])
                self._sync(record, search)
            if stop.is_set():
                for run_id in active:
                    self.manager.cancel(run_id)
            for run_id, st in list(active.items()):
                trial = st["trial"]
                events = self.store.list_events(run_id, st["since"], kinds=("metrics",))
                changed = False
                for ev in events:
                    st["since"] = max(st["since"], ev["seq"])
                    for epoch, value in objective_value(search.objective, (ev["payload"] or {}).get("points") or []).items():
                        if epoch not in st["seen"]:
                            changed = True
                        st["seen"][epoch] = value
                        if not st["pruned"] and search.report(trial, epoch, value):
                            st["pruned"] = True
                            self.manager.cancel(run_id)
                run = self.store.get_run(run_id)
                if run["status"] in TERMINAL_RUN:
                    if st["pruned"]:
                        search.tell(trial, None, "pruned")
                    elif run["status"] == "completed":
                        search.tell(trial, final_objective(search.objective, run.get("final") or {}, st["seen"]), "completed")
                    else:
                        if run["status"] == "failed":
                            trial.error = run.get("reason") or "the run failed"
                        search.tell(trial, None, "cancelled" if stop.is_set() else "failed")
                    del active[run_id]
                    changed = True
                if changed:
                    self._sync(record, search)
            if not active and (stop.is_set() or over_budget or search.finished):
                break
            time.sleep(POLL_S)
        if stop.is_set():
            self._finish(record, search, "cancelled", "interrupted by the server" if self._closing.is_set() else "cancelled")
        else:
            self._finish(record, search, "completed", "the time budget ran out" if over_budget and not search.finished else None)

    def _sync(self, record: dict[str, Any], search: Any) -> None:
        best = search.best()
        with self._lock:
            record["trials"] = [{**t.to_dict(), "run_id": getattr(t, "run_id", None)} for t in search.trials]
            record["best"] = (
                {
                    "number": best.number,
                    "run_id": getattr(best, "run_id", None),
                    "objective": best.objective,
                    "choices": best.assignment,
                }
                if best
                else None
            )
            snapshot = json.loads(json.dumps(record))
        self._write(snapshot)
        self.publish(summary(snapshot, trials=True))

    def _finish(self, record: dict[str, Any], search: Any, status: str, reason: str | None) -> None:
        with self._lock:
            record.update(status=status, reason=reason, finished_at=time.time())
        self._sync(record, search)

    def _write(self, record: dict[str, Any]) -> None:
        path = self.dir / f"{record['id']}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record, default=_json_default))
        tmp.replace(path)


def _json_default(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return str(value)


def summary(record: dict[str, Any], trials: bool = False) -> dict[str, Any]:
    """A sweep without its graph and config (the list view; live updates carry the trials too)."""
    out = {k: v for k, v in record.items() if k not in ("graph", "config", "trials")}
    done = [t for t in record.get("trials", []) if t["state"] != "running"]
    out["trials_done"] = len(done)
    out["trials_started"] = len(record.get("trials", []))
    if trials:
        out["trials"] = record.get("trials", [])
    return out
