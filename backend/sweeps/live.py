"""Live sweep updates on the runs namespace: ``sweep.subscribe`` / ``sweep.update``.

A client emits ``sweep.subscribe {sweep_id}``; the ack is the sweep's current
summary (with its trials) and the client joins room ``sweep:<id>``, where every
change of the sweep (a trial started, an epoch's objective, a trial's end, the
sweep's end) arrives as ``sweep.update`` with the same summary. Each trial's
own metrics stream like any run's (``subscribe {run_id}``).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_socketio import SocketIO, join_room, leave_room

from backend.runs.hub import NAMESPACE
from backend.sweeps.service import summary


def room(sweep_id: str) -> str:
    return f"sweep:{sweep_id}"


def publisher(socketio: SocketIO):
    def publish(record: dict[str, Any]) -> None:
        socketio.emit("sweep.update", record, to=room(record["id"]), namespace=NAMESPACE)

    return publish


def register(socketio: SocketIO) -> None:
    def on_subscribe(data: Any = None) -> dict[str, Any]:
        sid = data.get("sweep_id") if isinstance(data, dict) else None
        if not isinstance(sid, str):
            return {"ok": False, "error": "sweep.subscribe needs {sweep_id: string}"}
        try:
            record = current_app.extensions["akid_sweeps"].get(sid)
        except KeyError:
            return {"ok": False, "error": f"no sweep {sid!r}"}
        join_room(room(sid), sid=request.sid, namespace=NAMESPACE)
        return {"ok": True, "sweep": summary(record, trials=True)}

    def on_unsubscribe(data: Any = None) -> dict[str, Any]:
        if isinstance(data, dict) and isinstance(data.get("sweep_id"), str):
            leave_room(room(data["sweep_id"]), sid=request.sid, namespace=NAMESPACE)
        return {"ok": True}

    socketio.on_event("sweep.subscribe", on_subscribe, namespace=NAMESPACE)
    socketio.on_event("sweep.unsubscribe", on_unsubscribe, namespace=NAMESPACE)


def install(app: Any) -> None:
    """Create the app's sweep service (``app.extensions["akid_sweeps"]``) and its socket events."""
    from backend import akidlib
    from backend.sweeps.service import SweepService

    svc = app.extensions["akid"]
    socketio = svc.socketio

    def prepare(cfg: dict[str, Any]) -> dict[str, Any]:
        return akidlib.load_train_config(cfg) if app.config.get("CONVERT_CONFIG", True) else cfg

    app.extensions["akid_sweeps"] = SweepService(svc.store, svc.manager, svc.data_dir, publisher(socketio), prepare)
    register(socketio)
