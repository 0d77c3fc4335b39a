"""Saved queries on the web: the question, its description, the SPARQL, a labelled form, the answer as a table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from serge_kg.namespaces import ID
from serge_kg.query.render import as_words
from serge_kg.query.saved import Param, SavedQuery

from .catalog import Catalog, Entry
from .urls import Links

# which list offers the valid values of an IRI parameter, by the parameter's name
PARAM_LISTS = {"person": ("person",), "author": ("person",), "place": ("place",), "work": ("work",),
               "organization": ("organization",), "event": ("event",)}


@dataclass
class Field:
    """One labelled form control of a query's parameters."""

    param: Param
    value: str
    options: list[Entry]  # valid ids (empty: free text)


@dataclass
class Cell:
    text: str
    href: str = ""
    lang: str = ""
    title: str = ""


def fields(q: SavedQuery, values: dict[str, str], catalog: Catalog) -> list[Field]:
    out = []
    for p in q.params:
        options: list[Entry] = []
        if p.type == "iri":
            kinds = PARAM_LISTS.get(p.name, ("person", "organization", "place", "work", "translation", "event",
                                              "disagreement"))
            options = sorted((e for k in kinds for e in catalog.by_kind.get(k, [])), key=lambda e: e.label.casefold())
        out.append(Field(p, values.get(p.name, p.default or ""), options))
    return out


def to_rdflib(term: Any) -> Node:
    """A pyoxigraph term as rdflib's."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        return Literal(term.value, lang=term.language) if term.language else \
            Literal(term.value, datatype=URIRef(term.datatype.value))
    return BNode(str(term.value) if hasattr(term, "value") else str(term))


def cell(term: Any, column: str, label: Callable[[Node], str], links: Links) -> Cell:
    """A result value for a reader: entity IRIs as links named by their label, dates in words,
    a language tag only when it is not English."""
    if term is None:
        return Cell("")
    node = to_rdflib(term)
    if isinstance(node, URIRef):
        text = label(node) if str(node).startswith(str(ID)) else str(node)
        return Cell(text, links.iri(str(node)), title=str(node))
    if isinstance(node, Literal):
        words = as_words(node, column)
        if words is not None and words != str(node):
            return Cell(words, title=str(node))
        return Cell(str(node), lang=node.language if node.language and node.language != "en" else "")
    return Cell(str(node))


def result_table(outcome: Any, label: Callable[[Node], str], links: Links) -> dict[str, Any]:
    """Columns and cell rows of a query outcome (triples as subject / predicate / object)."""
    if outcome.kind == "boolean":
        return {"boolean": outcome.boolean, "columns": [], "rows": [], "truncated": False}
    cols = outcome.variables or ["subject", "predicate", "object"]
    rows = outcome.rows if outcome.kind == "solutions" else [(t.subject, t.predicate, t.object) for t in outcome.rows]
    return {"boolean": None, "columns": cols, "truncated": outcome.truncated,
            "rows": [[cell(v, c, label, links) for v, c in zip(row, cols)] for row in rows]}
