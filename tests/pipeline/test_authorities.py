"""Library authority ids: data/wikidata/authorities.csv is checked row by row and becomes external-id triples."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import SKOS, Literal, URIRef

from serge_kg.errors import RecordErrors
from serge_kg.namespaces import SK, WDT, entity_iri
from serge_kg.paths import Paths
from serge_kg.pipeline.authorities import HEADER
from serge_kg.pipeline.build import build
from serge_kg.pipeline.records import load_dataset

ROOT = Path(__file__).resolve().parents[2]


def _write(paths: Paths, rows: list[str]) -> None:
    path = paths.data / "wikidata" / "authorities.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([",".join(HEADER), *rows]) + "\n", encoding="utf-8")


def test_rows_become_external_id_triples_queryable_with_wikidata_properties(mini: Paths) -> None:
    _write(mini, ["victor-serge,viaf,71397710,two sources"])
    result = build(mini, write=False)
    serge = entity_iri("person", "victor-serge")
    assert (serge, SK.viafId, Literal("71397710")) in result.asserted
    assert (serge, SKOS.exactMatch, URIRef("http://viaf.org/viaf/71397710")) in result.asserted
    assert (serge, WDT.P214, Literal("71397710")) in result.inferred  # sk:viafId is a sub-property of P214
    assert result.report is not None and result.report.conforms


@pytest.mark.parametrize("row, field, fragment", [
    ("victor-serge,isni,0000000108584264,x", "scheme", "unknown scheme"),  # one source only so far
    ("victor-serge,viaf,VIAF-71397710,x", "identifier", "not a viaf identifier"),
    ("victor-serge,orcid,0000-0001,x", "scheme", "unknown scheme"),
    ("brussels,viaf,71397710,x", "record_id", "no person, organization or work"),
    ("victor-serge,viaf,71397710,", "how_verified", "empty"),
])
def test_a_bad_row_stops_the_load_with_file_line_and_field(mini: Paths, row: str, field: str, fragment: str) -> None:
    _write(mini, [row])
    with pytest.raises(RecordErrors) as exc:
        load_dataset(mini.data)
    err = next(e for e in exc.value.errors if e.file == "data/wikidata/authorities.csv")
    assert (err.line, err.field) == (2, field) and fragment in err.problem


def test_one_id_twice_or_one_scheme_twice_is_refused(mini: Paths) -> None:
    _write(mini, ["victor-serge,viaf,71397710,x", "victor-serge,viaf,71397711,x", "vlady,viaf,71397710,x"])
    with pytest.raises(RecordErrors) as exc:
        load_dataset(mini.data)
    problems = {(e.line, e.field): e.problem for e in exc.value.errors}
    assert "a second viaf identifier" in problems[(3, "scheme")]
    assert "already 'victor-serge's" in problems[(4, "identifier")]


def test_the_committed_table_names_two_sources_and_a_verified_item_for_every_row() -> None:
    dataset = load_dataset(ROOT / "data")
    links = dataset.links
    assert dataset.authorities
    for row in dataset.authorities:
        assert row.record_id in links, row.record_id  # paired with the record's verified QID
        assert links[row.record_id].qid in row.how_verified and row.identifier in row.how_verified
        assert row.how_verified.count("repo ") >= 2, row.record_id  # two stored sources
