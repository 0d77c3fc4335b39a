"""Saved queries: headers, declared columns, bound parameters, and the same answers on both engines."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql import prepareQuery

from conftest import union
from sparql_rows import row_keys, same_answer
from serge_kg.errors import QueryFileError, QueryParameterError
from serge_kg.pipeline.build import BuildResult
from serge_kg.query.engines import run_oxigraph, run_rdflib, to_oxigraph
from serge_kg.query.saved import SavedQuery, bindings_for, find_query, list_queries, parse_query_file

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "queries"
ALL = sorted(QUERIES.rglob("*.rq"))
REPORTS = list_queries(QUERIES)


@pytest.mark.parametrize("path", ALL, ids=lambda p: str(p.relative_to(QUERIES)))
def test_every_query_has_a_header_and_parses(path: Path) -> None:
    q = parse_query_file(path)
    assert q.summary and len(q.summary) > 10
    prepared = prepareQuery(q.text)  # standalone: declares every prefix it uses
    ox.Store().query(q.text)  # and Oxigraph, with no predeclared prefixes, parses it too
    if q.form == "SELECT":
        projected = [str(v) for v in prepared.algebra["PV"]]
        assert projected == q.columns, f"{path.name}: header columns {q.columns} != SELECT {projected}"
    for p in q.params:
        assert f"?_{p.name}" in q.text, f"{path.name}: parameter {p.name} is not ?_{p.name} in the query"
    # standalone: run as written elsewhere, its parameters are unbound; the header says what that gives
    assert bool(q.params) <= bool(q.unbound), f"{path.name}: a query with parameters needs '#+ unbound: ...'"
    if q.lists:
        assert q.lists.keys() <= set(q.columns)


def test_there_are_enough_saved_questions() -> None:
    assert len(REPORTS) >= 10


@pytest.mark.parametrize("q", REPORTS, ids=lambda q: q.name)
def test_every_saved_query_answers_on_the_full_graph(full_built: BuildResult, q: SavedQuery) -> None:
    g = union(full_built)
    res = run_rdflib(q, g, bindings_for(q, {}, g))
    assert res.rows, f"{q.name} returned nothing"


@pytest.mark.parametrize("q", REPORTS, ids=lambda q: q.name)
def test_engines_agree(full_built: BuildResult, q: SavedQuery) -> None:
    g = union(full_built)
    store = to_oxigraph(g)
    b = bindings_for(q, {}, g)
    a, o = run_rdflib(q, g, b), run_oxigraph(q, store, b)
    assert a.columns == o.columns
    # every ORDER BY ends in keys that separate every row, so ordered answers agree row by row
    assert same_answer(q, row_keys(q, a.columns, a.rows), row_keys(q, o.columns, o.rows)), q.name


def test_parameter_is_bound_not_pasted(mini_built: BuildResult) -> None:
    q = find_query(QUERIES, "evidence-for")
    g = mini_built.asserted
    b = bindings_for(q, {"entity": "arrest-1933"}, g)
    rows = run_oxigraph(q, to_oxigraph(g), b).rows
    assert rows and "arrested again by the OGPU" in str(rows[0][0])
    with pytest.raises(QueryParameterError, match="no entity"):
        bindings_for(q, {"entity": "no-such-thing"}, g)
    with pytest.raises(QueryParameterError, match="not an IRI"):
        bindings_for(q, {"entity": "x> } DROP ALL { <y"}, g)
    with pytest.raises(QueryParameterError, match="has no parameter"):
        bindings_for(q, {"nonsense": "1"}, g)


def test_unknown_query_names_the_known_ones() -> None:
    with pytest.raises(QueryFileError, match="life-timeline"):
        find_query(QUERIES, "no-such-query")


def test_query_without_summary_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(QueryFileError, match="summary"):
        parse_query_file(bad)


def test_view_queries_are_saved_queries_and_share_the_reports_names(tmp_path: Path) -> None:
    (tmp_path / "views").mkdir()
    header = '#+ summary: A view\n#+ columns: {n: "the count"}\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }\n'
    (tmp_path / "report.rq").write_text(header, encoding="utf-8")
    (tmp_path / "views" / "map-places.rq").write_text(header, encoding="utf-8")
    assert [q.name for q in list_queries(tmp_path)] == ["map-places", "report"]
    assert find_query(tmp_path, "map-places").path == tmp_path / "views" / "map-places.rq"
    (tmp_path / "views" / "report.rq").write_text(header, encoding="utf-8")
    with pytest.raises(QueryFileError, match="named like reports: report"):
        list_queries(tmp_path)
