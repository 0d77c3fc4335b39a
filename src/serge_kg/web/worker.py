"""One query worker: a child process holding its own Oxigraph store, answering one query at a time.

The process caps its address space (``RLIMIT_AS``), leaves the network (a new, empty network namespace
where the kernel allows it, so even a SERVICE the guard missed cannot reach a host) and dies with
its parent. It reads :class:`Job` objects from its pipe and answers each with a :class:`Reply`: the
encoded body, or the :class:`Outcome` itself when the caller renders it (HTML).
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import pyoxigraph as ox

from serge_kg.prefixes import PREFIXES
from serge_kg.query.lexer import names_its_dataset

JSON, XML = "application/sparql-results+json", "application/sparql-results+xml"
CSV, TSV = "text/csv", "text/tab-separated-values"
TURTLE, JSONLD, NT, HTML = "text/turtle", "application/ld+json", "application/n-triples", "text/html"
RDFXML = "application/rdf+xml"
OX_RDF = {TURTLE: ox.RdfFormat.TURTLE, JSONLD: ox.RdfFormat.JSON_LD, NT: ox.RdfFormat.N_TRIPLES,
          RDFXML: ox.RdfFormat.RDF_XML}
_CLONE_NEWUSER, _CLONE_NEWNET = 0x10000000, 0x40000000


@dataclass
class Outcome:
    """What a query produced: a boolean, solutions (with their variables) or triples."""

    kind: str  # "boolean" | "solutions" | "triples"
    variables: list[str]
    rows: list[Any]
    boolean: bool = False
    truncated: bool = False


@dataclass(frozen=True)
class Job:
    """One query for a worker, with the media types to answer in (HTML: send the outcome back)."""

    text: str
    default_graph: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    results_media: str = JSON
    rdf_media: str = TURTLE
    max_rows: int = 10000
    base_iri: str | None = None  # relative IRIs in the query resolve against it (the endpoint's URL)


@dataclass
class Reply:
    """A worker's answer: ``status`` 200 with a body (or outcome), or an error status and message."""

    status: int
    media: str = ""
    body: bytes = b""
    outcome: Outcome | None = None
    truncated: bool = False
    message: str = ""
    recycle: bool = False  # the worker should be replaced (it hit its memory cap)


def run(store: ox.Store, job: Job, default: list[ox.NamedNode] | None = None) -> Any:
    """Start ``job`` on ``store``: Oxigraph's (lazy) solutions, triples or boolean.

    Each triple is held once, in its named graph. A query that names no dataset (no ``FROM``, no
    ``default-graph-uri``) reads as its default graph the union of the graphs ``default`` (all of the
    store's named graphs when None).
    """
    own = bool(job.default_graph) or names_its_dataset(job.text)
    return store.query(job.text, prefixes=PREFIXES, base_iri=job.base_iri,
                       default_graph=[ox.NamedNode(g) for g in job.default_graph] or (None if own else default),
                       named_graphs=[ox.NamedNode(g) for g in job.named_graphs] or None,
                       use_default_graph_as_union=not own and default is None)


def collect(res: Any, max_rows: int) -> Outcome:
    """The outcome of a started query, cut at ``max_rows`` rows (triples)."""
    if isinstance(res, ox.QueryBoolean):
        return Outcome("boolean", [], [], boolean=bool(res))
    solutions = isinstance(res, ox.QuerySolutions)
    variables = [v.value for v in res.variables] if solutions else []
    rows: list[Any] = []
    truncated = False
    for i, row in enumerate(res):
        if i >= max_rows:
            truncated = True
            break
        rows.append(tuple(row) if solutions else row)
    return Outcome("solutions" if solutions else "triples", variables, rows, truncated=truncated)


def encode(outcome: Outcome, media: str) -> bytes:
    """A query outcome in a SPARQL results format or (for triples) an RDF format."""
    from .results import encode_results
    if outcome.kind == "triples":
        return ox.serialize(outcome.rows, format=OX_RDF[media], prefixes=PREFIXES if media == TURTLE else None)
    return encode_results(outcome.variables, outcome.rows,
                          outcome.boolean if outcome.kind == "boolean" else None, media)


# SPARQL results formats Oxigraph writes itself, with the fewest bytes a row can take in each
# (JSON ``{},``; XML ``<result></result>``; CSV a line end). TSV stays ours: Oxigraph writes numbers in
# their short Turtle form there, which some TSV readers take for strings.
_NATIVE = {JSON: (ox.QueryResultsFormat.JSON, 3), XML: (ox.QueryResultsFormat.XML, 17),
           CSV: (ox.QueryResultsFormat.CSV, 2)}
NATIVE_BYTES = 1 << 20
"""Answers up to this size are written by Oxigraph (Rust); a longer one is written again row by row."""


class _TooLong(Exception):
    """The answer outgrew the bytes :class:`_Capped` allows."""


