"""The HTTP face of the graph: a read-only SPARQL 1.1 Protocol endpoint and linked-data pages.

Routes: ``/sparql`` (GET ``?query=``, POST form or ``application/sparql-query``; no query: the service
description), ``/id/<kind>/<slug>`` (HTML, Turtle, JSON-LD or N-Triples by ``Accept`` or ``?format=``),
``/`` (home), ``/queries`` and ``/queries/{name}`` (saved queries, parameters from the query string),
``/void`` and ``/.well-known/void`` (VoID/DCAT), ``/dumps/<file>`` (the files of ``build/``).

The dataset: the store's default graph holds the asserted AND the inferred triples (the same set as
``serge-full.ttl`` and as :func:`serge_kg.publish.publish` uploads); the two parts are also the named
graphs ``<https://w3id.org/serge-kg/graph/asserted>`` and ``.../graph/inferred``. Queries may use the
project prefixes (``sk:``, ``skid:``, ``wdt:`` ...) without declaring them.

Guards: SPARQL Update (query text, ``update=`` field or ``application/sparql-update`` body) is refused
with 403; ``SERVICE`` and ``FROM``/``FROM NAMED``/``default-graph-uri``/``named-graph-uri`` naming an
IRI outside ``service_allow_list`` (our two graphs are always allowed) are refused with 403. A query
running longer than ``timeout`` seconds answers 503 (a streaming query is stopped at its next row; an
aggregate that Oxigraph computes in one step finishes in the background). A result longer than
``max_rows`` rows (triples, for CONSTRUCT/DESCRIBE) is cut to its first ``max_rows`` and answered 200
with the headers ``X-Result-Truncated: true`` and ``X-Result-Limit: <max_rows>``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qs, urljoin

import anyio
import anyio.to_thread
import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.plugins.sparql.parserutils import CompValue
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from . import server_pages as pages
from .server_pages import negotiate
from .errors import QueryFileError, QueryParameterError, SergeKGError
from .export import ASSERTED_GRAPH, FORMATS, INFERRED_GRAPH, describe_dataset, load_context, serialize
from .namespaces import BASE, PREFIXES
from .paths import Paths
from .pipeline import OUTPUTS, load_graphs, load_ontology
from .query import bindings_for, find_query, list_queries, with_values

JSON, XML = "application/sparql-results+json", "application/sparql-results+xml"
CSV, TSV = "text/csv", "text/tab-separated-values"
TURTLE, JSONLD, NT, HTML = "text/turtle", "application/ld+json", "application/n-triples", "text/html"
RESULT_TYPES = {JSON: JSON, "application/json": JSON, XML: XML, CSV: CSV, TSV: TSV}
RDF_TYPES = {TURTLE: TURTLE, "application/x-turtle": TURTLE, JSONLD: JSONLD, "application/json": JSONLD, NT: NT}
OX_RDF = {TURTLE: ox.RdfFormat.TURTLE, JSONLD: ox.RdfFormat.JSON_LD, NT: ox.RdfFormat.N_TRIPLES}
FORMAT_ALIASES = {"json": JSON, "xml": XML, "csv": CSV, "tsv": TSV, "ttl": TURTLE, "turtle": TURTLE,
                  "jsonld": JSONLD, "json-ld": JSONLD, "nt": NT, "ntriples": NT, "html": HTML}
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


class _Cancelled(Exception):
    """The caller gave up on a query (time limit); the worker stops at its next row."""


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


@dataclass
class Outcome:
    """What a query produced: a boolean, solutions (with their variables) or triples."""

    kind: str  # "boolean" | "solutions" | "triples"
    variables: list[str]
    rows: list[Any]
    boolean: bool = False
    truncated: bool = False


class Engine:
    """The loaded graph: an Oxigraph store for queries, rdflib graphs for pages, cached exports."""

    def __init__(self, paths: Paths, max_rows: int) -> None:
        self.paths, self.max_rows = paths, max_rows
        self.asserted, self.inferred = load_graphs(paths, inferred=True)
        self.ontology = load_ontology(paths)
        self.context = load_context(paths.context)
        self.store = ox.Store()
        for graph, name in ((self.asserted, ASSERTED_GRAPH), (self.inferred, INFERRED_GRAPH)):
            nt = graph.serialize(format="nt", encoding="utf-8")
            self.store.bulk_load(nt, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))
            self.store.bulk_load(nt, ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
        self.labels = pages.label_index(self.asserted, self.ontology)
        self._cache: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def execute(self, text: str, cancel: threading.Event, default_graph: list[str] | None = None,
                named_graphs: list[str] | None = None) -> Outcome:
        """Run a query on the store, keeping at most ``max_rows`` rows.

        :raises QueryRefused: 400 if the query does not parse or cannot be evaluated.
        """
        try:
            res = self.store.query(
                text, prefixes=PREFIXES,
                default_graph=[ox.NamedNode(g) for g in default_graph] if default_graph else None,
                named_graphs=[ox.NamedNode(g) for g in named_graphs] if named_graphs else None)
            if isinstance(res, ox.QueryBoolean):
                return Outcome("boolean", [], [], boolean=bool(res))
            solutions = isinstance(res, ox.QuerySolutions)
            variables = [v.value for v in res.variables] if solutions else []
            rows: list[Any] = []
            truncated = False
            for i, row in enumerate(res):
                if i >= self.max_rows:
                    truncated = True
                    break
                if not i % 256 and cancel.is_set():
                    raise _Cancelled
                rows.append(tuple(row) if solutions else row)
        except (SyntaxError, ValueError, OSError, RuntimeError) as exc:
            raise QueryRefused(400, f"query failed: {exc}") from exc
        return Outcome("solutions" if solutions else "triples", variables, rows, truncated=truncated)

    def cached(self, key: str, make: Callable[[], bytes]) -> bytes:
        """A serialisation made once and kept (dumps, VoID)."""
        with self._lock:
            if key not in self._cache:
                self._cache[key] = make()
            return self._cache[key]

    def dump(self, name: str) -> bytes:
        """One file of ``build/`` (see :data:`serge_kg.pipeline.OUTPUTS`), made from the loaded graphs."""
        fmt, with_inferred = OUTPUTS[name]
        if fmt.endswith("-inferred-only"):
            return self.cached(name, lambda: serialize(fmt.split("-")[0], self.inferred))
        return self.cached(name, lambda: serialize(fmt, self.asserted, self.inferred if with_inferred else None,
                                                   self.context))

    def void(self, base: str, media: str) -> bytes:
        """The VoID/DCAT description, with dump links under ``base``."""
        def make() -> bytes:
            from .sources import load_sources
            try:
                sources = [s.meta for s in load_sources(self.paths.data / "sources").values()]
            except SergeKGError:
                sources = []
            graph = describe_dataset(self.asserted, self.inferred, sources, dump_base=f"{base}/dumps/")
            return _rdf_bytes(graph, media, self.context)
        return self.cached(f"void {base} {media}", make)


def _rdf_bytes(graph: Graph, media: str, context: dict[str, Any]) -> bytes:
    if media == JSONLD:
        return graph.serialize(format="json-ld", context=context, auto_compact=True, encoding="utf-8")
    return graph.serialize(format="nt" if media == NT else "turtle", encoding="utf-8")


def encode(outcome: Outcome, media: str) -> bytes:
    """A query outcome in a SPARQL results format or (for triples) an RDF format."""
    if outcome.kind == "triples":
        return ox.serialize(outcome.rows, format=OX_RDF[media],
                            prefixes=PREFIXES if media == TURTLE else None)
    return pages.encode_results(outcome.variables, outcome.rows, outcome.boolean if outcome.kind == "boolean"
                                else None, media)


def create_app(paths: Paths, *, base_url: str | None = None, timeout: float = 10.0, max_rows: int = 10000,
               service_allow_list: tuple[str, ...] = ()) -> Starlette:
    """The web application serving the graph of ``paths`` (loaded now, once)."""
    engine = Engine(paths, max_rows)
    allow = frozenset(service_allow_list) | {str(ASSERTED_GRAPH), str(INFERRED_GRAPH)}

    def base_of(request: Request) -> str:
        return (base_url or str(request.base_url)).rstrip("/")

    def wanted(request: Request, offers: dict[str, str], default: str) -> str:
        fmt = request.query_params.get("format")
        if fmt and (FORMAT_ALIASES.get(fmt.lower()) or fmt) in offers.values():
            return FORMAT_ALIASES.get(fmt.lower()) or fmt
        return negotiate(request.headers.get("accept"), offers, default)

    async def run(request: Request, text: str, offers: dict[str, str] | None = None, title: str = "",
                  guard: bool = False, **graphs: Any) -> Response:
        results_media = wanted(request, RESULT_TYPES | (offers or {}), JSON)
        rdf_media = wanted(request, RDF_TYPES | (offers or {}), TURTLE)
        base = base_of(request)
        cancel = threading.Event()

        def work() -> tuple[Outcome, str, bytes]:  # one trip to a worker thread: guard, run, encode
            if guard:
                check_query(text, allow)
            outcome = engine.execute(text, cancel, **graphs)
            media = rdf_media if outcome.kind == "triples" else results_media
            if media == HTML:
                return outcome, "text/html; charset=utf-8", pages.results_html(outcome, engine.labels, base, title)
            return outcome, media, encode(outcome, media)

        try:
            with anyio.fail_after(timeout):
                outcome, media, body = await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
        except TimeoutError:
            cancel.set()
            raise QueryRefused(503, f"the query ran longer than the time limit of {timeout:g} s and was "
                                    "stopped; narrow it down or add a LIMIT") from None
        headers = {"X-Result-Truncated": "true", "X-Result-Limit": str(max_rows)} if outcome.truncated else None
        return Response(body, media_type=media, headers=headers)

    async def sparql(request: Request) -> Response:
        params = request.query_params
        text = params.get("query")
        graphs = {"default_graph": params.getlist("default-graph-uri"),
                  "named_graphs": params.getlist("named-graph-uri")}
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/x-www-form-urlencoded":
                form = parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True)
                if "update" in form:
                    raise QueryRefused(403, "SPARQL Update is not allowed: this endpoint is read-only")
                text = (form.get("query") or [""])[0] or None
                graphs = {"default_graph": form.get("default-graph-uri") or graphs["default_graph"],
                          "named_graphs": form.get("named-graph-uri") or graphs["named_graphs"]}
            elif ctype == "application/sparql-query":
                text = (await request.body()).decode("utf-8")
            elif ctype == "application/sparql-update":
                raise QueryRefused(403, "SPARQL Update is not allowed: this endpoint is read-only")
            else:
                raise QueryRefused(415, "POST needs Content-Type application/x-www-form-urlencoded (query=...) "
                                        "or application/sparql-query")
        if "update" in params:
            raise QueryRefused(403, "SPARQL Update is not allowed: this endpoint is read-only")
        if not text:
            media = wanted(request, {TURTLE: TURTLE, JSONLD: JSONLD, NT: NT}, TURTLE)
            endpoint = f"{base_of(request)}/sparql"
            return Response(_rdf_bytes(pages.service_description(endpoint, len(engine.asserted) +
                                                                  len(engine.inferred)), media, engine.context),
                            media_type=media)
        for iri in graphs["default_graph"] + graphs["named_graphs"]:
            if iri not in allow:
                raise QueryRefused(403, f"default-graph-uri / named-graph-uri <{iri}> is not allowed: only "
                                        f"the local graphs {sorted(allow)} may be named")
        return await run(request, text, guard=True, **graphs)

    async def entity(request: Request) -> Response:
        iri = URIRef(BASE + "id/" + request.path_params["rest"])
        if (iri, None, None) not in engine.asserted and (iri, None, None) not in engine.inferred:
            raise QueryRefused(404, f"no entity <{iri}> in the graph")
        media = wanted(request, {HTML: HTML, "application/xhtml+xml": HTML, TURTLE: TURTLE, JSONLD: JSONLD,
                                 "application/json": JSONLD, NT: NT}, HTML)
        if media == HTML:
            body = pages.entity_html(iri, engine.asserted, engine.inferred, engine.labels, base_of(request))
            return Response(body, media_type="text/html; charset=utf-8")
        graph = pages.entity_graph(iri, engine.asserted)
        return Response(_rdf_bytes(graph, media, engine.context), media_type=media)

    async def home(request: Request) -> Response:
        return Response(pages.home_html(engine.asserted, engine.labels, base_of(request), list(OUTPUTS)),
                        media_type="text/html; charset=utf-8")

    async def queries(request: Request) -> Response:
        saved = list_queries(paths.queries)
        base = base_of(request)
        if wanted(request, {HTML: HTML, "application/json": "json"}, HTML) == "json":
            return JSONResponse([pages.query_json(q, base) for q in saved])
        return Response(pages.queries_html(saved, base), media_type="text/html; charset=utf-8")

    async def saved_query(request: Request) -> Response:
        name = request.path_params["name"]
        if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
            raise QueryRefused(404, f"no saved query '{name}'")
        try:
            q = find_query(paths.queries, name)
            values = {k: v for k, v in request.query_params.items() if k != "format"}
            bound = bindings_for(q, values, engine.asserted)
            text = with_values(q.text, bound)
        except QueryFileError as exc:
            raise QueryRefused(404, str(exc)) from exc
        except QueryParameterError as exc:
            raise QueryRefused(400, str(exc)) from exc
        return await run(request, text, {HTML: HTML}, title=q.summary)

    async def void(request: Request) -> Response:
        media = wanted(request, {TURTLE: TURTLE, JSONLD: JSONLD, "application/json": JSONLD, NT: NT}, TURTLE)
        body = await anyio.to_thread.run_sync(engine.void, base_of(request), media)
        return Response(body, media_type=media)

    async def dump(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in OUTPUTS:
            raise QueryRefused(404, f"no dump '{name}' (available: {', '.join(OUTPUTS)})")
        body = await anyio.to_thread.run_sync(engine.dump, name)
        media = FORMATS[OUTPUTS[name][0].split("-")[0]][1]
        return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    async def refused(request: Request, exc: Exception) -> Response:
        status = exc.status if isinstance(exc, QueryRefused) else 400
        return PlainTextResponse(f"{exc}\n", status_code=status)

    routes = [Route("/", home), Route("/sparql", sparql, methods=["GET", "POST"]),
              Route("/id/{rest:path}", entity), Route("/queries", queries), Route("/queries/{name}", saved_query),
              Route("/void", void), Route("/.well-known/void", void), Route("/dumps/{name}", dump)]
    cors = Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"],
                      expose_headers=["X-Result-Truncated", "X-Result-Limit"])
    return Starlette(routes=routes, middleware=[cors], exception_handlers={SergeKGError: refused})
