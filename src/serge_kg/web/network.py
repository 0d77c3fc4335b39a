"""The network view's data: the people and organizations linked to a person, each link typed, dated and sourced.

The rows come from ``queries/views/network-edges.rq``, one per link (a relationship, or an event both
take part in); this module names the nodes and links for a reader (labels of the ontology's terms,
dates in words, the first evidence quote) and the browser script only draws them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from rdflib import URIRef

from serge_kg.namespaces import SK

from .timeline import short
from .urls import Links
from .view_rows import Row
from .views import View, words

QUERY = "network-edges"
KINDS = {"relationship": "relationship", "membership": "membership or employment", "event": "shared event"}


@dataclass
class Node:
    id: str
    label: str
    href: str
    kind: str  # "person" | "organization" (the IRI's kind)
    center: bool = False


@dataclass
class Link:
    """One link between the person and another node, as drawn and as the table lists it."""

    id: str
    source: str
    target: str
    kind: str  # "relationship" | "membership" | "event"
    relation: str  # "comrade", "child of", "Deportation" ...
    role: str  # the other's role in the event ("companion", "agent", "organization"), "" for a relationship
    record: str  # the record's label
    href: str
    start_year: int | None
    end_year: int | None
    words: str  # the record's date in words ("" if undated)
    quote: str = ""
    cited: str = ""


def _term(view: View, local: str) -> str:
    """The ontology's label of an ``sk:`` term by its local name (the name itself if it has none)."""
    try:
        return view.catalog.label(SK[local])
    except (AttributeError, KeyError):
        return local


def _relation(view: View, row: Row) -> str:
    """The relation in the ontology's words ("child of" for an inverse relationship)."""
    name = row["relation"]
    if name.endswith(" of"):
        return _term(view, name[:-3]) + " of"
    return _term(view, name)


def network(rows: list[Row], view: View, links: Links, center: URIRef) -> dict[str, Any]:
    """The view's data: the nodes (the person first) and the links, in the query's order."""
    me = view.catalog.get(center)
    nodes: dict[str, Node] = {}
    if me is not None:
        nodes[me.rid] = Node(me.rid, me.label, links.iri(str(me.iri)), me.kind, center=True)
    out: list[Link] = []
    for row in rows:
        other, record = view.catalog.get(URIRef(row["other"])), view.catalog.get(URIRef(row["link"]))
        if other is None or record is None or me is None:
            continue
        nodes.setdefault(other.rid, Node(other.rid, other.label, links.iri(str(other.iri)), other.kind))
        quotes = view.evidence.of(record.iri)
        q = quotes[0] if quotes else None
        out.append(Link(f"{record.rid}--{row.get('role', '')}--{other.rid}", me.rid, other.rid, row["kind"],
                        _relation(view, row), row.get("role", ""), record.label, links.iri(str(record.iri)),
                        int(row["startYear"]) if "startYear" in row else None,
                        int(row["endYear"]) if "endYear" in row else None, words(record.edtf),
                        short(q.quote) if q else "", (q.notes[0].text if q.notes else q.source_title) if q else ""))
    return {"query": QUERY, "kinds": KINDS, "nodes": [asdict(n) for n in nodes.values()],
            "links": [asdict(x) for x in out]}
