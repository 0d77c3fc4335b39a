"""Comparable forms of query answers from any engine or store, for the differential tests.

A row becomes a tuple of plain keys (kind, lexical form, language, datatype); blank node labels are
dropped (they are not comparable across stores); a column the query header declares as a list
(``lists``: joined by GROUP_CONCAT, whose order SPARQL leaves open) is compared as a sorted list.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from serge_kg.query.saved import SavedQuery

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
Key = tuple[str, ...] | None


def term_key(t: Any) -> Key:
    """One RDF term (rdflib or pyoxigraph), as a plain tuple."""
    if t is None:
        return None
    if isinstance(t, URIRef | ox.NamedNode):
        return ("uri", str(t) if isinstance(t, URIRef) else t.value)
    if isinstance(t, BNode | ox.BlankNode):
        return ("bnode",)
    if isinstance(t, Literal):
        dt = "" if t.language or t.datatype is None or str(t.datatype) == XSD_STRING else str(t.datatype)
        return ("literal", str(t), t.language or "", dt)
    dt = "" if t.language or t.datatype.value == XSD_STRING else t.datatype.value
    return ("literal", t.value, t.language or "", dt)


def row_keys(query: SavedQuery, columns: list[str], rows: list[tuple[Any, ...]]) -> list[tuple[Key, ...]]:
    """The rows as tuples of :func:`term_key`, in their order, list columns sorted within."""
    seps = [query.lists.get(c) for c in columns]
    out = []
    for row in rows:
        keys = []
        for sep, t in zip(seps, row):
            k = term_key(t)
            if sep and k and k[0] == "literal":
                k = ("literal", sep.join(sorted(k[1].split(sep))), k[2], k[3])
            keys.append(k)
        out.append(tuple(keys))
    return out


def same_answer(query: SavedQuery, a: list[tuple[Key, ...]], b: list[tuple[Key, ...]]) -> bool:
    """Equal as multisets, and in the same order when the query has an ORDER BY."""
    return a == b if query.ordered else Counter(a) == Counter(b)


def ox_rows(res: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Columns and rows of pyoxigraph solutions (parsed or local)."""
    names = [v.value for v in res.variables]
    return names, [tuple(sol[n] for n in names) for sol in res]
