"""The BibTeX and CSL-JSON exports, read back with an independent BibTeX parser (bibtexparser) and
rendered by a CSL processor (citeproc-py), checked field by field against the curated records."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from conftest import records
from serge_kg.errors import ExportError
from serge_kg.pipeline.bibliography import Bibliography, Expression, Named, Work
from serge_kg.pipeline.citations import citation_file, csl_date, to_bibtex, to_csl_json

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bibtex(bib: Bibliography) -> Any:
    library = bibtexparser.parse_string(to_bibtex(bib).decode("utf-8"))
    assert library.failed_blocks == []
    return library


@pytest.fixture(scope="module")
def csl(bib: Bibliography) -> list[dict[str, Any]]:
    return json.loads(to_csl_json(bib))


def _fields(library: Any, key: str) -> dict[str, str]:
    return {f.key: f.value for f in library.entries_dict[key].fields}


def test_bibtex_parses_with_one_entry_per_work_and_expression(bib: Bibliography, bibtex: Any) -> None:
    assert len(bibtex.entries) == len(bib.works) + len(bib.expressions) > 140
    assert len(set(bibtex.entries_dict)) == len(bibtex.entries)  # keys are unique


def test_bibtex_translation_field_by_field(bibtex: Any) -> None:
    record = records("translations")["conquered-city-en-2011"]
    work = records("works")[record["translation_of"]]
    people, orgs, places = records("people"), records("organizations"), records("places")
    entry = bibtex.entries_dict["conquered-city-en-2011"]
    fields = _fields(bibtex, "conquered-city-en-2011")
    assert entry.entry_type == "book"
    assert fields["title"] == record["title"] and fields["year"] == record["date"]
    greeman = people[record["translators"][0]]["label"].split()
    assert fields["translator"] == f"{greeman[-1]}, {' '.join(greeman[:-1])}" and fields["author"] == "Serge, Victor"
    assert fields["publisher"] == orgs[record["publisher"]]["label"]
    assert fields["address"] == places[record["place"]]["label"]
    assert fields["isbn"] == record["isbn"].replace("-", "")
    assert (fields["origtitle"], fields["origdate"], fields["origlanguage"]) == (work["title"], work["date"], "french")
    assert fields["language"] == "english"


def test_bibtex_original_work_and_an_uncertain_year(bibtex: Any) -> None:
    novel = _fields(bibtex, "conquered-city")
    assert (novel["title"], novel["year"], novel["language"]) == ("Ville conquise", "1932", "french")
    lenin = _fields(bibtex, "lenin-1917")  # [1924-03,1924-04]: March or April, so no ISO date
    assert lenin["year"] == "1924" and "date" not in lenin and lenin["note"].startswith("Date: March or April 1924")


def test_csl_json_translation_field_by_field(csl: list[dict[str, Any]]) -> None:
    item = next(i for i in csl if i["id"] == "memoirs-of-a-revolutionary-en-2012")
    record = records("translations")["memoirs-of-a-revolutionary-en-2012"]
    people = records("people")
    assert item["type"] == "book" and item["title"] == record["title"] and item["language"] == "en"
    assert item["issued"] == {"date-parts": [[int(record["date"])]]}
    assert sorted(n["literal"] for n in item["translator"]) == sorted(people[p]["label"] for p in record["translators"])
    assert item["author"] == [{"literal": "Victor Serge"}]
    assert item["publisher"] == records("organizations")[record["publisher"]]["label"]
    assert item["original-title"] == records("works")[record["translation_of"]]["title"]
    isbn = next(i for i in csl if i["id"] == "unforgiving-years-en-2008")["ISBN"]
    assert isbn == records("translations")["unforgiving-years-en-2008"]["isbn"].replace("-", "")


def test_csl_json_keeps_uncertain_dates_uncertain(csl: list[dict[str, Any]]) -> None:
    lenin = next(i for i in csl if i["id"] == "lenin-1917")
    assert lenin["issued"] == {"date-parts": [[1924, 3], [1924, 4]], "circa": True}
    assert lenin["note"].startswith("Date: March or April 1924; as dated in the MIA index")
    canton = next(i for i in csl if i["id"] == "mia-1928-40-canton-december-1927")
    assert canton["note"].startswith("Date: early 1928")
    assert canton["issued"]["date-parts"] == [[1928, 1], [1928, 6]]
    assert all(set(i["issued"]) <= {"date-parts", "circa"} for i in csl if "issued" in i)


def test_csl_json_renders_with_a_citation_style(csl: list[dict[str, Any]]) -> None:
    source = CiteProcJSON(csl)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)  # the style citeproc-py ships
    rendered = CitationStylesBibliography(style, source, formatter.plain)
    for key in ("conquered-city", "conquered-city-en-2011", "memoirs-of-a-revolutionary-en-2012"):
        rendered.register(Citation([CitationItem(key)]))
    text = [str(item) for item in rendered.bibliography()]
    assert "Victor Serge (1932) Ville conquise." in text
    assert "Victor Serge (2011) Conquered City. Translated by Richard Greeman. New York City: NYRB Classics." in text
    assert any("Memoirs of a Revolutionary" in t and "Peter Sedgwick" in t and "George Paizis" in t for t in text)


def _work(date: str, earliest: dt.date, latest: dt.date, title: str = "T") -> Work:
    return Work("https://w3id.org/serge-kg/id/work/t", "Article", title, date=date, earliest=earliest, latest=latest,
                authors=[Named("https://w3id.org/serge-kg/id/person/victor-serge", "Victor Serge")])


@pytest.mark.parametrize(("date", "earliest", "latest", "expected"), [
    ("1937-06-02", dt.date(1937, 6, 2), dt.date(1937, 6, 2), {"date-parts": [[1937, 6, 2]]}),
    ("1936-11-07/1936-11-08", dt.date(1936, 11, 7), dt.date(1936, 11, 8),
     {"date-parts": [[1936, 11, 7], [1936, 11, 8]]}),
    ("1909?", dt.date(1909, 1, 1), dt.date(1909, 12, 31), {"date-parts": [[1909]], "circa": True}),
    ("[1927-07..1928-06]", dt.date(1927, 7, 1), dt.date(1928, 6, 30), {"date-parts": [[1927, 7], [1928, 6]],
                                                                       "circa": True}),
])
def test_csl_dates(date: str, earliest: dt.date, latest: dt.date, expected: dict[str, Any]) -> None:
    assert csl_date(_work(date, earliest, latest)) == expected


def test_bibtex_year_across_two_years_and_latex_specials() -> None:
    work = _work("[1927-07..1928-06]", dt.date(1927, 7, 1), dt.date(1928, 6, 30), title="Bread & 100% {Roses}")
    work.expressions.append(Expression("https://w3id.org/serge-kg/id/translation/t-en", "Translation", "T en"))
    text = to_bibtex(Bibliography([work], [])).decode("utf-8")
    fields = _fields(bibtexparser.parse_string(text), "t")
    assert fields["year"] == "1927--1928" and fields["note"] == "Date: late 1927 or early 1928"
    assert fields["title"] == r"Bread \& 100\% {Roses}" and "date" not in fields
    assert "t-en" in bibtexparser.parse_string(text).entries_dict


def test_unknown_citation_format_is_an_export_error(bib: Bibliography) -> None:
    with pytest.raises(ExportError, match="allowed: bibtex, csl-json"):
        citation_file("ris", bib)
