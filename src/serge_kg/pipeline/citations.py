"""The bibliography as citation files for reference managers: BibTeX (written by pybtex) and CSL-JSON.

One entry per work of the author and one per translation or edition, keyed by the record id
(``conquered-city``, ``conquered-city-en-2011``), each holding only what the graph says: titles,
author, translators, editors, language, date, publisher, place, ISBN and, for a translation, the
original's title and date. Names are the graph's labels, whole ("Richard Greeman"): CSL-JSON gives
them as ``literal`` names, BibTeX as written (BibTeX splits them itself).

Dates keep their uncertainty. CSL ``issued`` is a plain ``date-parts`` for a day, month or year and
a two-part range for an interval; any other EDTF date (a season, "March or April", an uncertain
``?``/``~``) is the range of its earliest and latest possible day, trimmed to whole months or years,
with ``circa: true``, and the ``note`` says the date in words. BibTeX ``year`` is the plain year
(``1924`` for "March or April 1924"; ``1927--1928`` when the bounds cross a year); ``date`` (biblatex)
is added only where the EDTF is also a valid ISO 8601 date or interval, and a ``note`` again says
the uncertain date in words.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from typing import Any

from pybtex.database import BibliographyData, Entry, Person

from serge_kg.datewords import date_in_words
from serge_kg.errors import ExportError
from serge_kg.formats import CITATION_FORMATS

from .bibliography import Bibliography, Dated, Expression, Named, Work

BOOK_KINDS = frozenset({"Novel", "History", "Memoir", "Biography", "Study", "PoetryCollection", "Collection", "Book",
                        "Notebook"})
CSL_TYPES = {"Article": "article", "Essay": "article", "Letter": "personal_communication", "Lecture": "speech",
             "Pamphlet": "pamphlet"}  # the book-length kinds are "book", the rest "document"
BIBTEX_TYPES = {"Pamphlet": "booklet"}  # the book-length kinds are @book, the rest @misc
BIBLATEX_LANGUAGES = {"en": "english", "fr": "french", "ru": "russian", "es": "spanish", "de": "german",
                      "it": "italian"}
_PLAIN = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])(?:-(\d{2}))?)?$")
HEADER = ("Victor Serge's works with their translations and editions, from the serge-kg knowledge graph "
          "(data CC BY-SA 4.0; sources: English Wikipedia, Marxists Internet Archive).")


def _parts(text: str) -> list[int] | None:
    m = _PLAIN.match(text)
    return [int(p) for p in m.groups() if p] if m else None


def _plain_or_interval(edtf: str) -> list[list[int]] | None:
    """The date-parts of a plain EDTF date or of an interval of two plain dates, else None."""
    if (one := _parts(edtf)) is not None:
        return [one]
    start, sep, end = edtf.partition("/")
    if sep and (a := _parts(start)) is not None and (b := _parts(end)) is not None:
        return [a, b]
    return None


def _trimmed(earliest: dt.date, latest: dt.date) -> list[list[int]]:
    """The bounds at the coarsest precision that states them exactly (years, months or days)."""
    if (earliest.month, earliest.day, latest.month, latest.day) == (1, 1, 12, 31):
        parts = [[earliest.year], [latest.year]]
    elif earliest.day == 1 and latest.day == calendar.monthrange(latest.year, latest.month)[1]:
        parts = [[earliest.year, earliest.month], [latest.year, latest.month]]
    else:
        parts = [[earliest.year, earliest.month, earliest.day], [latest.year, latest.month, latest.day]]
    return parts[:1] if parts[0] == parts[1] else parts


def csl_date(thing: Dated) -> dict[str, Any] | None:
    """The CSL date object of a work or expression (None when undated).

    >>> from serge_kg.pipeline.bibliography import Work
    >>> csl_date(Work("x", "Letter", "x", date="[1924-03,1924-04]", earliest=dt.date(1924, 3, 1),
    ...               latest=dt.date(1924, 4, 30)))
    {'date-parts': [[1924, 3], [1924, 4]], 'circa': True}
    """
    if not thing.date or thing.earliest is None:
        return None
    if (parts := _plain_or_interval(thing.date)) is not None:
        return {"date-parts": parts}
    return {"date-parts": _trimmed(thing.earliest, thing.latest or thing.earliest), "circa": True}


def _date_note(thing: Dated) -> str:
    """"Date: March or April 1924" for a date that is not a plain day, month, year or interval of them, and
    the record's note on how a derived date was found."""
    words = "" if not thing.date or _plain_or_interval(thing.date) is not None else date_in_words(thing.date)
    said = "; ".join(x for x in (words, thing.date_note) if x)
    return f"Date: {said}" if said else ""


def _bibtex_year(thing: Dated) -> str:
    if thing.years is None:
        return ""
    first, last = thing.years
    return str(first) if first == last else f"{first}--{last}"


def entry_key(thing: Dated, used: set[str]) -> str:
    """The record id as a citation key; a second record with the same id gets its kind in front."""
    key = thing.rid if thing.rid not in used else f"{thing.kind.lower()}-{thing.rid}"
    used.add(key)
    return key


