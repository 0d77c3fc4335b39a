"""The SPARQL 1.1 Protocol's side of the endpoint: reading a request, content negotiation, service
description (the result encodings are in :mod:`serge_kg.web.results`).

A request is read as https://www.w3.org/TR/sparql11-protocol/ says (:func:`read_request`): one
``query`` by GET, by a URL-encoded POST form or as an ``application/sparql-query`` body; several
``query`` (or ``update``) parameters, a body that is not UTF-8 and a charset other than UTF-8 are
400s. The service description follows https://www.w3.org/TR/sparql11-service-description/.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs

from rdflib import DCTERMS, RDF, VOID, BNode, Graph, Literal, URIRef
from starlette.requests import Request

from serge_kg.namespaces import BASE, SD, W3C_FORMATS
from serge_kg.pipeline.export import ASSERTED_GRAPH, INFERRED_GRAPH

from .guard import QueryRefused

CHARSETS = ("utf-8", "utf8", "us-ascii")  # what a request body may be declared as (ASCII is a subset of UTF-8)
READ_ONLY = "SPARQL Update is not allowed: this endpoint is read-only"


@dataclass
class ProtocolRequest:
    """What a SPARQL Protocol request asks: the query text (None: the service description) and dataset."""

    query: str | None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    format: str | None = None  # the URL's ``format`` parameter (its last value), which overrides Accept


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise QueryRefused(400, f"the {what} is not UTF-8 (byte {exc.start}): the SPARQL Protocol needs "
                                "UTF-8") from None


def _form(data: str, what: str) -> dict[str, list[str]]:
    try:
        return parse_qs(data, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise QueryRefused(400, f"the {what} holds a percent-encoded value that is not UTF-8") from None


def _charset(content_type: str) -> tuple[str, str]:
    """The media type and declared charset (lower case; "" if none) of a Content-Type header."""
    media, _, params = content_type.partition(";")
    charset = ""
    for p in params.split(";"):
        k, _, v = p.strip().partition("=")
        if k.strip().lower() == "charset":
            charset = v.strip().strip('"').lower()
    return media.strip().lower(), charset


def read_request(method: str, url_query: bytes, content_type: str | None, body: bytes) -> ProtocolRequest:
    """The query and dataset of a SPARQL 1.1 Protocol request, checked.

    :raises QueryRefused: 400 for several ``query`` (or ``update``) parameters, a body or URL that is not
        UTF-8 or a charset other than UTF-8; 403 for an update; 415 for a POST that is neither a form
        nor a query.
    """
    url = _form(_decode(url_query, "URL"), "URL")
    params = dict(url)
    if method == "POST":
        media, charset = _charset(content_type or "")
        if charset and charset not in CHARSETS:
            raise QueryRefused(400, f"charset={charset} is not supported: send the request body as UTF-8")
        if media == "application/sparql-update":
            raise QueryRefused(403, READ_ONLY)
        if media == "application/x-www-form-urlencoded":
            form = _form(_decode(body, "request body"), "request body")
            for key, values in form.items():
                params[key] = params.get(key, []) + values
        elif media == "application/sparql-query":
            if "query" in params:
                raise QueryRefused(400, "a query sent as the POST body may not also be a 'query' URL parameter")
            params["query"] = [_decode(body, "request body")]
        else:
            raise QueryRefused(415, "POST needs Content-Type application/x-www-form-urlencoded (query=...) "
                                    "or application/sparql-query")
    for name in ("query", "update"):
        if len(params.get(name, [])) > 1:
            raise QueryRefused(400, f"{len(params[name])} '{name}' parameters: the SPARQL Protocol allows exactly one")
    if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
        raise QueryRefused(403, READ_ONLY)
    queries = params.get("query", [])
    return ProtocolRequest(queries[0] if queries and queries[0] else None, params.get("default-graph-uri", []),
                           params.get("named-graph-uri", []), (url.get("format") or [None])[-1])


def negotiate(accept: str | None, offers: dict[str, str], default: str) -> str:
    """The offered representation ``Accept`` prefers (``offers``: media type -> representation)."""
    if not accept:
        return default
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            k, _, v = p.strip().partition("=")
            if k == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        ranges.append((media.strip().lower(), q))
    best, best_q = default, 0.0
    for media, rep in offers.items():
        matches = [(2 if r == media else 1 if r == media.split("/")[0] + "/*" else 0, rq)
                   for r, rq in ranges if r in (media, "*/*", media.split("/")[0] + "/*")]
        q = max(matches)[1] if matches else 0.0
        if q > best_q or (q == best_q and q > 0 and rep == default):
            best, best_q = rep, q
    return best


def service_description(endpoint: str, triples: int) -> Graph:
    """The SPARQL 1.1 Service Description of the endpoint."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("formats", W3C_FORMATS)
    g.bind("void", VOID)
    svc = URIRef(endpoint)
    g.add((svc, RDF.type, SD.Service))
    g.add((svc, SD.endpoint, svc))
    g.add((svc, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                "Turtle", "JSON-LD", "N-Triples", "RDF_XML"):
        g.add((svc, SD.resultFormat, W3C_FORMATS[fmt]))
    dataset, default = BNode(), BNode()
    g.add((svc, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(triples)))
    for name in (ASSERTED_GRAPH, INFERRED_GRAPH):
        named = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, SD.name, name))
    g.add((svc, DCTERMS.description, Literal(
        f"Read-only SPARQL endpoint of serge-kg ({BASE}). The default graph holds asserted and inferred triples.")))
    return g


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
