"""The SPARQL 1.1 token stream, read the way the grammar (and so Oxigraph's parser) reads it.

Terminals follow https://www.w3.org/TR/sparql11-query/#sparqlGrammar: a comment runs from ``#`` to the
end of the line, and a line ends at ``\\n`` OR ``\\r``; a keyword is a bare word, never glued to the
token before it (``"x"@en.SERVICE`` is a language tag, a dot and the keyword; ``1e0.SERVICE`` a double,
a dot and the keyword); prefixed names and blank-node labels take the longest match the grammar
allows. The guard and the nesting check decide on these tokens, never on a keyword search of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from serge_kg.errors import QueryFileError

MAX_DEPTH = 64
"""Deepest nesting of ``{``, ``(`` and ``[`` a query may have (Oxigraph's parser overflows its stack
near 2,500 and rdflib's near 32; every saved query stays below 10)."""

_NON_ASCII_BASE = ("\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
                   "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_NON_ASCII_CHARS = "\u00B7\u0300-\u036F\u203F-\u2040"


def _spec(unicode: bool) -> list[tuple[str, str]]:
    """The terminals as (kind, regex), in the order they are tried; with ``unicode`` False, the
    character classes keep only their ASCII members (for a query that is all ASCII, the same tokens)."""
    base = "A-Za-z" + (_NON_ASCII_BASE if unicode else "")
    u = base + "_"
    chars = u + "\\-0-9" + (_NON_ASCII_CHARS if unicode else "")
    prefix = f"[{base}](?:[{chars}.]*[{chars}])?"
    plx = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
    local = f"(?:[{u}:0-9]|{plx})(?:(?:[{chars}.:]|{plx})*(?:[{chars}:]|{plx}))?"
    exp = r"[eE][+-]?[0-9]+"
    var_chars = u + "0-9" + (_NON_ASCII_CHARS if unicode else "")
    return [
        ("ws", r"[\x20\x09\x0D\x0A]+"),
        ("comment", r"#[^\r\n]*"),
        ("iri", r"<[^<>\"{}|^`\\\x00-\x20]*>"),
        ("string", r"'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''|\"\"\"(?:(?:\"|\"\")?(?:[^\"\\]|\\.))*\"\"\""
                   r"|'(?:[^'\\\n\r]|\\.)*'|\"(?:[^\"\\\n\r]|\\.)*\""),
        ("pname", f"(?:{prefix})?:(?:{local})?"),
        ("bnode", f"_:[{u}0-9](?:[{chars}.]*[{chars}])?"),
        ("var", f"[?$][{u}0-9][{var_chars}]*"),
        ("langtag", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"),
        ("number", f"[0-9]+\\.[0-9]*{exp}|\\.[0-9]+{exp}|[0-9]+{exp}|[0-9]*\\.[0-9]+|[0-9]+"),
        ("word", r"[A-Za-z_][A-Za-z0-9_]*"),
        ("punct", r"\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,.*+\-/=<>!^|]"),
        ("other", r"."),
    ]


@lru_cache(maxsize=2)
def _token_re(unicode: bool) -> re.Pattern[str]:
    """The tokeniser, compiled on first use: the full Unicode classes take Python 20 ms to compile,
    a tenth of a cold ``serge-kg query``, and most queries are ASCII."""
    return re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in _spec(unicode)), re.S)


_OPEN, _CLOSE = "{([", "})]"


@dataclass(frozen=True)
class Token:
    """One terminal: its kind (``word``, ``iri``, ``pname``, ``string``, ``punct`` ...), text, line and
    offset in the query text."""

    kind: str
    text: str
    line: int
    start: int = 0


def _scan(text: str, unicode: bool) -> Iterator[Token]:
    line = 1
    for m in _token_re(unicode).finditer(text):
        kind = m.lastgroup or "other"
        value = m.group()
        if kind not in ("ws", "comment"):
            yield Token(kind, value, line, m.start())
        line += value.count("\n") + (value.count("\r") if "\n" not in value else 0)


def tokens(text: str) -> Iterator[Token]:
    """The query's tokens, comments and white space left out."""
    if text.isascii():
        return _scan(text, False)
    # Non-ASCII letters in comments, strings and IRIs read the same with the ASCII tokeniser: those
    # rules come first and have no Unicode classes. Only a non-ASCII letter in a name (a prefixed name,
    # a variable, a blank node) needs the full grammar, and the ASCII tokeniser then leaves it as an
    # "other" token of its own; only then is the full grammar compiled and used.
    toks = list(_scan(text, False))
    if any(t.kind == "other" and not t.text.isascii() for t in toks):
        return _scan(text, True)
    return iter(toks)


def depth(toks: list[Token]) -> tuple[int, int]:
    """The deepest nesting of brackets and the line where it is reached.

    Brackets inside an IRI token count too: where ``<`` is a less-than sign, the parser reads them.
    """
    level = deepest = 0
    where = 1
    for tok in toks:
        if tok.kind in ("punct", "iri"):
            for ch in tok.text:
                if ch in _OPEN:
                    level += 1
                    if level > deepest:
                        deepest, where = level, tok.line
                elif ch in _CLOSE:
                    level = max(0, level - 1)
    return deepest, where


class TooDeep(QueryFileError):
    """A query nests brackets deeper than the engines can parse safely."""

    def __init__(self, found: int, line: int, limit: int) -> None:
        self.found, self.line, self.limit = found, line, limit
        super().__init__(f"the query nests brackets {found} deep (line {line}); at most {limit} levels of "
                         "{ }, ( ) and [ ] are allowed")


def check_depth(text: str, limit: int = MAX_DEPTH) -> list[Token]:
    """The tokens of ``text``, after checking its nesting against ``limit``.

    :raises TooDeep: if brackets nest deeper than ``limit``.
    """
    toks = list(tokens(text))
    found, line = depth(toks)
    if found > limit:
        raise TooDeep(found, line, limit)
    return toks


@lru_cache(maxsize=512)
def names_its_dataset(text: str) -> bool:
    """Whether the query has a ``FROM`` (or ``FROM NAMED``) clause, read as tokens, not as text.

    Kept per text: a query worker asks it of every query it runs, and tokenising a saved query in
    Python (whose comments often hold the word "from") takes longer than many of them take to run."""
    if "from" not in text.lower():  # cheap and sure: no such word, no such keyword
        return False
    return any(t.kind == "word" and t.text.upper() == "FROM" for t in tokens(text))
