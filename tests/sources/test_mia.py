"""Tests of the importer of the Marxists Internet Archive index (serge_kg.sources.mia)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from edtf import parse_edtf

from serge_kg.errors import RecordError
from serge_kg.sources.mia import load_overrides, mia_work_records
from serge_kg.sources.mia_index import MiaFormatError, dated_entries_without_title, parse_mia_index

ROOT = Path(__file__).parents[2]
NAME = "001_9d9736ec8a788fa9.txt"
SOURCE = ROOT / "data/sources" / NAME
OVERRIDES = ROOT / "data/mia/overrides.yaml"

MONTH_WORDS = {"January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December", "Jan.", "Feb.", "Mar.", "Apr.", "Aug.", "Sept.", "Oct.",
               "Nov.", "Dec."}


@pytest.fixture(scope="module")
def text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def records(text: str) -> list[dict]:
    return mia_work_records(text, load_overrides(OVERRIDES))


@pytest.fixture(scope="module")
def by_label(records: list[dict]) -> dict[str, dict]:
    return {r["label"]: r for r in records}


def looks_like_date(line: str) -> bool:
    """A line made only of day numbers, month words, Early/Late, and a final year."""
    *head, year = line.replace("\xa0", " ").split(" ")
    return bool(head) and re.fullmatch(r"\d{4}", year) is not None and all(
        tok in ("Early", "Late") or re.fullmatch(r"\d{1,2}([-–]\d{1,2})?", tok)
        or all(part in MONTH_WORDS for part in tok.split("/")) for tok in head)


def title_lines(text: str) -> list[int]:
    """Line numbers of the listed writings, counted without the importer."""
    skip = {"Marxist Writers: Victor Serge", "Marxists’ Internet Archive", "Victor Serge"}
    return [n for n, line in enumerate(text.splitlines(), start=1)
            if line.strip() and len(line) < 200 and line not in skip and not looks_like_date(line)
            and not line.startswith("Last updated on") and not (line.startswith("(") and line.endswith(")"))]


def check_edtf(value: str) -> None:
    """Parse an EDTF string with the edtf library; interval sides one by one."""
    if "/" in value and not value.startswith("["):
        for side in value.split("/"):
            parse_edtf(side)
    else:
        parse_edtf(value)


def test_every_listed_writing_is_imported(text: str, records: list[dict]) -> None:
    expected = title_lines(text)
    assert sorted(r["_line"] for r in records) == expected
    assert len(records) == 105


def test_record_points_at_its_title_line(text: str, records: list[dict]) -> None:
    lines = text.splitlines()
    for r in records:
        assert r["_file"] == "data/sources/001_9d9736ec8a788fa9.txt"
        assert r["evidence"][0]["quote"] == lines[r["_line"] - 1]


def test_ids_unique_well_formed_and_stable(text: str) -> None:
    ids = [r["id"] for r in mia_work_records(text)]
    assert len(ids) == len(set(ids))
    for i in ids:
        assert re.fullmatch(r"mia-[a-z0-9]+(-[a-z0-9]+)*", i) and len(i) <= 70, i
    assert ids == [r["id"] for r in mia_work_records(text)]
    assert {"mia-1908-05-for-emile-henry", "mia-letter-to-rene-lefeuvre", "mia-1928-40-canton-december-1927",
            "mia-biographical-note-jean-riere", "mia-1922-08-12-intellectual-life-in-russia",
            "mia-1923-08-intellectual-life-in-russia"} <= set(ids)
    # ids are never renamed: any change to the derivation shows up here
    digest = hashlib.sha256("\n".join(ids).encode()).hexdigest()
    assert digest == "566195c4198b9a4c32e553eb2fd96d655e796153ef2e9e6e36976d436a45683f"


def test_every_quote_is_verbatim_on_one_line(text: str, records: list[dict]) -> None:
    lines = text.splitlines()
    for r in records:
        assert r["evidence"]
        for ev in r["evidence"]:
            assert ev["source"] == "mia"
            assert any(ev["quote"] in line for line in lines), (r["id"], ev["quote"])


def test_every_date_is_edtf(text: str, records: list[dict]) -> None:
    dated = [r for r in records if "date" in r]
    date_lines = [line for line in text.splitlines() if looks_like_date(line)]
    assert len(dated) == len(date_lines) - 4 == 64  # four date lines lost their title
    for r in dated:
        check_edtf(r["date"])


@pytest.mark.parametrize(("label", "date_text", "edtf"), [
    ("Lenin in 1917", "Mar./Apr.\xa01924", "[1924-03,1924-04]"),
    ("Canton, December 1927", "Early\xa01928", "1928-40"),
    ("November 7, 1917", "7-8\xa0November\xa01936", "1936-11-07/1936-11-08"),
    ("Twenty Years Ago", "6–7\xa0March\xa01937", "1937-03-06/1937-03-07"),
    ("Measuring Kravchenko’s Testimony", "July/November 1946", "[1946-07,1946-11]"),
    ("For Émile Henry", "May\xa01908", "1908-05"),
    ("The Execution of Count Mirbach", "7\xa0March\xa01920", "1920-03-07"),
])
def test_source_dates(text: str, label: str, date_text: str, edtf: str) -> None:
    entry = next(e for e in parse_mia_index(text) if e.label == label)
    assert (entry.date_text, entry.date) == (date_text, edtf)


@pytest.mark.parametrize(("date_text", "edtf"), [
    ("Late 1921", "1921-41"), ("Sept. 1930", "1930-09"), ("2 June 1937", "1937-06-02"),
])
def test_other_date_shapes(date_text: str, edtf: str) -> None:
    [entry] = parse_mia_index(f"{date_text}\n\nA Title\n")
    assert entry.date == edtf
    check_edtf(edtf)


def test_dated_entries_without_title(text: str) -> None:
    assert dated_entries_without_title(text) == [
        (55, "January\xa01912"), (70, "January\xa01913"), (374, "October 1945"), (377, "July 1946")]
    # the date line before "Letter to Emile Armand" is its date, not a lost entry
    assert next(e for e in parse_mia_index(text) if e.line == 75).date == "1917-03"


def test_chinese_letters_are_one_series(by_label: dict[str, dict], records: list[dict]) -> None:
    series = by_label["The Class Struggle in the Chinese Revolution"]
    assert series["type"] == "Series" and "part_of" not in series
    parts = [r for r in records if r.get("part_of") == series["id"]]
    assert [p["_line"] for p in parts] == [183, 184, 185, 186, 187]
    assert {p["type"] for p in parts} == {"Letter"}


def test_extracts_of_year_one(by_label: dict[str, dict], records: list[dict]) -> None:
    finnish = by_label["A Page from Finnish History"]
    assert finnish["type"] == "Series"
    parts = [r for r in records if r.get("part_of") == finnish["id"]]
    assert [(p["_line"], p["type"]) for p in parts] == [(202, "Extract"), (203, "Extract")]
    hail = by_label["Hail the Red Army!"]
    assert (hail["type"], hail["part_of"]) == ("Extract", "year-one-of-the-russian-revolution")


def test_year_one_entry_keeps_its_note(text: str) -> None:
    entry = next(e for e in parse_mia_index(text) if e.label == "Year One of the Russian Revolution")
    assert (entry.note, entry.note_line) == ("(Alternative translation of extracts)", 195)


def test_curated_works_are_merged_not_duplicated(records: list[dict]) -> None:
    merged = {r["id"]: r for r in records if r.get("_merge")}
    assert set(merged) == {"year-one-of-the-russian-revolution", "conquered-city", "from-lenin-to-stalin",
                           "lenin-1917", "what-everyone-should-know-about-state-repression", "kronstadt-21"}
    assert merged["from-lenin-to-stalin"]["evidence"][0]["quote"].startswith("From Lenin to Stalin Full PDF")
    assert not any(r["id"].startswith(("mia-year-one", "mia-conquered", "mia-from-lenin")) for r in records)


def test_sizoff_pseudonym(by_label: dict[str, dict]) -> None:
    canton = by_label["Canton, December 1927"]
    assert canton["pseudonym"] == "Paul Sizoff"
    assert canton["authors"] == ["victor-serge"]
    assert [e["quote"] for e in canton["evidence"]] == ["Canton, December 1927 (as Paul Sizoff)", "Early\xa01928"]


def test_annotations_become_types(by_label: dict[str, dict]) -> None:
    assert by_label["Machine Gun"]["type"] == "Poem"
    assert by_label["To Marcel Martinet"]["type"] == "Letter"
    assert by_label["Again, Riazanov and Sneevliet"]["type"] == "Letter"
    assert by_label["Lecture One: On the Bonnot Affair"]["type"] == "Lecture"


def test_ascribed_document(by_label: dict[str, dict]) -> None:
    doc = by_label["On Their Morals and Ours"]
    assert doc["id"] == "mia-1938-09-on-their-morals-and-ours" and doc["date"] == "1938-09"
    assert doc["authors"] == []
    assert doc["ascribed_to"] == ["victor-serge"] and doc["ascribed_by"] == ["leon-trotsky"]
    assert doc["suspected_authors"] == ["marc-zborowski"] and doc["attribution_status"] == "disputed"
    quotes = " ".join(e["quote"] for e in doc["evidence"])
    assert "was not written by Victor Serge" in quotes and "Marc Zborowski" in quotes
    assert by_label["On Trotsky’s Their Morals and Ours"]["authors"] == ["victor-serge"]


def test_writings_about_serge_by_others(by_label: dict[str, dict]) -> None:
    note = by_label["Biographical Note"]
    assert (note["id"], note["type"], note["authors"]) == ("mia-biographical-note-jean-riere", "Essay",
                                                           ["jean-riere"])
    legend = by_label["Victor Serge: The Kibalchich Legend"]
    assert (legend["type"], legend["authors"]) == ("Essay", ["richard-greeman"])


@pytest.mark.parametrize(("listing", "line"), [
    ("May 1908\n\nA Title\n\nAnother Title\n", 5),           # undated title after one blank line
    ("May 1908\n\nA Title (sonnet)\n", 3),                   # unknown annotation
    ("May 1908\n\nA Title\nA second line\n", 4),             # two title lines in one entry
    ("May 1908\n\n\nS (3 letters):\nFirst\nSecond\n", 4),     # series announces 3 parts, lists 2
    ("Some heading\n\nA Title\n", 1),                        # no dated entry at all
    ("31 February 1920\n\nA Title\n", 1),                    # not a calendar day
    ("May 1908\n\nA Title\n\nLast updated on 2 May 2023\n\n\nMore\n", 5),
])
def test_malformed_listing(listing: str, line: int) -> None:
    with pytest.raises(MiaFormatError) as info:
        parse_mia_index(listing)
    assert info.value.line == line and f"line {line}" in str(info.value)


def test_overrides_are_checked(text: str) -> None:
    with pytest.raises(RecordError):
        mia_work_records(text, {"mia-no-such-writing": {"type": "Poem"}})
    with pytest.raises(RecordError):
        mia_work_records(text, {"mia-twice-met": {"evidence": [{"quote": "not in the source"}]}})
    with pytest.raises(RecordError):
        mia_work_records(text, {"mia-twice-met": {"id": "twice-met"}})
    [twice] = [r for r in mia_work_records(text, {"mia-twice-met": {"type": "Essay"}}) if r["_line"] == 282]
    assert twice["type"] == "Essay"
