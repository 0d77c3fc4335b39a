"""Upload the graph to any triple store speaking the SPARQL 1.1 Graph Store HTTP Protocol.

The store gets the dataset as the TriG dump has it: the asserted triples in the named graph
``<https://w3id.org/serge-kg/graph/asserted>`` and the inferred ones in ``.../graph/inferred``, each
as N-Triples in one ``PUT`` (which replaces that graph). With ``union_default_graph`` the store's
default graph gets both as well (``PUT <endpoint>?default``), for stores whose default graph is not
the union of their named graphs (``oxigraph serve`` without ``--union-default-graph``, Fuseki
without ``unionDefaultGraph``); Virtuoso and GraphDB query the union of all graphs by default, and
Virtuoso's Graph Store endpoint has no default graph to write to.

Credentials go the way the store asks for them: the first request is sent without, and a ``401``
answered with the scheme in its ``WWW-Authenticate`` header (Digest for Virtuoso's
``/sparql-graph-crud-auth``, Basic for Fuseki or GraphDB). Tested against ``oxigraph serve``
(``http://host:7878/store``) and Virtuoso 7.2 (``http://host:8890/sparql-graph-crud-auth``).
"""

from __future__ import annotations

import time
from collections.abc import Generator
from dataclasses import dataclass
from urllib.parse import quote

import httpx

from serge_kg.errors import SergeKGError
from serge_kg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH
from serge_kg.paths import Paths
from serge_kg.pipeline.build import load_graphs
from serge_kg.pipeline.export import serialize
from serge_kg.progress import Progress

RETRY_STATUS = (502, 503, 504)


class PublishError(SergeKGError):
    """The triple store refused the upload or could not be reached: says the URL, status and reply."""


@dataclass(frozen=True)
class Upload:
    """One graph sent: where to, and how many triples."""

    url: str
    graph: str  # the graph IRI, or "default"
    triples: int


class ChallengeAuth(httpx.Auth):
    """User and password sent by the scheme the server's ``401`` challenge names (Digest or Basic)."""

    requires_request_body = True

    def __init__(self, user: str, password: str) -> None:
        self._basic, self._digest = httpx.BasicAuth(user, password), httpx.DigestAuth(user, password)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        response = yield request
        if response.status_code != 401:
            return
        scheme = response.headers.get("www-authenticate", "").split(" ", 1)[0].lower()
        if scheme == "digest":
            flow = self._digest.auth_flow(request)
            next(flow)  # the unauthenticated request, already answered by ``response``
            try:
                response = yield flow.send(response)
                flow.send(response)
            except StopIteration:
                return
        elif scheme == "basic":
            yield next(self._basic.auth_flow(request))


def graph_store_url(endpoint: str, graph_iri: str | None = None) -> str:
    """The Graph Store Protocol URL of the default graph or of the named graph ``graph_iri``.

    >>> graph_store_url("http://localhost:7878/store")
    'http://localhost:7878/store?default'
    >>> graph_store_url("http://localhost:7878/store", "https://w3id.org/serge-kg/graph/asserted")
    'http://localhost:7878/store?graph=https%3A%2F%2Fw3id.org%2Fserge-kg%2Fgraph%2Fasserted'
    """
    sep = "&" if "?" in endpoint else "?"
    return endpoint + sep + ("graph=" + quote(graph_iri, safe="") if graph_iri else "default")


def _put(client: httpx.Client, url: str, body: bytes, retries: int, backoff: float) -> None:
    headers = {"Content-Type": "application/n-triples; charset=utf-8"}
    problem = ""
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(backoff * 2 ** (attempt - 1))
        try:
            reply = client.put(url, content=body, headers=headers)
        except httpx.TransportError as exc:
            problem = f"cannot reach the store: {type(exc).__name__}: {exc}"
            continue
        if reply.status_code in RETRY_STATUS:
            problem = f"HTTP {reply.status_code}: {reply.text[:500].strip()}"
            continue
        if reply.status_code == 401:
            hint = "give --user and --password" if client.auth is None else "check --user and --password"
            raise PublishError(f"{url}: the store answered HTTP 401 (not authorised): {hint}")
        if reply.status_code >= 400:
            raise PublishError(f"{url}: the store answered HTTP {reply.status_code}: {reply.text[:500].strip()}")
        return
    raise PublishError(f"{url}: upload failed after {retries + 1} attempt(s): {problem}")


def publish(paths: Paths, endpoint: str, *, union_default_graph: bool = False, auth: tuple[str, str] | None = None,
            timeout: float = 60, retries: int = 4, backoff: float = 0.5,
            progress: Progress | None = None) -> list[Upload]:
    """PUT the asserted and the inferred triples to their named graphs (and, if asked, both to the
    default graph) of a Graph Store endpoint; return what was sent.

    Connection failures and 502/503/504 answers are retried ``retries`` times, waiting ``backoff``
    seconds, then twice as long each time.

    :raises PublishError: on any other HTTP error (with status and the start of the reply), or when the
        store stays unreachable.
    """
    asserted, inferred = load_graphs(paths, inferred=True, progress=progress)
    parts = [(str(ASSERTED_GRAPH), serialize("ntriples", asserted)),
             (str(INFERRED_GRAPH), serialize("ntriples", inferred))]
    if union_default_graph:
        parts.append(("default", serialize("ntriples", asserted, inferred)))
    sent = []
    with httpx.Client(auth=ChallengeAuth(*auth) if auth else None, timeout=timeout) as client:
        for graph, body in parts:
            url = graph_store_url(endpoint, None if graph == "default" else graph)
            _put(client, url, body, retries, backoff)
            sent.append(Upload(url, graph, body.count(b"\n") if body.strip() else 0))
    return sent
