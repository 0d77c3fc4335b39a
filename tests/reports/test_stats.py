"""serge-kg stats: the figures agree with the records and with saved queries run on the graph."""

from __future__ import annotations

from pathlib import Path

from conftest import run
from serge_kg.paths import Paths
from serge_kg.pipeline.build import BuildResult
from serge_kg.query.engines import run_rdflib
from serge_kg.query.saved import bindings_for, find_query
from serge_kg.reports.stats import compute

ROOT = Path(__file__).resolve().parents[2]


def _table(stats: object, title: str) -> list[list[object]]:
    return next(rows for t, _, rows in stats.tables() if t.startswith(title))  # type: ignore[attr-defined]


def test_per_kind_counts_match_the_records(full_built: BuildResult) -> None:
    ds = full_built.dataset
    stats = compute(ds, full_built.asserted, full_built.inferred)
    rows = {r[0]: r for r in _table(stats, "records per kind")}
    assert rows["all"][1] == len(ds.records)
    assert rows["person"][1] == len(ds.of_kind("person"))
    assert sum(r[1] for k, r in rows.items() if k != "all") == len(ds.records)
    mia_works = sum(1 for r in ds.of_kind("work") if any(e.source == "mia" for e in r.evidence))
    assert rows["work"][3] == mia_works
    assert rows["all"][4] == "100.0%"  # every record carries evidence
    assert rows["all"][7] == len(ds.links)


def test_classes_agree_with_the_counts_per_class_query(full_built: BuildResult) -> None:
    stats = compute(full_built.dataset, full_built.asserted)
    q = find_query(ROOT / "queries", "counts-per-class")
    res = run_rdflib(q, full_built.asserted, bindings_for(q, {}, full_built.asserted))
    from_query = {str(row[0]): int(row[1]) for row in res.rows}
    assert {c: n for c, n in _table(stats, "instances per class")} == from_query


def test_uncertain_dates_agree_with_the_uncertain_dates_query(full_built: BuildResult) -> None:
    stats = compute(full_built.dataset, full_built.asserted)
    summary = dict(_table(stats, "summary"))
    q = find_query(ROOT / "queries", "uncertain-dates")
    res = run_rdflib(q, full_built.asserted, {})
    n = summary["uncertain or imprecise dates (not a plain day, month or year)"]
    assert n == len({(row[0], row[1]) for row in res.rows}) > 10
    disagreements = len(full_built.dataset.of_kind("disagreement"))
    assert summary["disagreements (claims)"].startswith(f"{disagreements} (")


def test_cli_stats_in_table_and_csv(mini: Paths) -> None:
    code, out, err = run(mini, "stats")
    assert code == 0, err
    assert "records per kind and source" in out and "instances per class" in out and "uncertain" in out
    code, out, _ = run(mini, "stats", "--format", "csv")
    assert out.startswith("kind,records,wikipedia,mia,with_evidence,cited,cited_of_wikipedia,wikidata_linked")