def _title(thing: Dated, work: Work) -> str:
    """An expression's own title; a work's original title; else the label (MIA writings have only that)."""
    return (thing.title if isinstance(thing, Expression) else work.original_title) or thing.label


def _csl_names(people: list[Named]) -> list[dict[str, str]]:
    return [{"literal": p.name} for p in people]


def _csl_item(key: str, thing: Dated, work: Work) -> dict[str, Any]:
    item: dict[str, Any] = {"id": key, "type": "book" if work.kind in BOOK_KINDS else CSL_TYPES.get(work.kind,
                                                                                                    "document")}
    is_expression = isinstance(thing, Expression)
    item["title"] = _title(thing, work)
    for role, people in (("author", work.authors), ("translator", getattr(thing, "translators", [])),
                         ("editor", thing.editors)):
        if people:
            item[role] = _csl_names(people)
    if thing.language:
        item["language"] = thing.language
    if (issued := csl_date(thing)) is not None:
        item["issued"] = issued
    if thing.publishers:
        item["publisher"] = "; ".join(p.name for p in thing.publishers)
    if thing.places:
        item["publisher-place"] = "; ".join(p.name for p in thing.places)
    if is_expression:
        assert isinstance(thing, Expression)
        if thing.isbns:
            item["ISBN"] = " ".join(thing.isbns)
        if work.original_title:
            item["original-title"] = work.original_title
        if (original := csl_date(work)) is not None:
            item["original-date"] = original
        if work.publishers:
            item["original-publisher"] = "; ".join(p.name for p in work.publishers)
        if work.places:
            item["original-publisher-place"] = "; ".join(p.name for p in work.places)
    if note := _date_note(thing):
        item["note"] = note
    return item


def _entries(bib: Bibliography) -> list[tuple[str, Dated, Work]]:
    used: set[str] = set()
    out: list[tuple[str, Dated, Work]] = []
    for work in bib.works:
        out.append((entry_key(work, used), work, work))
        out += [(entry_key(e, used), e, work) for e in work.expressions]
    return out


def to_csl_json(bib: Bibliography) -> bytes:
    """The bibliography as a CSL-JSON array (UTF-8), one item per work and per translation or edition."""
    items = [_csl_item(key, thing, work) for key, thing, work in _entries(bib)]
    return (json.dumps(items, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _bibtex_entry(thing: Dated, work: Work) -> Entry:
    fields: dict[str, str] = {}
    is_expression = isinstance(thing, Expression)
    fields["title"] = _title(thing, work)
    if thing.language:
        fields["language"] = BIBLATEX_LANGUAGES.get(thing.language, thing.language)
    if year := _bibtex_year(thing):
        fields["year"] = year
    if _plain_or_interval(thing.date):
        fields["date"] = thing.date
    if thing.publishers:
        fields["publisher"] = " and ".join(p.name for p in thing.publishers)
    if thing.places:
        fields["address"] = " and ".join(p.name for p in thing.places)
    if is_expression:
        assert isinstance(thing, Expression)
        if thing.isbns:
            fields["isbn"] = thing.isbns[0]
        if work.original_title:
            fields["origtitle"] = work.original_title
        if work.language:
            fields["origlanguage"] = BIBLATEX_LANGUAGES.get(work.language, work.language)
        if _plain_or_interval(work.date):
            fields["origdate"] = work.date
    if note := _date_note(thing):
        fields["note"] = note
    persons = {role: [Person(p.name) for p in people]
               for role, people in (("author", work.authors), ("editor", thing.editors),
                                    ("translator", getattr(thing, "translators", []))) if people}
    kind = "book" if work.kind in BOOK_KINDS else BIBTEX_TYPES.get(work.kind, "misc")
    return Entry(kind, fields=fields, persons=persons)


def to_bibtex(bib: Bibliography) -> bytes:
    """The bibliography as BibTeX (UTF-8, LaTeX specials escaped by pybtex), one entry per work and expression.

    :raises ExportError: if pybtex cannot write an entry (unbalanced braces in a title).
    """
    data = BibliographyData()
    for key, thing, work in _entries(bib):
        data.add_entry(key, _bibtex_entry(thing, work))
    try:
        text = data.to_string("bibtex")
    except Exception as exc:  # pybtex raises its own BibTeXError and plain ValueErrors
        raise ExportError(f"cannot write the BibTeX bibliography: {exc}") from exc
    return f"% {HEADER}\n\n{text}".encode()


def citation_file(fmt: str, bib: Bibliography) -> bytes:
    """The bibliography in one of :data:`CITATION_FORMATS`.

    :raises ExportError: for another format.
    """
    if fmt == "bibtex":
        return to_bibtex(bib)
    if fmt == "csl-json":
        return to_csl_json(bib)
    raise ExportError(f"unknown citation format '{fmt}' (allowed: {', '.join(CITATION_FORMATS)})")
