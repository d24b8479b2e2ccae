"""Every error the API returns is JSON ``{"errors": [issue dicts]}``, never an HTML page.

The frontend highlights the node each issue names, so library errors
(``AkidError``) pass their issues through unchanged; HTTP errors and crashes
are wrapped in the same shape so clients need one code path.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, jsonify, request
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
        if e.status >= 400 and e.status != 404:
            log.info(
                "refused %s %s: %d %s", request.method, request.path, e.status, ",".join(i.get("code", "") for i in e.issues)
            )
        return _response(e.status, e.issues)

    @app.errorhandler(AkidError)
    def _akid(e: AkidError):
        status = int(getattr(e, "status", 400))
        if hasattr(e, "status"):
            log.info("refused %s %s: %s", request.method, request.path, "; ".join(i.code for i in e.issues))
        return _response(status, e.to_dicts() or [issue_dict("invalid", str(e))])

    @app.errorhandler(NotFound)
    def _missing(e: NotFound):
        return _response(404, [issue_dict("not_found", str(e.args[0]) if e.args else "not found")])

    @app.errorhandler(HTTPException)
    def _http(e: HTTPException):
        code = (e.name or "error").lower().replace(" ", "_")
        if e.code == 413:
            limit = current_app.config.get("MAX_CONTENT_LENGTH")
            received = request.content_length
            log.info("refused %s %s: request_too_large (%s bytes)", request.method, request.path, received)
            return _response(
                413,
                [
                    issue_dict(
                        "budget_exceeded",
                        f"request body bytes: {received} exceeds the limit max_request_bytes={limit} "
                        f"(set AKID_MAX_REQUEST_BYTES to change it). Received: {received}",
                        param="max_request_bytes",
                    )
                ],
            )
        return _response(e.code or 500, [issue_dict(code, e.description or e.name)])

    @app.errorhandler(RecursionError)
    def _deep(e: RecursionError):
        log.info("refused %s %s: input nested too deeply", request.method, request.path)
        return _response(
            413,
            [
                issue_dict(
                    "budget_exceeded",
                    "the input is nested too deeply to process (RecursionError). "
                    "Received: nesting beyond the interpreter's recursion limit",
                    param="max_json_depth",
                )
            ],
        )

    @app.errorhandler(OverflowError)
    def _overflow(e: OverflowError):
        log.info("refused %s %s: number out of range", request.method, request.path)
        return _response(400, [issue_dict("out_of_range", f"a number in the request is out of range ({e})")])

    @app.errorhandler(Exception)
    def _crash(e: Exception):
        log.exception("unhandled error")
        return _response(500, [issue_dict("internal_error", f"internal server error ({type(e).__name__}); see the server log")])
