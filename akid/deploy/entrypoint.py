"""Container entrypoint: refuse to expose an unauthenticated studio, then ``exec`` the command.

Why: the image's CMD binds ``0.0.0.0`` so the port can be published; the server then accepts
anyone who reaches it unless ``AKID_TOKEN`` is set. Failing at start with a clear message is
better than a studio (which runs arbitrary training jobs) open on the network. The token travels
in the environment only, never on the command line (``ps`` would show it). Any other command
(the training worker, a shell) is exec'd unchanged.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

MIN_TOKEN_LEN = 16
PLACEHOLDER_MARKERS = ("change-me", "changeme", "replace", "placeholder", "example", "xxxx")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def serve_host(argv: Sequence[str], env: Mapping[str, str]) -> str | None:
    """The host ``python -m akid serve`` will bind, or None when ``argv`` does not start the server."""
    args = list(argv)
    if "serve" not in args or not any(a == "akid" or a.endswith("/akid") for a in args[: args.index("serve")]):
        return None
    host = env.get("AKID_HOST", "127.0.0.1")
    for i, arg in enumerate(args):
        if arg == "--host" and i + 1 < len(args):
            host = args[i + 1]
        elif arg.startswith("--host="):
            host = arg.split("=", 1)[1]
    return host


def token_problem(token: str | None) -> str | None:
    """Why ``token`` is unfit to guard a network-facing studio, or None when it is fine."""
    if not token:
        return "AKID_TOKEN is not set"
    if len(token) < MIN_TOKEN_LEN:
        return f"AKID_TOKEN is shorter than {MIN_TOKEN_LEN} characters"
    if any(marker in token.lower() for marker in PLACEHOLDER_MARKERS):
        return "AKID_TOKEN still holds the placeholder from .env.example / secret.example.yaml"
    return None


def check(argv: Sequence[str], env: Mapping[str, str]) -> str | None:
    """An error message when ``argv`` would serve a reachable studio without a usable token."""
    host = serve_host(argv, env)
    if host is None or host in LOOPBACK or env.get("AKID_ALLOW_NO_TOKEN") == "1":
        return None
    if any(marker in env.get("AKID_DB_URL", "").lower() for marker in PLACEHOLDER_MARKERS):
        return "refusing to start: AKID_DB_URL still holds a placeholder password from .env.example"
    problem = token_problem(env.get("AKID_TOKEN"))
    if problem:
        return (
            f"refusing to serve on {host} without authentication: {problem}. Generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'` (or set AKID_ALLOW_NO_TOKEN=1 "
            "behind an authenticating proxy)."
        )
    return None


def main(argv: list[str] | None = None) -> int:
    cmd = list(sys.argv[1:] if argv is None else argv)
    if not cmd:
        print("usage: python -m akid.deploy.entrypoint COMMAND [ARGS...]", file=sys.stderr)
        return 2
    from akid.settings import environ

    error = check(cmd, environ())  # the raw mapping: the guard also reads the variables serve will see
    if error:
        print(f"akid entrypoint: {error}", file=sys.stderr)
        return 78  # EX_CONFIG: a restart loop will not fix it
    os.execvp(cmd[0], cmd)
    return 127  # not reached


if __name__ == "__main__":
    sys.exit(main())
