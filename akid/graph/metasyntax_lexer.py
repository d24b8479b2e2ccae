"""Tokens of the akid meta-syntax, each with the line and column it starts at.

The lexer is separate from the parser so that every later error — a bad
argument, an unknown block — can point at the exact character the user typed.
Newlines end statements only outside brackets (inside a ``@block {...}`` body
too) and not next to an arrow, so long chains and tuples may span several lines
without continuation marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from akid.errors import AkidError, Issue


class MetaSyntaxError(AkidError):
    """The meta-syntax text cannot be read; every issue names ``line:L:C``."""


def syntax_issue(message: str, line: int, col: int, node_id: str | None = None, param: str | None = None) -> Issue:
    """An issue whose message and path both carry the position (1-based)."""
    return Issue("syntax_error", f"line {line}, column {col}: {message}", node_id=node_id, param=param, path=f"line:{line}:{col}")


@dataclass(frozen=True)
class Token:
    kind: str  # NAME NUMBER STRING OP NEWLINE EOF
    text: str
    value: Any
    line: int
    col: int


_TOKEN = re.compile(
    r"""
    (?P<ws>[ \t\r\f]+)
  | (?P<comment>\#[^\n]*)
  | (?P<newline>\n|;)
  | (?P<number>-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![A-Za-z_0-9]))
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<op>~>|\.\.|[>()\[\]{},:=*.@|?])
""",
    re.VERBOSE,
)

_OPEN = {"(": ")", "[": "]", "{": "}"}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0"}


def _unquote(text: str, line: int, col: int) -> str:
    body, out, i = text[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", body[i + 2 : i + 6]):
            out.append(chr(int(body[i + 2 : i + 6], 16)))
            i += 6
        elif nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        else:
            raise MetaSyntaxError([syntax_issue(f"unknown escape '\\{nxt}' in string", line, col + 1 + i)])
    return "".join(out)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; raise MetaSyntaxError at the first bad character or bracket."""
    tokens: list[Token] = []
    stack: list[Token] = []
    pos, line, line_start = 0, 1, 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        col = pos - line_start + 1
        if m is None:
            ch = text[pos]
            if ch in "\"'":
                raise MetaSyntaxError([syntax_issue("unterminated string (strings end on the same line)", line, col)])
            if ch.isdigit() or (ch == "-" and text[pos + 1 : pos + 2].isdigit()):
                raise MetaSyntaxError(
                    [
                        syntax_issue(
                            "a number must not run into letters (names start with a letter or '_'; quote other strings)",
                            line,
                            col,
                        )
                    ]
                )
            hint = (
                " ('-' only starts a number; feedback is '~>')"
                if ch in "-~"
                else " (names start with a letter or '_'; quote other strings)"
            )
            raise MetaSyntaxError([syntax_issue(f"unexpected character {ch!r}{hint}", line, col)])
        kind, raw = m.lastgroup, m.group()
        if kind == "newline":
            if (
                (not stack or stack[-1].text == "{")
                and not (tokens and tokens[-1].kind == "OP" and tokens[-1].text in (">", "~>"))
                and (not tokens or tokens[-1].kind != "NEWLINE")
            ):
                tokens.append(Token("NEWLINE", raw, None, line, col))
            if raw == "\n":
                line, line_start = line + 1, pos + 1
        elif kind == "number":
            value = float(raw) if any(c in raw for c in ".eE") else int(raw)
            tokens.append(Token("NUMBER", raw, value, line, col))
        elif kind == "name":
            tokens.append(Token("NAME", raw, raw, line, col))
        elif kind == "string":
            tokens.append(Token("STRING", raw, _unquote(raw, line, col), line, col))
        elif kind == "op":
            tok = Token("OP", raw, raw, line, col)
            if raw in (">", "~>") and tokens and tokens[-1].kind == "NEWLINE":
                tokens.pop()  # a line starting with an arrow continues the previous chain
            if raw in _OPEN:
                stack.append(tok)
            elif raw in (")", "]", "}"):
                if not stack or _OPEN[stack[-1].text] != raw:
                    expected = (
                        f"expected {_OPEN[stack[-1].text]!r} to close {stack[-1].text!r} from line {stack[-1].line}, column {stack[-1].col}"
                        if stack
                        else "nothing is open"
                    )
                    raise MetaSyntaxError([syntax_issue(f"unmatched {raw!r}: {expected}", line, col)])
                stack.pop()
            tokens.append(tok)
        pos = m.end()
    if stack:
        t = stack[-1]
        raise MetaSyntaxError([syntax_issue(f"unclosed {t.text!r}: add {_OPEN[t.text]!r}", t.line, t.col)])
    col = pos - line_start + 1
    tokens.append(Token("EOF", "", None, line, col))
    return tokens
