"""The HTTP server over real HTTP: SPARQL 1.1 Protocol, guards, limits, linked-data pages, dumps."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from SPARQLWrapper import CSV as SW_CSV
from SPARQLWrapper import JSON as SW_JSON
from SPARQLWrapper import POST, TURTLE, XML, SPARQLWrapper

from conftest import make_project
from serge_kg.namespaces import SK
from serge_kg.pipeline.build import build
from serge_kg.web.app import create_app
from serge_kg.web.guard import QueryRefused, check_query
from serge_kg.web.protocol import negotiate
from stores import Served

pytestmark = pytest.mark.server

SERGE = URIRef("https://w3id.org/serge-kg/id/person/victor-serge")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
LABELS = "SELECT ?s ?l WHERE { ?s rdfs:label ?l } ORDER BY ?s ?l LIMIT 20"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER (STR(?c) != STR(?f)) }"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    paths = make_project(tmp_path_factory.mktemp("srv") / "project")
    (paths.data / "wikidata").mkdir()
    (paths.data / "wikidata" / "decisions.csv").write_text(
        "record_id,qid,decision,how_verified\nvictor-serge,Q362009,same,test fixture\n", encoding="utf-8")
    result = build(paths)
    return paths, result


@pytest.fixture(scope="module")
def site(project) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with Served(create_app(project[0])) as served:
        yield served.url


@pytest.fixture(scope="module")
def tight(project) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A server with a 5-row cap and a 1 s time limit."""
    with Served(create_app(project[0], timeout=1.0, max_rows=5)) as served:
        yield served.url


def get(site: str, path: str, accept: str | None = None, **params: str) -> httpx.Response:
    return httpx.get(site + path, params=params, headers={"Accept": accept} if accept else {}, timeout=30)


# ---------------------------------------------------------------- SPARQL 1.1 Protocol

def test_select_json_is_the_default_and_matches_oxigraph(site: str, project) -> None:  # type: ignore[no-untyped-def]
    r = get(site, "/sparql", query=LABELS)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/sparql-results+json")
    data = r.json()
    assert data["head"]["vars"] == ["s", "l"] and len(data["results"]["bindings"]) == 20
    ours = list(ox.parse_query_results(r.content, ox.QueryResultsFormat.JSON))
    store = ox.Store()
    for g in (project[1].asserted, project[1].inferred):
        store.bulk_load(g.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
    native = store.query(LABELS, prefixes={"rdfs": str(RDFS)})
    theirs = list(ox.parse_query_results(native.serialize(format=ox.QueryResultsFormat.JSON),
                                         ox.QueryResultsFormat.JSON))
    assert [tuple(s) for s in ours] == [tuple(s) for s in theirs]


@pytest.mark.parametrize("accept,fmt", [("application/sparql-results+xml", ox.QueryResultsFormat.XML),
                                        ("text/tab-separated-values", ox.QueryResultsFormat.TSV)])
def test_select_xml_and_tsv(site: str, accept: str, fmt: ox.QueryResultsFormat) -> None:
    r = get(site, "/sparql", accept, query=LABELS)
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    rows = list(ox.parse_query_results(r.content, fmt))
    assert len(rows) == 20 and all(isinstance(row["s"], ox.NamedNode) for row in rows)
    assert any(isinstance(row["l"], ox.Literal) and row["l"].language == "en" for row in rows)


def test_select_csv(site: str) -> None:
    r = get(site, "/sparql", "text/csv", query=LABELS)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["s", "l"] and len(rows) == 21 and rows[1][0].startswith("https://")


def test_ask(site: str) -> None:
    assert get(site, "/sparql", query="ASK { skid:person\\/victor-serge a sk:Person }").json()["boolean"] is True
    r = get(site, "/sparql", "application/sparql-results+xml", query="ASK { ?s a sk:Nothing }")
    assert "<boolean>false</boolean>" in r.text


CONSTRUCT = "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s a sk:Person ; rdfs:label ?l }"


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                        ("application/n-triples", "nt")])
def test_construct_formats(site: str, accept: str, fmt: str) -> None:
    r = get(site, "/sparql", accept, query=CONSTRUCT)
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    g = Graph().parse(data=r.text, format=fmt)
    assert (SERGE, RDFS.label, Literal("Victor Serge", lang="en")) in g


def test_get_post_form_and_post_query_agree(site: str) -> None:
    a = httpx.get(site + "/sparql", params={"query": LABELS}).json()
    b = httpx.post(site + "/sparql", data={"query": LABELS}).json()
    c = httpx.post(site + "/sparql", content=LABELS, headers={"Content-Type": "application/sparql-query"}).json()
    assert a == b == c


