"""akid meta-syntax: a one-line-per-chain text form of the graph format.

Example (``>`` joins blocks, ``name:`` names a node, ``(a, b) >`` merges,
``~>`` is a feedback edge carrying the previous time step's value)::

    @time_steps 3                       # graph settings: @name, @description, @time_steps
    x: Input(8,8,1, feature=image)
    x > c1: Conv2D(8,3,padding=same) > r1: ReLU
    x > c2: Conv2D(8,1)
    (r1, c2) > a: Add > Flatten > Dense(10) > Output(label)
    [Dense(32) > ReLU] * 3              # a chain repeated in series
    s.out1 > Dense(4)                   # a named output port
    r1 ~> a                             # feedback edge
    @block Unit {                       # a composite block ("blocks" in the document)
      i: Input(8) > Dense(8) > o: Output
    }

Positional arguments fill each block's key params in declaration order (see
:func:`akid.graph.metasyntax_build.positional_fields`); a list-only first
param gathers the leading scalars (``Input(8,8,1)`` is ``shape=[8,8,1]``).
Strings may be bare names or quoted; lists are ``[3, 3]``; ``true``, ``false``
and ``null`` are JSON's. ``(a, b) > c`` connects every left item to ``c`` in
that order (the order of a merge's inputs); ``a > (b, c)`` fans out;
equal-sized tuples connect pairwise. A reference without a port uses ``out`` /
``in`` (a composite's only port). Names may be used before the line that
defines them, which is how feedback edges point back. A line ending with, or
starting with, ``>`` continues the chain; ``;`` also ends a statement.
Unnamed nodes get ids ``<type lowercased><counter>`` (``conv2d1``...), counted
per graph (a ``@block`` body is a graph of its own and sees the blocks defined
around it).

Text is parsed, never evaluated. Errors are :class:`MetaSyntaxError` whose
issues have code ``syntax_error``, a message with ``line L, column C`` and the
path ``line:L:C``, so the editor can underline the exact place.
"""

from __future__ import annotations

from typing import Any

from akid.graph.metasyntax_build import build
from akid.graph.metasyntax_format import format_graph
from akid.graph.metasyntax_lexer import MetaSyntaxError
from akid.sweep.choices import OPTIONAL, REPEATS

__all__ = ["MetaSyntaxError", "format", "parse"]


def parse(text: str) -> dict[str, Any]:
    """Meta-syntax text -> ``akid.graph/v1`` document (with a left-to-right layout).

    Text over a limit of :class:`akid.settings.Limits` (length, nesting, number length,
    expanded size) is refused first, before any node is built."""
    from akid.graph.metasyntax_budget import check_metasyntax

    check_metasyntax(text)
    return build(text)


def format(doc: dict[str, Any]) -> str:
    """Graph document -> meta-syntax; ``parse(format(doc))`` is the same graph (ids kept)."""
    if isinstance(doc, dict) and (REPEATS in doc or any(isinstance(n, dict) and OPTIONAL in n for n in doc.get("nodes") or [])):
        from akid.graph.metasyntax_choices import format_with_choices  # sweep marks (docs/sweeps.md)

        return format_with_choices(doc)
    return format_graph(doc)
