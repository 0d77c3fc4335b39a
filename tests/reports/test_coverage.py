"""Source coverage: how each source is split into sentences, and which records quote each one."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from conftest import run
from serge_kg.paths import Paths
from serge_kg.pipeline.build import BuildResult
from serge_kg.pipeline.records import load_dataset
from serge_kg.reports.coverage import coverage, shares, split_source
from serge_kg.sources.mia_index import parse_mia_index
from serge_kg.sources.text import load_sources

ROOT = Path(__file__).resolve().parents[2]
SOURCES = load_sources(ROOT / "data" / "sources")


@pytest.fixture(scope="module")
def wiki() -> list:
    return split_source(SOURCES["wikipedia"])


@pytest.fixture(scope="module")
def mia() -> list:
    return split_source(SOURCES["mia"])


def test_article_sentences_are_whole_sentences(wiki: list) -> None:
    texts = [u.text for u in wiki]
    assert "He was imprisoned by the Soviet regime in 1928 and again from 1933 to 1936." in texts
    assert "He turned to anarchism , moving to Paris in 1909." in texts
    # two sentences on one line are two units; a footnote marker belongs to neither
    assert "In the camp, he studied Marxism with other Russian revolutionaries." in texts
    assert not any("[ 1" in t for t in texts)
    # initials and "p." do not end a sentence
    assert any(t.startswith("The Serge-Trotsky Papers (1994) Editor: D.J. Cotterill") for t in texts)


def test_article_navigation_and_reference_lists_are_left_out(wiki: list) -> None:
    text = " ".join(u.text for u in wiki)
    for excluded in ("Jump to content", "Català", "^ Weissman", "Further reading", "Authority control",
                     "Anarchism in France", "relies largely or entirely on a single source", "Find sources"):
        assert excluded not in text, excluded


def test_article_sections_follow_the_table_of_contents(wiki: list) -> None:
    sections = list(dict.fromkeys(u.section for u in wiki))
    assert sections[:3] == ["0 Lead: infobox", "0 Lead", "1 Early life and political beginnings"]
    assert "6 Deportation to Orenburg" in sections and "12.5 Non-fiction: pamphlet" in sections
    assert not any(s.endswith(("See also", "References", "Sources", "External links")) for s in sections)
    infobox = [u.text for u in wiki if u.section == "0 Lead: infobox"]
    assert any(t.startswith("Born Viktor Lvovich Kibalchich") for t in infobox)
    assert "Spouse Liuba Russakova" in infobox


def test_a_cited_english_edition_stays_one_entry(wiki: list) -> None:
    entries = [u.text for u in wiki if u.section == "12.1 Fiction"]
    conquered = [t for t in entries if "Conquered City" in t and "ISBN" in t]
    assert conquered == ["Serge, Victor (2011) [1932]. Conquered City [ Ville conquise ] (in French). "
                         "Translated by Greeman, Richard. New York City: NYRB Classics . ISBN 978-1-59017-366-4 ."]


def test_mia_writings_are_one_unit_each_with_their_date(mia: list) -> None:
    texts = [u.text for u in mia]
    assert "May 1908 For Émile Henry" in texts
    titled = [e for e in parse_mia_index(SOURCES["mia"].text) if e.kind != "about"]
    writings = [u for u in mia if u.section in ("Writings", "Writing ascribed to Serge")]
    assert len(writings) >= len(titled)
    assert not any(t.startswith(("Marxist Writers", "Last updated")) for t in texts)


def test_every_unit_lies_inside_its_source(wiki: list, mia: list) -> None:
    for units, src in ((wiki, SOURCES["wikipedia"]), (mia, SOURCES["mia"])):
        ends = [u.start for u in units]
        assert ends == sorted(ends)
        for u in units:
            assert 0 <= u.start < u.end <= len(src.text) and u.text
            assert src.line_of(u.start) == u.line


def test_records_are_attached_where_their_quotes_fall(full_built: BuildResult) -> None:
    units = coverage(full_built.dataset)
    prison = next(u for u in units if u.text.startswith("He was imprisoned by the Soviet regime in 1928"))
    assert prison.covered
    text = SOURCES["wikipedia"].text
    for rid in prison.records:
        rec = full_built.dataset.records[rid]
        starts = [(text.find(e.quote), len(e.quote)) for e in rec.all_evidence if e.source == "wikipedia"]
        assert any(at < prison.end and prison.start < at + n for at, n in starts), rid


def test_shares_add_up_and_the_full_data_covers_most_sentences(full_built: BuildResult) -> None:
    units = coverage(full_built.dataset)
    result = shares(units)
    for source in ("wikipedia", "mia"):
        total = next(s for s in result if s.source == source and s.section == "all")
        parts = [s for s in result if s.source == source and s.section != "all"]
        assert total.units == sum(s.units for s in parts) == sum(u.source == source for u in units)
        assert total.covered == sum(s.covered for s in parts)
        assert total.percent >= 80.0, f"{source}: only {total.percent:.1f}% of sentences are quoted"


def test_a_new_record_covers_its_sentence(mini: Paths) -> None:
    before = {u.text: u.covered for u in coverage(load_dataset(mini.data))}
    target = "In the camp, he studied Marxism with other Russian revolutionaries."
    assert before[target] is False
    (mini.data / "events" / "zz.yaml").write_text(
        "- id: studies-marxism\n  type: Event\n  label: Serge studies Marxism in the camp\n"
        "  evidence:\n  - source: wikipedia\n    quote: he studied Marxism with other Russian revolutionaries\n",
        encoding="utf-8")
    after = {u.text: u for u in coverage(load_dataset(mini.data))}
    assert after[target].records == ["studies-marxism"]


def test_cli_coverage_summary_list_and_files(mini: Paths, tmp_path: Path) -> None:
    code, out, err = run(mini, "coverage")
    assert code == 0, err
    assert "wikipedia  all" in out and "left out of the split" in out and "quoted by no record" in out
    code, out, _ = run(mini, "coverage", "--list", "--uncovered", "--source", "mia", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(r["source"] == "mia" and r["covered"] == "no" for r in rows)
    target = tmp_path / "todo.csv"
    code, _, _ = run(mini, "coverage", "--uncovered", "-o", str(target))
    assert code == 0 and list(csv.DictReader(target.open(encoding="utf-8")))[0]["covered"] == "no"
    md = tmp_path / "todo.md"
    run(mini, "coverage", "-o", str(md))
    assert md.read_text(encoding="utf-8").startswith("| source | section | line | covered | records | sentence |")
