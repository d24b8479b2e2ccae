"""Recursive-descent parser: tokens -> a small syntax tree (no graph semantics yet).

Grammar (one statement per line; ``#`` starts a comment)::

    program  := (statement NEWLINE)*
    statement:= '@' NAME value                     # graph setting, e.g. @time_steps 3
              | '@' 'block' NAME '{' program '}'   # composite block definition
              | chain
    chain    := term (('>' | '~>') term)*          # '~>' makes feedback edges
    term     := '(' chain (',' chain)* ')'         # tuple: fan-out / fan-in
              | '[' chain ']' '*' INT              # repeat a chain INT times in series
              | '[' chain ']' '*' choice           # sweep: repeat count chosen from {1|2|3}
              | '?' term                           # sweep: an optional block
              | (NAME | STRING) ':' NAME [args]    # named block
              | NAME args                          # unnamed block
              | (NAME | STRING) ['.' (NAME | STRING)]  # reference to a named node (optional port)
              | NAME                               # reference if such a node is named, else a block
    args     := '(' [arg (',' arg)*] ')'
    arg      := NAME '=' value | value
    value    := NUMBER | STRING | NAME | '[' [value (',' value)*] ']'
              | choice | NUMBER '..' NUMBER ['log']  # sweep choices (docs/sweeps.md)
    choice   := '{' value ('|' value)* '}'

Resolving a bare NAME (reference or block) needs the whole program, so the
parser keeps it as :class:`Bare` and :mod:`akid.graph.metasyntax` decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from akid.graph.metasyntax_lexer import MetaSyntaxError, Token, syntax_issue, tokenize

KEYWORDS = {"true": True, "false": False, "null": None, "True": True, "False": False, "None": None}


@dataclass
class Arg:
    key: str | None
    value: Any
    line: int
    col: int


@dataclass
class BlockTerm:
    type: str
    args: list[Arg]
    line: int
    col: int
    name: str | None = None
    name_line: int = 0
    name_col: int = 0
    #: ``?Block(...)``: the node may be left out (a sweep choice)
    optional: bool = False


@dataclass
class RefTerm:
    name: str
    port: str | None
    line: int
    col: int


@dataclass
class Bare:
    """A lone NAME: a reference when a node of that name exists, else a block without args."""

    name: str
    line: int
    col: int


@dataclass
class TupleTerm:
    chains: list[Chain]
    line: int
    col: int


@dataclass
class RepeatTerm:
    chain: Chain
    times: int | dict  # an int, or a ``{"$choice": [...]}`` (a sweep choice)
    line: int
    col: int


Term = BlockTerm | RefTerm | Bare | TupleTerm | RepeatTerm


@dataclass
class Chain:
    terms: list[Term]
    #: (feedback?, line, col) for each arrow between terms.
    arrows: list[tuple[bool, int, int]] = field(default_factory=list)


@dataclass
class BlockDef:
    """``@block Name { ... }``: a composite block whose body is a program of its own."""

    name: str
    body: list
    line: int
    col: int


@dataclass
class Setting:
    key: str
    value: Any
    line: int
    col: int


def describe(tok: Token) -> str:
    return {"NEWLINE": "end of line", "EOF": "end of input"}.get(tok.kind, repr(tok.text))


class Parser:
    def __init__(self, text: str) -> None:
        self.toks = tokenize(text)
        self.i = 0

    # ---- helpers ----------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def next(self) -> Token:
        t = self.toks[self.i]
        self.i += 1
        return t

    def at(self, text: str) -> bool:
        return self.tok.kind == "OP" and self.tok.text == text

    def fail(self, message: str, tok: Token | None = None) -> MetaSyntaxError:
        t = tok or self.tok
        return MetaSyntaxError([syntax_issue(message, t.line, t.col)])

    def expect(self, text: str, what: str) -> Token:
        if not self.at(text):
            raise self.fail(f"expected {text!r} {what}, found {describe(self.tok)}")
        return self.next()

    # ---- grammar ------------------------------------------------------
    def program(self, end: str | None = None) -> list[Setting | Chain | BlockDef]:
        out: list[Setting | Chain | BlockDef] = []
        while not (self.tok.kind == "EOF" or (end and self.at(end))):
            if self.tok.kind == "NEWLINE":
                self.next()
                continue
            out.append(self.setting() if self.at("@") else self.chain())
            if self.tok.kind not in ("NEWLINE", "EOF") and not (end and self.at(end)):
                hint = " (join blocks with '>')" if self.tok.kind in ("NAME", "STRING") or self.at("(") or self.at("[") else ""
                raise self.fail(f"unexpected {describe(self.tok)}{hint}")
        return out

    def setting(self) -> Setting | BlockDef:
        at = self.next()
        if self.tok.kind != "NAME":
            raise self.fail(f"expected a setting name after '@' (e.g. @time_steps 3), found {describe(self.tok)}")
        key = self.next().text
        if key == "block":
            if self.tok.kind != "NAME":
                raise self.fail(f"expected the composite block's type name after '@block', found {describe(self.tok)}")
            name = self.next().text
            self.expect("{", f"to open the body of @block {name}")
            body = self.program(end="}")
            self.expect("}", f"to close @block {name}")
            return BlockDef(name, body, at.line, at.col)
        if self.tok.kind in ("NEWLINE", "EOF"):
            raise self.fail(f"@{key} needs a value")
        return Setting(key, self.value(), at.line, at.col)

    def chain(self) -> Chain:
        ch = Chain([self.term()])
        while self.at(">") or self.at("~>"):
            arrow = self.next()
            if self.tok.kind in ("NEWLINE", "EOF") or self.at(")") or self.at("]") or self.at(","):
                raise self.fail(f"expected a block or a node after {arrow.text!r}, found {describe(self.tok)}")
            ch.arrows.append((arrow.text == "~>", arrow.line, arrow.col))
            ch.terms.append(self.term())
        return ch

    def term(self) -> Term:
        t = self.tok
        if self.at("("):
            self.next()
            chains = [self.chain()]
            while self.at(","):
                self.next()
                if self.at(")"):
                    break
                chains.append(self.chain())
            self.expect(")", "to close the group")
            return TupleTerm(chains, t.line, t.col)
        if self.at("["):
            self.next()
            body = self.chain()
            self.expect("]", "to close the repeated chain")
            if not self.at("*"):
                raise self.fail(f"expected '*' and a count after ']' (e.g. [Dense(8) > ReLU] * 3), found {describe(self.tok)}")
            self.next()
            n = self.tok
            if self.at("{"):
                times = self.choice()
                if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in times["$choice"]):
                    raise self.fail("the repeat counts of a choice must be positive integers, e.g. {1|2|3}", n)
                return RepeatTerm(body, times, t.line, t.col)
            if n.kind != "NUMBER" or not isinstance(n.value, int) or n.value < 1:
                raise self.fail(f"the repeat count must be a positive integer, found {describe(n)}")
            self.next()
            return RepeatTerm(body, n.value, t.line, t.col)
        if self.at("?"):
            return self.optional_term()
        if t.kind not in ("NAME", "STRING"):
            raise self.fail(f"expected a block, a node name, '(' or '[', found {describe(t)}")
        self.next()
        if self.at(":"):
            self.next()
            bt = self.tok
            if bt.kind != "NAME":
                raise self.fail(f"expected a block type after '{t.value}:', found {describe(bt)}")
            self.next()
            args = self.args() if self.at("(") else []
            return BlockTerm(bt.text, args, bt.line, bt.col, name=t.value, name_line=t.line, name_col=t.col)
        if self.at("."):
            self.next()
            if self.tok.kind not in ("NAME", "STRING"):
                raise self.fail(f"expected a port name after '{t.value}.', found {describe(self.tok)}")
            return RefTerm(t.value, self.next().value, t.line, t.col)
        if t.kind == "STRING":
            return RefTerm(t.value, None, t.line, t.col)
        if self.at("("):
            return BlockTerm(t.text, self.args(), t.line, t.col)
        return Bare(t.text, t.line, t.col)

    def optional_term(self) -> BlockTerm:
        """``?Block(...)`` / ``?name: Block(...)``: a block the sweep may leave out."""
        q = self.next()
        term = self.term()
        if isinstance(term, Bare):
            term = BlockTerm(term.name, [], term.line, term.col)
        if not isinstance(term, BlockTerm):
            raise self.fail("'?' marks a single block as optional (e.g. ?Dropout(0.3)), not a reference, group or repeat", q)
        term.optional = True
        return term

    def choice(self) -> dict:
        """``{a|b|c}`` -> ``{"$choice": [a, b, c]}``."""
        self.next()  # '{'
        values = [self.value()]
        while self.at("|"):
            self.next()
            values.append(self.value())
        self.expect("}", "to close the choice (values are separated by '|', e.g. {16|32|64})")
        return {"$choice": values}

    def args(self) -> list[Arg]:
        self.next()  # '('
        args: list[Arg] = []
        while not self.at(")"):
            t = self.tok
            if t.kind == "NAME" and self.toks[self.i + 1].kind == "OP" and self.toks[self.i + 1].text == "=":
                self.i += 2
                args.append(Arg(t.text, self.value(), t.line, t.col))
            else:
                args.append(Arg(None, self.value(), t.line, t.col))
            if self.at(","):
                self.next()
            elif not self.at(")"):
                raise self.fail(f"expected ',' or ')' in the argument list, found {describe(self.tok)}")
        self.next()
        return args

    def value(self) -> Any:
        t = self.tok
        if self.at("{"):
            return self.choice()
        if t.kind == "NUMBER" and self.toks[self.i + 1].kind == "OP" and self.toks[self.i + 1].text == "..":
            self.i += 2
            hi = self.tok
            if hi.kind != "NUMBER":
                raise self.fail(f"expected the high bound of the range after '..', found {describe(hi)}")
            self.next()
            if not t.value < hi.value:
                raise self.fail(f"a range needs low < high. Received: {t.text}..{hi.text}", t)
            out: dict = {"$range": [t.value, hi.value]}
            if self.tok.kind == "NAME" and self.tok.text == "log":
                self.next()
                if t.value <= 0:
                    raise self.fail(f"a log range needs a low bound > 0. Received: {t.text}", t)
                out["log"] = True
            return out
        if t.kind in ("NUMBER", "STRING"):
            self.next()
            return t.value
        if t.kind == "NAME":
            self.next()
            return KEYWORDS.get(t.text, t.text)
        if self.at("["):
            self.next()
            items = []
            while not self.at("]"):
                items.append(self.value())
                if self.at(","):
                    self.next()
                elif not self.at("]"):
                    raise self.fail(f"expected ',' or ']' in the list, found {describe(self.tok)}")
            self.next()
            return items
        raise self.fail(f'expected a value (number, name, "string" or [list]), found {describe(t)}')


def parse_program(text: str) -> list[Setting | Chain | BlockDef]:
    """The syntax tree of ``text``; raises MetaSyntaxError at the first syntax error."""
    return Parser(text).program()
