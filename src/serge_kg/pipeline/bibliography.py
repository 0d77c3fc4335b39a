"""Serge's bibliography from the graph: his works, each with its translations and editions, and his MIA writings.

Everything comes from the saved view queries in ``queries/views/`` (:data:`VIEW_QUERIES`), run on the
dataset's default graph, so a user can rerun them on any store; :func:`collect` gathers their rows
into :class:`Bibliography`, which the citation exports (:mod:`serge_kg.pipeline.citations`), the
``/bibliography`` page and the static site share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.term import Node

from serge_kg.namespaces import SK
from serge_kg.query.engines import dataset_store, run_oxigraph
from serge_kg.query.saved import bindings_for, find_query

WORKS, EDITIONS, CONTRIBUTORS, MIA = ("bibliography-works", "bibliography-editions", "bibliography-contributors",
                                      "bibliography-mia-writings")
VIEW_QUERIES = (WORKS, EDITIONS, CONTRIBUTORS, MIA)

Row = dict[str, Node]
Runner = Callable[[str], list[Row]]  # a view query's name -> its rows (column -> term; unbound columns absent)


@dataclass(frozen=True)
class Named:
    """A linked thing with the name the graph gives it (a person, publisher or place)."""

    iri: str
    name: str


@dataclass
class Dated:
    """What works and their expressions share: identity, label, language, date and publication."""

    iri: str
    kind: str  # the serge-kg class's local name: Novel, Letter, Work ...; Translation or Edition
    label: str
    language: str = ""
    date: str = ""  # EDTF as the source gives it ("" when undated)
    earliest: dt.date | None = None
    latest: dt.date | None = None
    date_note: str = ""  # how a derived date was found (the record's date_note)
    publishers: list[Named] = field(default_factory=list)
    places: list[Named] = field(default_factory=list)
    editors: list[Named] = field(default_factory=list)

    @property
    def rid(self) -> str:
        """The record id (the IRI's last segment): ``conquered-city``, ``conquered-city-en-2011``."""
        return self.iri.rsplit("/", 1)[-1]

    @property
    def years(self) -> tuple[int, int] | None:
        """The first and last possible year, or None when undated."""
        if self.earliest is None:
            return None
        return self.earliest.year, (self.latest or self.earliest).year


@dataclass
class Expression(Dated):
    """A translation or edition of a work."""

    title: str = ""
    isbns: list[str] = field(default_factory=list)
    note: str = ""
    translators: list[Named] = field(default_factory=list)


@dataclass
class Work(Dated):
    """One of the author's works with its translations and editions (in date order)."""

    original_title: str = ""
    authors: list[Named] = field(default_factory=list)
    expressions: list[Expression] = field(default_factory=list)

    @property
    def languages(self) -> list[str]:
        """The languages of the original and of every expression, each once."""
        return sorted({x for x in [self.language, *(e.language for e in self.expressions)] if x})


@dataclass
class MiaWriting:
    iri: str
    label: str
    date: str


@dataclass
class Bibliography:
    """The works in the view query's order (kind, then date), and the MIA writings by year."""

    works: list[Work]
    mia_years: list[tuple[str, list[MiaWriting]]]  # ("1922", [...]), ..., ("undated", [...])

    @property
    def expressions(self) -> list[Expression]:
        return [e for w in self.works for e in w.expressions]


def _text(row: Row, column: str) -> str:
    value = row.get(column)
    return str(value) if value is not None else ""


def _day(row: Row, column: str) -> dt.date | None:
    value = row.get(column)
    if isinstance(value, Literal) and isinstance(value.toPython(), dt.date):
        return value.toPython()
    return None


def _add(items: list[Named], row: Row, iri: str, name: str) -> None:
    if row.get(iri) is not None:
        item = Named(str(row[iri]), _text(row, name))
        if item not in items:
            items.append(item)


def _fill(thing: Dated, row: Row) -> None:
    """Publisher and place of one row (a work or expression with two of them has a row per pair)."""
    _add(thing.publishers, row, "publisher", "publisherName")
    _add(thing.places, row, "place", "placeName")


def _local(iri: Node | None) -> str:
    return str(iri).rsplit("#", 1)[-1] if iri is not None else ""


def collect(run: Runner) -> Bibliography:
    """The bibliography from the rows of the four view queries (see :data:`VIEW_QUERIES`)."""
    works: dict[str, Work] = {}
    for row in run(WORKS):
        iri = str(row["work"])
        if iri not in works:
            works[iri] = Work(iri, _local(row.get("kind")), _text(row, "label"), _text(row, "language"),
                              _text(row, "date"), _day(row, "earliest"), _day(row, "latest"),
                              _text(row, "dateNote"), original_title=_text(row, "originalTitle"))
        _fill(works[iri], row)
    expressions: dict[str, Expression] = {}
    for row in run(EDITIONS):
        iri, work = str(row["expression"]), works.get(str(row["work"]))
        if work is None:  # a work of the author that has no row of its own (no label): nothing to hang it on
            continue
        if iri not in expressions:
            expressions[iri] = Expression(iri, _local(row.get("kind")), _text(row, "label"), _text(row, "language"),
                                          _text(row, "date"), _day(row, "earliest"), _day(row, "latest"),
                                          _text(row, "dateNote"), title=_text(row, "title"), note=_text(row, "note"))
            work.expressions.append(expressions[iri])
        _fill(expressions[iri], row)
        if (isbn := _text(row, "isbn")) and isbn not in expressions[iri].isbns:
            expressions[iri].isbns.append(isbn)
    for row in run(CONTRIBUTORS):
        item, role = str(row["item"]), _text(row, "role")
        person = Named(str(row["person"]), _text(row, "name"))
        target: Dated | None = works.get(item) or expressions.get(item)
        if target is None:
            continue
        people = {"author": getattr(target, "authors", None), "editor": target.editors,
                  "translator": getattr(target, "translators", None)}.get(role)
        if people is not None and person not in people:
            people.append(person)
    years: dict[str, list[MiaWriting]] = {}
    for row in run(MIA):
        years.setdefault(_text(row, "year"), []).append(MiaWriting(str(row["work"]), _text(row, "label"),
                                                                   _text(row, "date")))
    return Bibliography(list(works.values()), list(years.items()))


def graph_runner(queries: Path, asserted: Graph, inferred: Graph | None, author: str = "") -> Runner:
    """Run the view queries on Oxigraph over the dataset (default graph: asserted + inferred).

    ``author`` (a record id, prefixed name or IRI) replaces the queries' default, Victor Serge.

    :raises QueryFileError: if a view query is missing; :raises QueryExecutionError: if one fails.
    """
    store = dataset_store(asserted, inferred)

    def run(name: str) -> list[Row]:
        q = find_query(queries, name)
        result = run_oxigraph(q, store, bindings_for(q, {"author": author} if author else {}, asserted))
        return [{c: v for c, v in zip(result.columns, r) if v is not None} for r in result.rows]
    return run


# book-length genres first, then single writings; typos in the terms fail (SK is a closed namespace)
KIND_ORDER = [_local(k) for k in (SK.Novel, SK.History, SK.Memoir, SK.Biography, SK.Study, SK.PoetryCollection,
                                  SK.Collection, SK.Book, SK.Notebook, SK.Essay, SK.Pamphlet, SK.Lecture, SK.Article,
                                  SK.Poem, SK.Letter, SK.Series, SK.Extract, SK.Work)]


def kind_rank(kind: str) -> tuple[int, str]:
    """The place of a kind (a class's local name) in :data:`KIND_ORDER`; unknown kinds last, by name."""
    return (KIND_ORDER.index(kind), "") if kind in KIND_ORDER else (len(KIND_ORDER), kind)
