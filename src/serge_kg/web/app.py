"""The HTTP face of the graph: a read-only SPARQL 1.1 Protocol endpoint and linked-data pages.

Routes: ``/sparql`` (GET ``?query=``, POST form or ``application/sparql-query``; no query: the service
description), ``/id/<kind>/<slug>`` (HTML, Turtle, JSON-LD or N-Triples by ``Accept`` or ``?format=``),
``/`` (home), ``/queries`` and ``/queries/{name}`` (saved queries, parameters from the query string),
``/void`` and ``/.well-known/void`` (VoID/DCAT), ``/dumps/<file>`` (the files of ``build/``).

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
``X-Result-Limit: <max_rows>``.

Links: pages link relative to the site (``/id/...``) unless ``base_url`` is given; descriptions in
RDF (service description, VoID) name ``base_url`` or the canonical ``https://w3id.org/serge-kg/``.
The ``Host`` header is never copied into a link.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

import anyio
import anyio.to_thread
from anyio import CapacityLimiter
from rdflib import URIRef
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from serge_kg.errors import QueryFileError, QueryParameterError, SergeKGError
from serge_kg.namespaces import BASE
from serge_kg.paths import Paths
from serge_kg.pipeline.build import OUTPUTS
from serge_kg.pipeline.export import FORMATS
from serge_kg.query.engines import with_values
from serge_kg.query.saved import bindings_for, find_query, list_queries

from . import pages
from .engine import (
    FORMAT_ALIASES,
    HTML,
    JSON,
    JSONLD,
    NT,
    RDF_TYPES,
    RESULT_TYPES,
    TURTLE,
    Engine,
    Job,
    rdf_bytes,
)
from .guard import MAX_QUERY_BYTES, QueryRefused
from .pool import Limits
from .protocol import negotiate, service_description


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, read no further than ``limit`` bytes.

    :raises QueryRefused: 413 if it is longer.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit():
        if int(declared) > limit:
            raise QueryRefused(413, f"the body is {declared} bytes long; this endpoint accepts at most {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise QueryRefused(413, f"the body is longer than {limit} bytes, the most this endpoint accepts")
    return bytes(body)


def create_app(paths: Paths, *, base_url: str | None = None, timeout: float = 10.0, max_rows: int = 10000,
               limits: Limits | None = None, max_query_bytes: int = MAX_QUERY_BYTES) -> Starlette:
    """The web application serving the graph of ``paths`` (loaded now, once; its workers started).

    ``limits`` (workers, memory, queue) default to :class:`~serge_kg.web.pool.Limits` with ``timeout``.
    Call ``app.state.engine.close()`` to stop the workers when the app is not run with a lifespan.
    """
    limits = limits or Limits(timeout=timeout)
    engine = Engine(paths, max_rows, limits, max_query_bytes)
    allow = engine.allow
    limiter: list[CapacityLimiter] = []  # made in the event loop, on first use
    public = (base_url or "").rstrip("/")  # "" = links relative to the site
    canonical = public or BASE.rstrip("/")  # RDF descriptions need absolute IRIs

    def base_of(request: Request) -> str:
        return public

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
        if guard:
            engine.guard.check(text)
        else:  # a saved query with bound values: trusted, but still never deeper than the parser can take
            engine.guard.check_depth(text)
        job = Job(text, tuple(graphs.get("default_graph") or ()), tuple(graphs.get("named_graphs") or ()),
                  results_media, rdf_media, max_rows)
        if not limiter:
            limiter.append(CapacityLimiter(limits.max_workers + limits.queue + 1))
        reply = await anyio.to_thread.run_sync(engine.execute, job, limiter=limiter[0])
        body, media = reply.body, reply.media
        if reply.outcome is not None:
            body = pages.results_html(reply.outcome, engine.labels, base, title)
            media = "text/html; charset=utf-8"
        headers = {"X-Result-Truncated": "true", "X-Result-Limit": str(max_rows)} if reply.truncated else None
        return Response(body, media_type=media, headers=headers)

    async def sparql(request: Request) -> Response:
        params = request.query_params
        text = params.get("query")
        graphs = {"default_graph": params.getlist("default-graph-uri"),
                  "named_graphs": params.getlist("named-graph-uri")}
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype == "application/x-www-form-urlencoded":
                form = parse_qs(_utf8(await read_body(request, max_query_bytes * 3 + 1024)),
                                keep_blank_values=True)
                if "update" in form:
                    raise QueryRefused(403, "SPARQL Update is not allowed: this endpoint is read-only")
                text = (form.get("query") or [""])[0] or None
                graphs = {"default_graph": form.get("default-graph-uri") or graphs["default_graph"],
                          "named_graphs": form.get("named-graph-uri") or graphs["named_graphs"]}
            elif ctype == "application/sparql-query":
                text = _utf8(await read_body(request, max_query_bytes))
            elif ctype == "application/sparql-update":
                raise QueryRefused(403, "SPARQL Update is not allowed: this endpoint is read-only")
            else:
                raise QueryRefused(415, "POST needs Content-Type application/x-www-form-urlencoded (query=...) "
                                        "or application/sparql-query")
        if "update" in params:
            raise QueryRefused(403, "SPARQL Update is not allowed: this endpoint is read-only")
        if not text:
            media = wanted(request, {TURTLE: TURTLE, JSONLD: JSONLD, NT: NT}, TURTLE)
            endpoint = f"{canonical}/sparql"
            return Response(rdf_bytes(service_description(endpoint, len(engine.asserted) +
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
        return Response(rdf_bytes(graph, media, engine.context), media_type=media)

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
        except (QueryParameterError, ValueError) as exc:  # ValueError: a term Oxigraph will not build
            raise QueryRefused(400, str(exc)) from exc
        return await run(request, text, {HTML: HTML}, title=q.summary)

    async def void(request: Request) -> Response:
        media = wanted(request, {TURTLE: TURTLE, JSONLD: JSONLD, "application/json": JSONLD, NT: NT}, TURTLE)
        body = await anyio.to_thread.run_sync(engine.void, canonical, media)
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
        headers = exc.headers if isinstance(exc, QueryRefused) else None
        return PlainTextResponse(f"{exc}\n", status_code=status, headers=headers)

    routes = [Route("/", home), Route("/sparql", sparql, methods=["GET", "POST"]),
              Route("/id/{rest:path}", entity), Route("/queries", queries), Route("/queries/{name}", saved_query),
              Route("/void", void), Route("/.well-known/void", void), Route("/dumps/{name}", dump)]
    cors = Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"],
                      expose_headers=["X-Result-Truncated", "X-Result-Limit"])
    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            engine.close()

    app = Starlette(routes=routes, middleware=[cors], exception_handlers={SergeKGError: refused},
                    lifespan=lifespan)
    app.state.engine = engine
    return app


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryRefused(400, f"the body is not UTF-8 (byte {exc.start})") from None
