"""The network view's nodes and links (web/network.py), on the mini project run through the saved query."""

from __future__ import annotations

from typing import Any

import pytest

from serge_kg.namespaces import ID
from serge_kg.paths import Paths
from serge_kg.pipeline.build import load_graphs, load_ontology
from serge_kg.query.saved import find_query, list_queries
from serge_kg.sources.text import load_sources
from serge_kg.web.network import network
from serge_kg.web.render import Pages
from serge_kg.web.urls import Links
from serge_kg.web.view_rows import view_rows

from .views_fixtures import mini_engine  # noqa: F401 - a fixture


@pytest.fixture(scope="module")
def pages(web_project: Paths) -> Pages:
    asserted, _ = load_graphs(web_project)
    return Pages(asserted, load_ontology(web_project), load_sources(web_project.data / "sources"),
                 list_queries(web_project.queries))


def net(engine: Any, pages: Pages, paths: Paths, rid: str) -> dict[str, Any]:
    rows = view_rows(engine, find_query(paths.queries, "network-edges"), {"person": rid})
    return network(rows, pages.view, Links(), ID[f"person/{rid}"])


def test_serges_links_are_typed_dated_and_sourced(mini_engine: Any, pages: Pages,  # noqa: F811
                                                  web_project: Paths) -> None:
    data = net(mini_engine, pages, web_project, "victor-serge")
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["victor-serge"]["center"] and data["nodes"][0]["id"] == "victor-serge"
    assert nodes["ogpu"]["kind"] == "organization" and nodes["vlady"]["kind"] == "person"
    links = {(x["target"], x["kind"], x["relation"], x["role"]) for x in data["links"]}
    assert ("liuba-russakova", "relationship", "spouse", "") in links
    assert ("vlady", "relationship", "child", "") in links
    assert ("vlady", "event", "Deportation", "companion") in links  # a shared event, with the other's role
    assert ("ogpu", "event", "Arrest", "agent") in links
    assert ("left-opposition", "membership", "Membership", "organization") in links
    assert all(x["source"] == "victor-serge" for x in data["links"])
    dep = next(x for x in data["links"] if x["relation"] == "Deportation")
    assert (dep["start_year"], dep["end_year"], dep["words"]) == (1933, 1936, "1933 to 1936")
    assert dep["quote"].startswith("he was condemned without trial") and dep["href"] == "/id/event/deportation-orenburg"
    member = next(x for x in data["links"] if x["kind"] == "membership")
    assert (member["start_year"], member["end_year"]) == (1923, None)  # open end
    spouse = next(x for x in data["links"] if x["relation"] == "spouse")
    assert spouse["start_year"] is None and spouse["words"] == ""  # undated: no years made up


def test_an_inverse_relationship_reads_from_the_other_side(mini_engine: Any, pages: Pages,  # noqa: F811
                                                            web_project: Paths) -> None:
    data = net(mini_engine, pages, web_project, "vlady")
    assert {(x["target"], x["relation"]) for x in data["links"]} >= {("victor-serge", "child of"),
                                                                      ("victor-serge", "Deportation")}


def test_a_person_without_links_has_an_empty_network(mini_engine: Any, pages: Pages,  # noqa: F811
                                                     web_project: Paths) -> None:
    lonely = next(e.rid for e in pages.catalog.by_kind["person"]
                  if not net(mini_engine, pages, web_project, e.rid)["links"])
    data = net(mini_engine, pages, web_project, lonely)
    assert [n["id"] for n in data["nodes"]] == [lonely]
