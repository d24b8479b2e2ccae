"""Limits for meta-syntax text, checked before the graph is built.

``[[ReLU]*1000]*1000`` is 19 characters and a million nodes; 5,000 nested brackets
overflow the recursive-descent parser; a 5,000-digit number exceeds Python's int
conversion limit. :func:`check_metasyntax` refuses each with ``budget_exceeded`` before
any node exists: number lengths by a regular expression, nesting over the (iterative)
tokenizer's output, and the expanded node count over the syntax tree, arithmetically.
"""

from __future__ import annotations

import re

from akid.graph.budget import over
from akid.graph.metasyntax_lexer import tokenize
from akid.graph.metasyntax_parser import Bare, BlockDef, BlockTerm, Chain, RepeatTerm, TupleTerm, parse_program
from akid.settings import Limits, get_settings

_OPENERS, _CLOSERS = {"(", "[", "{"}, {")", "]", "}"}


def _size(node: object) -> int:
    if isinstance(node, Chain):
        return sum(_size(t) for t in node.terms)
    if isinstance(node, TupleTerm):
        return sum(_size(c) for c in node.chains)
    if isinstance(node, RepeatTerm):
        times = node.times  # a sweep choice (docs/sweeps.md) counts at its largest value
        return _size(node.chain) * (max(times["$choice"]) if isinstance(times, dict) else times)
    if isinstance(node, (BlockTerm, Bare)):
        return 1
    if isinstance(node, BlockDef):
        return sum(_size(s) for s in node.body)
    return 0


def check_metasyntax(text: str, limits: Limits | None = None) -> None:
    """Raise :class:`akid.graph.budget.BudgetError` when ``text`` is over a limit (syntax errors
    are left to the parser, which reports them with line and column)."""
    lim = limits or get_settings().limits
    if len(text) > lim.max_metasyntax_chars:
        raise over("max_metasyntax_chars", lim.max_metasyntax_chars, len(text), "meta-syntax characters", "$.text")
    longest = max((len(m) for m in re.findall(rf"\d{{{lim.max_number_digits + 1},}}", text)), default=0)
    if longest:
        raise over("max_number_digits", lim.max_number_digits, longest, "digits in one number", "$.text")
    depth = deepest = 0
    for tok in tokenize(text):
        if tok.kind == "OP" and tok.text in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif tok.kind == "OP" and tok.text in _CLOSERS:
            depth -= 1
    if deepest > lim.max_metasyntax_nesting:
        raise over("max_metasyntax_nesting", lim.max_metasyntax_nesting, deepest, "nested brackets", "$.text")
    total = 0
    for statement in parse_program(text):
        total += _size(statement)
        if total > lim.max_metasyntax_nodes:
            break
    if total > lim.max_metasyntax_nodes:
        raise over("max_metasyntax_nodes", lim.max_metasyntax_nodes, total, "nodes the text expands to", "$.text")
