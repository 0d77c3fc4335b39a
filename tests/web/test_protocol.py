"""The endpoint against the SPARQL 1.1 Protocol: the W3C protocol tests that apply to a read-only
endpoint (data-driven, from tests/data/w3c-protocol/manifest.ttl), and the clients people use:
SPARQLWrapper with every format, rdflib's SPARQLStore, and curl."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin

import httpx
import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, TSV, TURTLE, XML, SPARQLWrapper

from conftest import make_project
from serge_kg.namespaces import ID
from serge_kg.pipeline.build import build
from serge_kg.web.app import create_app
from stores import Served

pytestmark = pytest.mark.server
W3C = Path(__file__).resolve().parents[1] / "data" / "w3c-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
SERGE = ID["person/victor-serge"]


def _manifest() -> tuple[Graph, list[URIRef]]:
    g = Graph().parse(W3C / "manifest.ttl", publicID="http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/")
    root = next(g.subjects(RDF.type, MF.Manifest))
    entries = list(Collection(g, g.value(root, MF.entries)))
    # read-only endpoint: the query tests, and the bad update tests (an update must be refused)
    keep = [e for e in entries if str(e).rsplit("#", 1)[1].startswith(("query_", "bad_query", "bad_multiple_queries",
                                                                        "bad_update", "bad_multiple_updates"))]
    return g, keep  # type: ignore[return-value]


MANIFEST, CASES = _manifest()
TEST_GRAPHS = {str(MANIFEST.value(d, RDFS_LABEL)): W3C / str(MANIFEST.value(d, UT.graph)).rsplit("/", 1)[1]
               for d in MANIFEST.objects(None, UT.graphData)}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Our app on the mini project, with the W3C test graphs as extra named graphs (allow-listed)."""
    paths = make_project(tmp_path_factory.mktemp("proto") / "project")
    build(paths)
    # every graph the tests name (data0.rdf is named but has no data: an empty graph)
    named = set(re.findall(r"http%3A%2F%2Fkasei\.us%2F[\w%.]+", (W3C / "manifest.ttl").read_text()))
    app = create_app(paths, extra_graphs={name: file.read_bytes() for name, file in TEST_GRAPHS.items()},
                     extra_allow=[unquote(n) for n in named])
    try:
        with Served(app) as served:
            yield served.url
    finally:
        app.state.engine.close()


