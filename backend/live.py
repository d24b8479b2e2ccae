"""The live protocol (Socket.IO namespace ``/runs``, see DESIGN.md).

``subscribe {run_id, since_seq}`` replays stored events with seq > since_seq,
then joins the run's room, atomically with respect to new events (the hub's
per-run lock), so a reconnecting client gets exactly what it missed.
"""
from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_socketio import SocketIO, emit, join_room, leave_room

from backend.runs.hub import NAMESPACE, room
from backend.security import COOKIE, _host_name, is_loopback, token_ok
from backend.store import NotFound


def _error(message: str, run_id: Any = None, code: str = "bad_request") -> None:
    emit("run.error", {"run_id": run_id, "seq": None, "message": message, "issues": [{"code": code, "message": message}]})


def register(socketio: SocketIO) -> None:
    @socketio.on("connect", namespace=NAMESPACE)
    def on_connect(auth: Any = None) -> bool:
        app = current_app
        if app.config.get("LOOPBACK_ONLY") and not is_loopback(_host_name(request.host)):
            raise ConnectionRefusedError("forbidden host")
        token = (auth or {}).get("token") if isinstance(auth, dict) else None
        if not token_ok(token or request.args.get("token") or request.cookies.get(COOKIE)):
            raise ConnectionRefusedError("unauthorized: pass auth={'token': ...}")
        return True

    @socketio.on("subscribe", namespace=NAMESPACE)
    def on_subscribe(data: Any = None) -> dict[str, Any]:
        if not isinstance(data, dict) or not isinstance(data.get("run_id"), str):
            _error("subscribe needs {run_id: string, since_seq: integer}")
            return {"ok": False}
        run_id = data["run_id"]
        since = data.get("since_seq") or 0
        if isinstance(since, bool) or not isinstance(since, int) or since < 0:
            _error(f"since_seq must be a non-negative integer. Received: {since!r}", run_id)
            return {"ok": False}
        svc = current_app.extensions["akid"]
        try:
            svc.store.get_run(run_id)
        except NotFound:
            _error(f"run {run_id!r} not found", run_id, "not_found")
            return {"ok": False}
        sid = request.sid
        count = svc.hub.replay(run_id, since, lambda ev, msg: emit(ev, msg, to=sid),
                               then=lambda: join_room(room(run_id), sid=sid, namespace=NAMESPACE))
        return {"ok": True, "replayed": count}

    @socketio.on("unsubscribe", namespace=NAMESPACE)
    def on_unsubscribe(data: Any = None) -> dict[str, Any]:
        if isinstance(data, dict) and isinstance(data.get("run_id"), str):
            leave_room(room(data["run_id"]), sid=request.sid, namespace=NAMESPACE)
            return {"ok": True}
        return {"ok": False}
