"""The store interface the API and the run manager program against.

Every method takes and returns plain JSON-able dicts so callers never hold ORM
objects across threads (the run manager's pump thread and request threads share
one store).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Any


class NotFound(KeyError):
    """The graph/run/version/attachment asked for does not exist."""


class AbstractStore(ABC):
    # ---- graphs ---------------------------------------------------------
    @abstractmethod
    def create_graph(self, name: str, doc: dict[str, Any], message: str | None = None) -> dict[str, Any]:
        """Create a graph with version 1; returns ``{"id", "name", "version"}``."""

    @abstractmethod
    def add_graph_version(self, graph_id: str, name: str, doc: dict[str, Any], message: str | None = None) -> dict[str, Any]:
        """Every save is a new version (never overwrite): returns ``{"id", "name", "version"}``."""

    @abstractmethod
    def get_graph(self, graph_id: str, version: int | None = None) -> dict[str, Any]:
        """``{"id", "name", "version", "graph", "created_at"}``; latest version by default."""

    @abstractmethod
    def list_graphs(self) -> list[dict[str, Any]]:
        """Summaries ``{"id", "name", "version", "created_at", "updated_at"}``, newest first."""

    @abstractmethod
    def list_graph_versions(self, graph_id: str) -> list[dict[str, Any]]:
        """``[{"version", "name", "created_at", "message"}]`` in version order."""

    @abstractmethod
    def delete_graph(self, graph_id: str) -> None: ...

    # ---- composites -----------------------------------------------------
    @abstractmethod
    def put_composite(self, name: str, doc: dict[str, Any]) -> dict[str, Any]: ...

    @abstractmethod
    def list_composites(self) -> list[dict[str, Any]]: ...

    # ---- datasets (uploaded) --------------------------------------------
    @abstractmethod
    def put_dataset(self, name: str, path: str, spec: dict[str, Any]) -> dict[str, Any]: ...

    @abstractmethod
    def list_datasets(self) -> list[dict[str, Any]]: ...

    # ---- runs -----------------------------------------------------------
    @abstractmethod
    def create_run(
        self,
        name: str,
        graph: dict[str, Any],
        config: dict[str, Any],
        graph_id: str | None = None,
        graph_version: int | None = None,
        target: str = "local",
    ) -> dict[str, Any]: ...

    @abstractmethod
    def get_run(self, run_id: str) -> dict[str, Any]: ...

    @abstractmethod
    def list_runs(self) -> list[dict[str, Any]]: ...

    @abstractmethod
    def update_run(self, run_id: str, **fields: Any) -> None:
        """Update status/step/epoch/progress/reason/final/started_at/finished_at/resumes."""

    @abstractmethod
    def runs_with_status(self, statuses: Iterable[str]) -> list[dict[str, Any]]: ...

    @abstractmethod
    def delete_run(self, run_id: str) -> None: ...

    # ---- events ---------------------------------------------------------
    @abstractmethod
    def add_event(
        self,
        run_id: str,
        seq: int,
        kind: str,
        payload: dict[str, Any],
        attachments: list[bytes] | None = None,
        images: list[int] | None = None,
    ) -> list[int]:
        """Store one event; attachments get per-run image numbers (returned). ``images``: numbers
        of attachments stored before by :meth:`add_attachments`, now tied to this event."""

    @abstractmethod
    def add_attachments(self, run_id: str, attachments: list[bytes]) -> list[int]:
        """Store pictures ahead of their event (their numbers go in its message); the slow,
        large write happens before the event takes a seq, so it never holds the run's lock."""

    @abstractmethod
    def list_events(
        self, run_id: str, since_seq: int = 0, limit: int | None = None, kinds: Iterable[str] | None = None
    ) -> list[dict[str, Any]]:
        """Events with ``seq > since_seq`` in seq order: ``{"seq", "kind", "payload", "images", "created_at"}``."""

    @abstractmethod
    def max_seq(self, run_id: str) -> int: ...

    @abstractmethod
    def get_attachment(self, run_id: str, number: int) -> bytes: ...

    @abstractmethod
    def get_attachments(self, run_id: str, numbers: list[int]) -> list[bytes]: ...
