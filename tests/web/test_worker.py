"""A worker's answers: Oxigraph writes short SELECT and ASK answers itself, and they say what the
row-by-row encoder says, for every saved query; long answers, cut answers and failing queries."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from conftest import union
from serge_kg.pipeline.build import BuildResult
from serge_kg.query.engines import to_oxigraph, with_values
from serge_kg.query.saved import bindings_for, list_queries
from serge_kg.web import worker
from serge_kg.web.results import encode_results
from serge_kg.web.worker import CSV, JSON, TSV, XML, Job, answer, collect, run

QUERIES = Path(__file__).resolve().parents[2] / "queries"
RESULTS = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def store_and_texts(full_built: BuildResult) -> tuple[ox.Store, dict[str, str]]:
    graph = union(full_built)
    texts = {q.name: with_values(q.text, bindings_for(q, {}, graph)) for q in list_queries(QUERIES)
             if all(p.default is not None for p in q.params)}
    return to_oxigraph(graph), texts


def json_rows(body: bytes) -> list[dict[str, Any]]:
    return json.loads(body)["results"]["bindings"]


def xml_rows(body: bytes) -> list[dict[str, tuple[str, str, str]]]:
    rows = []
    for result in ET.fromstring(body).iter(RESULTS + "result"):
        row = {}
        for b in result:
            term = b[0]
            row[b.get("name")] = (term.tag, term.text or "", str(sorted(term.attrib.items())))
        rows.append(row)
    return rows


def test_oxigraph_writes_what_the_row_by_row_encoder_writes_for_every_saved_query(
        store_and_texts: tuple[ox.Store, dict[str, str]]) -> None:
    store, texts = store_and_texts
    assert len(texts) > 40
    for name, text in texts.items():
        job = Job(text)
        outcome = collect(run(store, job), job.max_rows)
        for media, read in ((JSON, json_rows), (XML, xml_rows),
                            (CSV, lambda b: list(csv.reader(io.StringIO(b.decode("utf-8")))))):
            reply = answer(store, Job(text, results_media=media))
            assert reply.status == 200 and reply.media == media, (name, reply.message)
            ours = encode_results(outcome.variables, outcome.rows, None, media)
            assert read(reply.body) == read(ours), (name, media)
        native = answer(store, Job(text)).body
        assert json.loads(native)["head"] == {"vars": outcome.variables}, name


def test_ask_is_written_by_oxigraph() -> None:
    store = ox.Store()
    assert json.loads(answer(store, Job("ASK { ?s ?p ?o }")).body) == {"head": {}, "boolean": False}


def graph_of(n: int) -> ox.Store:
    store = ox.Store()
    for i in range(n):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), ox.NamedNode("http://example.org/p"),
                          ox.Literal(str(i)), ox.NamedNode("http://example.org/g")))
    return store


def test_a_long_answer_is_written_again_row_by_row_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "NATIVE_BYTES", 200)  # a few rows outgrow it
    reply = answer(graph_of(50), Job("SELECT ?s ?o WHERE { ?s ?p ?o }"))
    assert reply.status == 200 and not reply.truncated and len(json_rows(reply.body)) == 50


@pytest.mark.parametrize("media", [JSON, XML, CSV, TSV])
def test_an_answer_longer_than_max_rows_is_cut_and_says_so(media: str) -> None:
    reply = answer(graph_of(30), Job("SELECT ?s WHERE { ?s ?p ?o }", results_media=media, max_rows=7))
    assert reply.status == 200 and reply.truncated
    text = reply.body.decode("utf-8")
    rows = {JSON: lambda: len(json_rows(reply.body)), XML: lambda: len(xml_rows(reply.body)),
            CSV: lambda: len(text.strip().splitlines()) - 1, TSV: lambda: len(text.strip().splitlines()) - 1}[media]()
    assert rows == 7


def test_exactly_max_rows_rows_is_whole_and_empty_rows_count() -> None:
    store = graph_of(7)
    reply = answer(store, Job("SELECT ?s WHERE { ?s ?p ?o }", max_rows=7))
    assert not reply.truncated and len(json_rows(reply.body)) == 7
    # rows binding nothing are the shortest a JSON answer can hold: eight of them are more than seven
    reply = answer(store, Job("SELECT ?x WHERE { { ?s ?p ?o } UNION { BIND (1 AS ?y) } }", max_rows=7))
    assert reply.truncated and len(json_rows(reply.body)) == 7


def test_a_query_failing_while_it_is_written_is_a_400() -> None:
    reply = answer(ox.Store(), Job("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"))
    assert reply.status == 400 and reply.message.startswith("query failed")
