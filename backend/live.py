"""The live protocol (Socket.IO namespace ``/runs``, see docs/protocol.md).

``subscribe {run_id, since_seq}`` replays stored events with seq > since_seq,
then joins the run's room, atomically with respect to new events (the hub's
per-run lock), so a reconnecting client gets exactly what it missed. Each socket
has one subscription set: subscribing twice to a run replays what was asked and
joins once. Handlers run on the client's own reader thread (no thread per event).
"""

from __future__ import annotations

import json as _json
import logging
from typing import Any

from flask import current_app, request
from flask_socketio import SocketIO, emit, join_room, leave_room

from backend import jsonenc
from backend.runs.hub import NAMESPACE, room
from backend.security import COOKIE, _host_name, is_loopback, token_ok
from backend.store import NotFound

log = logging.getLogger("akid.live")


class SafeJson:
    """The ``json`` module python-socketio encodes/decodes with: never NaN, no RecursionError."""

    JSONDecodeError = _json.JSONDecodeError

    @staticmethod
    def dumps(obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("separators", (",", ":"))
        return jsonenc.dumps(obj, **kwargs)

    @staticmethod
    def loads(s: str | bytes, **kwargs: Any) -> Any:
        return jsonenc.loads(s, **kwargs)


def _error(message: str, run_id: Any = None, code: str = "bad_request") -> None:
    emit("run.error", {"run_id": run_id, "seq": None, "message": message, "issues": [{"code": code, "message": message}]})


def _guard_packets(socketio: SocketIO) -> None:
    """Malformed Socket.IO packets (bad JSON, 10,000-deep arrays, unknown shapes) are dropped
    with one log line instead of a traceback from python-socketio's message handler."""
    server = socketio.server
    handle = server._handle_eio_message

    def guarded(eio_sid: str, data: Any) -> Any:
        try:
            return handle(eio_sid, data)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
            log.info("refused a malformed socket packet from %s: %s", eio_sid, type(exc).__name__)
            return None

    server.eio.on("message", guarded)


def register(socketio: SocketIO) -> None:
    from backend import wsclose

    _guard_packets(socketio)
    wsclose.install(socketio)

    @socketio.on("connect", namespace=NAMESPACE)
    def on_connect(auth: Any = None) -> bool:
        app = current_app
        if app.config.get("LOOPBACK_ONLY") and not is_loopback(_host_name(request.host)):
            raise ConnectionRefusedError("forbidden host")
        token = (auth or {}).get("token") if isinstance(auth, dict) else None
        if not token_ok(token or request.args.get("token") or request.cookies.get(COOKIE)):
            raise ConnectionRefusedError("unauthorized: pass auth={'token': ...}")
        app.extensions["akid"].hub.connected(request.sid)
        return True

    @socketio.on("disconnect", namespace=NAMESPACE)
    def on_disconnect(*_args: Any) -> None:
        current_app.extensions["akid"].hub.disconnected(request.sid)

    @socketio.on("subscribe", namespace=NAMESPACE)
    def on_subscribe(data: Any = None) -> dict[str, Any]:
        if not isinstance(data, dict) or not isinstance(data.get("run_id"), str):
            _error("subscribe needs {run_id: string, since_seq: integer}")
            return {"ok": False}
        run_id = data["run_id"]
        since = data.get("since_seq") or 0
        svc = current_app.extensions["akid"]
        hi = svc.settings.limits.max_int_param
        if isinstance(since, bool) or not isinstance(since, int) or not 0 <= since <= hi:
            _error(f"since_seq must be an integer in [0, {hi}]. Received: {str(since)[:40]}", run_id[:200], "bad_param")
            return {"ok": False}
        if len(run_id) > 200 or "\x00" in run_id:
            _error("run_id is not a run id", None, "not_found")
            return {"ok": False}
        try:
            svc.store.get_run(run_id)
        except NotFound:
            _error(f"run {run_id!r} not found", run_id, "not_found")
            return {"ok": False}
        sid = request.sid
        count = svc.hub.subscribe(
            sid,
            run_id,
            since,
            lambda ev, msg: svc.hub.emitter.emit(ev, msg, sid, NAMESPACE),  # in order with live writes
            join=lambda: join_room(room(run_id), sid=sid, namespace=NAMESPACE),
        )
        return {"ok": True, "replayed": count}

    @socketio.on("unsubscribe", namespace=NAMESPACE)
    def on_unsubscribe(data: Any = None) -> dict[str, Any]:
        if isinstance(data, dict) and isinstance(data.get("run_id"), str):
            sid, run_id = request.sid, data["run_id"]
            current_app.extensions["akid"].hub.unsubscribe(
                sid, run_id, lambda: leave_room(room(run_id), sid=sid, namespace=NAMESPACE)
            )
            return {"ok": True}
        return {"ok": False}
