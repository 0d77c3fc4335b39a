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


ONE_OF_SETS = [
    "[1921-07..1922-06]", "[1922-10..1922-12,1923-06]", "[1924-03,1924-04]", "[1927-07..1928-06]",
    "[1928-04-19..1928-05-26]", "[1928..1929]", "[1936-04..1936-12]", "[1946-07,1946-11]",
    "[1933-05-25..1933-06-24]", "[1939,1936..1937]", "[1918-11-11,1917-11-07]", "[1940,1941-02]",
    "[1940-01..1941-03]", "[1940-02-01,1941-02]",
]


@pytest.mark.parametrize("text", ONE_OF_SETS)
def test_one_of_sets_have_the_librarys_bounds_without_its_parser(text: str) -> None:
    from edtf import parse_edtf, struct_time_to_date

    from serge_kg.dates import _one_of

    parsed = parse_edtf(text)
    assert _one_of(text) == (struct_time_to_date(parsed.lower_strict()), struct_time_to_date(parsed.upper_strict()))
    assert (parse_date(text).earliest, parse_date(text).latest) == _one_of(text)


@pytest.mark.parametrize("text", ["[1929..1928]", "[1928-13]", "[1928..]", "[..1928]", "[1928-04-19..1928-05]x",
                                  "1921-41", "[1921-41]", "[1940]", "[1940-02]", "[1940-02-29..1940-03]",
                                  "[1900-02..1900-02-28]", "[1940..1941-03]"])
def test_other_forms_are_left_to_the_library(text: str) -> None:
    from edtf import parse_edtf

    from serge_kg.dates import _one_of

    assert _one_of(text) is None
    try:
        parse_edtf(text)
    except Exception:  # noqa: BLE001 - the library refuses it: so must we
        with pytest.raises(DateError):
            parse_date(text)


def test_a_day_that_does_not_exist_inside_a_set_is_refused_by_name() -> None:
    with pytest.raises(DateError, match="not a real calendar day"):
        parse_date("[1928-02-30..1928-03-05]")
