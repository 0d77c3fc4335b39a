"""The source texts are kept byte-for-byte, and Wikipedia's footnotes resolve to citations."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml

from serge_kg.errors import SourceError
from serge_kg.sources.text import load_sources

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "data" / "sources"
SEEDS = ROOT.parent / "shared" / "seeds"


def test_sources_match_recorded_checksums() -> None:
    for entry in yaml.safe_load((SOURCES / "sources.yaml").read_text()):
        if entry.get("kind") == "link-data":  # GeoNames: attributed reference data, no text, CC BY
            assert entry["licence"] == "https://creativecommons.org/licenses/by/4.0/"
            assert "file" not in entry and "GeoNames" in entry["attribution"]
            continue
        data = (SOURCES / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert entry["licence"].startswith("https://creativecommons.org/licenses/by-sa/")
        assert entry["attribution"] and entry["url"].startswith("https://")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds not beside the checkout")
def test_sources_are_byte_identical_to_the_seeds() -> None:
    for seed in SEEDS.glob("*.txt"):
        assert (SOURCES / seed.name).read_bytes() == seed.read_bytes(), seed.name


def test_reference_list_resolves_all_101_notes() -> None:
    wiki = load_sources(SOURCES)["wikipedia"]
    notes = wiki.notes
    assert len(notes) == 101
    assert notes[1].text == "Weissman 2013, p. 31"
    assert notes[4].text == "Weissman 2013, p. 109"  # "^ a b Weissman 2013 , p. 109." (reused note)
    assert notes[8].text == "Weissman 2013, p. 236"  # "^ a b c d e f ..."
    assert notes[93].reference == "Giraldi 2015"
    assert notes[95].reference == "Lerner 2013"
    assert notes[97].reference == "Lezard 2004"
    assert notes[101].text == "Weissman 2013, pp. 28, 375"


def test_quote_resolves_to_the_marker_that_follows_it() -> None:
    wiki = load_sources(SOURCES)["wikipedia"]
    quote = "arrived in Petrograd in January 1919"
    assert wiki.note_after(wiki.find(quote) + len(quote)) == 20
    quote = "He worked for the Comintern as a journalist, editor, and translator"
    assert wiki.note_after(wiki.find(quote) + len(quote)) == 3


def test_altered_source_is_refused(tmp_path: Path) -> None:
    for f in SOURCES.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / "000_f99018cbf05d8fcc.txt").write_bytes(b"tampered")
    with pytest.raises(SourceError, match="SHA-256"):
        load_sources(tmp_path)
