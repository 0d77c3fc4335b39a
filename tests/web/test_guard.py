"""The guard decides on the grammar's tokens: every known bypass, a generated corpus, limits, a canary."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from serge_kg.web.app import create_app
from serge_kg.web.guard import Guard, QueryRefused, check_query
from serge_kg.web.pool import Limits
from serge_kg.web.worker import Job

from .test_app import Served, project  # noqa: F401 - the module-scoped project fixture

pytestmark = pytest.mark.server

OURS = frozenset({"https://w3id.org/serge-kg/graph/asserted", "https://w3id.org/serge-kg/graph/inferred"})


class Canary:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits: list[tuple[str, int]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, addr = self.sock.accept()
            except OSError:
                continue
            self.hits.append(addr)
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        self.sock.close()


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    c = Canary()
    yield c
    c.close()


@pytest.fixture(scope="module")
def served(project) -> Iterator[Served]:  # type: ignore[no-untyped-def]
    with Served(create_app(project[0], timeout=3, max_query_bytes=8192)) as s:
        yield s


def bypasses(port: int) -> list[str]:
    """The bypasses the security review found, each aimed at the canary."""
    target = f"<http://127.0.0.1:{port}/x>"
    return [
        f"SELECT * WHERE {{ #\rSERVICE {target} {{ ?s ?p ?o }} }}",
        f'SELECT * WHERE {{ ?s ?p "Victor Serge"@en.SERVICE {target} {{ ?a ?b ?c }} }}',
        f"SELECT * WHERE {{ ?s ?p true.SERVICE {target} {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ ?s ?p false.SERVICE {target} {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ ?s ?p 1e0.SERVICE {target} {{ ?a ?b ?c }} }}",
        "SELECT * WHERE { SERVICE <https://w3id.org/serge-kg/graph/asserted> { ?s ?p ?o } }",
    ]


def corpus(port: int) -> Iterator[str]:
    """Comments ended by every line break, keywords glued to every kind of token, escapes, case variants."""
    target = f"<http://127.0.0.1:{port}/q>"
    keywords = ["SERVICE", "service", "Service", "sErViCe", "SERVICE SILENT", "service silent"]
    glue = ['"x"@en.', '"x".', "'x'.", '"""x""".', "'''x'''.", '"x"^^xsd:string.', "true.", "false.", "1.",
            "1e0.", "1.5.", ".5e1.", "?x.", "$x.", "<http://e/x>.", "skid:a.", "_:b.", "[].", "()."]
    for kw in keywords:
        for end in ("\r", "\n", "\r\n", "\f", "\x0b", "\u2028"):
            yield f"SELECT * WHERE {{ ?s ?p ?o #c{end}{kw} {target} {{ ?a ?b ?c }} }}"
        for g in glue:
            yield f"SELECT * WHERE {{ ?s ?p {g}{kw} {target} {{ ?a ?b ?c }} }}"
            yield f"SELECT * WHERE {{ ?s ?p {g}{kw}{target}{{?a ?b ?c}} }}"
        yield f"SELECT * WHERE {{ {kw} <http://127.0.0.1:{port}/\\u0078> {{ ?a ?b ?c }} }}"
        yield f"SELECT * WHERE {{ \\u0053ERVICE {target} {{ ?a ?b ?c }} }}"
        yield f"SELECT * WHERE {{ FILTER EXISTS {{ {kw} {target} {{ ?a ?b ?c }} }} }}"
        yield f"SELECT * WHERE {{ ?s ?p ?o FILTER(1<EXISTS{{{kw} {target}{{?a ?b ?c}}}}) }}"
        yield f"SELECT * WHERE {{ VALUES ?u {{ {target} }} {kw} ?u {{ ?a ?b ?c }} }}"


@pytest.mark.parametrize("i", range(6))
def test_known_bypasses_are_refused(i: int, served: Served, canary: Canary) -> None:
    query = bypasses(canary.port)[i]
    with pytest.raises(QueryRefused) as refused:
        check_query(query, OURS)
    assert refused.value.status == 403 and "SERVICE" in str(refused.value)
    r = httpx.get(served.url + "/sparql", params={"query": query}, timeout=30)
    assert r.status_code == 403, r.text
    assert canary.hits == []


def test_generated_corpus_reaches_no_host(served: Served, canary: Canary) -> None:
    queries = list(corpus(canary.port))
    assert len(queries) > 200
    statuses = set()
    with httpx.Client(timeout=30) as client:
        for q in queries:
            r = client.get(served.url + "/sparql", params={"query": q})
            assert r.status_code in (200, 400, 403), (q, r.status_code, r.text)
            statuses.add(r.status_code)
    assert 403 in statuses and canary.hits == []
    assert httpx.get(served.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


def test_workers_have_no_network(served: Served, canary: Canary) -> None:
    """Defence in depth: a SERVICE handed straight to a worker (past the guard) cannot leave it."""
    pool = served.server.config.app.state.engine.pool  # type: ignore[attr-defined]
    if not pool.isolated:
        pytest.skip("this kernel does not let the workers leave the network (no user namespaces)")
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{canary.port}/x> {{ ?s ?p ?o }} }}"
    with pytest.raises(QueryRefused) as refused:
        pool.run(Job(query))
    assert refused.value.status == 400 and canary.hits == []


@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 3000 + "}" * 3000,
    "SELECT * WHERE { " + "OPTIONAL { " * 3000 + "}" * 3000 + " }",
    "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
    "SELECT * WHERE { ?s ?p " + "[ <http://e/p> " * 100 + "]" * 100 + " }",
    "SELECT * WHERE { FILTER(1<" + "(" * 100 + "1" + ")" * 100 + ">0) }",
])
def test_deep_nesting_is_400_before_the_engine(query: str, served: Served) -> None:
    with pytest.raises(QueryRefused) as refused:
        check_query(query, OURS)
    assert refused.value.status == 400 and "deep" in str(refused.value)
    r = httpx.post(served.url + "/sparql", content=query[:8000], headers={"Content-Type": "application/sparql-query"})
    assert r.status_code in (400, 413)
    assert httpx.get(served.url + "/sparql", params={"query": "ASK {}"}).status_code == 200


def test_nesting_counts_tokens_not_characters() -> None:
    check_query('SELECT * WHERE { ?s ?p "' + "{" * 500 + '" } # ' + "(" * 500, OURS)
    check_query("SELECT * WHERE " + "{" * 60 + "}" * 60, OURS)


def test_size_limit_413(served: Served) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 9000
    r = httpx.post(served.url + "/sparql", content=big, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413 and "8192" in r.text
    r = httpx.post(served.url + "/sparql", data={"query": big * 4})
    assert r.status_code == 413


def test_guard_cache_is_bounded() -> None:
    guard = Guard(OURS, cache_size=16)
    for i in range(100):
        guard.check(f"SELECT * WHERE {{ ?s ?p {i} }}")
    assert guard.cached == 16
    for _ in range(2):  # a cached refusal is still a refusal
        with pytest.raises(QueryRefused):
            guard.check("CLEAR ALL")


def test_update_keywords_on_tokens() -> None:
    for q in ("INSERT DATA { <http://e/a> <http://e/b> 1 }", "SELECT * {} ;\rDROP ALL", "load <http://x>",
              "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"):
        with pytest.raises(QueryRefused) as refused:
            check_query(q, OURS)
        assert refused.value.status == 403
    check_query("SELECT ?insert ?drop WHERE { ?insert <http://e/load> 'CLEAR' . ?drop skid:copy ?x }", OURS)


def test_from_is_parsed_as_a_dataset_clause() -> None:
    check_query("PREFIX g: <https://w3id.org/serge-kg/graph/> SELECT * FROM g:asserted WHERE { ?s ?p ?o }", OURS)
    check_query("BASE <https://w3id.org/serge-kg/graph/> SELECT * FROM NAMED <inferred> WHERE { ?s ?p ?o }", OURS)
    for q in ("SELECT * FROM <http://127.0.0.1:9/x> WHERE {}", "SELECT * from named <file:///etc/passwd> {}",
              "BASE <http://evil/> SELECT * FROM <asserted> {}", "SELECT * FROM ?g {}"):
        with pytest.raises(QueryRefused) as refused:
            check_query(q, OURS)
        assert refused.value.status == 403


def test_host_header_never_reaches_links(served: Served) -> None:
    for path in ("/", "/sparql", "/void", "/queries"):
        r = httpx.get(served.url + path, headers={"Host": "evil.example:666"})
        assert r.status_code == 200 and "evil.example" not in r.text, path


def test_bad_saved_query_parameter_is_4xx(served: Served) -> None:
    for value in ("skid:a%20b", "skid:a b", "skid:a>b", "http://e/a b"):
        r = httpx.get(served.url + "/queries/life-timeline", params={"person": value})
        assert 400 <= r.status_code < 500, (value, r.status_code)
        assert r.status_code == 400


def test_pool_limits_are_configurable(project) -> None:  # type: ignore[no-untyped-def]
    limits = Limits(timeout=2, workers=1, max_workers=1, spare=0, queue=0, wait=0.5)
    with Served(create_app(project[0], limits=limits)) as s:
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        done: dict[str, httpx.Response] = {}
        t = threading.Thread(target=lambda: done.setdefault("slow", httpx.get(s.url + "/sparql", params={"query": slow},
                                                                               timeout=30)))
        t.start()
        for _ in range(500):
            if s.server.config.app.state.engine.pool.stats()["busy"]:  # type: ignore[attr-defined]
                break
            time.sleep(0.01)
        r = httpx.get(s.url + "/sparql", params={"query": "ASK {}"}, timeout=30)
        assert r.status_code == 503 and r.headers["retry-after"] == "1"
        t.join(30)
        assert done["slow"].status_code == 503 and "time limit" in done["slow"].text
