"""The SPARQL guard of the endpoint: size, nesting, updates, SERVICE and FROM, decided on the token stream.

The text is read with :mod:`serge_kg.query.lexer`, the grammar's own terminals, so the guard and
Oxigraph see the same keywords: a ``#`` comment ends at CR as at LF, a keyword glued to a literal or a
language tag is still a keyword, strings and IRIs hide nothing. Then:

- a body over ``max_bytes`` is refused with 413 before it is read into the lexer;
- brackets nested deeper than ``max_depth`` are refused with 400 (Oxigraph's parser would overflow);
- any update keyword (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY, WITH, USING) is
  refused with 403: none of them is a query keyword, so a query that holds one is an update;
- ``SERVICE`` is refused with 403 whatever it names (our own graph IRIs too): the endpoint never
  makes an outbound request;
- ``FROM`` / ``FROM NAMED`` are parsed as the grammar's DatasetClause (``FROM NAMED? iri``, prefixed
  names resolved against the query's PREFIX and BASE) and refused with 403 unless they name one of
  the graphs in ``allow``.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from urllib.parse import urljoin

from serge_kg.errors import SergeKGError
from serge_kg.prefixes import PREFIXES
from serge_kg.query.lexer import MAX_DEPTH, Token, TooDeep, check_depth

MAX_QUERY_BYTES = 64 * 1024
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
                             "WITH", "USING"})


class QueryRefused(SergeKGError):
    """A request the endpoint will not run: says why, with the HTTP status to answer."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.headers = headers or {}
        super().__init__(message)


def check_size(data: str | bytes, limit: int = MAX_QUERY_BYTES) -> None:
    """Refuse a query text or body longer than ``limit`` bytes.

    :raises QueryRefused: 413.
    """
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > limit:
        raise QueryRefused(413, f"the query is {size} bytes long; this endpoint accepts at most {limit} bytes")


def _iri(tok: Token, prefixes: dict[str, str], base: str) -> str | None:
    if tok.kind == "iri":
        return urljoin(base, tok.text[1:-1]) if base else tok.text[1:-1]
    if tok.kind == "pname":
        prefix, _, local = tok.text.partition(":")
        ns = prefixes.get(prefix)
        return None if ns is None else ns + local
    return None


def _decide(toks: list[Token], allow: frozenset[str]) -> None:
    prefixes, base = dict(PREFIXES), ""
    for i, tok in enumerate(toks):
        if tok.kind != "word":
            continue
        word = tok.text.upper()
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if word in UPDATE_KEYWORDS:
            raise QueryRefused(403, f"SPARQL Update ({word}, line {tok.line}) is not allowed: this endpoint is "
                                    "read-only")
        if word == "SERVICE":
            raise QueryRefused(403, f"SERVICE (line {tok.line}) is not allowed: this endpoint makes no outbound "
                                    "requests; query the other endpoint yourself")
        if word == "BASE" and nxt is not None and nxt.kind == "iri":
            base = urljoin(base, nxt.text[1:-1])
        elif word == "PREFIX" and nxt is not None and nxt.kind == "pname" and i + 2 < len(toks) \
                and toks[i + 2].kind == "iri":
            prefixes[nxt.text.rstrip(":").partition(":")[0]] = urljoin(base, toks[i + 2].text[1:-1])
        elif word == "FROM" and nxt is not None:
            target = toks[i + 2] if nxt.kind == "word" and nxt.text.upper() == "NAMED" and i + 2 < len(toks) else nxt
            iri = _iri(target, prefixes, base)
            if iri not in allow:
                named = iri and f"<{iri}>" or f"'{target.text[:80]}'"
                raise QueryRefused(403, f"FROM / FROM NAMED {named} (line {tok.line}) is not allowed: only the "
                                        f"local graphs {sorted(allow)} may be named")


class Guard:
    """The checks every ad-hoc query passes before a worker runs it; decisions kept in a bounded LRU."""

    def __init__(self, allow: frozenset[str], *, max_bytes: int = MAX_QUERY_BYTES, max_depth: int = MAX_DEPTH,
                 cache_size: int = 256) -> None:
        self.allow, self.max_bytes, self.max_depth, self.cache_size = allow, max_bytes, max_depth, cache_size
        self._seen: OrderedDict[str, QueryRefused | None] = OrderedDict()
        self._lock = Lock()

    def check(self, text: str) -> None:
        """Refuse what the endpoint will not run.

        :raises QueryRefused: 413 too long, 400 nested too deep, 403 update / SERVICE / foreign FROM.
        """
        check_size(text, self.max_bytes)
        with self._lock:
            if text in self._seen:
                self._seen.move_to_end(text)
                verdict = self._seen[text]
                if verdict is not None:
                    raise QueryRefused(verdict.status, str(verdict))
                return
        verdict = None
        try:
            check_query(text, self.allow, self.max_depth)
        except QueryRefused as exc:
            verdict = exc
        with self._lock:
            self._seen[text] = verdict
            while len(self._seen) > self.cache_size:
                self._seen.popitem(last=False)
        if verdict is not None:
            raise verdict

    def check_depth(self, text: str) -> None:
        """Refuse nesting deeper than ``max_depth`` (for saved queries, whose other checks are not needed).

        :raises QueryRefused: 400.
        """
        try:
            check_depth(text, self.max_depth)
        except TooDeep as exc:
            raise QueryRefused(400, str(exc)) from None

    @property
    def cached(self) -> int:
        """How many decisions the cache holds now (at most ``cache_size``)."""
        return len(self._seen)


def check_query(text: str, allow: frozenset[str], max_depth: int = MAX_DEPTH) -> None:
    """Refuse deep nesting, updates, SERVICE, and FROM/FROM NAMED outside ``allow``.

    :raises QueryRefused: 400 for nesting deeper than ``max_depth``, 403 for a forbidden operation.
    """
    try:
        toks = check_depth(text, max_depth)
    except TooDeep as exc:
        raise QueryRefused(400, str(exc)) from None
    _decide(toks, allow)
