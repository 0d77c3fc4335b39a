"""The real data: builds and conforms, every quote is verbatim in its source, and coverage minimums hold."""

from __future__ import annotations

from pathlib import Path

import yaml
from rdflib import RDF

from serge_kg.namespaces import SK
from serge_kg.pipeline.build import BuildResult

ROOT = Path(__file__).resolve().parents[1]
TEXTS = {"wikipedia": (ROOT / "data/sources/000_f99018cbf05d8fcc.txt").read_text(encoding="utf-8"),
         "mia": (ROOT / "data/sources/001_9d9736ec8a788fa9.txt").read_text(encoding="utf-8")}


def _quotes(node: object) -> list[tuple[str, str]]:
    """Every {source, quote} pair in a parsed YAML tree, read independently of the loader."""
    found = []
    if isinstance(node, dict):
        if "quote" in node:
            found.append((node.get("source", "mia"), node["quote"]))
        for v in node.values():
            found += _quotes(v)
    elif isinstance(node, list):
        for v in node:
            found += _quotes(v)
    return found


def test_every_evidence_quote_is_verbatim_in_its_source() -> None:
    files = sorted(ROOT.glob("data/**/*.yaml"))
    pairs = [q for f in files if f.name != "sources.yaml" for q in _quotes(yaml.safe_load(f.read_text()))]
    assert len(pairs) > 300
    missing = [(s, q) for s, q in pairs if q not in TEXTS[s]]
    assert not missing, missing[:5]


def test_full_graph_conforms(full_built: BuildResult) -> None:
    assert full_built.report is not None
    assert full_built.report.conforms, full_built.report.violations[:10]


def test_minimum_coverage(full_built: BuildResult) -> None:
    g = full_built.asserted
    n = lambda cls: len(set(g.subjects(RDF.type, cls)))  # noqa: E731
    counts = full_built.class_counts()
    orgs = sum(v for k, v in counts.items() if k in {"Organization", "PoliticalParty", "PoliticalFaction",
               "PoliticalGroup", "YouthOrganization", "TradeUnion", "StateAgency", "SecretPolice",
               "InternationalOrganization", "Periodical", "Publisher", "Committee", "CriminalGroup", "Commune"})
    assert orgs >= 6 and n(SK.Translation) >= 5 and n(SK.Person) >= 20
    events = len({s for s, _, o in g.triples((None, RDF.type, None))
                  if (s, SK.principal, None) in g and (s, SK.date, None) in g})
    assert events >= 20


def test_every_record_has_evidence(full_built: BuildResult) -> None:
    for rec in full_built.dataset.records.values():
        assert rec.evidence or rec.kind == "disagreement", rec.id


def test_english_translations_have_translator_publisher_place_year(full_built: BuildResult) -> None:
    complete = [r for r in full_built.dataset.of_kind("translation")
                if r.get("translators") and r.get("publisher") and r.get("place") and r.get("date")]
    assert len(complete) >= 5
    assert sum(1 for r in full_built.dataset.of_kind("translation") if r.get("isbn")) >= 5
