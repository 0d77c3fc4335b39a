"""The map's data: the view queries on the real graph, their rows as places and stops, the page context."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from conftest import union
from serge_kg.errors import QueryExecutionError
from serge_kg.namespaces import ID, SK, WGS84
from serge_kg.pipeline.build import BuildResult
from serge_kg.query.engines import to_oxigraph
from serge_kg.web.map_page import map_context, map_jobs, outcomes, place_map, places_from, stops_from
from serge_kg.web.urls import Links
from serge_kg.web.worker import Outcome, Reply, collect, run

QUERIES = Path(__file__).resolve().parents[2] / "queries"


@pytest.fixture(scope="module")
def graph(full_built: BuildResult) -> Graph:
    return union(full_built)


@pytest.fixture(scope="module")
def answers(graph: Graph) -> tuple[Outcome, Outcome]:
    store: ox.Store = to_oxigraph(graph)
    places, path = (collect(run(store, job), job.max_rows) for job in map_jobs(QUERIES, graph))
    return places, path


def test_places_have_their_geonames_point_and_events(answers: tuple[Outcome, Outcome], graph: Graph) -> None:
    places = {p.label: p for p in places_from(answers[0])}
    orenburg, mexico = places["Orenburg"], places["Mexico City"]
    assert (orenburg.lat, orenburg.long, orenburg.geonames_id) == (51.76712, 55.09883, "515003")
    assert (mexico.lat, mexico.long) == (19.42847, -99.12766)
    # the events counted independently: anything at, from or to the place
    iri = URIRef(ID["place/orenburg"])
    expected = {e for p in (SK.place, SK.fromPlace, SK.toPlace) for e in graph.subjects(p, iri)}
    assert orenburg.events == len(expected) > 0
    # never guessed: a prison, a ship, a dissolved state have no point; a continent's centre is not drawn
    for name in ("Lubyanka", "Capitaine Paul Lemerle", "Soviet Union", "Europe", "Asia"):
        assert places[name].lat is None and places[name].unplaced, name
    assert "continent" in places["Europe"].unplaced
    assert all((p.lat is None) == bool(p.unplaced) for p in places.values())
    with_point = {str(s) for s in graph.subjects(WGS84.lat, None)}
    assert {p.iri for p in places.values() if p.lat is not None} <= with_point


def test_path_runs_in_date_order_from_brussels_to_mexico_city(answers: tuple[Outcome, Outcome]) -> None:
    stops = stops_from(answers[1])
    assert [s.number for s in stops] == list(range(1, len(stops) + 1))
    assert (stops[0].kind, stops[0].place_label) == ("Birth", "Brussels")
    assert (stops[-1].kind, stops[-1].place_label) == ("Death", "Mexico City")
    # no stop comes after one that began after it had ended: the order is one the dates allow
    for i, a in enumerate(stops):
        for b in stops[i + 1:]:
            if a.earliest and b.latest:
                assert date.fromisoformat(b.latest) >= date.fromisoformat(a.earliest), (a.label, b.label)
    # the key the path is sorted by lies within the stop's own span, and never goes down
    keys = [date.fromisoformat(s.sort_date) for s in stops]
    assert keys == sorted(keys)
    for s in stops:
        assert date.fromisoformat(s.earliest) <= date.fromisoformat(s.sort_date)
        assert not s.latest or date.fromisoformat(s.sort_date) <= date.fromisoformat(s.latest)
    drawn = [s.place_label for s in stops if s.lat is not None]
    moves = [p for i, p in enumerate(drawn) if i == 0 or drawn[i - 1] != p]
    assert moves == ["Brussels", "Paris", "Barcelona", "Precigne", "Petrograd", "Berlin", "Moscow", "Vienna",
                     "Petrograd", "Orenburg", "Brussels", "Paris", "Marseille", "Mexico City"]
    assert all(s.when and s.when != s.date for s in stops if "/" in s.date)  # dates in words


def test_map_context_hands_the_script_only_what_it_can_draw(answers: tuple[Outcome, Outcome]) -> None:
    places, stops = places_from(answers[0]), stops_from(answers[1])
    ctx = map_context(Links(static=True, page="map"), places, stops)
    data = ctx["map_data"]
    assert data["land"] == "static/vendor/world-atlas/land-50m.json"
    assert all(p["lat"] is not None for p in data["places"]) and len(data["places"]) == len(ctx["on_map"])
    assert [s["n"] for s in data["path"]] == [s.number for s in stops if s.lat is not None]
    orenburg = next(p for p in data["places"] if p["label"] == "Orenburg")
    assert orenburg["href"] == "id/place/orenburg.html"
    assert orenburg["stops"] == [s.number for s in stops if s.place_label == "Orenburg"]
    assert {p.label for p in ctx["unplaced"]} >= {"Lubyanka", "Soviet Union"}
    assert ctx["queries"]["map-path"] == ("queries/map-path.html", "queries/map-path.json")


def test_a_place_page_map_only_where_there_is_a_point(graph: Graph) -> None:
    links = Links(static=True, page="id/place/orenburg")
    small = place_map(links, graph, URIRef(ID["place/orenburg"]), "Orenburg")
    assert small is not None and (small["lat"], small["long"]) == (51.76712, 55.09883)
    assert small["land"] == "../../static/vendor/world-atlas/land-50m.json"
    assert place_map(links, graph, URIRef(ID["place/lubyanka"]), "Lubyanka") is None


def test_a_view_query_that_fails_is_an_error_not_an_empty_map(answers: tuple[Outcome, Outcome]) -> None:
    with pytest.raises(QueryExecutionError, match="map-path did not answer: query timed out"):
        outcomes([Reply(200, outcome=answers[0]), Reply(503, message="query timed out")])
