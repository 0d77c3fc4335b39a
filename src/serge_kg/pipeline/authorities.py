"""Library authority identifiers (``data/wikidata/authorities.csv``): read, checked row by row, and turned into RDF.

One row per identifier that two stored sources give for a record:
``record_id,scheme,identifier,how_verified``. Each becomes a Wikidata-style external-id literal on the
record (``sk:viafId``, a sub-property of ``wdt:P214``) and a ``skos:exactMatch`` to the
authority's own IRI, so a user can query with Wikidata's property IRIs or follow the link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import SKOS, Graph, Literal, URIRef

from serge_kg.errors import RecordError
from serge_kg.namespaces import SK, entity_iri

from .csv_tables import read_table

if TYPE_CHECKING:  # record_types holds the rows, so it imports this module
    from pathlib import Path

    from .record_types import Record

HEADER = ["record_id", "scheme", "identifier", "how_verified"]


@dataclass(frozen=True)
class Scheme:
    """One authority file: its form, its IRI pattern, our property and the Wikidata property."""

    pattern: str
    example: str
    iri: str  # with {id}
    prop: str  # local name in SK
    wikidata: str


SCHEMES: dict[str, Scheme] = {
    "viaf": Scheme(r"[1-9][0-9]{1,21}", "71397710", "http://viaf.org/viaf/{id}", "viafId", "P214"),
}
"""The schemes the table accepts. Only VIAF so far: the ISNI (P213), GND (P227), BnF (P268) and
Library of Congress (P244) ids seen were each in one stored source only; a scheme is added here,
with its property and alignment in the ontology, with its first two-source row."""


@dataclass(frozen=True)
class Authority:
    """One row of authorities.csv."""

    record_id: str
    scheme: str
    identifier: str
    how_verified: str
    line: int

    @property
    def iri(self) -> URIRef:
        return URIRef(SCHEMES[self.scheme].iri.format(id=self.identifier))


def read_authorities(path: Path, records: dict[str, Record],
                     file: str | None = None) -> tuple[list[Authority], list[RecordError]]:
    """Every row of ``path`` and every problem in it (unknown records or schemes, malformed or repeated
    identifiers, one scheme twice for a record, an empty ``how_verified``). A missing file means none."""
    name = file or str(path)
    table, errors = read_table(path, name, HEADER)
    if errors:
        return [], errors
    rows: list[Authority] = []
    seen: dict[tuple[str, str], int] = {}
    owner: dict[tuple[str, str], tuple[str, int]] = {}
    for line, cells in table:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(HEADER):
            errors.append(RecordError(name, line, None, None, f"{len(cells)} columns instead of {len(HEADER)}",
                                      ",".join(HEADER) + " (quote a comma inside how_verified)"))
            continue
        rid, scheme, ident, how = (c.strip() for c in cells)
        fail = len(errors)
        if rid not in records or records[rid].kind not in ("person", "organization", "work"):
            errors.append(RecordError(name, line, rid, "record_id", f"no person, organization or work has the id "
                                      f"'{rid}'", "the id of a person, organization or work in data/"))
        spec = SCHEMES.get(scheme)
        if spec is None:
            errors.append(RecordError(name, line, rid, "scheme", f"unknown scheme '{scheme}'", ", ".join(SCHEMES)))
        elif not re.fullmatch(spec.pattern, ident):
            errors.append(RecordError(name, line, rid, "identifier", f"'{ident}' is not a {scheme} identifier",
                                      f"e.g. {spec.example}"))
        if not how:
            errors.append(RecordError(name, line, rid, "how_verified", "empty",
                                      "the two stored sources that give the identifier for this record"))
        if len(errors) > fail:
            continue
        if (rid, scheme) in seen:
            errors.append(RecordError(name, line, rid, "scheme", f"a second {scheme} identifier (first on line "
                                      f"{seen[(rid, scheme)]})", "one identifier per scheme and record"))
            continue
        if (scheme, ident) in owner:
            other, other_line = owner[(scheme, ident)]
            errors.append(RecordError(name, line, rid, "identifier", f"{scheme} {ident} is already '{other}'s "
                                      f"(line {other_line})", "an identifier for one record only"))
            continue
        seen[(rid, scheme)] = line
        owner[(scheme, ident)] = (rid, line)
        rows.append(Authority(rid, scheme, ident, how, line))
    return rows, errors


def add_authorities(g: Graph, rows: list[Authority], records: dict[str, Record]) -> None:
    """Per row: the identifier as a literal of our external-id property, and ``skos:exactMatch`` to its IRI."""
    for row in rows:
        subject = entity_iri(records[row.record_id].kind, row.record_id)
        g.add((subject, SK[SCHEMES[row.scheme].prop], Literal(row.identifier)))
        g.add((subject, SKOS.exactMatch, row.iri))
