"""Upload the graph to any triple store speaking the SPARQL 1.1 Graph Store HTTP Protocol.

The asserted and inferred triples go up together as N-Triples in one ``PUT`` (which replaces the
target graph): to ``<endpoint>?default`` (the store's default graph) or ``<endpoint>?graph=<IRI>``.
Tested against the Oxigraph server (``oxigraph serve``, endpoint ``http://host:7878/store``); Fuseki
(``/<dataset>/data``), GraphDB (``/repositories/<id>/rdf-graphs/service``) and Virtuoso
(``/sparql-graph-crud-auth``) take the same request.
"""

from __future__ import annotations

import time
from urllib.parse import quote

import httpx

from serge_kg.errors import SergeKGError
from serge_kg.paths import Paths
from serge_kg.pipeline.build import load_graphs
from serge_kg.pipeline.export import serialize
from serge_kg.progress import Progress

RETRY_STATUS = (502, 503, 504)


class PublishError(SergeKGError):
    """The triple store refused the upload or could not be reached: says the URL, status and reply."""


def graph_store_url(endpoint: str, graph_iri: str | None = None) -> str:
    """The Graph Store Protocol URL of the default graph or of the named graph ``graph_iri``.

    >>> graph_store_url("http://localhost:7878/store")
    'http://localhost:7878/store?default'
    >>> graph_store_url("http://localhost:7878/store", "https://w3id.org/serge-kg/graph/all")
    'http://localhost:7878/store?graph=https%3A%2F%2Fw3id.org%2Fserge-kg%2Fgraph%2Fall'
    """
    sep = "&" if "?" in endpoint else "?"
    return endpoint + sep + ("graph=" + quote(graph_iri, safe="") if graph_iri else "default")


def publish(paths: Paths, endpoint: str, *, graph_iri: str | None = None, auth: tuple[str, str] | None = None,
            timeout: float = 30, retries: int = 4, backoff: float = 0.5, progress: Progress | None = None) -> int:
    """PUT the asserted + inferred triples to a Graph Store endpoint; return how many triples were sent.

    Connection failures and 502/503/504 answers are retried ``retries`` times, waiting ``backoff``
    seconds, then twice as long each time.

    :raises PublishError: on any other HTTP error (with status and the start of the reply), or when the
        store stays unreachable.
    """
    asserted, inferred = load_graphs(paths, inferred=True, progress=progress)
    body = serialize("ntriples", asserted, inferred)
    count = body.count(b"\n") if body.strip() else 0
    url = graph_store_url(endpoint, graph_iri)
    headers = {"Content-Type": "application/n-triples; charset=utf-8"}
    problem = ""
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            reply = httpx.put(url, content=body, headers=headers, auth=auth, timeout=timeout)
        except httpx.TransportError as exc:
            problem = f"cannot reach the store: {type(exc).__name__}: {exc}"
            continue
        if reply.status_code in RETRY_STATUS:
            problem = f"HTTP {reply.status_code}: {reply.text[:500].strip()}"
            continue
        if reply.status_code >= 400:
            raise PublishError(f"{url}: the store answered HTTP {reply.status_code}: {reply.text[:500].strip()}")
        return count
    raise PublishError(f"{url}: upload failed after {retries + 1} attempt(s): {problem}")
