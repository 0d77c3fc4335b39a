"""The timeline view's data: a person's dated events as marks in lanes, each with its date in words and evidence.

The rows come from ``queries/views/timeline-events.rq``; this module decides how each date is drawn
(the browser script only draws): a known day is a ``point``; an interval (``1933/1936-04``) a ``span``
from its earliest to its latest bound, with the part that is certain (``sure_start`` to ``sure_end``)
set apart from the ends that are not; any other date (a month, a year, "late 1927 or early 1928", a
date the sources disagree on) an ``uncertain`` band between its bounds, never a point.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from rdflib import URIRef

from serge_kg.dates import DateError, parse_date
from serge_kg.namespaces import SK

from .entity_pages import disagreement_view
from .evidence import Quote
from .urls import Links
from .view_rows import Row
from .views import View, words

QUERY = "timeline-events"
SOURCE_NAMES = {"wikipedia": "Wikipedia", "mia": "MIA"}  # the short names the pages use for the two sources
QUOTE_CHARS = 220  # a tooltip shows the start of the quote; the event page has it whole


@dataclass
class Mark:
    """One event as the timeline draws it and its table lists it."""

    id: str
    lane: int
    label: str
    href: str
    type: str
    edtf: str
    words: str
    draw: str  # "point" | "span" | "uncertain"
    start: str  # ISO dates of the drawn extent
    end: str | None  # None: the source leaves the end open
    sure_start: str | None = None  # a span's certain part (None: as drawn)
    sure_end: str | None = None
    note: str = ""  # how a derived bound was found (the record's date note)
    claims: list[str] = field(default_factory=list)  # what each source says, where they disagree
    quote: str = ""
    cited: str = ""  # "Weissman 2013, p. 198", else the source's title
    source: str = ""  # "wikipedia" | "mia"

    @property
    def start_year(self) -> int:
        return int(self.start[:4])

    @property
    def end_year(self) -> int | None:
        return int(self.end[:4]) if self.end else None


def short(text: str, limit: int = QUOTE_CHARS) -> str:
    """The quote, cut at a word before ``limit`` characters with an ellipsis when longer."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def _evidence(quotes: list[Quote]) -> tuple[str, str, str]:
    if not quotes:
        return "", "", ""
    q = quotes[0]
    cited = q.notes[0].text if q.notes else q.source_title
    return short(q.quote), cited, q.source_id


def _claim(value: str, quotes: list[Quote]) -> str:
    """A claimed date in words with the sources saying it: "1928 (MIA; Wikipedia)"."""
    names = sorted({SOURCE_NAMES.get(q.source_id, q.source_title) for q in quotes})
    return f"{value} ({'; '.join(names)})" if names else value


def _sides(edtf: str) -> tuple[dt.date | None, dt.date | None]:
    """The certain part of an interval: the latest its start can be, the earliest its end can be."""
    start, _, end = edtf.partition("/")  # EDTF sets and ranges never hold a "/"
    try:
        sure_start = parse_date(start).latest if start not in ("", "..") else None
        sure_end = parse_date(end).earliest if end not in ("", "..") else None
    except DateError:
        return None, None
    return sure_start, sure_end


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def mark(row: Row, view: View, links: Links) -> Mark | None:
    """The mark of one query row (None for a row whose event has no page)."""
    entry = view.catalog.get(URIRef(row["event"]))
    if entry is None:
        return None
    edtf = row["date"]
    start, end = row["earliest"], row.get("latest")
    claims: list[str] = []
    if "claimEarliest" in row:  # the sources disagree on the date: uncertain across every claim
        start = min(start, row["claimEarliest"])
        end = max(end, row["claimLatest"]) if end else None
        for d in view.back(entry.iri, SK.about):
            if d.kind == "disagreement":
                ctx = disagreement_view(view, d)
                if ctx["field"] == "date":
                    claims += [_claim(c["value"], c["quotes"]) for c in ctx["claims"]]
        draw = "uncertain"
    elif "/" in edtf:
        draw = "span"
    elif start == end:
        draw = "point"
    else:
        draw = "uncertain"
    sure_start = sure_end = None
    if draw == "span":
        s, e = _sides(edtf)
        sure_start = _iso(s) if s and s.isoformat() != start else None
        sure_end = _iso(e) if e and e.isoformat() != end else None
    quote, cited, source = _evidence(view.evidence.of(entry.iri))
    return Mark(entry.rid, int(row["lane"]), entry.label, links.iri(str(entry.iri)), entry.type_label or row["type"],
                edtf, words(edtf), draw, start, end, sure_start, sure_end, entry.date_note or "", claims,
                quote, cited, source)


def timeline(rows: list[Row], view: View, links: Links) -> dict[str, Any]:
    """The view's data: its lanes (those holding marks, in order) and its marks in date order."""
    lanes = {int(r["lane"]): r["laneName"] for r in rows}
    marks = [m for r in rows if (m := mark(r, view, links)) is not None]
    return {"query": QUERY, "lanes": [{"id": k, "name": v} for k, v in sorted(lanes.items())],
            "marks": [asdict(m) | {"startYear": m.start_year, "endYear": m.end_year} for m in marks]}
