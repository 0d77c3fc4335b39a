"""Dates in words: the EDTF features the data uses, qualifiers, and every date in the real data."""

from __future__ import annotations

from pathlib import Path

import pytest

from serge_kg.dates import DateError, parse_date
from serge_kg.datewords import date_in_words
from serge_kg.pipeline.records import load_dataset

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("edtf, words", [
    ("1890-12-30", "30 December 1890"),
    ("1947-11-17", "17 November 1947"),
    ("1933-03", "March 1933"),
    ("1909", "1909"),
    ("1933/1936-04", "1933 to April 1936"),
    ("1933-03/1933-06", "March to June 1933"),
    ("1937-03-06/1937-03-07", "6 to 7 March 1937"),
    ("1941-09/1947-11-17", "September 1941 to 17 November 1947"),
    ("[1927-07..1928-06]", "late 1927 or early 1928"),
    ("[1921-07..1922-06]", "late 1921 or early 1922"),
    ("[1936..1939]", "between 1936 and 1939"),
    ("[1924-03,1924-04]", "March or April 1924"),
    ("[1922-10..1922-12,1923-06]", "October to December 1922 or June 1923"),
    ("{1920,1922}", "1920 and 1922"),
    ("1921-41", "late 1921"),
    ("1928-40", "early 1928"),
    ("1921-21", "spring 1921"),
    ("1923-41/1925", "late 1923 to 1925"),
    ("~1920", "about 1920"),
    ("1920~", "about 1920"),
    ("1909?", "1909?"),
    ("1920%", "about 1920?"),
    ("[..1930]", "before 1930"),
    ("[1941..]", "after 1941"),
    ("1923/", "from 1923 (end unknown)"),
    ("1923/..", "from 1923 onwards"),
    ("../1930", "until 1930"),
])
def test_words(edtf: str, words: str) -> None:
    assert date_in_words(edtf) == words


def test_a_derived_bound_says_so() -> None:
    assert date_in_words("1909", "the year of the move to Paris") == "1909, derived: the year of the move to Paris"
    assert date_in_words("1909", "  ") == "1909"


@pytest.mark.parametrize("bad", ["", "late 1927", "1927-13-01", "[1927", "/", "1921-45", "[]"])
def test_unknown_forms_are_refused_not_echoed(bad: str) -> None:
    with pytest.raises(DateError):
        date_in_words(bad)


def test_every_date_in_the_data_renders_in_words() -> None:
    dataset = load_dataset(ROOT / "data")
    dates = {str(r.data["date"]) for r in dataset.records.values() if "date" in r.data}
    claimed = {str(c["value"]) for r in dataset.records.values() for c in r.data.get("claims", [])
               if r.data.get("field") == "date"}
    assert len(dates) > 50
    for edtf in sorted(dates | claimed):
        parse_date(edtf)  # a real EDTF date ...
        words = date_in_words(edtf)  # ... renders
        assert words and words != edtf or edtf.isdigit(), edtf
        assert not any(ch in words for ch in "[]{}/") and ".." not in words, (edtf, words)


@pytest.mark.parametrize("edtf, words", [
    ("1928-03/[1928-04-19..1928-05-26]", "March 1928, ending between 19 April and 26 May 1928"),
    ("[1933-05-25..1933-12-31]/1936-04", "starting between 25 May and 31 December 1933, until April 1936"),
    ("[1928..1929]/", "starting in 1928 or 1929 (end unknown)"),
    ("[1928-04-19..1928-05-26]", "between 19 April and 26 May 1928"),
])
def test_an_interval_side_known_only_as_one_of_several_dates(edtf: str, words: str) -> None:
    assert date_in_words(edtf) == words
