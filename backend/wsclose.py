"""A clean WebSocket close under Werkzeug's threaded server.

Engine.IO's threading driver hands the connection back to Werkzeug as soon as the
socket's handler returns; Werkzeug then reads the peer's WebSocket *close frame* as if it
were the next HTTP request (``code 400, message Bad request syntax ('\\x88\\x82…')``), and the
client, never answered, waits its close timeout (3 s in websocket-client). Here the
handler finishes the closing handshake itself (answers/sends the close frame, lets the
WebSocket reader consume the peer's reply), then shuts the TCP connection down so
Werkzeug sees an ordinary end of stream.
"""

from __future__ import annotations

import socket
from typing import Any

import simple_websocket
from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI
from wsproto.events import CloseConnection
from wsproto.frame_protocol import CloseReason
from wsproto.utilities import LocalProtocolError

from backend import wsdirect

CLOSE_WAIT_S = 0.1  # frames the peer sent before closing are already here; nothing more comes


class CleanCloseWebSocket(SimpleWebSocketWSGI):
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        raw = environ.get("werkzeug.socket")
        own = raw.dup() if raw is not None else None  # stays usable after the reader closes its socket
        self.ws = simple_websocket.Server(environ, **self.server_args)
        # room emits may write pre-built frames straight to this socket (backend/wsdirect.py)
        self._queue = getattr(getattr(self.app, "__self__", None), "queue", None)
        wsdirect.attach(getattr(self.app, "__self__", None), self.ws.sock)
        try:
            ret = self.app(self)
        except BaseException:
            if own is not None:
                own.close()
            raise
        if self.ws.mode != "werkzeug":
            if self.ws.mode == "gunicorn":
                raise StopIteration()
            return ret
        try:  # our half of the closing handshake, unless the WebSocket already sent it
            own.sendall(self.ws.ws.send(CloseConnection(code=CloseReason.NORMAL_CLOSURE)))
        except (LocalProtocolError, OSError):
            pass
        try:
            # frames the reader left (the peer's goodbye and close reply) are read and dropped
            # here, up to the peer's end of stream, so Werkzeug never parses them as HTTP
            own.settimeout(CLOSE_WAIT_S)
            while own.recv(65536):
                pass
        except OSError:
            pass
        try:
            own.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        finally:
            own.close()
        raise ConnectionError()  # what the stock driver raises: Werkzeug drops the connection

    def close(self) -> None:
        """The writer thread's last call: a peer that already reset the connection is gone, not an error."""
        try:
            super().close()
        except OSError:
            pass

    def send(self, message: Any) -> Any:
        """The Engine.IO writer thread's send: a :class:`wsdirect.RawFrame` goes out as-is (it is
        already framed), anything else through simple-websocket; then the queue learns that the
        packet it handed out is written (so a direct write may follow it)."""
        try:
            if isinstance(message, wsdirect.RawFrame):
                self.ws.sock.sendall(message)  # an OSError ends the writer, as a failed send does
                return None
            return super().send(message)
        finally:
            if isinstance(self._queue, wsdirect.TrackedQueue):
                self._queue.written()


def install(socketio: Any) -> None:
    """Use :class:`CleanCloseWebSocket` for this server's WebSocket transport (threading mode),
    with send queues that allow direct room writes (:mod:`backend.wsdirect`)."""
    eio = socketio.server.eio
    if eio.async_mode == "threading" and eio._async is not None:
        eio._async = {**eio._async, "websocket": CleanCloseWebSocket}
        wsdirect.install(socketio)
