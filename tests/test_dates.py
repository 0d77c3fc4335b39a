"""EDTF parsing and bounds."""

from __future__ import annotations

import datetime as dt

import pytest

from serge_kg.dates import DateError, parse_date


@pytest.mark.parametrize("edtf, earliest, latest, simple", [
    ("1890-12-30", dt.date(1890, 12, 30), dt.date(1890, 12, 30), "date"),
    ("1919-01", dt.date(1919, 1, 1), dt.date(1919, 1, 31), "gYearMonth"),
    ("1913", dt.date(1913, 1, 1), dt.date(1913, 12, 31), "gYear"),
    ("[1927-07..1928-06]", dt.date(1927, 7, 1), dt.date(1928, 6, 30), None),
    ("1921-41", dt.date(1921, 7, 1), dt.date(1921, 12, 31), None),
    ("1928-40", dt.date(1928, 1, 1), dt.date(1928, 6, 30), None),
    ("1923-41/1925", dt.date(1923, 7, 1), dt.date(1925, 12, 31), None),
    ("1933/1936", dt.date(1933, 1, 1), dt.date(1936, 12, 31), None),
    ("1923/", dt.date(1923, 1, 1), None, None),
    ("1923/..", dt.date(1923, 1, 1), None, None),
    ("[1924-03,1924-04]", dt.date(1924, 3, 1), dt.date(1924, 4, 30), None),
])
def test_bounds(edtf: str, earliest: dt.date, latest: dt.date | None, simple: str | None) -> None:
    b = parse_date(edtf)
    assert (b.earliest, b.latest, b.simple) == (earliest, latest, simple)
    assert b.is_uncertain == (simple is None)


@pytest.mark.parametrize("bad", ["1890-02-30", "1936/1933", "late 1927", "", "/"])
def test_impossible_or_malformed_dates(bad: str) -> None:
    with pytest.raises(DateError):
        parse_date(bad)
