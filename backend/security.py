"""Access control: loopback-only by default, a bearer token when exposed.

A studio that trains arbitrary graphs must not be drivable by any web page the
user visits: bound to loopback we still reject foreign Host headers (DNS
rebinding) and foreign Origins; bound to any other address every API call and
socket connection needs the token.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, redirect, request

from backend.errors import api_error

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
PUBLIC = {"/api/health"}  # container probes carry no token


def is_loopback(host: str) -> bool:
    """Whether binding ``host`` keeps the server reachable from this machine only."""
    h = host.strip("[]")
    if h in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def _host_name(host_header: str) -> str:
    if host_header.startswith("["):
        return host_header[1:].split("]", 1)[0]
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def token_ok(given: str | None) -> bool:
    """Constant-time comparison against the configured token (no token configured: open)."""
    expected = current_app.config.get("TOKEN")
    if not expected:
        return True
    if not given:
        return False
    # bytes: compare_digest refuses non-ASCII str (a TypeError, i.e. a 500, for a token like "é")
    return hmac.compare_digest(str(given).encode("utf-8", "surrogatepass"), str(expected).encode("utf-8", "surrogatepass"))


COOKIE = "akid_token"


def request_token() -> str | None:
    """Bearer header, ``?token=``, or the cookie set when the page was opened with ``?token=``."""
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.args.get("token") or request.cookies.get(COOKIE)


def origin_checker(extra_origins: list[str]) -> Callable[[str | None, dict[str, Any]], bool]:
    """Engine.IO origin check: same origin as the Host header, or an explicitly allowed one."""

    def allowed(origin: str | None, environ: dict[str, Any]) -> bool:
        if not origin:
            return True
        if origin in extra_origins:
            return True
        host = environ.get("HTTP_HOST", "")
        scheme = environ.get("wsgi.url_scheme", "http")
        return origin == f"{scheme}://{host}"

    return allowed


def install(app: Flask) -> None:
    @app.before_request
    def _guard():
        if request.method == "OPTIONS":
            return None
        if app.config.get("LOOPBACK_ONLY") and not is_loopback(_host_name(request.host)):
            raise api_error(403, "forbidden_host", f"host {request.host!r} is not allowed; this server answers to localhost only")
        origin = request.headers.get("Origin")
        if origin and request.path.startswith("/api/") and request.method not in ("GET", "HEAD"):
            extra = app.config.get("CORS_ORIGINS") or []
            if origin not in extra and origin != request.host_url.rstrip("/"):
                raise api_error(403, "forbidden_origin", f"origin {origin!r} may not call this API")
        if request.path.startswith("/api/") and request.path not in PUBLIC and not token_ok(request_token()):
            raise api_error(401, "unauthorized", "missing or wrong access token (Authorization: Bearer <token> or ?token=)")
        given = request.args.get("token")
        if app.config.get("TOKEN") and given and request.method == "GET" and not request.path.startswith(("/api/", "/socket.io")):
            # Opening http://host:port/?token=T logs the browser in: an HttpOnly, SameSite=Strict
            # cookie carries the token for fetch() and the Socket.IO handshake; the URL drops it.
            if not token_ok(given):
                raise api_error(401, "unauthorized", "wrong access token")
            args = {k: v for k, v in request.args.items() if k != "token"}
            target = request.path + ("?" + urlencode(args) if args else "")
            resp = redirect(target, code=303)
            resp.set_cookie(COOKIE, given, httponly=True, samesite="Strict", secure=request.is_secure, path="/")
            return resp
        return None
