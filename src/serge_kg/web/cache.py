"""The endpoint's result cache: answers of ``/sparql`` and ``/queries/<name>``, kept for one build generation.

The graph does not change while a generation is served, so a successful answer is a function of the
request. :class:`ResultCache` is an ASGI middleware (inside CORS, which varies by ``Origin``) that keeps
answers keyed by what decides them: for ``/sparql`` the query's token stream (white space and comments
left out, so GET, a POST form and a POST body of the same query share an entry), its dataset
(``default-graph-uri``, ``named-graph-uri``), ``format`` and the ``Accept`` header; for a saved query
its name, its parameters, the state of its ``.rq`` file and ``Accept``. Only 200 answers that are not
cut at the row cap are kept, never errors, and never a query that asks for ``NOW()``, ``RAND()``,
``UUID()`` or ``STRUUID()``. The store is an LRU bounded in bytes (answers, headers and keys).

Every kept answer carries ``ETag: "<generation>.<key digest>"`` (the generation of :class:`Engine`),
``Cache-Control: public, no-cache`` (clients may store it but must revalidate, because a new build
changes answers under the same URL) and ``Vary: Accept``; a GET whose ``If-None-Match`` names the
ETag gets ``304 Not Modified`` without running anything. A new generation empties the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.middleware import Middleware

from serge_kg.query.lexer import tokens
from serge_kg.query.saved import VIEWS

from .engine import Engine
from .guard import QueryRefused
from .protocol import read_request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEFAULT_CACHE_MB = 64
UNREPEATABLE = frozenset({"NOW", "RAND", "UUID", "STRUUID"})  # answers that differ at every call
CACHE_CONTROL = b"public, no-cache"
_SAVED = re.compile(r"/queries/([A-Za-z0-9_-]+)")
_ALIAS_SHARE = 4  # the raw-request aliases of /sparql may take a quarter of the budget


@dataclass(frozen=True)
class Entry:
    """A kept answer: its headers (with the ETag) and body, and the bytes it is charged."""

    headers: list[tuple[bytes, bytes]]
    body: bytes
    size: int


class ResultCache:
    """ASGI middleware keeping the successful answers of ``/sparql`` and ``/queries/<name>`` (module doc).

    :param generation: the generation now served (read at every request; a new one empties the cache).
    :param max_bytes: the most the kept answers, their headers and keys may take.
    :param queries: the saved-query folder (an edited ``.rq`` file changes the key of its answers).
    :param max_query_bytes: longer queries are left to the endpoint, which refuses them.
    """

    def __init__(self, app: ASGIApp, *, generation: Callable[[], str], max_bytes: int, queries: Path,
                 max_query_bytes: int) -> None:
        self.app, self.generation, self.max_bytes, self.queries = app, generation, max_bytes, queries
        self.max_query_bytes = max_query_bytes
        self.max_body = max_query_bytes * 3 + 1024  # as the endpoint reads a POST body
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.aliases: OrderedDict[tuple[Any, ...], str | None] = OrderedDict()  # raw request -> key
        self.entry_bytes = self.alias_bytes = 0
        self.served = ""
        self.hits = self.misses = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        method = scope.get("method")
        if scope["type"] != "http" or method not in ("GET", "POST") or (path != "/sparql" and not
                                                                        path.startswith("/queries/")):
            await self.app(scope, receive, send)
            return
        generation = self.generation()
        if generation != self.served:  # a new build: nothing kept is an answer of it
            self.clear()
            self.served = generation
        headers = dict(scope.get("headers") or ())
        body, receive = await self._body(scope, receive, headers) if method == "POST" else (b"", receive)
        key = None if body is None else self.key(method, path, scope.get("query_string", b""), headers, body)
        if key is None:
            await self.app(scope, receive, send)
            return
        etag = b'"%s.%s"' % (generation.encode(), hashlib.blake2b(key.encode(), digest_size=8).hexdigest().encode())
        if method == "GET" and _matches(headers.get(b"if-none-match"), etag):
            await send({"type": "http.response.start", "status": 304,
                        "headers": [(b"etag", etag), (b"cache-control", CACHE_CONTROL), (b"vary", b"Accept")]})
            await send({"type": "http.response.body", "body": b""})
            return
        entry = self.entries.get(key)
        if entry is not None:
            self.hits += 1
            self.entries.move_to_end(key)
            await send({"type": "http.response.start", "status": 200, "headers": entry.headers})
            await send({"type": "http.response.body", "body": entry.body})
            return
        self.misses += 1
        await self._fill(scope, receive, send, key, etag)

    def clear(self) -> None:
        """Forget every kept answer."""
        self.entries.clear()
        self.aliases.clear()
        self.entry_bytes = self.alias_bytes = 0

    def key(self, method: str, path: str, query_string: bytes, headers: dict[bytes, bytes], body: bytes) -> str | None:
        """The key of a request's answer; None if it is not kept (no query, refused, unrepeatable)."""
        accept = headers.get(b"accept", b"").decode("latin-1")
        saved = _SAVED.fullmatch(path)
        if saved:
            if method != "GET":
                return None
            pairs = sorted(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True), key=lambda kv: kv[0])
            return json.dumps(["queries", saved.group(1), self._file_state(saved.group(1)), pairs, accept])
        if path != "/sparql":  # not a name a saved query may have: the endpoint answers 404
            return None
        raw = (method, query_string, accept, headers.get(b"content-type", b""), body)
        if raw in self.aliases:  # the same request again: no need to read the query's tokens
            self.aliases.move_to_end(raw)
            return self.aliases[raw]
        key = self._sparql_key(method, query_string, headers.get(b"content-type"), body, accept)
        self.aliases[raw] = key
        self.alias_bytes += len(query_string) + len(accept) + len(body) + 2 * len(key or "") + 64
        while self.alias_bytes > self.max_bytes // _ALIAS_SHARE and self.aliases:
            (_, q, a, _, b), k = self.aliases.popitem(last=False)
            self.alias_bytes -= len(q) + len(a) + len(b) + 2 * len(k or "") + 64
        return key

    def _sparql_key(self, method: str, query_string: bytes, content_type: bytes | None, body: bytes,
                    accept: str) -> str | None:
        try:
            asked = read_request(method, query_string, content_type.decode("latin-1") if content_type else None,
                                 body)
        except QueryRefused:
            return None
        if asked.query is None or len(asked.query.encode("utf-8")) > self.max_query_bytes:
            return None  # the service description or editor; an over-long query is the endpoint's to refuse
        toks = [(t.kind, t.text) for t in tokens(asked.query)]
        if any(kind == "word" and text.upper() in UNREPEATABLE for kind, text in toks):
            return None
        fmt = [v for k, v in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True) if k == "format"]
        return json.dumps(["sparql", toks, asked.default_graphs, asked.named_graphs, fmt, accept])

    def _file_state(self, name: str) -> list[Any]:
        """Size and modification time of the files that may hold the saved query ``name``."""
        state: list[Any] = []
        for path in (self.queries / f"{name}.rq", self.queries / VIEWS / f"{name}.rq",
                     self.queries / "checks" / f"{name}.rq"):
            try:
                st = os.stat(path)
                state.append([st.st_size, st.st_mtime_ns])
            except OSError:
                state.append(None)
        return state

    async def _body(self, scope: Scope, receive: Receive, headers: dict[bytes, bytes]) -> tuple[bytes | None, Receive]:
        """The POST body (None if longer than the endpoint reads) and a ``receive`` that replays it."""
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_body:
            return None, receive
        chunks: list[Message] = []
        size, more = 0, True
        while more:
            message = await receive()
            chunks.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            more = message.get("more_body", False)
            if size > self.max_body:
                break
        complete = not more and all(m["type"] == "http.request" for m in chunks)

        async def replay() -> Message:
            return chunks.pop(0) if chunks else await receive()
        return (b"".join(m.get("body", b"") for m in chunks) if complete else None), replay

    async def _fill(self, scope: Scope, receive: Receive, send: Send, key: str, etag: bytes) -> None:
        """Answer from the endpoint, keeping a copy of a whole, successful answer."""
        kept: dict[str, Any] = {"headers": None, "body": []}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or ())
                if message.get("status") == 200 and not any(k.lower() == b"x-result-truncated" for k, _ in headers):
                    headers += [(b"etag", etag), (b"cache-control", CACHE_CONTROL), (b"vary", b"Accept")]
                    message = {**message, "headers": headers}
                    kept["headers"] = headers
            elif message["type"] == "http.response.body" and kept["headers"] is not None:
                kept["body"].append(message.get("body", b""))
                if not message.get("more_body", False):
                    self._keep(key, kept["headers"], b"".join(kept["body"]))
            await send(message)
        await self.app(scope, receive, capture)

    def _keep(self, key: str, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        size = len(body) + len(key) + sum(len(k) + len(v) + 16 for k, v in headers) + 128
        budget = self.max_bytes - self.max_bytes // _ALIAS_SHARE
        if size > budget // 8:  # one huge answer would push out everything else
            return
        old = self.entries.pop(key, None)
        if old is not None:
            self.entry_bytes -= old.size
        self.entries[key] = Entry(headers, body, size)
        self.entry_bytes += size
        while self.entry_bytes > budget:
            _, gone = self.entries.popitem(last=False)
            self.entry_bytes -= gone.size


def _matches(if_none_match: bytes | None, etag: bytes) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, as RFC 9110 asks for it)."""
    if not if_none_match:
        return False
    return any(tag.strip().removeprefix(b"W/") == etag for tag in if_none_match.split(b","))


def result_cache(engine: Engine, queries: Path, cache_mb: int, max_query_bytes: int) -> list[Middleware]:
    """The cache as the app's middleware (none if ``cache_mb`` is 0), reading ``engine``'s generation."""
    if cache_mb <= 0:
        return []
    return [Middleware(ResultCache, generation=lambda: engine.generation, max_bytes=cache_mb << 20, queries=queries,
                       max_query_bytes=max_query_bytes)]
