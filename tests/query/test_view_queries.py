"""The view queries (queries/views/) on the real data: what the timeline and the network draw."""

from __future__ import annotations

import pytest

from serge_kg.paths import Paths
from serge_kg.pipeline.answer import QueryDataset
from stores import full_paths  # noqa: F401 - a fixture


@pytest.fixture(scope="module")
def dataset(full_paths: Paths) -> QueryDataset:  # noqa: F811
    return QueryDataset(full_paths)


def rows(dataset: QueryDataset, name: str, **params: str) -> list[dict[str, str]]:
    result = dataset.answer(name, params).result
    return [{c: str(v) for c, v in zip(result.columns, row) if v is not None} for row in result.rows]


def test_timeline_events_have_lanes_bounds_and_the_disputed_expulsion(dataset: QueryDataset) -> None:
    events = {r["event"].rsplit("/", 1)[-1]: r for r in rows(dataset, "timeline-events")}
    dep = events["deportation-orenburg"]
    assert (dep["laneName"], dep["date"]) == ("Arrests, prison, deportation, exile", "[1933-05-25..1933-12-31]/1936-04")
    assert (dep["earliest"], dep["latest"]) == ("1933-05-25", "1936-04-30") and "claimEarliest" not in dep
    expulsion = events["expulsion-from-party-1927"]
    assert expulsion["date"] == "1927-12"  # the body's month; the lead and the MIA say otherwise:
    assert (expulsion["claimEarliest"], expulsion["claimLatest"]) == ("1927-07-01", "1928-12-31")
    assert events["residence-orenburg"]["laneName"] == "Residences"
    assert {r["laneName"] for r in events.values()} == {
        "Residences", "Arrests, prison, deportation, exile", "Memberships and employment", "Journeys",
        "Writing and publication", "Other events"}
    assert all("earliest" in r for r in events.values())  # dated events only
    vlady = {r["event"].rsplit("/", 1)[-1] for r in rows(dataset, "timeline-events", person="vlady")}
    assert "deportation-orenburg" in vlady and vlady < set(events) | vlady and len(vlady) < len(events)


def test_network_edges_link_trotsky_and_serge_typed_and_dated(dataset: QueryDataset) -> None:
    links = rows(dataset, "network-edges")
    trotsky = {(r["kind"], r["relation"]) for r in links if r["other"].endswith("/person/leon-trotsky")}
    assert {("relationship", "comrade"), ("relationship", "correspondent"), ("relationship", "adversary")} <= trotsky
    letters = next(r for r in links if r["link"].endswith("/relation/serge-correspondent-leon-trotsky"))
    assert (letters["startYear"], letters["endYear"]) == ("1936", "1938")
    assert any(r["kind"] == "membership" and r["otherKind"] == "organization" for r in links)
    # no row twice for a role the inferred graph repeats as sk:participant
    keys = [(r["link"], r["other"]) for r in links if r["kind"] == "event"]
    roles = {(r["link"], r["other"]): r["role"] for r in links if r["kind"] == "event"}
    assert all(roles[k] != "participant" or keys.count(k) == 1 for k in keys)
    back = rows(dataset, "network-edges", person="leon-trotsky")
    assert any(r["other"].endswith("/person/victor-serge") and r["relation"] == "comrade of" for r in back)
