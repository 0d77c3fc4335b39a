"""How the timeline draws each date (web/timeline.py), on the mini project's events run through the saved query."""

from __future__ import annotations

from typing import Any

import pytest

from serge_kg.namespaces import ID
from serge_kg.paths import Paths
from serge_kg.pipeline.build import load_graphs, load_ontology
from serge_kg.query.saved import list_queries
from serge_kg.sources.text import load_sources
from serge_kg.web.render import Pages
from serge_kg.web.timeline import mark, short, timeline
from serge_kg.web.urls import Links
from serge_kg.web.view_rows import view_rows

from .views_fixtures import mini_engine  # noqa: F401 - a fixture


@pytest.fixture(scope="module")
def pages(web_project: Paths) -> Pages:
    asserted, _ = load_graphs(web_project)
    return Pages(asserted, load_ontology(web_project), load_sources(web_project.data / "sources"),
                 list_queries(web_project.queries))


@pytest.fixture(scope="module")
def data(mini_engine: Any, pages: Pages, web_project: Paths) -> dict[str, Any]:  # noqa: F811
    from serge_kg.query.saved import find_query
    rows = view_rows(mini_engine, find_query(web_project.queries, "timeline-events"), {})
    return timeline(rows, pages.view, Links())


def by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["id"]: m for m in data["marks"]}


def test_a_known_day_is_a_point(data: dict[str, Any]) -> None:
    birth = by_id(data)["birth-victor-serge"]
    assert birth["draw"] == "point" and birth["start"] == birth["end"] == "1890-12-30"
    assert birth["words"] == "30 December 1890"


def test_an_interval_is_a_span_with_its_uncertain_ends_set_apart(data: dict[str, Any]) -> None:
    dep = by_id(data)["deportation-orenburg"]  # "1933/1936": starts some day of 1933, ends some day of 1936
    assert dep["draw"] == "span"
    assert (dep["start"], dep["end"]) == ("1933-01-01", "1936-12-31")
    assert (dep["sure_start"], dep["sure_end"]) == ("1933-12-31", "1936-01-01")
    assert (dep["startYear"], dep["endYear"]) == (1933, 1936)
    assert dep["words"] == "1933 to 1936" and dep["note"].startswith("from the sentence")


def test_an_open_end_stays_open(data: dict[str, Any]) -> None:
    member = by_id(data)["membership-left-opposition"]  # "1923/"
    assert member["draw"] == "span" and member["end"] is None and member["endYear"] is None
    assert member["words"] == "from 1923 (end unknown)"


def test_an_uncertain_date_is_a_band_never_a_point(data: dict[str, Any]) -> None:
    marks = by_id(data)
    expulsion = marks["expulsion-from-party"]  # "[1927-07..1928-06]"
    assert expulsion["draw"] == "uncertain"
    assert (expulsion["start"], expulsion["end"]) == ("1927-07-01", "1928-06-30")
    assert expulsion["words"] == "late 1927 or early 1928"
    arrest = marks["arrest-1933"]  # a month
    assert arrest["draw"] == "uncertain" and (arrest["start"], arrest["end"]) == ("1933-03-01", "1933-03-31")


def test_lanes_follow_the_kinds_of_event(data: dict[str, Any]) -> None:
    names = {lane["id"]: lane["name"] for lane in data["lanes"]}
    marks = by_id(data)
    assert names[marks["deportation-orenburg"]["lane"]] == "Arrests, prison, deportation, exile"
    assert names[marks["membership-left-opposition"]["lane"]] == "Memberships and employment"
    assert names[marks["birth-victor-serge"]["lane"]] == "Other events"
    assert [lane["id"] for lane in data["lanes"]] == sorted(names)


def test_each_mark_carries_its_verbatim_quote_and_citation(data: dict[str, Any], pages: Pages) -> None:
    dep = by_id(data)["deportation-orenburg"]
    quote = pages.view.evidence.of(ID["event/deportation-orenburg"])[0]
    assert dep["quote"] == quote.quote == "he was condemned without trial to three years of deportation in Orenburg"
    assert dep["cited"] == (quote.notes[0].text if quote.notes else quote.source_title) and dep["source"] == "wikipedia"
    assert dep["href"] == "/id/event/deportation-orenburg"


def test_a_disputed_date_is_uncertain_across_every_claim(pages: Pages) -> None:
    row = {"event": str(ID["event/arrest-1933"]), "lane": "2", "laneName": "x", "type": "Arrest", "date": "1933-03",
           "earliest": "1933-03-01", "latest": "1933-03-31", "claimEarliest": "1933-01-01",
           "claimLatest": "1933-12-31", "sequence": "1"}
    m = mark(row, pages.view, Links())
    assert m is not None and m.draw == "uncertain" and (m.start, m.end) == ("1933-01-01", "1933-12-31")


def test_a_long_quote_is_cut_at_a_word() -> None:
    text = "word " * 100
    cut = short(text, 30)
    assert cut.endswith(" …") and len(cut) <= 32 and text.startswith(cut[:-2])
    assert short("brief") == "brief"
