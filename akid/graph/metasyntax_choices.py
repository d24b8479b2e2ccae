"""Printing a graph with sweep choices back to meta-syntax (``?Block``, ``[chain] * {1|2}``).

Param choices print through ``fmt_value``; the two structural marks — an
optional node and a repeat group — are not part of the plain graph the
printer reads, so they are taken off the document here and put back on the
printed chains through the printer's ``_decorate`` hook.
"""

from __future__ import annotations

from typing import Any

from akid.errors import AkidError, Issue
from akid.graph.metasyntax_format import Printer, fmt_value
from akid.graph.schema import load_graph
from akid.sweep.choices import OPTIONAL, REPEATS, format_marker, without_structure


class ChoicePrinter(Printer):
    def __init__(self, graph: Any, optional: set[str], repeats: list[dict[str, Any]]) -> None:
        super().__init__(graph)
        self.optional, self.repeats = optional, repeats

    def _decorate(self, chain: list[str], parts: list[str], unnamed: set[str]) -> list[str]:
        parts = [("?" + p if nid in self.optional else p) for nid, p in zip(chain, parts)]
        for group in self.repeats:
            body = list(group["nodes"])
            if not body or body[0] not in chain:
                continue
            i = chain.index(body[0])
            if chain[i : i + len(body)] != body:
                raise AkidError(
                    [
                        Issue(
                            "unsupported",
                            f"repeat group {group['id']!r} ({', '.join(body)}) is not a run of "
                            "nodes in one chain; meta-syntax cannot write it",
                            path=f"$.{REPEATS}",
                        )
                    ]
                )
            inner = " > ".join(parts[i : i + len(body)])
            parts = parts[:i] + [f"[{inner}] * {format_marker(group['times'], fmt_value)}"] + parts[i + len(body) :]
            chain = chain[:i] + [body[0]] + chain[i + len(body) :]
        return parts


def format_with_choices(doc: dict[str, Any]) -> str:
    """Meta-syntax for a graph that uses ``$optional`` nodes or ``$repeats`` groups."""
    plain = without_structure(doc)
    optional = {n["id"] for n in doc.get("nodes", []) if isinstance(n, dict) and n.get(OPTIONAL) is True}
    return ChoicePrinter(load_graph(plain), optional, list(doc.get(REPEATS) or [])).text()
