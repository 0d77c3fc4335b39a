"""The result cache of the query routes: what it keeps, for how long, and what it answers from memory."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from conftest import make_project
from serge_kg.pipeline.build import build
from serge_kg.web.app import create_app
from serge_kg.web.cache import ResultCache
from stores import Served

pytestmark = pytest.mark.server

LABELS = "SELECT ?s ?l WHERE { ?s rdfs:label ?l } ORDER BY ?s ?l LIMIT 5"
JSON_RESULTS = "application/sparql-results+json"


# ---------------------------------------------------------------- the middleware alone, around a fake endpoint

class Endpoint:
    """A stand-in for the app: counts the requests that reach it, answers what it is told."""

    def __init__(self) -> None:
        self.calls = 0
        self.status = 200
        self.headers: list[tuple[bytes, bytes]] = []
        self.size = 100

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.calls += 1
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        answer = (f"{self.calls} {scope['query_string'].decode()} {body.decode()} ".encode() * self.size)[:self.size]
        await send({"type": "http.response.start", "status": self.status,
                    "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(answer)).encode()),
                                *self.headers]})
        await send({"type": "http.response.body", "body": answer})


def call(cache: ResultCache, path: str, method: str = "GET", query: dict[str, str] | None = None,
         headers: dict[str, str] | None = None, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """One request through ``cache``: status, headers, body."""
    scope = {"type": "http", "method": method, "path": path, "query_string": urlencode(query or {}).encode(),
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]}
    sent: list[dict[str, Any]] = []
    chunks = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return chunks.pop(0) if chunks else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
    # in a thread of its own: the browser tests of the same session leave an event loop running in this one
    thread = threading.Thread(target=asyncio.run, args=(cache(scope, receive, send),))
    thread.start()
    thread.join(30)
    head = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    return sent[0]["status"], head, b"".join(m.get("body", b"") for m in sent[1:])


@pytest.fixture
def endpoint() -> Endpoint:
    return Endpoint()


def make_cache(endpoint: Endpoint, tmp_path: Path, max_bytes: int = 1 << 20, generation: list[str] | None = None
               ) -> ResultCache:
    now = generation or ["g1"]
    (tmp_path / "views").mkdir(exist_ok=True)
    (tmp_path / "life.rq").write_text("SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    return ResultCache(endpoint, generation=lambda: now[0], max_bytes=max_bytes, queries=tmp_path,
                       max_query_bytes=65536)


def test_a_hit_returns_the_same_bytes_and_headers_without_reaching_the_endpoint(endpoint: Endpoint,
                                                                                tmp_path: Path) -> None:
    cache = make_cache(endpoint, tmp_path)
    first = call(cache, "/sparql", query={"query": LABELS}, headers={"Accept": JSON_RESULTS})
    again = call(cache, "/sparql", query={"query": LABELS}, headers={"Accept": JSON_RESULTS})
    assert endpoint.calls == 1 and first == again
    assert first[1]["etag"].startswith('"g1.') and first[1]["cache-control"] == "public, no-cache"
    assert first[1]["vary"] == "Accept"


def test_the_same_query_by_get_form_or_body_and_in_other_white_space_is_one_entry(endpoint: Endpoint,
                                                                                  tmp_path: Path) -> None:
    cache = make_cache(endpoint, tmp_path)
    a = call(cache, "/sparql", query={"query": LABELS})
    b = call(cache, "/sparql", method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"},
             body=urlencode({"query": LABELS}).encode())
    c = call(cache, "/sparql", method="POST", headers={"Content-Type": "application/sparql-query"},
             body=("# a comment\n" + LABELS.replace(" ", "\n  ")).encode())
    assert endpoint.calls == 1 and a[2] == b[2] == c[2]
    # white space inside a literal is part of the query: another answer
    call(cache, "/sparql", query={"query": 'SELECT ("a  b" AS ?x) {}'})
    call(cache, "/sparql", query={"query": 'SELECT ("a b" AS ?x) {}'})
    assert endpoint.calls == 3


def test_another_accept_format_dataset_or_parameter_is_another_entry(endpoint: Endpoint, tmp_path: Path) -> None:
    cache = make_cache(endpoint, tmp_path)
    tags = {call(cache, "/sparql", query={"query": LABELS}, headers={"Accept": JSON_RESULTS})[1]["etag"],
            call(cache, "/sparql", query={"query": LABELS}, headers={"Accept": "text/csv"})[1]["etag"],
            call(cache, "/sparql", query={"query": LABELS, "format": "xml"})[1]["etag"],
            call(cache, "/sparql", query={"query": LABELS, "default-graph-uri": "urn:x:g"})[1]["etag"],
            call(cache, "/queries/life", query={"person": "victor-serge"})[1]["etag"],
            call(cache, "/queries/life", query={"person": "laurette-sejourne"})[1]["etag"],
            call(cache, "/queries/life")[1]["etag"]}
    assert endpoint.calls == 7 and len(tags) == 7
    call(cache, "/queries/life", query={"person": "victor-serge"})
    assert endpoint.calls == 7
    for _ in range(2):  # no saved query has this name: never answered from /sparql's entries
        assert "etag" not in call(cache, "/queries/a.b", query={"query": LABELS}, headers={"Accept": JSON_RESULTS})[1]
    assert endpoint.calls == 9


def test_an_edited_saved_query_is_another_entry(endpoint: Endpoint, tmp_path: Path) -> None:
    cache = make_cache(endpoint, tmp_path)
    before = call(cache, "/queries/life")
    (tmp_path / "life.rq").write_text("SELECT ?s WHERE { ?s ?p ?o }\n", encoding="utf-8")
    after = call(cache, "/queries/life")
    assert endpoint.calls == 2 and before[1]["etag"] != after[1]["etag"]


def test_errors_truncated_and_unrepeatable_answers_are_not_kept(endpoint: Endpoint, tmp_path: Path) -> None:
    cache = make_cache(endpoint, tmp_path)
    endpoint.status = 400
    for _ in range(2):
        status, head, _ = call(cache, "/sparql", query={"query": "SELECT nonsense"})
        assert status == 400 and "etag" not in head
    endpoint.status, endpoint.headers = 200, [(b"x-result-truncated", b"true")]
    for _ in range(2):
        assert "etag" not in call(cache, "/sparql", query={"query": LABELS})[1]
    endpoint.headers = []
    for _ in range(2):
        assert "etag" not in call(cache, "/sparql", query={"query": "SELECT (now() AS ?t) {}"})[1]
        assert "etag" not in call(cache, "/sparql")[1]  # the service description is not a query answer
    assert endpoint.calls == 8 and not cache.entries


def test_if_none_match_gets_304_and_a_new_generation_misses(endpoint: Endpoint, tmp_path: Path) -> None:
    generation = ["g1"]
    cache = make_cache(endpoint, tmp_path, generation=generation)
    _, head, _ = call(cache, "/queries/life")
    status, again, body = call(cache, "/queries/life", headers={"If-None-Match": f'"other", W/{head["etag"]}'})
    assert (status, body, again["etag"]) == (304, b"", head["etag"]) and endpoint.calls == 1
    generation[0] = "g2"  # the server now serves another build
    status, fresh, _ = call(cache, "/queries/life", headers={"If-None-Match": head["etag"]})
    assert status == 200 and endpoint.calls == 2 and fresh["etag"].startswith('"g2.')


def test_the_memory_bound_is_kept_least_recently_used_first(endpoint: Endpoint, tmp_path: Path) -> None:
    endpoint.size = 10_000
    cache = make_cache(endpoint, tmp_path, max_bytes=200_000)  # 150 kB for answers: about 14 of them
    for i in range(40):
        call(cache, "/queries/life", query={"n": str(i)})
        if i > 0:
            call(cache, "/queries/life", query={"n": "0"})  # kept in use: never the one to go
        assert cache.entry_bytes <= 150_000
        assert cache.entry_bytes == sum(e.size for e in cache.entries.values())
    assert 10 <= len(cache.entries) < 15
    calls = endpoint.calls
    call(cache, "/queries/life", query={"n": "0"})
    call(cache, "/queries/life", query={"n": "39"})
    assert endpoint.calls == calls
    call(cache, "/queries/life", query={"n": "1"})
    assert endpoint.calls == calls + 1
    endpoint.size = 30_000  # more than an eighth of the budget: answered, not kept
    call(cache, "/queries/life", query={"n": "big"})
    call(cache, "/queries/life", query={"n": "big"})
    assert endpoint.calls == calls + 3


# ---------------------------------------------------------------- the real endpoint

@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    paths = make_project(tmp_path_factory.mktemp("cache") / "project")
    build(paths, validate=False)
    return paths


@pytest.fixture(scope="module")
def cached_site(project) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with Served(create_app(project)) as served:
        yield served.url


def test_the_endpoint_answers_a_hit_with_identical_bytes_and_headers(cached_site: str) -> None:
    for path, params, accept in (("/sparql", {"query": "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                                                       + LABELS}, JSON_RESULTS),
                                 ("/sparql", {"query": "CONSTRUCT WHERE { ?s a ?o } LIMIT 3"}, "text/turtle"),
                                 ("/queries/life-timeline", {}, "text/csv"),
                                 ("/queries/life-timeline", {}, "text/html")):
        first = httpx.get(cached_site + path, params=params, headers={"Accept": accept}, timeout=30)
        again = httpx.get(cached_site + path, params=params, headers={"Accept": accept}, timeout=30)
        assert first.status_code == again.status_code == 200, first.text
        assert first.content == again.content
        drop = ("date",)  # set by uvicorn per response
        assert [h for h in first.headers.items() if h[0] not in drop] == \
               [h for h in again.headers.items() if h[0] not in drop]
        assert first.headers["etag"] and "Accept" in first.headers["vary"]  # CORS adds Origin
        revalidated = httpx.get(cached_site + path, params=params, timeout=30,
                                headers={"Accept": accept, "If-None-Match": first.headers["etag"]})
        assert revalidated.status_code == 304 and revalidated.content == b""


def test_etags_name_the_generation_and_a_rebuild_invalidates_them(project: Any, cached_site: str) -> None:
    generation = json.loads((project.build / "manifest.json").read_text(encoding="utf-8"))["generation"]
    r = httpx.get(cached_site + "/queries/life-timeline", headers={"Accept": JSON_RESULTS}, timeout=30)
    assert r.headers["etag"].startswith(f'"{generation}.')
    build(project, validate=False)  # a new generation, served by a new server
    with Served(create_app(project)) as fresh:
        again = httpx.get(fresh.url + "/queries/life-timeline", timeout=30,
                          headers={"Accept": JSON_RESULTS, "If-None-Match": r.headers["etag"]})
        assert again.status_code == 200 and again.headers["etag"] != r.headers["etag"]
        assert again.json() == r.json()  # the same inputs: the same answer, under another generation


def test_errors_and_refusals_pass_through_uncached(cached_site: str) -> None:
    for _ in range(2):
        bad = httpx.get(cached_site + "/sparql", params={"query": "SELECT WHERE {"}, timeout=30)
        assert bad.status_code == 400 and "etag" not in bad.headers
        refused = httpx.get(cached_site + "/sparql", params={"query": "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }"},
                            timeout=30)
        assert refused.status_code == 403 and "etag" not in refused.headers
        unknown = httpx.get(cached_site + "/queries/no-such-query", headers={"Accept": JSON_RESULTS}, timeout=30)
        assert unknown.status_code == 404 and "etag" not in unknown.headers


def test_no_cache_sends_no_etag(project) -> None:  # type: ignore[no-untyped-def]
    with Served(create_app(project, cache_mb=0)) as plain:
        r = httpx.get(plain.url + "/queries/life-timeline", headers={"Accept": JSON_RESULTS}, timeout=30)
        assert r.status_code == 200 and "etag" not in r.headers
