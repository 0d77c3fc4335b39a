"""Bound IRI parameters written into the query where the variable stands, so that Oxigraph can use them.

Oxigraph joins an inline ``VALUES`` block with the group it starts, not with what is inside that
group's ``UNION``, ``OPTIONAL`` or sub-``SELECT``: those parts run for every value of the variable,
and a query about one person scales with the whole graph (``pseudonyms``: quadratic). With the IRI
in place of the variable, the engine starts from it. This is what SPARQL 1.1 calls substitution of
a pre-bound variable, and what rdflib's ``initBindings`` does.

Only IRIs are written in, serialised by pyoxigraph from a ``NamedNode`` (which validates them): user
text never becomes query syntax. Occurrences where a term is not allowed stay variables: the
projection of a ``SELECT``, ``GROUP BY``, ``ORDER BY`` and ``HAVING``, the target of ``AS`` and the
variables of a ``VALUES`` block; the caller keeps the outer ``VALUES`` block, which binds those.
"""

from __future__ import annotations

from collections.abc import Mapping

from .lexer import tokens

_MODIFIERS = {"GROUP", "ORDER", "HAVING"}
_MODIFIER_END = {"LIMIT", "OFFSET", "VALUES", "SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}


def inline_iris(text: str, iris: Mapping[str, str]) -> str:
    """``text`` with each variable named in ``iris`` (name without ``?``) replaced by its serialised IRI
    (``<...>``) wherever SPARQL allows a term there; other occurrences are kept."""
    if not iris:
        return text
    out: list[str] = []
    last = 0
    region = ""  # "select" (projection), "modifier" (GROUP/ORDER BY, HAVING), "values" (its variables)
    after_as = False
    parens = 0  # in a projection, a "{" inside an expression (EXISTS { ... }) does not end it
    for tok in tokens(text):
        word = tok.text.upper() if tok.kind == "word" else ""
        if word == "SELECT":
            region = "select"
        elif word in _MODIFIERS:
            region = "modifier"
        elif word == "VALUES":
            region = "values"
        elif region == "select" and word == "WHERE":
            region = ""
        elif region == "modifier" and word in _MODIFIER_END:
            region = "values" if word == "VALUES" else ("select" if word == "SELECT" else "")
        elif tok.kind == "punct" and tok.text in "()" and region == "select":
            parens += 1 if tok.text == "(" else -1
        elif tok.kind == "punct" and tok.text in "{}" and not (region == "select" and parens > 0):
            region, parens = "", 0
        if tok.kind == "var" and tok.text[1:] in iris and not region and not after_as:
            out.append(text[last:tok.start])
            out.append(iris[tok.text[1:]])
            last = tok.start + len(tok.text)
        after_as = word == "AS"
    out.append(text[last:])
    return "".join(out)
