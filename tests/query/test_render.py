"""Text rendering of results: dates in words in text tables, machine forms in csv/tsv/json."""

from __future__ import annotations

import json

from rdflib import XSD, Literal

from serge_kg.namespaces import EDTF
from serge_kg.query.engines import Result
from serge_kg.query.render import render


def result() -> Result:
    return Result(["date", "earliest", "label", "n"],
                  [(Literal("[1927-07..1928-06]"), Literal("1927-07-01", datatype=XSD.date),
                    Literal("1933/1936"), Literal("1933"))])


def test_tables_write_dates_in_words_by_default() -> None:
    out = render(result(), "table")
    assert "late 1927 or early 1928" in out and "1 July 1927" in out
    assert "1933/1936" in out  # not a date column, not a date datatype: left as it is
    assert "late 1927 or early 1928" in render(result(), "markdown")


def test_edtf_style_and_machine_formats_keep_edtf() -> None:
    assert "[1927-07..1928-06]" in render(result(), "table", dates="edtf")
    for fmt in ("csv", "tsv"):
        assert "[1927-07..1928-06]" in render(result(), fmt) and "late 1927" not in render(result(), fmt)
    data = json.loads(render(result(), "json"))
    assert data["results"]["bindings"][0]["date"]["value"] == "[1927-07..1928-06]"


def test_edtf_typed_literal_in_any_column_and_bad_dates_left_alone() -> None:
    res = Result(["when_it_was", "date"], [(Literal("1921-41", datatype=EDTF), Literal("not a date"))])
    out = render(res, "table")
    assert "late 1921" in out and "not a date" in out
