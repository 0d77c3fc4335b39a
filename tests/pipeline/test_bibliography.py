"""The bibliography gathered from the view queries, checked against the curated records in data/."""

from __future__ import annotations

from pathlib import Path

from conftest import records
from serge_kg.paths import Paths
from serge_kg.pipeline.bibliography import KIND_ORDER, Bibliography, collect, graph_runner, kind_rank
from serge_kg.pipeline.build import BuildResult
from serge_kg.query.engines import run_rdflib, union_graph
from serge_kg.query.saved import bindings_for, find_query

ROOT = Path(__file__).resolve().parents[2]


def test_a_novel_with_its_english_translation_as_the_records_say(bib: Bibliography) -> None:
    work = next(w for w in bib.works if w.rid == "conquered-city")
    novel = records("works")["conquered-city"]
    assert (work.kind, work.original_title, work.language, work.date) == ("Novel", novel["title"], novel["lang"],
                                                                          novel["date"])
    assert [a.name for a in work.authors] == ["Victor Serge"]
    [tr] = work.expressions
    record = records("translations")["conquered-city-en-2011"]
    people, orgs, places = records("people"), records("organizations"), records("places")
    assert tr.rid == record["id"] and tr.kind == "Translation" and tr.language == "en" and tr.date == record["date"]
    assert [t.name for t in tr.translators] == [people[p]["label"] for p in record["translators"]]
    assert [p.name for p in tr.publishers] == [orgs[record["publisher"]]["label"]]
    assert [p.name for p in tr.places] == [places[record["place"]]["label"]]
    assert tr.isbns == [record["isbn"].replace("-", "")]


def test_every_translation_of_his_works_is_there_once(bib: Bibliography) -> None:
    works = {w.rid for w in bib.works}
    expected = sorted(r["id"] for r in records("translations").values() if r["translation_of"] in works)
    assert sorted(e.rid for e in bib.expressions) == expected and len(expected) > 20
    # the French translation of Trotsky's Their Morals and Ours is Serge's work as a translator, not as author
    assert "their-morals-and-ours-fr" not in expected


def test_co_translators_and_editors(bib: Bibliography) -> None:
    memoirs = next(e for e in bib.expressions if e.rid == "memoirs-of-a-revolutionary-en-2012")
    assert sorted(t.name for t in memoirs.translators) == ["George Paizis", "Peter Sedgwick"]
    notebooks = next(e for e in bib.expressions if e.rid == "notebooks-1936-1947-en-2008")
    assert {p.name for p in notebooks.editors} == {"Claudio Albertani", "Claude Rioux"}


def test_mia_writings_by_year_match_the_per_year_report(full_built: BuildResult, bib: Bibliography) -> None:
    q = find_query(ROOT / "queries", "mia-writings-per-year")
    graph = union_graph(full_built.asserted, full_built.inferred)
    report = {str(r[0]): int(r[1]) for r in run_rdflib(q, graph, bindings_for(q, {}, full_built.asserted)).rows}
    assert {year: len(ws) for year, ws in bib.mia_years} == report
    assert [y for y, _ in bib.mia_years][-1] == "undated" or "undated" not in report


def test_works_are_in_date_order_within_their_kind(bib: Bibliography) -> None:
    for kind in {w.kind for w in bib.works}:
        dated = [w.earliest for w in bib.works if w.kind == kind and w.earliest is not None]
        assert dated == sorted(dated), kind


def test_kinds_rank_book_length_genres_first() -> None:
    assert kind_rank("Novel") < kind_rank("Letter") < kind_rank("Work") < kind_rank("Zine")
    assert KIND_ORDER[0] == "Novel" and len(set(KIND_ORDER)) == len(KIND_ORDER)


def test_another_author_can_be_asked_for(full_built: BuildResult) -> None:
    paths = Paths(full_built.outputs[0].parent.parent)
    other = collect(graph_runner(paths.queries, full_built.asserted, full_built.inferred, author="leon-trotsky"))
    assert all(w.rid != "conquered-city" for w in other.works)
