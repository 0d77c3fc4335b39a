"""Figures about the graph: records per kind and per source, evidence and citation shares, classes,
uncertain dates and disagreements (``serge-kg stats``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rdflib import RDF, Graph

from serge_kg.namespaces import SK
from serge_kg.pipeline.records import Dataset, Record

Table = tuple[str, list[str], list[list[object]]]


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "-"


def _cited(rec: Record) -> bool:
    return any(ev.notes for ev in rec.all_evidence)


def _sources(rec: Record) -> set[str]:
    return {ev.source for ev in rec.all_evidence}


@dataclass
class Stats:
    """The figures of one build."""

    per_kind: list[list[object]] = field(default_factory=list)
    per_class: list[list[object]] = field(default_factory=list)
    summary: list[list[object]] = field(default_factory=list)

    def tables(self) -> list[Table]:
        """The figures as titled tables (title, columns, rows)."""
        return [
            ("records per kind and source", ["kind", "records", "wikipedia", "mia", "with_evidence",
                                             "cited", "cited_of_wikipedia", "wikidata_linked"], self.per_kind),
            ("instances per class (asserted graph)", ["class", "instances"], self.per_class),
            ("summary", ["figure", "value"], self.summary),
        ]


def compute(dataset: Dataset, asserted: Graph, inferred: Graph | None = None) -> Stats:
    """Count what the dataset and its graph hold."""
    stats = Stats()
    links = dataset.links
    kinds = sorted({r.kind for r in dataset.records.values()})
    totals = Counter[str]()
    for kind in [*kinds, "all"]:
        recs = [r for r in dataset.records.values() if kind in (r.kind, "all")]
        wiki = [r for r in recs if "wikipedia" in _sources(r)]
        row = [kind, len(recs), len(wiki), sum("mia" in _sources(r) for r in recs),
               _pct(sum(bool(_sources(r)) for r in recs), len(recs)),
               _pct(sum(_cited(r) for r in recs), len(recs)),
               _pct(sum(_cited(r) for r in wiki), len(wiki)),
               sum(r.id in links for r in recs)]
        stats.per_kind.append(row)
        totals[kind] = len(recs)

    classes = Counter[str]()
    for s, cls in asserted.subject_objects(RDF.type):
        if str(cls).startswith(str(SK._NS)):
            classes[str(cls)[len(str(SK._NS)):]] += 1
    stats.per_class = [[c, n] for c, n in sorted(classes.items(), key=lambda kv: (-kv[1], kv[0]))]

    dated = set(asserted.subjects(SK.date, None))
    uncertain = {s for s in dated if (s, SK.dateValue, None) not in asserted}
    disagreements = [r for r in dataset.records.values() if r.kind == "disagreement"]
    claims = sum(len(r.get("claims", [])) for r in disagreements)
    notes_used = {n for r in dataset.records.values() for ev in r.all_evidence for n in ev.notes}
    all_notes = {n for s in dataset.sources.values() for n in s.notes}
    quotes = {(ev.source, ev.quote) for r in dataset.records.values() for ev in r.all_evidence}
    stats.summary = [
        ["records", totals["all"]],
        ["asserted triples", len(asserted)],
        ["inferred triples", len(inferred) if inferred is not None else "-"],
        ["distinct evidence quotes", len(quotes)],
        ["footnotes cited / in the article", f"{len(notes_used)} / {len(all_notes)}"],
        ["dated resources", len(dated)],
        ["uncertain or imprecise dates (not a plain day, month or year)", len(uncertain)],
        ["disagreements (claims)", f"{len(disagreements)} ({claims})"],
        ["records linked to Wikidata", len(links)],
    ]
    return stats