def test_independent_client_sparqlwrapper(site: str) -> None:
    sw = SPARQLWrapper(site + "/sparql")
    sw.setQuery("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> " + LABELS.replace("LIMIT 20", "LIMIT 3"))
    sw.setReturnFormat(SW_JSON)
    assert len(sw.query().convert()["results"]["bindings"]) == 3
    sw.setReturnFormat(XML)
    assert len(sw.query().convert().getElementsByTagName("result")) == 3
    sw.setReturnFormat(SW_CSV)
    assert sw.query().convert().decode().count("\n") == 4
    sw.setMethod(POST)
    sw.setQuery("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX sk: <https://w3id.org/serge-kg/ontology#> "
                + CONSTRUCT)
    sw.setReturnFormat(TURTLE)
    g = Graph().parse(data=sw.query().convert(), format="turtle")
    assert (SERGE, RDFS.label, Literal("Victor Serge", lang="en")) in g


def test_service_description(site: str) -> None:
    r = get(site, "/sparql")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    svc = URIRef("https://w3id.org/serge-kg/sparql")  # the canonical IRI without --base-url, never Host
    assert (svc, RDF.type, SD.Service) in g and (svc, SD.endpoint, svc) in g
    assert len(list(g.objects(svc, SD.resultFormat))) >= 7


def test_cors(site: str) -> None:
    r = httpx.get(site + "/sparql", params={"query": LABELS}, headers={"Origin": "https://example.org"})
    assert r.headers["access-control-allow-origin"] == "*"
    pre = httpx.options(site + "/sparql", headers={"Origin": "https://example.org",
                                                    "Access-Control-Request-Method": "POST"})
    assert pre.status_code == 200 and "POST" in pre.headers["access-control-allow-methods"]


# ---------------------------------------------------------------- guards

@pytest.mark.parametrize("query,status,words", [
    ("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", 403, "read-only"),
    ("LOAD <http://example.org/remote.ttl>", 403, "read-only"),
    ("CLEAR ALL", 403, "read-only"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 403, "SERVICE"),
    ("SELECT * WHERE { OPTIONAL { SERVICE SILENT ?where { ?s ?p ?o } } }", 403, "SERVICE"),
    ("BASE <http://evil.example/> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }", 403, "SERVICE"),
    ("SELECT * WHERE { SERVICE <https://w3id.org/serge-kg/graph/asserted> { ?s ?p ?o } }", 403, "SERVICE"),
    ("SELECT * FROM <http://example.org/remote> WHERE { ?s ?p ?o }", 403, "FROM"),
    ("PREFIX e: <http://example.org/> SELECT * FROM NAMED e:g WHERE { ?s ?p ?o }", 403, "FROM"),
])
def test_refusals(site: str, query: str, status: int, words: str) -> None:
    for r in (httpx.post(site + "/sparql", data={"query": query}), httpx.get(site + "/sparql", params={"query": query})):
        assert r.status_code == status, r.text
        assert words in r.text


def test_update_field_and_update_media_type_refused(site: str) -> None:
    r = httpx.post(site + "/sparql", data={"update": "INSERT DATA { <http://e/a> <http://e/b> 1 }"})
    assert r.status_code == 403 and "read-only" in r.text
    r = httpx.post(site + "/sparql", content="DROP ALL", headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 403
    r = httpx.get(site + "/sparql", params={"query": "SELECT * { ?s ?p ?o } LIMIT 1",
                                             "default-graph-uri": "http://example.org/remote"})
    assert r.status_code == 403
    assert get(site, "/sparql", query="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").status_code == 200  # still there


def test_local_graphs_may_be_named_and_keywords_in_strings_pass(site: str, project) -> None:  # type: ignore[no-untyped-def]
    q = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/serge-kg/graph/asserted> WHERE { ?s ?p ?o }"
    assert int(get(site, "/sparql", query=q).json()["results"]["bindings"][0]["n"]["value"]) == len(project[1].asserted)
    q = 'SELECT ?s WHERE { ?s rdfs:label "SERVICE FROM INSERT" } # LOAD <http://x> in a comment'
    assert get(site, "/sparql", query=q).status_code == 200


def test_guard_unit() -> None:
    check_query("SELECT * WHERE { ?s <http://e/from#service> 'DELETE' }", frozenset())
    with pytest.raises(QueryRefused) as refused:
        check_query("SELECT * WHERE { ?s ?p ?o } ; DROP ALL", frozenset())
    assert refused.value.status == 403
    with pytest.raises(QueryRefused):  # SERVICE is refused whatever it names: no outbound request, ever
        check_query("SELECT * WHERE { SERVICE <http://ok.example/sparql> { ?s ?p ?o } }",
                    frozenset({"http://ok.example/sparql"}))


def test_syntax_error_is_400(site: str) -> None:
    r = get(site, "/sparql", query="SELECT * WHERE { ?s ?p ")
    assert r.status_code == 400


def test_result_cap_truncates_with_headers(tight: str) -> None:
    r = get(tight, "/sparql", query="SELECT * WHERE { ?s ?p ?o }")
    assert r.status_code == 200
    assert r.headers["x-result-truncated"] == "true" and r.headers["x-result-limit"] == "5"
    assert len(r.json()["results"]["bindings"]) == 5
    r = get(tight, "/sparql", "application/n-triples", query="CONSTRUCT WHERE { ?s ?p ?o }")
    assert r.headers["x-result-truncated"] == "true" and len(r.text.strip().splitlines()) == 5
    r = get(tight, "/sparql", query="SELECT * WHERE { ?s ?p ?o } LIMIT 3")
    assert "x-result-truncated" not in r.headers


def test_time_limit_and_no_blocking(tight: str) -> None:
    results: dict[str, httpx.Response] = {}

    def slow() -> None:
        results["slow"] = get(tight, "/sparql", query=SLOW)

    t = threading.Thread(target=slow)
    start = time.monotonic()
    t.start()
    time.sleep(0.05)
    quick = get(tight, "/sparql", query="ASK { ?s ?p ?o }")
    quick_at = time.monotonic() - start
    t.join(30)
    assert quick.status_code == 200 and quick_at < 2.0
    assert results["slow"].status_code == 503
    assert "time limit of 1 s" in results["slow"].text


# ---------------------------------------------------------------- linked-data pages

def test_entity_html(site: str) -> None:
    r = get(site, "/id/person/victor-serge", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<h1>Victor Serge</h1>" in r.text
    assert "under the pen name Le Rétif (The Stubborn One)" in r.text  # an evidence quote
    assert "Weissman 2013" in r.text  # its citation
    assert 'href="/id/place/brussels"' in r.text  # links rewritten to this server (relative)
    assert "Mentioned in" in r.text  # the records pointing here
    assert 'href="http://www.wikidata.org/entity/Q362009"' in r.text  # the Wikidata link, followable


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                        ("application/n-triples", "nt")])
def test_entity_rdf(site: str, accept: str, fmt: str) -> None:
    r = get(site, "/id/person/victor-serge", accept)
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    g = Graph().parse(data=r.text, format=fmt)
    assert (SERGE, RDF.type, SK.Person) in g
    assert any(str(q).startswith("under the pen name") for q in g.objects(None, SK.quote))
    assert list(g.objects(None, URIRef("http://purl.org/dc/terms/bibliographicCitation")))


