"""Publishing to a real Oxigraph server over the Graph Store Protocol, then querying it over the protocol."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest

from conftest import make_project
from serge_kg.namespaces import PREFIXES
from serge_kg.pipeline.build import build
from serge_kg.query.engines import with_values
from serge_kg.query.saved import bindings_for, list_queries
from serge_kg.web.publish import PublishError, graph_store_url, publish

pytestmark = pytest.mark.server
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` server CLI: next to this Python, or on PATH."""
    local = Path(sys.executable).parent / "oxigraph"
    return str(local) if local.exists() else shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    paths = make_project(tmp_path_factory.mktemp("pub") / "project")
    return paths, build(paths)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the Oxigraph server CLI is not installed (pip install oxigraph)")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([binary, "serve", "--location", str(tmp_path_factory.mktemp("oxidb")),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/query", params={"query": "ASK {}"}, timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, f"oxigraph exited: {proc.stderr.read().decode() if proc.stderr else ''}"
                assert time.monotonic() < deadline, "oxigraph did not start"
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def _term(t: Any) -> tuple[str, ...] | None:
    if t is None:
        return None
    if isinstance(t, ox.NamedNode):
        return ("uri", t.value)
    if isinstance(t, ox.BlankNode):
        return ("bnode",)  # blank node labels are not comparable across stores
    dt = t.datatype.value if not t.language else ""
    return ("literal", t.value, t.language or "", "" if dt == XSD_STRING else dt)


def _rows(res: Any) -> Any:
    if isinstance(res, ox.QueryBoolean) or isinstance(res, bool):
        return bool(res)
    if isinstance(res, ox.QuerySolutions):
        names = [v.value for v in res.variables]
        return Counter(tuple(_term(sol[n]) for n in names) for sol in res)
    return Counter((_term(t.subject), _term(t.predicate), _term(t.object)) for t in res)


def _remote(url: str, text: str) -> Any:
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    r = httpx.post(url + "/query", content=prologue + text, timeout=60,
                   headers={"Content-Type": "application/sparql-query",
                            "Accept": "application/sparql-results+json, application/n-triples;q=0.9"})
    assert r.status_code == 200, r.text
    if r.headers["content-type"].startswith("application/n-triples"):
        return _rows(ox.parse(r.content, ox.RdfFormat.N_TRIPLES))
    return _rows(ox.parse_query_results(r.content, ox.QueryResultsFormat.JSON))


def test_publish_then_every_saved_query_agrees(project, oxigraph: str) -> None:  # type: ignore[no-untyped-def]
    paths, result = project
    sent = publish(paths, oxigraph + "/store")
    assert sent == len(result.asserted) + len(result.inferred)
    count = httpx.get(oxigraph + "/query", params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
                      headers={"Accept": "application/sparql-results+json"}).json()
    assert int(count["results"]["bindings"][0]["n"]["value"]) == sent

    local = ox.Store()
    for g in (result.asserted, result.inferred):
        local.bulk_load(g.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
    checked = 0
    for q in list_queries(paths.queries):
        if any(p.default is None for p in q.params):
            continue
        text = with_values(q.text, bindings_for(q, {}, result.asserted))
        mine = _rows(local.query(text, prefixes=PREFIXES))
        theirs = _remote(oxigraph, text)
        assert theirs == mine, q.name
        checked += 1
    assert checked >= 2


def test_publish_to_a_named_graph(project, oxigraph: str) -> None:  # type: ignore[no-untyped-def]
    iri = "https://w3id.org/serge-kg/graph/all"
    sent = publish(project[0], oxigraph + "/store", graph_iri=iri)
    q = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
    data = httpx.get(oxigraph + "/query", params={"query": q}, headers={"Accept": "application/sparql-results+json"})
    assert int(data.json()["results"]["bindings"][0]["n"]["value"]) == sent


def test_http_error_is_typed(project, oxigraph: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PublishError, match="HTTP 4"):
        publish(project[0], oxigraph + "/no-such-endpoint", retries=0)


def test_unreachable_store_is_retried_then_typed(project) -> None:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    with pytest.raises(PublishError, match="3 attempt"):
        publish(project[0], f"http://127.0.0.1:{free_port()}/store", retries=2, backoff=0.05, timeout=2)
    assert time.monotonic() - start >= 0.15


def test_graph_store_url() -> None:
    assert graph_store_url("http://h/store?x=1", "http://g/1") == "http://h/store?x=1&graph=http%3A%2F%2Fg%2F1"
