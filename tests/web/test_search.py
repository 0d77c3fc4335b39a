"""Search folding, prefix matching and "did you mean", on the mini project's catalog."""

from __future__ import annotations

import pytest

from serge_kg.paths import Paths
from serge_kg.pipeline.build import load_graphs, load_ontology
from serge_kg.web.catalog import Catalog
from serge_kg.web.search import SearchIndex, fold, suggest_names


@pytest.fixture(scope="module")
def index(web_project: Paths) -> SearchIndex:
    asserted, _ = load_graphs(web_project)
    return SearchIndex(Catalog(asserted, load_ontology(web_project)))


@pytest.mark.parametrize("text, folded", [("Précigné", "precigne"), ("Кибальчич", "kibalchich"),
                                          ("Ви́ктор Льво́вич", "viktor lvovich"), ("LUKÁCS", "lukacs")])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_every_word_must_start_a_word_of_the_entry(index: SearchIndex) -> None:
    ids = [h.entry.rid for h in index.search("vic ser")]
    assert "victor-serge" in ids
    assert "victor-serge" not in [h.entry.rid for h in index.search("ictor")]  # prefixes, not substrings
    assert [h.entry.rid for h in index.search("arrest-1933")][0] == "arrest-1933"  # record ids too
    assert index.search("   ") == []


def test_names_rank_above_descriptions_and_groups_follow_the_lists(index: SearchIndex) -> None:
    hits = index.search("orenburg")
    assert hits[0].entry.rid == "orenburg"
    titles = [g.title for g in index.grouped(hits)]
    assert titles == sorted(titles, key=["People", "Organizations", "Places", "Works", "Events",
                                         "Disagreements"].index)


def test_did_you_mean(index: SearchIndex) -> None:
    assert index.suggest("victor-sergei")[0].rid == "victor-serge"
    assert index.suggest("person/orenbrug")[0].rid == "orenburg"
    assert suggest_names("life-timelin", ["life-timeline", "residences"]) == ["life-timeline"]
