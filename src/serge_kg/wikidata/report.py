"""``serge-kg link report``: Wikidata link coverage by kind, unlinked records, duplicate or conflicting
decision rows, and (from the entity data cached by ``link verify``) links that disagree with our facts.

The curator's ``data/wikidata/decisions.csv`` is only ever read by the link tools. Candidate search is
in :mod:`serge_kg.link_candidates`, verification in :mod:`serge_kg.link_verify`, and what they share
(linkable records, names, years, the comparison) in :mod:`serge_kg.link_common`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from serge_kg.errors import LinkingError
from serge_kg.pipeline.decisions import Decision
from serge_kg.pipeline.geonames import NOT_PLACED, PlaceLink
from serge_kg.pipeline.records import Dataset, Record

from .api import parse_entity_body
from .common import FINDING_VERDICTS, LINKABLE_KINDS, Verification, compare, is_linkable, life_years


@dataclass(frozen=True)
class EntityLink:
    """A linkable record, its decision rows and its status (linked, unsure, no, unlinked)."""

    record: Record
    rows: tuple[Decision, ...]

    @property
    def status(self) -> str:
        decisions = {r.decision for r in self.rows}
        return ("linked" if "same" in decisions else "unsure" if "unsure" in decisions
                else "no" if decisions else "unlinked")

    @property
    def qids(self) -> list[str]:
        """The QIDs of its rows, the ``same`` one first."""
        rows = sorted(self.rows, key=lambda r: (r.decision != "same", r.line))
        return list(dict.fromkeys(r.qid for r in rows))

@dataclass(frozen=True)
class Coverage:
    """Link counts for one kind."""

    kind: str
    records: int
    linked: int
    unsure: int
    no: int
    unlinked: int

    @property
    def share_linked(self) -> float:
        """Linked records / records (0 when there are none)."""
        return self.linked / self.records if self.records else 0.0

@dataclass(frozen=True)
class Duplicate:
    """Rows that cannot all be right: one QID for several records, or conflicting rows for one record."""

    problem: str  # "QID in several records" | "conflicting rows"
    qid: str
    records: tuple[str, ...]
    detail: str


def entity_links(dataset: Dataset) -> list[EntityLink]:
    """Every linkable record, and every record named in decisions.csv, with its rows; by kind then id."""
    rows: dict[str, list[Decision]] = defaultdict(list)
    for d in dataset.decisions:
        rows[d.record_id].append(d)
    order = {k: i for i, k in enumerate(LINKABLE_KINDS)}
    recs = [r for r in dataset.records.values() if is_linkable(r) or r.id in rows]
    recs.sort(key=lambda r: (order.get(r.kind, len(order)), r.kind, r.id))
    return [EntityLink(r, tuple(rows.get(r.id, ()))) for r in recs]


def coverage(links: Iterable[EntityLink]) -> list[Coverage]:
    """Counts per kind, in :data:`LINKABLE_KINDS` order (then any other kind named by a decision row)."""
    counts: dict[str, Counter[str]] = {}
    for link in links:
        counts.setdefault(link.record.kind, Counter())[link.status] += 1
    return [Coverage(kind, sum(c.values()), c["linked"], c["unsure"], c["no"], c["unlinked"])
            for kind, c in counts.items()]


def duplicates(decisions: Iterable[Decision]) -> list[Duplicate]:
    """QIDs named for more than one record (in any decision), and records whose rows conflict: the same
    QID with different decisions, the same row twice, or a ``same`` link next to a still ``unsure`` QID."""
    decisions = list(decisions)
    out: list[Duplicate] = []
    by_qid: dict[str, list[Decision]] = defaultdict(list)
    by_record: dict[str, list[Decision]] = defaultdict(list)
    for d in decisions:
        by_qid[d.qid].append(d)
        by_record[d.record_id].append(d)
    for qid, rows in sorted(by_qid.items(), key=lambda kv: int(kv[0][1:])):
        records = tuple(dict.fromkeys(r.record_id for r in rows))
        if len(records) > 1:
            detail = "; ".join(f"{r.record_id} {r.decision} (line {r.line})" for r in rows)
            out.append(Duplicate("QID in several records", qid, records, detail))
    for rid, rows in sorted(by_record.items()):
        per_qid: dict[str, list[Decision]] = defaultdict(list)
        for r in rows:
            per_qid[r.qid].append(r)
        for qid, same_qid in per_qid.items():
            if len(same_qid) > 1:
                kinds = sorted({r.decision for r in same_qid})
                what = "different decisions" if len(kinds) > 1 else "the same row twice"
                detail = f"{what}: " + "; ".join(f"{r.decision} (line {r.line})" for r in same_qid)
                out.append(Duplicate("conflicting rows", qid, (rid,), detail))
        same = [r for r in rows if r.decision == "same"]
        unsure = [r for r in rows if r.decision == "unsure" and r.qid not in {s.qid for s in same}]
        if same and unsure:
            detail = (f"'same' {same[0].qid} (line {same[0].line}) while still 'unsure' about "
                      + ", ".join(f"{r.qid} (line {r.line})" for r in unsure))
            out.append(Duplicate("conflicting rows", same[0].qid, (rid,), detail))
    return out

@dataclass(frozen=True)
class PlaceCoordinates:
    """A place, its reviewed GeoNames row (if any), and why it has no coordinates (if it has none)."""

    record: Record
    link: PlaceLink | None

    @property
    def has_coordinates(self) -> bool:
        return self.link is not None and self.link.latitude is not None

    @property
    def why_not(self) -> str:
        """Why there is no point ('' when there is one)."""
        if self.has_coordinates:
            return ""
        if self.record.type in NOT_PLACED:
            return f"a {self.record.type}: never placed from its city"
        if self.link is not None:
            return f"GeoNames {self.link.geonameid} ({self.link.method}): the release gives it no point"
        return "no GeoNames row (see data/geonames/README.md)"


def place_coordinates(dataset: Dataset) -> list[PlaceCoordinates]:
    """Every place with its GeoNames row, by id."""
    rows = {link.record_id: link for link in dataset.geonames}
    return [PlaceCoordinates(r, rows.get(r.id)) for r in dataset.of_kind("place")]


# the report --------------------------------------------------------------------------------------
@dataclass
class LinkReport:
    """Everything ``serge-kg link report`` shows."""

    links: list[EntityLink]
    coverage: list[Coverage]
    left_out: dict[str, int]
    duplicates: list[Duplicate]
    verifications: dict[str, Verification]  # record id -> from the cached entity data
    not_checked: list[Decision]  # 'same' links without cached entity data
    unreadable: list[str] = field(default_factory=list)  # cache files that could not be parsed
    places: list[PlaceCoordinates] = field(default_factory=list)  # GeoNames ids and coordinates

    @property
    def unlinked(self) -> list[EntityLink]:
        """Linkable records without any decision row."""
        return [link for link in self.links if link.status == "unlinked"]

    @property
    def disagreements(self) -> list[Verification]:
        """Checked links that disagree with us, were merged or deleted."""
        return [v for v in self.verifications.values() if v.verdict in FINDING_VERDICTS]


def link_report(dataset: Dataset, cache_dir: Path | None = None) -> LinkReport:
    """Coverage, unlinked records, duplicates and (from ``cache_dir``, written by :func:`verify`) disagreements."""
    links = entity_links(dataset)
    in_report = {link.record.id for link in links}
    left_out = Counter(r.kind for r in dataset.records.values() if r.id not in in_report)
    years = life_years(dataset)
    verifications: dict[str, Verification] = {}
    not_checked: list[Decision] = []
    unreadable: list[str] = []
    for rid, d in sorted(dataset.links.items()):
        path = cache_dir / f"{d.qid}.json" if cache_dir else None
        if path is None or not path.is_file():
            not_checked.append(d)
            continue
        try:
            data = parse_entity_body(d.qid, path.read_bytes())
        except (LinkingError, OSError) as exc:
            unreadable.append(f"{path}: {exc}")
            not_checked.append(d)
            continue
        verifications[rid] = compare(dataset.records[rid], d.qid, data, years.get(rid))
    order = {k: i for i, k in enumerate(LINKABLE_KINDS)}
    return LinkReport(links, coverage(links), dict(sorted(left_out.items(), key=lambda kv: order.get(kv[0], 99))),
                      duplicates(dataset.decisions), verifications, not_checked, unreadable,
                      place_coordinates(dataset))


