"""The checked records of ``data/``: each with its kind, type, fields, file and line, and its evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from serge_kg.sources.text import Source

from .authorities import Authority
from .decisions import Decision, linked
from .geonames import PlaceLink


@dataclass
class Evidence:
    """A verbatim quote from a source, with the footnotes (if any) that cite it."""

    source: str
    quote: str
    notes: tuple[int, ...]
    line: int  # line of the quote in the source text


@dataclass
class Record:
    """One curated (or imported) record."""

    kind: str
    id: str
    type: str
    data: dict[str, Any]
    file: str
    line: int
    evidence: list[Evidence] = field(default_factory=list)

    def get(self, key: str, default: Any = None) -> Any:
        """A field's value."""
        return self.data.get(key, default)

    @property
    def all_evidence(self) -> list[Evidence]:
        """Its own evidence and, for a disagreement, the evidence of every claim."""
        claims = self.data.get("claims", []) if self.kind == "disagreement" else []
        return [*self.evidence, *(ev for c in claims for ev in c.get("evidence", []))]


@dataclass
class Dataset:
    """All records, by id, and the sources their evidence points into."""

    records: dict[str, Record]
    sources: dict[str, Source]
    decisions: list[Decision] = field(default_factory=list)
    geonames: list[PlaceLink] = field(default_factory=list)  # data/geonames/places.csv
    geonames_source: dict[str, str] | None = None  # its attribution in sources.yaml
    authorities: list[Authority] = field(default_factory=list)  # data/wikidata/authorities.csv

    @property
    def links(self) -> dict[str, Decision]:
        """The records with a verified (``same``) Wikidata QID, by record id."""
        return linked(self.decisions)

    def of_kind(self, kind: str) -> list[Record]:
        """Records of one kind, sorted by id."""
        return sorted((r for r in self.records.values() if r.kind == kind), key=lambda r: r.id)
