"""The curator's Wikidata decisions (``data/wikidata/decisions.csv``): read, checked, never rewritten.

One row per record that was looked up on Wikidata: ``record_id,qid,decision,how_verified``. Only
``same`` rows become ``owl:sameAs`` links; ``unsure`` rows wait for more evidence and ``no`` rows
record a candidate that is *not* the entity, so nobody links it later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from serge_kg.errors import RecordError
from serge_kg.namespaces import WD

from .csv_tables import read_table

HEADER = ["record_id", "qid", "decision", "how_verified"]
DECISIONS = ("same", "no", "unsure")
QID = re.compile(r"^Q[1-9][0-9]*$")


@dataclass(frozen=True)
class Decision:
    """One row of decisions.csv."""

    record_id: str
    qid: str
    decision: str
    how_verified: str
    line: int

    @property
    def item(self) -> URIRef:
        """The Wikidata item IRI (``http://www.wikidata.org/entity/Q…``)."""
        return URIRef(WD[self.qid])


def read_decisions(path: Path, known_ids: set[str], file: str | None = None,
                   root: Path | None = None) -> tuple[list[Decision], list[RecordError]]:
    """Every decision row of ``path`` and every problem found in it (unknown ids, bad QIDs, clashes).

    A missing file means no decisions. ``file`` is the name used in messages (default: ``path``).
    """
    name = file or str(path)
    table, errors = read_table(path, name, HEADER, root)
    if errors:
        return [], errors
    rows: list[Decision] = []
    by_record: dict[str, int] = {}
    same_qid: dict[str, tuple[str, int]] = {}
    for line, row in table:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(HEADER):
            errors.append(RecordError(name, line, None, None, f"{len(row)} columns instead of {len(HEADER)}",
                                      ",".join(HEADER) + " (quote a comma inside how_verified)"))
            continue
        rid, qid, decision, how = (c.strip() for c in row)
        fail = len(errors)
        if rid not in known_ids:
            errors.append(RecordError(name, line, rid, "record_id", f"no record has the id '{rid}'",
                                      "the id of a record in data/"))
        if not QID.match(qid):
            errors.append(RecordError(name, line, rid, "qid", f"'{qid}' is not a Wikidata item id",
                                      "Q followed by digits, e.g. Q312645"))
        if decision not in DECISIONS:
            errors.append(RecordError(name, line, rid, "decision", f"unknown decision '{decision}'",
                                      ", ".join(DECISIONS)))
        if not how:
            errors.append(RecordError(name, line, rid, "how_verified", "empty",
                                      "what was checked against which stored source"))
        if len(errors) > fail:
            continue
        if decision == "same":
            if rid in by_record:
                errors.append(RecordError(name, line, rid, "record_id",
                                          f"a second 'same' decision (first on line {by_record[rid]})",
                                          "one 'same' QID per record"))
                continue
            if qid in same_qid:
                other, other_line = same_qid[qid]
                errors.append(RecordError(name, line, rid, "qid",
                                          f"{qid} is already 'same' for '{other}' (line {other_line})",
                                          "a QID linked to one record only"))
                continue
            by_record[rid] = line
            same_qid[qid] = (rid, line)
        rows.append(Decision(rid, qid, decision, how, line))
    return rows, errors


def linked(decisions: list[Decision]) -> dict[str, Decision]:
    """The ``same`` decisions by record id: the records that carry an ``owl:sameAs`` link."""
    return {d.record_id: d for d in decisions if d.decision == "same"}
