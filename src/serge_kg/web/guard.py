"""The SPARQL guard of the endpoint: refuses updates, and SERVICE / FROM to IRIs outside an allow-list.

Decided by parsing the query with rdflib's SPARQL grammar, after a lexical pre-scan that lets the many
queries without a guarded keyword through unparsed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin

from rdflib import URIRef
from rdflib.plugins.sparql.parserutils import CompValue

from serge_kg.errors import SergeKGError
from serge_kg.namespaces import PREFIXES

_GUARDED = {"SERVICE", "FROM", "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
            "WITH", "USING"}
_TOKEN = re.compile(r"""(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)|'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
    |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"|\#[^\n]*|[?$]\w+|(?P<word>[A-Za-z_][\w.-]*:?[\w.%-]*)|.""",
                    re.S | re.X)


class QueryRefused(SergeKGError):
    """A request the endpoint will not run: says why, with the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


def _words(text: str) -> set[str]:
    return {m.group("word").upper() for m in _TOKEN.finditer(text) if m.group("word")}


def _iri(term: Any, prefixes: dict[str, str], base: str | None) -> str | None:
    if isinstance(term, CompValue) and term.name == "pname":
        ns = prefixes.get(term.prefix or "")
        return None if ns is None else urljoin(base or "", ns + (term.localname or ""))
    if isinstance(term, URIRef):
        return urljoin(base or "", str(term)) if base else str(term)
    return None  # a variable: could be bound to anything


def _walk(node: Any) -> Any:
    yield node
    if isinstance(node, dict):
        for v in node.values():
            yield from _walk(v)
    elif isinstance(node, list | tuple) or hasattr(node, "asList"):
        for v in node:
            yield from _walk(v)


@lru_cache(maxsize=1024)
def check_query(text: str, allow: frozenset[str]) -> None:
    """Refuse updates and SERVICE/FROM to IRIs outside ``allow``; decided by parsing (cached per text).

    A lexical scan first: a query with none of the guarded keywords outside strings, IRIs and comments
    cannot hold an update, a SERVICE or a dataset clause, and skips the (slow) rdflib parse.

    :raises QueryRefused: 403 for a forbidden operation, 400 if a guarded query cannot be parsed.
    """
    if not _words(text) & _GUARDED:
        return
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
    try:
        parsed = parseQuery(text)
    except Exception as exc:
        try:
            parseUpdate(text)
        except Exception:
            raise QueryRefused(400, f"the query does not parse as SPARQL 1.1: {exc}") from exc
        raise QueryRefused(403, "SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY) "
                                "is not allowed: this endpoint is read-only") from None
    prefixes, base = dict(PREFIXES), None
    for decl in parsed[0]:
        if decl.name == "Base":
            base = urljoin(base or "", str(decl.iri))
        elif decl.name == "PrefixDecl":
            prefixes[decl.prefix or ""] = urljoin(base or "", str(decl.iri))
    for clause in (parsed[1]["datasetClause"] if "datasetClause" in parsed[1] else []):
        iri = _iri(clause["default"] if "default" in clause else clause["named"], prefixes, base)
        if iri not in allow:
            raise QueryRefused(403, f"FROM / FROM NAMED <{iri}> is not allowed: only the local graphs "
                                    f"{sorted(allow)} may be named")
    for node in _walk(parsed[1]):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            iri = _iri(node.term, prefixes, base)
            if iri is None or iri not in allow:
                raise QueryRefused(403, f"SERVICE {iri and '<' + iri + '>' or 'with a variable'} is not allowed: "
                                        "federated queries may only call allow-listed endpoints")