class _Capped:
    """A binary writer that refuses to hold more than ``cap`` bytes."""

    def __init__(self, cap: int) -> None:
        self.cap, self.parts, self.size = cap, [], 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        if self.size > self.cap:
            raise _TooLong
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def writes_natively(res: Any, media: str) -> bool:
    """Whether Oxigraph writes the answer ``res`` (solutions or a boolean) in ``media`` itself."""
    return media in _NATIVE and not isinstance(res, ox.QueryTriples)


def native(res: Any, media: str, max_rows: int) -> bytes | None:
    """The answer ``res`` written by Oxigraph in ``media`` (see :func:`writes_natively`), or None when it
    might be longer than ``max_rows`` rows; ``res`` is spent either way.

    Within ``min(NATIVE_BYTES, max_rows * shortest row)`` bytes an answer cannot hold more than
    ``max_rows`` rows, so it needs no cutting."""
    fmt, shortest = _NATIVE[media]
    out = _Capped(min(NATIVE_BYTES, max_rows * shortest))
    try:
        res.serialize(out, format=fmt)
    except _TooLong:
        return None
    return b"".join(out.parts)


def answer(store: ox.Store, job: Job, default: list[ox.NamedNode] | None = None) -> Reply:
    """The reply to one job (see :func:`run` for ``default``): never raises for a bad query."""
    try:
        res = run(store, job, default)
        if writes_natively(res, job.results_media):
            if (body := native(res, job.results_media, job.max_rows)) is not None:
                return Reply(200, job.results_media, body)
            res = run(store, job, default)  # spent on a long answer: again, row by row and cut at max_rows
        outcome = collect(res, job.max_rows)
        media = job.rdf_media if outcome.kind == "triples" else job.results_media
        if media == HTML:
            return Reply(200, media, outcome=outcome, truncated=outcome.truncated)
        return Reply(200, media, encode(outcome, media), truncated=outcome.truncated)
    except MemoryError:
        return Reply(503, message="the query needed more memory than a worker may use; narrow it down",
                     recycle=True)
    except (SyntaxError, ValueError, OSError, RuntimeError, TypeError) as exc:
        return Reply(400, message=f"query failed: {str(exc)[:500]}")


def isolate_network() -> bool:
    """Move this process into a new network namespace with no interfaces (True if the kernel allowed it)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0 or libc.unshare(_CLONE_NEWNET) == 0
    except (OSError, AttributeError):
        return False


def _die_with_parent() -> None:
    """Exit when the server is gone, even in the middle of a query (the closed socket ends an idle loop).

    (Not PR_SET_PDEATHSIG: it fires when the *thread* that started us ends, and the pool starts
    workers from short-lived threads.)"""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)
    threading.Thread(target=watch, daemon=True).start()


def serve(conn: Connection) -> None:
    """The worker's main loop: receive (parts, memory cap), load each part (graph IRI, N-Triples as
    bytes or the path of a file of the current build, in_default) into its named graph, the union of
    those with ``in_default`` being the default graph, then answer jobs until the pipe closes.

    The worker may be started before the server has its data (so that its start-up overlaps the
    server's): a pipe closed before the data came is a quiet exit."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which stops us
    isolated = isolate_network()
    from . import results  # noqa: F401 - imported now, so the first query does not pay for it
    try:
        parts, memory_bytes = conn.recv()
    except (EOFError, OSError):
        return
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    store = ox.Store()
    for iri, source, _ in parts:
        graph = ox.NamedNode(iri)
        if isinstance(source, str):
            # a dump of the current build, its digest checked against the manifest by the server:
            # written by the build's own serialiser, so its terms need no second validation (lenient
            # loading is a quarter faster, which counts at 32 times today's graph)
            store.bulk_load(path=source, format=ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)
        else:
            store.bulk_load(source, ox.RdfFormat.N_TRIPLES, to_graph=graph)
    # None: every named graph (the fast path); a list only when some graph is kept out of the default
    default = None if all(part[2] for part in parts) else [ox.NamedNode(part[0]) for part in parts if part[2]]
    answer(store, Job("SELECT * WHERE { ?s ?p ?o } LIMIT 1"), default)  # warm up the engine and the encoder
    try:
        conn.send(("ready", os.getpid(), isolated))
    except OSError:
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = answer(store, job, default)
        except MemoryError:
            reply = Reply(503, message="the answer needed more memory than a worker may use", recycle=True)
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(Reply(503, message="the answer needed more memory than a worker may use", recycle=True))
        except OSError:  # the server gave up on us (deadline) or is gone
            return


if __name__ == "__main__":  # started by serge_kg.web.pool with the socket's file descriptor
    # run the imported module's serve, so that replies pickle as serge_kg.web.worker.Reply, not __main__.Reply
    from serge_kg.web import worker as _module
    _module.serve(Connection(int(sys.argv[1])))
