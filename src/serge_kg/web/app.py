"""The HTTP face of the graph: a read-only SPARQL 1.1 Protocol endpoint and linked-data pages.

Routes: ``/sparql`` (GET ``?query=``, POST form or ``application/sparql-query``; no query: the service
description), ``/id/<kind>/<slug>`` (HTML, Turtle, JSON-LD or N-Triples by ``Accept`` or ``?format=``),
``/`` (home), ``/queries`` and ``/queries/{name}`` (saved queries, parameters from the query string),
``/void`` and ``/.well-known/void`` (VoID/DCAT), ``/dumps/`` (the dump files with what each holds, size and
SHA-256; text or JSON) and ``/dumps/<file>`` (the files of ``build/``, ``void.ttl`` and ``report.json``).

The dataset: the store's default graph holds the asserted AND the inferred triples (the same set as
``serge-full.ttl`` and as :func:`serge_kg.publish.publish` uploads); the two parts are also the named
graphs ``<https://w3id.org/serge-kg/graph/asserted>`` and ``.../graph/inferred``. Queries may use the
project prefixes (``sk:``, ``skid:``, ``wdt:`` ...) without declaring them.

Guards (:mod:`serge_kg.web.guard`, decided on the grammar's token stream): a query or body over
``max_query_bytes`` answers 413; brackets nested deeper than 64 answer 400; SPARQL Update (query text,
``update=`` field or ``application/sparql-update`` body) answers 403; ``SERVICE`` answers 403 whatever
it names (the endpoint makes no outbound request, and its workers have no network where the kernel
allows it); ``FROM``/``FROM NAMED``/``default-graph-uri``/``named-graph-uri`` naming a graph other
than our two answer 403. Queries run in worker processes (:mod:`serge_kg.web.pool`): a query running
longer than ``timeout`` seconds is killed with its worker and answers 503; a worker that crashes or
hits its memory cap answers 500/503 for that request and is replaced; a full queue answers 503 with
``Retry-After``. A result longer than ``max_rows`` rows (triples, for CONSTRUCT/DESCRIBE) is cut to its
first ``max_rows`` and answered 200 with the headers ``X-Result-Truncated: true`` and
``X-Result-Limit: <max_rows>``, noted on HTML pages and logged (logger ``serge_kg.web.app``);
by default ``max_rows`` is more than the whole graph.

Links: pages link relative to the site (``/id/...``) unless ``base_url`` is given; descriptions in
RDF (service description, VoID) name ``base_url`` or the canonical ``https://w3id.org/serge-kg/``.
The ``Host`` header is never copied into a link.

The research interface (:mod:`serge_kg.web.render`): ``/people``, ``/organizations``, ``/places``,
``/works``, ``/events``, ``/disagreements`` (``?sort=name|date``, ``?type=<class>``), ``/search?q=`` and
``/search.json?q=``, ``/sources/wikipedia`` and ``/sources/mia`` (the texts with every quote marked),
``/downloads``, ``/static/...`` (``/favicon.ico`` leads to ``/static/favicon.svg``). Unknown ids and query names answer 404 with the nearest names.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from importlib.resources import files
from typing import Any

import anyio
import anyio.to_thread
from anyio import CapacityLimiter
from rdflib import URIRef
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from serge_kg.errors import QueryFileError, QueryParameterError, SergeKGError
from serge_kg.namespaces import BASE
from serge_kg.paths import Paths
from serge_kg.pipeline.export import OUTPUTS
from serge_kg.query.engines import with_values
from serge_kg.query.saved import bindings_for, find_query, list_queries
from serge_kg.sources.text import load_sources

from . import bibliography_page, editor, map_page, pages
from .cache import DEFAULT_CACHE_MB, result_cache
from .dumps import DumpFiles
from .engine import (
    FORMAT_ALIASES,
    HTML,
    JSON,
    JSONLD,
    NT,
    RDF_TYPES,
    RDFXML,
    RESULT_TYPES,
    TURTLE,
    Engine,
    Job,
    Outcome,
    rdf_bytes,
)
from .guard import MAX_QUERY_BYTES, QueryRefused
from .pool import Limits, WorkerProcess
from .protocol import ProtocolRequest, negotiate, read_body, read_request, service_description
from .render import LIST_BY_NAME, SORTS, Pages
from .serving import DEFAULT_MAX_ROWS
from .timeline_network import ViewPages, view_routes
from .urls import Links
from .warmup import Activity, ActivityMiddleware, when_quiet

log = logging.getLogger(__name__)

HTML_PAGE = "text/html; charset=utf-8"
MAX_CACHED_PAGES = 20_000  # more than every page of the graph; beyond it pages are drawn per request


def create_app(paths: Paths, *, base_url: str | None = None, timeout: float = 10.0, max_rows: int = DEFAULT_MAX_ROWS,
               limits: Limits | None = None, max_query_bytes: int = MAX_QUERY_BYTES,
               extra_graphs: Mapping[str, bytes] | None = None, extra_allow: Iterable[str] = (),
               cache_mb: int = DEFAULT_CACHE_MB, spawned: Sequence[WorkerProcess] = ()) -> Starlette:
    """The web application serving the graph of ``paths`` (loaded now, once; its workers started).

    ``limits`` (workers, memory, queue) default to :class:`~serge_kg.web.pool.Limits` with ``timeout``.
    Call ``app.state.engine.close()`` to stop the workers when the app is not run with a lifespan.
    ``cache_mb`` bounds the result cache of the query routes (:mod:`serge_kg.web.cache`; 0: no cache).
    ``spawned``: query workers already started (:func:`~serge_kg.web.pool.spawn_workers`), used first.
    """
    limits = limits or Limits(timeout=timeout)
    # the query workers start while the rest is set up; engine.started() below waits for them
    engine = Engine(paths, max_rows, limits, max_query_bytes, extra_graphs, extra_allow, wait=False, spawned=spawned)
    allow = engine.allow
    limiter: list[CapacityLimiter] = []  # made in the event loop, on first use
    public = (base_url or "").rstrip("/")  # "" = links relative to the site
    canonical = public or BASE.rstrip("/")  # RDF descriptions need absolute IRIs
    dump_files = DumpFiles(engine, paths.build, canonical)
    sources = load_sources(paths.data / "sources")
    # the pages' indexes are made on first use, or by the warm-up once the server listens: SPARQL is
    # answered by the workers from the start
    site = Pages(lambda: engine.asserted, lambda: engine.ontology, sources, list_queries(paths.queries))
    views = ViewPages(engine, site, paths.queries)  # /timeline, /network
    rendered: dict[tuple[str, str], bytes] = {}  # the graph does not change while serving: draw each page once

    def page_key(request: Request, *params: str) -> tuple[str, str]:
        """The cache key: the path and only the parameters that change the page (others cannot grow it)."""
        q = "&".join(f"{p}={request.query_params.get(p, '')}" for p in params)
        return f"{request.url.path}?{q}", base_of(request)

    def remember(key: tuple[str, str], body: bytes) -> None:
        if len(rendered) < MAX_CACHED_PAGES:
            rendered[key] = body

    def base_of(request: Request) -> str:
        return public

    def wanted(request: Request, offers: dict[str, str], default: str, asked: ProtocolRequest | None = None) -> str:
        # the endpoint has parsed its (long) URL already: parsing it again cost a third of a request
        fmt = asked.format if asked is not None else request.query_params.get("format")
        if fmt and (FORMAT_ALIASES.get(fmt.lower()) or fmt) in offers.values():
            return FORMAT_ALIASES.get(fmt.lower()) or fmt
        return negotiate(request.headers.get("accept"), offers, default)

    async def run(request: Request, text: str, offers: dict[str, str] | None = None, title: str = "",
                  guard: bool = False, html: Callable[[Outcome], bytes] | None = None,
                  asked: ProtocolRequest | None = None, **graphs: Any) -> Response:
        results_media = wanted(request, RESULT_TYPES | (offers or {}), JSON, asked)
        rdf_media = wanted(request, RDF_TYPES | (offers or {}), TURTLE, asked)
        base = base_of(request)
        if guard:
            engine.guard.check(text)
        else:  # a saved query with bound values: trusted, but still never deeper than the parser can take
            engine.guard.check_depth(text)
        job = Job(text, tuple(graphs.get("default_graph") or ()), tuple(graphs.get("named_graphs") or ()),
                  results_media, rdf_media, max_rows, graphs.get("base_iri"))
        if not limiter:
            limiter.append(CapacityLimiter(limits.max_workers + limits.queue + 1))
        reply = await anyio.to_thread.run_sync(engine.execute, job, limiter=limiter[0])
        body, media = reply.body, reply.media
        if reply.outcome is not None:
            body = html(reply.outcome) if html else pages.results_html(reply.outcome, engine.labels, base, title,
                                                                       list(sources.values()))
            media = HTML_PAGE
        headers = {"X-Result-Truncated": "true", "X-Result-Limit": str(max_rows)} if reply.truncated else None
        if reply.truncated:
            log.warning("result cut at %d rows (max_rows) for: %s", max_rows, " ".join(text.split())[:300])
        return Response(body, media_type=media, headers=headers)

    async def sparql(request: Request) -> Response:
        body = await read_body(request, max_query_bytes * 3 + 1024) if request.method == "POST" else b""
        asked = read_request(request.method, request.scope.get("query_string", b""),
                             request.headers.get("content-type"), body)
        endpoint = f"{canonical}/sparql"
        if not asked.query:
            media = wanted(request, {TURTLE: TURTLE, JSONLD: JSONLD, NT: NT, RDFXML: RDFXML, HTML: HTML}, TURTLE, asked)
            if media == HTML and request.method == "GET":  # a browser: the SPARQL editor (web/editor.py)
                return Response(*editor.editor_page(site.render, Links(public), site.queries, engine.asserted,
                                                    dict(request.query_params)), media_type=HTML_PAGE)
            media = TURTLE if media == HTML else media
            return Response(rdf_bytes(service_description(endpoint, len(engine.asserted) +
                                                                  len(engine.inferred)), media, engine.context),
                            media_type=media)
        for iri in asked.default_graphs + asked.named_graphs:
            if iri not in allow:
                raise QueryRefused(403, f"default-graph-uri / named-graph-uri <{iri}> is not allowed: only "
                                        f"the local graphs {sorted(allow)} may be named")
        # relative IRIs resolve against the endpoint's public URL (as Oxigraph's server does with its own);
        # that is --base-url or the canonical one, never the Host header
        return await run(request, asked.query, guard=True, asked=asked, default_graph=asked.default_graphs,
                         named_graphs=asked.named_graphs, base_iri=endpoint)

    async def entity(request: Request) -> Response:
        rest = request.path_params["rest"]
        iri = URIRef(BASE + "id/" + rest)
        media = wanted(request, {HTML: HTML, "application/xhtml+xml": HTML, TURTLE: TURTLE, JSONLD: JSONLD,
                                 "application/json": JSONLD, NT: NT, RDFXML: RDFXML}, HTML)
        if (iri, None, None) not in engine.asserted and (iri, None, None) not in engine.inferred:
            if media == HTML:
                return not_found(request, f"There is no record with the id “{rest.rsplit('/', 1)[-1]}”.",
                                 "id/" + rest)
            raise QueryRefused(404, f"no entity <{iri}> in the graph")
        if media == HTML:
            body = cached(request, lambda links: site.entity(links, iri))
            if body is None:  # in the graph but not a record of ours (e.g. an inferred-only node)
                return not_found(request, f"<{iri}> has no page.", "id/" + rest)
            return Response(body, media_type=HTML_PAGE)
        graph = pages.entity_graph(iri, engine.asserted)
        return Response(rdf_bytes(graph, media, engine.context), media_type=media)

    def cached(request: Request, make: Callable[[Links], bytes | None]) -> bytes | None:
        key = page_key(request, "sort", "type")
        if key in rendered:
            return rendered[key]
        body = make(Links(base_of(request)))
        if body is not None:
            remember(key, body)
        return body

    def not_found(request: Request, what: str, path: str) -> Response:
        return Response(site.not_found(Links(base_of(request)), what, path), status_code=404, media_type=HTML_PAGE)

    async def home(request: Request) -> Response:
        return Response(cached(request, lambda links: site.home(links, list(OUTPUTS))), media_type=HTML_PAGE)

    async def listing(request: Request) -> Response:
        name = request.url.path.strip("/")
        sort, type_ = request.query_params.get("sort", "name"), request.query_params.get("type", "")
        if sort not in SORTS:
            raise QueryRefused(400, f"sort '{sort}' is not one of: {', '.join(SORTS)}")
        body = cached(request, lambda links: site.listing(links, name, sort, type_))
        if body is None:
            return not_found(request, f"The list of {name} has no kind “{type_}”.", name)
        return Response(body, media_type=HTML_PAGE)

    async def search(request: Request) -> Response:
        q = request.query_params.get("q", "")[:200]
        return Response(site.search(Links(base_of(request)), q), media_type=HTML_PAGE)

    async def search_json(request: Request) -> Response:
        q = request.query_params.get("q", "")[:200]
        return JSONResponse(site.search_json(Links(base_of(request)), q))

    async def source_page(request: Request) -> Response:
        sid = request.path_params["sid"]
        body = cached(request, lambda links: site.source(links, sid))
        if body is None:
            return not_found(request, f"There is no source “{sid}”; the sources are {', '.join(sources)}.",
                             "sources/" + sid)
        return Response(body, media_type=HTML_PAGE)

    async def downloads(request: Request) -> Response:
        return Response(cached(request, lambda links: site.downloads(links, list(OUTPUTS))), media_type=HTML_PAGE)

    async def queries(request: Request) -> Response:
        saved = list_queries(paths.queries)
        base = base_of(request)
        if wanted(request, {HTML: HTML, "application/json": "json"}, HTML) == "json":
            return JSONResponse([pages.query_json(q, base) for q in saved])
        return Response(cached(request, site.queries_list), media_type=HTML_PAGE)

    async def saved_query(request: Request) -> Response:
        name = request.path_params["name"]
        as_html = wanted(request, RESULT_TYPES | {HTML: HTML}, JSON) == HTML
        values = {k: v for k, v in request.query_params.items() if k != "format"}
        links = Links(base_of(request))
        try:
            if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
                raise QueryFileError(f"no saved query '{name}'")
            q = find_query(paths.queries, name)
            if as_html and not values and any(p.default is None for p in q.params):
                # a first visit: the question and its form, to be filled in before anything runs
                return Response(site.query(links, q, values), media_type=HTML_PAGE)
            bound = bindings_for(q, values, engine.asserted)
            text = with_values(q.text, bound)
        except QueryFileError as exc:
            if as_html:
                return not_found(request, f"There is no saved query “{name}”.", "queries/" + name)
            raise QueryRefused(404, str(exc)) from exc
        except (QueryParameterError, ValueError) as exc:  # ValueError: a term Oxigraph will not build
            if as_html:
                return Response(site.query(links, q, values, error=str(exc)), status_code=400, media_type=HTML_PAGE)
            raise QueryRefused(400, str(exc)) from exc
        key = page_key(request, *sorted(values))
        if as_html and key in rendered:  # the graph does not change: an answer page is drawn once
            return Response(rendered[key], media_type=HTML_PAGE)

        def page(outcome: Outcome) -> bytes:
            body = site.query(links, q, values, outcome)
            if not outcome.truncated:
                remember(key, body)
            return body
        return await run(request, text, {HTML: HTML}, title=q.summary, html=page)

    async def void(request: Request) -> Response:
        media = wanted(request, {TURTLE: TURTLE, JSONLD: JSONLD, "application/json": JSONLD, NT: NT}, TURTLE)
        body = await anyio.to_thread.run_sync(engine.void, canonical, media)
        return Response(body, media_type=media)

    async def dump(request: Request) -> Response:
        name = request.path_params["name"]
        body, media = await anyio.to_thread.run_sync(dump_files.file, name)
        return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    async def dumps(request: Request) -> Response:
        """The dump files with what each holds, its size and SHA-256 (JSON, or text like sha256sum's)."""
        files = await anyio.to_thread.run_sync(dump_files.listing, base_of(request))
        if wanted(request, {"text/plain": "text", "application/json": "json"}, "text") == "json":
            return JSONResponse(files)
        lines = [f"{f['sha256']}  {f['name']}  ({f['bytes']} bytes, {f['mediaType']}: {f['contains']})" for f in files]
        return PlainTextResponse("\n".join(lines) + "\n")

    async def refused(request: Request, exc: Exception) -> Response:
        status = exc.status if isinstance(exc, QueryRefused) else 400
        headers = exc.headers if isinstance(exc, QueryRefused) else None
        return PlainTextResponse(f"{exc}\n", status_code=status, headers=headers)

    async def favicon(request: Request) -> Response:
        # browsers ask for /favicon.ico whatever the page's <link rel="icon"> says
        return RedirectResponse(Links(public).to("static/favicon.svg"), status_code=301)

    routes = [Route("/", home), Route("/favicon.ico", favicon), Route("/sparql", sparql, methods=["GET", "POST"]),
              Route("/id/{rest:path}", entity), Route("/queries", queries), Route("/queries/{name}", saved_query),
              Route("/void", void), Route("/.well-known/void", void), Route("/dumps", dumps), Route("/dumps/", dumps),
              Route("/dumps/{name}", dump),
              *(Route(f"/{name}", listing) for name in LIST_BY_NAME), Route("/search", search),
              Route("/search.json", search_json), Route("/sources/{sid}", source_page), Route("/downloads", downloads),
              *bibliography_page.routes(engine, site, paths.queries, public),
              Route("/map", map_page.live_handler(engine, site.render, paths.queries, Links(public))),
              *view_routes(views, public, lambda r: wanted(r, {HTML: HTML, "application/json": "json"}, HTML) == "json",
                           not_found),
              Mount("/static", StaticFiles(directory=str(files("serge_kg.web") / "static")), name="static")]
    cors = Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"],
                      expose_headers=["X-Result-Truncated", "X-Result-Limit"])
    activity = Activity()

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        def warm() -> None:
            try:
                engine.warm()
                site.warm()
                bibliography_page.prepare()
            except Exception:  # a page asking later meets the same error and reports it
                log.exception("could not prepare the pages")

        stop = threading.Event()
        when_quiet(activity, warm, stop)  # not while the first queries are answered: see web/warmup.py
        try:
            yield
        finally:
            stop.set()
            engine.close()

    app = Starlette(routes=routes, middleware=[Middleware(ActivityMiddleware, activity=activity), cors,
                                               *result_cache(engine, paths.queries, cache_mb, max_query_bytes)],
                    exception_handlers={SergeKGError: refused},
                    lifespan=lifespan)
    app.state.engine = engine
    try:
        engine.started()
    except Exception:
        engine.close()
        raise
    return app
