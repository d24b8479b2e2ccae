"""Errors a user can cause, as data.

Every mistake in a graph, a parameter or a data binding is reported as an
:class:`Issue` (``code``, ``message``, ``node_id``, ``port``, ``param``,
``path``) so the UI can highlight the node it names and the CLI can print JSON.
Exceptions carry a *list* of issues because validators report everything at
once, not the first problem they meet.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Issue:
    code: str
    message: str
    node_id: str | None = None
    port: str | None = None
    param: str | None = None
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class AkidError(Exception):
    """Base error: one or more user-facing issues."""

    issues: list[Issue] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return "; ".join(i.message for i in self.issues) or self.__class__.__name__

    def to_dicts(self) -> list[dict[str, Any]]:
        return [i.to_dict() for i in self.issues]


class GraphFormatError(AkidError):
    """The document is not a well-formed ``akid.graph/v1`` graph."""


class GraphValidationError(AkidError):
    """The graph is well-formed but cannot be built (shapes, ports, cycles...)."""


class BlockParamError(AkidError):
    """A block received parameter values it cannot accept."""


class ShapeError(AkidError):
    """A block cannot accept the shapes arriving at its input ports."""


class DataError(AkidError):
    """A data set is missing, corrupt, or does not match the graph."""


def issues_from_validation(exc: Any, prefix: str, **where: Any) -> list[Issue]:
    """Issues from a pydantic ``ValidationError``: one per problem, each naming its parameter.

    Blocks, data sources and the training config all validate JSON with
    pydantic; this keeps their messages and codes the same
    (``unknown_param`` for an unexpected key, ``bad_param`` otherwise, unless
    ``codes`` names others). ``path_root`` (e.g. ``"$"``) also fills ``path``.
    """
    path_root = where.pop("path_root", None)
    unknown_code, bad_code = where.pop("codes", ("unknown_param", "bad_param"))
    issues = []
    for err in exc.errors():
        loc = ".".join(str(x) for x in err["loc"]) or None
        code = unknown_code if err["type"] == "extra_forbidden" else bad_code
        path = None if path_root is None else (f"{path_root}.{loc}" if loc else path_root)
        issues.append(Issue(code, f"{prefix}.{loc}: {err['msg']}. Received: {err.get('input')!r}", param=loc, path=path, **where))
    return issues
