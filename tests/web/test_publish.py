"""Publishing to a real Oxigraph server over the Graph Store Protocol, then querying it over the protocol.

Virtuoso (Digest authentication, named graphs only) is covered with the full graph in test_stores.py.
"""

from __future__ import annotations

import time

import httpx
import pytest

from conftest import make_project
from serge_kg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH
from serge_kg.paths import Paths
from serge_kg.pipeline.build import BuildResult, build
from serge_kg.web.publish import ChallengeAuth, PublishError, graph_store_url, publish
from stores import Store, free_port, oxigraph_server  # noqa: F401 (fixture)

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Paths, BuildResult]:
    paths = make_project(tmp_path_factory.mktemp("pub") / "project")
    return paths, build(paths)


def count(store: Store, where: str) -> int:
    data = httpx.get(store.query_url, params={"query": f"SELECT (COUNT(*) AS ?n) {{ {where} }}"},
                     headers={"Accept": "application/sparql-results+json"}).json()
    return int(data["results"]["bindings"][0]["n"]["value"])


def test_publish_puts_asserted_and_inferred_in_their_named_graphs(
        project: tuple[Paths, BuildResult], oxigraph_server: Store) -> None:  # noqa: F811
    paths, result = project
    sent = publish(paths, oxigraph_server.store_url)
    assert [(u.graph, u.triples) for u in sent] == [(str(ASSERTED_GRAPH), len(result.asserted)),
                                                   (str(INFERRED_GRAPH), len(result.inferred))]
    assert count(oxigraph_server, f"GRAPH <{ASSERTED_GRAPH}> {{ ?s ?p ?o }}") == len(result.asserted)
    assert count(oxigraph_server, f"GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }}") == len(result.inferred)


def test_union_default_graph_option(project: tuple[Paths, BuildResult], oxigraph_server: Store) -> None:  # noqa: F811
    paths, result = project
    sent = publish(paths, oxigraph_server.store_url, union_default_graph=True)
    assert sent[-1].graph == "default" and sent[-1].url.endswith("?default")
    assert count(oxigraph_server, "?s ?p ?o") == len(result.asserted) + len(result.inferred) == sent[-1].triples


def test_http_error_is_typed(project: tuple[Paths, BuildResult], oxigraph_server: Store) -> None:  # noqa: F811
    with pytest.raises(PublishError, match="HTTP 4"):
        publish(project[0], oxigraph_server.store_url.replace("/store", "/no-such-endpoint"), retries=0)


def test_unreachable_store_is_retried_then_typed(project: tuple[Paths, BuildResult]) -> None:
    start = time.monotonic()
    with pytest.raises(PublishError, match="3 attempt"):
        publish(project[0], f"http://127.0.0.1:{free_port()}/store", retries=2, backoff=0.05, timeout=2)
    assert time.monotonic() - start >= 0.15


@pytest.mark.parametrize("scheme", ["Basic", "Digest"])
def test_credentials_follow_the_scheme_the_store_asks_for(scheme: str) -> None:
    flow = ChallengeAuth("dba", "secret").auth_flow(httpx.Request("PUT", "http://h/store?default", content=b"x"))
    first = next(flow)
    assert "authorization" not in first.headers  # nothing is sent until the store asks
    challenge = {"Basic": 'Basic realm="r"', "Digest": 'Digest realm="r", nonce="abc", qop="auth"'}[scheme]
    second = flow.send(httpx.Response(401, headers={"WWW-Authenticate": challenge}, request=first))
    assert second.headers["authorization"].startswith(scheme + " ")


def test_graph_store_url() -> None:
    assert graph_store_url("http://h/store?x=1", "http://g/1") == "http://h/store?x=1&graph=http%3A%2F%2Fg%2F1"
