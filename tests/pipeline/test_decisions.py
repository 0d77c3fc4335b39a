"""Wikidata decisions: decisions.csv is read and checked, `same` rows become owl:sameAs, nothing rewrites it."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from rdflib import OWL, URIRef

from serge_kg.errors import RecordErrors
from serge_kg.namespaces import entity_iri
from serge_kg.paths import Paths
from serge_kg.pipeline.build import BuildResult, build
from serge_kg.pipeline.decisions import HEADER, read_decisions

ROOT = Path(__file__).resolve().parents[2]
DECISIONS = ROOT / "data" / "wikidata" / "decisions.csv"
HOW = "test fixture: label and dates matched in two stored sources"


def _write(paths: Paths, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path = paths.data / "wikidata" / "decisions.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_same_rows_become_sameas_and_others_do_not(mini: Paths) -> None:
    path = _write(mini, [["victor-serge", "Q362009", "same", HOW], ["brussels", "Q239", "unsure", HOW],
                         ["vlady", "Q123", "no", HOW]])
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = build(mini, write=True)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before  # the build reads it, never rewrites it
    g = result.asserted
    assert (entity_iri("person", "victor-serge"), OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q362009")) in g
    assert not list(g.triples((entity_iri("place", "brussels"), OWL.sameAs, None)))
    assert not list(g.triples((entity_iri("person", "vlady"), OWL.sameAs, None)))
    assert result.report is not None and result.report.conforms
    # the compact JSON-LD shows the full, followable Wikidata IRI
    doc = json.loads((mini.build / "serge.jsonld").read_text())
    serge = next(n for n in doc["@graph"] if n["@id"].endswith("person/victor-serge"))
    assert serge["sameAs"] == "http://www.wikidata.org/entity/Q362009"


def test_identity_links_stay_out_of_reasoning(mini: Paths) -> None:
    _write(mini, [["victor-serge", "Q362009", "same", HOW]])
    result = build(mini, write=False, validate=False)
    item = URIRef("http://www.wikidata.org/entity/Q362009")
    # OWL-RL would otherwise copy every fact about Serge onto the Wikidata IRI
    assert not list(result.inferred.triples((item, None, None)))


@pytest.mark.parametrize("row, field, fragment", [
    (["no-such-record", "Q1", "same", HOW], "record_id", "no record has the id"),
    (["victor-serge", "362009", "same", HOW], "qid", "not a Wikidata item id"),
    (["victor-serge", "Q0", "same", HOW], "qid", "not a Wikidata item id"),
    (["victor-serge", "Q362009", "maybe", HOW], "decision", "unknown decision"),
    (["victor-serge", "Q362009", "same", " "], "how_verified", "empty"),
])
def test_bad_rows_are_reported_with_line_and_field(mini: Paths, row: list[str], field: str, fragment: str) -> None:
    _write(mini, [["vlady", "Q5", "unsure", HOW], row])
    with pytest.raises(RecordErrors) as exc:
        build(mini, write=False)
    (err,) = exc.value.errors
    assert err.file == "data/wikidata/decisions.csv" and err.line == 3 and err.field == field
    assert fragment in str(err)


def test_one_qid_for_two_records_is_refused(mini: Paths) -> None:
    _write(mini, [["victor-serge", "Q362009", "same", HOW], ["vlady", "Q362009", "same", HOW]])
    with pytest.raises(RecordErrors) as exc:
        build(mini, write=False)
    assert "already 'same' for 'victor-serge' (line 2)" in str(exc.value)


def test_wrong_header_is_refused(mini: Paths) -> None:
    _write(mini, [["victor-serge", "Q362009", "same", HOW]], header=["id", "qid", "decision", "how"])
    with pytest.raises(RecordErrors) as exc:
        build(mini, write=False)
    assert "record_id,qid,decision,how_verified" in str(exc.value)


def test_the_real_file_is_valid(full_built: BuildResult) -> None:
    ids = set(full_built.dataset.records)
    rows, errors = read_decisions(DECISIONS, ids)
    assert not errors
    same = [r for r in rows if r.decision == "same"]
    assert len(same) >= 30
    for r in same:
        iri = entity_iri(full_built.dataset.records[r.record_id].kind, r.record_id)
        assert (iri, OWL.sameAs, r.item) in full_built.asserted
