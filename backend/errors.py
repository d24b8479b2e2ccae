"""Every error the API returns is JSON ``{"errors": [issue dicts]}``, never an HTML page.

The frontend highlights the node each issue names, so library errors
(``AkidError``) pass their issues through unchanged; HTTP errors and crashes
are wrapped in the same shape so clients need one code path.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from akid.errors import AkidError, Issue
from backend.store import NotFound

log = logging.getLogger("akid.backend")


class ApiError(Exception):
    """Raise from a view to answer ``status`` with these issues."""

    def __init__(self, status: int, issues: list[dict[str, Any]]):
        super().__init__("; ".join(i.get("message", "") for i in issues))
        self.status = status
        self.issues = issues


def issue_dict(code: str, message: str, **where: Any) -> dict[str, Any]:
    return Issue(code, message, **where).to_dict()


def api_error(status: int, code: str, message: str, **where: Any) -> ApiError:
    return ApiError(status, [issue_dict(code, message, **where)])


def _response(status: int, issues: list[dict[str, Any]]):
    resp = jsonify({"errors": issues})
    resp.status_code = status
    return resp


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api(e: ApiError):
        return _response(e.status, e.issues)

    @app.errorhandler(AkidError)
    def _akid(e: AkidError):
        return _response(400, e.to_dicts() or [issue_dict("invalid", str(e))])

    @app.errorhandler(NotFound)
    def _missing(e: NotFound):
        return _response(404, [issue_dict("not_found", str(e.args[0]) if e.args else "not found")])

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException):
        code = (e.name or "error").lower().replace(" ", "_")
        return _response(e.code or 500, [issue_dict(code, e.description or e.name)])

    @app.errorhandler(Exception)
    def _crash(e: Exception):
        log.exception("unhandled error")
        return _response(500, [issue_dict("internal_error", f"internal server error ({type(e).__name__}); see the server log")])