def test_entity_format_parameter_and_404(site: str) -> None:
    assert get(site, "/id/person/victor-serge", format="ttl").headers["content-type"].startswith("text/turtle")
    assert get(site, "/id/person/nobody-at-all").status_code == 404


def test_home(site: str) -> None:
    r = get(site, "/")
    assert r.status_code == 200 and 'href="/id/person/victor-serge"' in r.text and "/dumps/serge.ttl" in r.text
    assert site not in r.text  # links are relative without --base-url, never built from Host


def test_queries_list(site: str) -> None:
    data = get(site, "/queries", "application/json").json()
    names = {q["name"] for q in data}
    assert {"life-timeline", "counts-per-class"} <= names
    assert "life-timeline" in get(site, "/queries", "text/html").text


def test_saved_query_with_parameter(site: str) -> None:
    r = get(site, "/queries/life-timeline", person="victor-serge")
    assert r.status_code == 200
    events = [b["event"]["value"] for b in r.json()["results"]["bindings"]]
    assert "Birth of Victor Serge" in events
    assert "Birth of Victor Serge" in get(site, "/queries/life-timeline", "text/csv", person="victor-serge").text
    html = get(site, "/queries/life-timeline", "text/html", person="victor-serge")
    assert html.headers["content-type"].startswith("text/html") and "<table>" in html.text
    assert get(site, "/queries/life-timeline", person="nobody-at-all").status_code == 400
    assert get(site, "/queries/life-timeline", person='x" } DROP ALL { "').status_code == 400
    assert get(site, "/queries/no-such-query").status_code == 404


def test_void(site: str) -> None:
    for path in ("/void", "/.well-known/void"):
        g = Graph().parse(data=get(site, path).text, format="turtle")
        assert (URIRef("https://w3id.org/serge-kg/dataset"), RDF.type, VOID.Dataset) in g
        assert URIRef("https://w3id.org/serge-kg/dumps/serge.ttl") in set(g.objects(None, VOID.dataDump))
    g = Graph().parse(data=get(site, "/void", "application/ld+json").text, format="json-ld")
    assert len(g) > 10


def test_dumps(site: str, project) -> None:  # type: ignore[no-untyped-def]
    r = get(site, "/dumps/serge.nt")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/n-triples")
    assert len(Graph().parse(data=r.text, format="nt")) == len(project[1].asserted)
    assert r.content == Path(project[0].build / "serge.nt").read_bytes()
    for name in ("serge.ttl", "serge.jsonld", "serge.trig", "serge.nq"):
        assert get(site, f"/dumps/{name}").status_code == 200
    assert get(site, "/dumps/secrets.txt").status_code == 404


def test_negotiate() -> None:
    offers = {"text/html": "html", "text/turtle": "ttl"}
    assert negotiate(None, offers, "html") == "html"
    assert negotiate("text/turtle;q=0.9, text/html;q=0.1", offers, "html") == "ttl"
    assert negotiate("*/*", offers, "ttl") == "ttl"
    assert negotiate("text/*;q=0.5, text/turtle", offers, "html") == "ttl"
    assert json.dumps(negotiate("image/png", offers, "html")) == '"html"'