def _status_ok(status: int, expected: set[URIRef]) -> bool:
    return any(status // 100 == int(str(e)[-3]) for e in expected)


@pytest.mark.parametrize("case", CASES, ids=lambda c: str(c).rsplit("#", 1)[1])
def test_w3c_protocol(site: str, case: URIRef) -> None:
    g = MANIFEST
    action = g.value(case, MF.action)
    for req in Collection(g, g.value(action, HT.requests)):
        headers = {str(g.value(h, HT.fieldName)): str(g.value(h, HT.fieldValue))
                   for h in Collection(g, g.value(req, HT.headers) or RDF.nil)}
        body = g.value(req, HT.body)
        content = None
        if body is not None:
            content = str(g.value(body, CNT.chars)).encode(str(g.value(body, CNT.characterEncoding) or "UTF-8"))
        path = str(g.value(req, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
        r = httpx.request(str(g.value(req, HT.methodName)), site + path, headers=headers, content=content, timeout=30)
        resp = g.value(req, HT.resp)
        expected = set(g.objects(resp, MF.expectedStatus))
        assert _status_ok(r.status_code, expected), f"HTTP {r.status_code} ({r.text[:300]}), expected {expected}"
        fmt = g.value(resp, MF.expectedFormat)
        ctype = r.headers.get("content-type", "").split(";")[0]
        if fmt == Literal("boolean"):
            assert ctype in ("application/sparql-results+json", "application/sparql-results+xml"), ctype
            answer = ox.parse_query_results(r.content, ox.QueryResultsFormat.JSON if ctype.endswith("json")
                                            else ox.QueryResultsFormat.XML)
            if (expected_boolean := g.value(resp, MF.expectedBoolean)) is not None:
                assert bool(answer) == expected_boolean.toPython()
        elif fmt == Literal("tabular"):
            assert ctype.startswith("application/sparql-results+") or ctype in ("text/csv", "text/tab-separated-values")
        elif fmt == Literal("RDF"):
            assert ctype in ("text/turtle", "application/rdf+xml", "application/n-triples", "application/ld+json")
            syntax = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/n-triples": "nt",
                      "application/ld+json": "json-ld"}[ctype]
            Graph().parse(data=r.content, format=syntax)


# ------------------------------------------------------------------ our own protocol checks

def test_the_url_format_parameter_overrides_accept_its_last_value_counting(site: str) -> None:
    query = "SELECT ?x WHERE { BIND (1 AS ?x) }"
    r = httpx.get(site + "/sparql", params={"query": query, "format": "csv"},
                  headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv") and r.text == "x\r\n1\r\n"
    r = httpx.get(site + "/sparql", params=[("query", query), ("format", "csv"), ("format", "tsv")])
    assert r.headers["content-type"].startswith("text/tab-separated-values")
    r = httpx.get(site + "/sparql", params={"format": "ttl"}, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")  # the service description
    r = httpx.post(site + "/sparql", content=f"query={query}&format=csv".encode(),
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.headers["content-type"].startswith("application/sparql-results+json")  # in the URL only, as before


def test_several_query_parameters_are_a_400(site: str) -> None:
    r = httpx.get(site + "/sparql?query=ASK%7B%7D&query=SELECT%20*%7B%7D")
    assert r.status_code == 400 and "exactly one" in r.text
    r = httpx.post(site + "/sparql?query=ASK%7B%7D", content=b"query=ASK%7B%7D",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400
    r = httpx.post(site + "/sparql", content=b"update=CLEAR%20ALL&update=CLEAR%20ALL",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 400 and "'update'" in r.text
    r = httpx.post(site + "/sparql", content=b"update=CLEAR%20ALL",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 403  # one update: refused, read-only


@pytest.mark.parametrize("ctype,body", [
    ("application/sparql-query; charset=UTF-16", "ASK {}".encode("utf-16")),
    ("application/sparql-query; charset=ISO-8859-1", b"ASK {}"),
    ("application/sparql-query", b"ASK { ?s ?p \"\xff\" }"),
    ("application/x-www-form-urlencoded", b"query=ASK%20%7B%7D%20\xff"),
    ("application/x-www-form-urlencoded", b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D"),
])
def test_a_body_that_is_not_utf8_is_a_clear_400(site: str, ctype: str, body: bytes) -> None:
    r = httpx.post(site + "/sparql", content=body, headers={"Content-Type": ctype})
    assert r.status_code == 400 and ("UTF-8" in r.text or "charset" in r.text), r.text
    assert httpx.get(site + "/sparql", params={"query": "ASK {}"}).status_code == 200  # still up


def test_relative_iris_resolve_against_the_endpoint(site: str) -> None:
    """Against the endpoint's public URL: --base-url, else the canonical one (never the Host header)."""
    q = "SELECT (<thing> AS ?iri) WHERE {}"
    r = httpx.get(site + "/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json",
                                                                   "Host": "attacker.example"})
    assert r.status_code == 200, r.text
    assert r.json()["results"]["bindings"][0]["iri"]["value"] == "https://w3id.org/serge-kg/thing"


def test_rdf_xml_for_graph_results_and_entity_pages(site: str) -> None:
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    q = f"CONSTRUCT {{ ?s {label} ?l }} WHERE {{ ?s {label} ?l }} LIMIT 5"
    r = httpx.get(site + "/sparql", params={"query": q}, headers={"Accept": "application/rdf+xml"})
    assert r.headers["content-type"].startswith("application/rdf+xml")
    assert len(Graph().parse(data=r.content, format="xml")) == 5
    page = httpx.get(str(SERGE).replace("https://w3id.org/serge-kg", site), headers={"Accept": "application/rdf+xml"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("application/rdf+xml")
    assert (SERGE, RDF.type, None) in Graph().parse(data=page.content, format="xml")


SELECT = "SELECT ?l WHERE { <%s> <http://www.w3.org/2000/01/rdf-schema#label> ?l }" % SERGE
ASK = "ASK { <%s> ?p ?o }" % SERGE
DESCRIBE_ = "CONSTRUCT { <%s> ?p ?o } WHERE { <%s> ?p ?o }" % (SERGE, SERGE)


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select_in_every_results_format(site: str, fmt: str) -> None:
    sw = SPARQLWrapper(site + "/sparql")
    sw.setQuery(SELECT)
    sw.setReturnFormat(fmt)
    res = sw.query().convert()
    text = json.dumps(res) if fmt == JSON else res.toxml() if fmt == XML else res.decode()
    assert "Victor Serge" in text


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_sparqlwrapper_ask(site: str, fmt: str) -> None:
    sw = SPARQLWrapper(site + "/sparql")
    sw.setQuery(ASK)
    sw.setReturnFormat(fmt)
    res = sw.query().convert()
    assert (res["boolean"] if fmt == JSON else "true" in res.toxml()) is True


@pytest.mark.parametrize("fmt", [XML, TURTLE, N3, JSONLD])
def test_sparqlwrapper_construct_in_every_rdf_format(site: str, fmt: str) -> None:
    sw = SPARQLWrapper(site + "/sparql")
    sw.setQuery(DESCRIBE_)
    sw.setReturnFormat(fmt)
    res = sw.query().convert()
    g = res if isinstance(res, Graph) else Graph().parse(data=res, format={TURTLE: "turtle", N3: "turtle",
                                                                          JSONLD: "json-ld"}[fmt])
    assert (SERGE, RDF.type, None) in g


def test_rdflib_sparqlstore(site: str) -> None:
    store = Graph(SPARQLStore(site + "/sparql", returnFormat="xml"))
    labels = [str(row[0]) for row in store.query(SELECT)]
    assert "Victor Serge" in labels
    assert len(list(store.triples((SERGE, RDF.type, None)))) >= 1


def test_curl(site: str) -> None:
    curl = shutil.which("curl")
    if curl is None:
        pytest.skip("curl is not installed")
    out = subprocess.run([curl, "-s", "-H", "Accept: text/csv", "--data-urlencode", f"query={SELECT}",
                          site + "/sparql"], capture_output=True, check=True, timeout=30).stdout.decode()
    assert out.splitlines()[0] == "l" and "Victor Serge" in out
    code = subprocess.run([curl, "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                           "Content-Type: application/sparql-query; charset=UTF-16", "--data-binary", "ASK {}",
                           site + "/sparql"], capture_output=True, check=True, timeout=30).stdout.decode()
    assert code == "400"


# ------------------------------------------------------------------ dumps, VoID, row cap

def test_dumps_lists_every_file_with_size_and_checksum(site: str) -> None:
    files = httpx.get(site + "/dumps/", headers={"Accept": "application/json"}).json()
    names = [f["name"] for f in files]
    assert {"serge.ttl", "serge.trig", "serge-inferred.nt", "void.ttl", "report.json"} <= set(names)
    for f in files:
        body = httpx.get(urljoin(site + "/dumps/", f["url"])).content
        assert len(body) == f["bytes"] and hashlib.sha256(body).hexdigest() == f["sha256"], f["name"]
    assert next(f for f in files if f["name"] == "serge.ttl")["contains"] == "the asserted triples only"
    text = httpx.get(site + "/dumps").text
    assert all(f"{f['sha256']}  {f['name']}" in text for f in files)  # like sha256sum's output
    assert httpx.get(site + "/dumps/nothing.ttl").status_code == 404


def test_void_says_what_each_dump_holds(site: str) -> None:
    void = Graph().parse(data=httpx.get(site + "/void", headers={"Accept": "text/turtle"}).text, format="turtle")
    vd = Namespace("http://rdfs.org/ns/void#")
    parts = {str(s).rsplit("/", 1)[1] if "graph/" in str(s) else "dataset": {str(o).rsplit("/", 1)[1]
             for o in void.objects(s, vd.dataDump)} for s in set(void.subjects(vd.dataDump, None))}
    assert parts["asserted"] == {"serge.ttl", "serge.nt", "serge.jsonld"}
    assert parts["inferred"] == {"serge-inferred.ttl", "serge-inferred.nt"}
    assert parts["dataset"] == {"serge.trig", "serge.nq"}


def test_truncation_is_flagged_and_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from starlette.testclient import TestClient
    paths = make_project(tmp_path / "project")
    build(paths)
    with TestClient(create_app(paths, max_rows=3)) as client, caplog.at_level("WARNING", logger="serge_kg.web.app"):
        r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        html = client.get("/queries/counts-per-class", headers={"Accept": "text/html"})
    assert r.headers["X-Result-Truncated"] == "true" and len(r.json()["results"]["bindings"]) == 3
    assert "truncated" in html.text
    assert any("cut at 3 rows" in rec.getMessage() for rec in caplog.records)
