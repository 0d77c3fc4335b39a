"""The SPARQL editor: its context (unit), the protocol it leaves alone, and YASGUI in Chromium on the
mini project: it counts the triples through the live endpoint, opens a saved query from its page, asks
no host but 127.0.0.1 (its network autocompleters are off), passes axe-core and fits 390 px."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from rdflib import Graph

from serge_kg.errors import QueryFileError, QueryParameterError
from serge_kg.namespaces import PREFIXES
from serge_kg.paths import Paths
from serge_kg.query.saved import list_queries
from serge_kg.web.editor import FIRST, editor_context
from serge_kg.web.urls import Links

from .browsing import serious, visit

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def graph(web_project: Paths) -> Graph:
    g = Graph()
    for name in ("serge.nt", "serge-inferred.nt"):
        g.parse(web_project.build / name, format="nt")
    return g


def test_context_offers_every_saved_query_bound_to_its_defaults(web_project: Paths, graph: Graph) -> None:
    queries = {q.name: q for q in list_queries(web_project.queries)}
    ctx = editor_context(Links(), queries, graph)
    data = ctx["editor_data"]
    assert data["endpoint"] == "/sparql" and data["query"] == queries[FIRST].text == data["examples"][FIRST]
    assert data["prefixes"] == PREFIXES and data["completers"] == ["variables"]
    assert set(data["examples"]) == set(queries) and [e["name"] for e in ctx["examples"]] == sorted(queries)
    residences = data["examples"]["residences"]
    assert "VALUES (?_person) { (<https://w3id.org/serge-kg/id/person/victor-serge>) }" in residences
    opened = editor_context(Links(), queries, graph, "events-at-place", {"place": "orenburg"})["editor_data"]
    assert "<https://w3id.org/serge-kg/id/place/orenburg>" in opened["query"]
    with pytest.raises(QueryFileError, match="no saved query"):
        editor_context(Links(), queries, graph, "no-such-query")
    with pytest.raises(QueryParameterError):
        editor_context(Links(), queries, graph, "residences", {"nonsense": "1"})


@pytest.mark.server
def test_browsers_get_the_editor_machines_the_protocol(live: str) -> None:
    page = httpx.get(live + "/sparql", headers=BROWSER)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "yasgui.min.js" in page.text and 'id="editor-data"' in page.text
    assert httpx.get(live + "/sparql").headers["content-type"].startswith("text/turtle")  # service description
    posted = httpx.post(live + "/sparql", data={"nothing": "1"}, headers=BROWSER)  # a POST is never the editor
    assert posted.headers["content-type"].startswith("text/turtle")
    asked = httpx.get(live + "/sparql", params={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"})
    assert asked.json()["boolean"] is True
    assert httpx.get(live + "/sparql", params={"saved": "no-such-query"}, headers=BROWSER).status_code == 404
    assert httpx.get(live + "/sparql", params={"saved": "residences", "x": "1"}, headers=BROWSER).status_code == 400


def editor_ready(page: Any) -> None:
    page.wait_for_selector("#yasgui .CodeMirror")


def run_query(page: Any) -> str:
    page.locator("#yasgui .yasqe_queryButton").click()
    page.wait_for_selector("#yasgui .yasr_results table.dataTable tbody tr")
    return page.locator("#yasgui .yasr_results").inner_text()


@pytest.mark.server
def test_yasgui_counts_the_triples_through_the_endpoint(page: Any, live: str, graph: Graph) -> None:
    visit(page, live + "/sparql", "editor")
    editor_ready(page)
    first = page.evaluate("JSON.parse(document.getElementById('editor-data').textContent).examples['counts-per-class']")
    assert page.evaluate("sergeKgEditor.getTab().getYasqe().getValue()") == first
    assert page.evaluate("sergeKgEditor.getTab().getEndpoint()") == live + "/sparql"
    assert not page.locator("#yasgui .yasqe_share").is_visible()  # it would link to /sparql?query=, not here
    page.locator("#yasgui .CodeMirror").click()
    page.keyboard.press("Control+A")
    page.keyboard.type(COUNT)
    assert page.evaluate("sergeKgEditor.getTab().getYasqe().getValue()") == COUNT
    shown = run_query(page)
    assert re.search(rf'"{len(graph)}"', shown), shown  # asserted + inferred, as the default graph
    # typing prefixed names and asking for completions calls no other host (the page fixture checks)
    page.locator("#yasgui .CodeMirror").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\n# sk:Pers rdf:ty schema:")
    page.keyboard.press("Control+Space")
    page.wait_for_timeout(500)
    assert page.evaluate("sergeKgEditor.getTab().getYasqe().config.autocompleters") == ["variables"]
    page.get_by_role("button", name="Add the project prefixes to the query").click()
    text = page.evaluate("sergeKgEditor.getTab().getYasqe().getValue()")
    assert "PREFIX sk: <https://w3id.org/serge-kg/ontology#>" in text and COUNT in text
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert serious(page) == []


@pytest.mark.server
def test_a_saved_query_opens_in_the_editor_from_its_page(page: Any, live: str) -> None:
    page.goto(live + "/queries/residences")
    page.get_by_role("link", name="Open in the SPARQL editor").click()
    page.wait_for_url(re.compile(r"/sparql\?saved=residences"))
    editor_ready(page)
    text = page.evaluate("sergeKgEditor.getTab().getYasqe().getValue()")
    assert "sk:Residence" in text and "id/person/victor-serge" in text
    answer = httpx.get(live + "/queries/residences", headers={"Accept": "application/sparql-results+json"}).json()
    shown = run_query(page)
    assert f"of {len(answer['results']['bindings'])} entr" in shown
    # and an example loads from the editor's own list
    page.get_by_role("button", name="Load counts-per-class").click()
    example = page.evaluate("JSON.parse(document.getElementById('editor-data').textContent).examples['counts-per-class']")
    assert "COUNT" in example and page.evaluate("sergeKgEditor.getTab().getYasqe().getValue()") == example
    assert serious(page) == []


@pytest.mark.server
def test_static_query_pages_offer_no_broken_editor(page: Any, static_url: str) -> None:
    page.goto(static_url + "/queries/residences.html")
    assert page.get_by_role("link", name="Open in the SPARQL editor").count() == 0
    assert "no SPARQL endpoint, so no editor" in page.get_by_role("main").inner_text()
