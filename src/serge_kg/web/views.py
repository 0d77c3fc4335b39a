"""The reading of the graph that every entity page shares: fact rows with their dates, places, people and evidence."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from serge_kg.dates import DateError
from serge_kg.datewords import date_in_words
from serge_kg.namespaces import ID, SK

from .catalog import KIND_LIST, LIST_BY_NAME, Catalog, Entry
from .evidence import EvidenceIndex, Quote

ROLES = (SK.principal, SK.agent, SK.companion, SK.participant, SK.beneficiary, SK.victim, SK.organizer)
EVENT_LINKS = (SK.place, SK.toPlace, SK.fromPlace, SK.organization, SK.involvesWork)


@dataclass
class Row:
    """One fact as a row: what, when, where, who else, and the quotes that support it."""

    entry: Entry
    when: str
    places: list[Entry] = field(default_factory=list)
    others: list[tuple[str, Entry]] = field(default_factory=list)  # (role, entity)
    quotes: list[Quote] = field(default_factory=list)
    note: str = ""  # a short extra word: the relationship, the role, the organisation
    derived: str = ""  # how a derived date bound was found (the record's date_note)


@dataclass
class Group:
    """Rows under a heading (a period, a kind of work, a kind of mention)."""

    title: str
    rows: list[Row]


def words(edtf: str | None, note: str | None = None) -> str:
    """A date in words for the templates ("" for none)."""
    if not edtf:
        return ""
    try:
        return date_in_words(edtf, note)
    except DateError:
        return edtf


class View:
    """The graph, catalog and evidence one set of pages is drawn from."""

    def __init__(self, graph: Graph, catalog: Catalog, evidence: EvidenceIndex) -> None:
        self.graph, self.catalog, self.evidence = graph, catalog, evidence
        self._incoming: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
        for s, p, o in graph:
            if isinstance(o, URIRef) and str(o).startswith(str(ID)) and p != RDF.type:
                self._incoming[o].append((s, p))

    # look-ups ------------------------------------------------------------------------------------
    def refs(self, node: Node, *props: URIRef) -> list[Entry]:
        """The entities ``node`` points to by ``props``, in label order."""
        found = {o for p in props for o in self.graph.objects(node, p)}
        return sorted((e for o in found if (e := self.catalog.get(o))), key=lambda e: e.label.casefold())

    def back(self, node: Node, *props: URIRef) -> list[Entry]:
        """The entities pointing to ``node`` by ``props``."""
        found = {s for s, p in self._incoming.get(node, []) if p in props}
        return [e for s in found if (e := self.catalog.get(s))]

    def incoming(self, node: Node) -> list[tuple[Node, Node]]:
        """(subject, property) of every triple pointing to ``node``."""
        return self._incoming.get(node, [])

    def typed(self, entries: list[Entry], *types: URIRef) -> list[Entry]:
        return [e for e in entries if e.type in types]

    # rows ------------------------------------------------------------------------------------------
    def event_row(self, event: Entry, me: Node | None = None) -> Row:
        """An event as a row, naming everyone involved except ``me``, with their roles."""
        places = self.refs(event.iri, SK.place) or self.refs(event.iri, SK.toPlace)
        others: list[tuple[str, Entry]] = []
        for role in ROLES:
            for who in self.refs(event.iri, role):
                if who.iri != me:
                    others.append((self.catalog.label(role), who))
        for org in self.refs(event.iri, SK.organization):
            if org.iri != me:
                others.append(("organization", org))
        return Row(event, words(event.edtf), places, others, self.evidence.of(event.iri),
                   derived=event.date_note or "")

    def rows(self, entries: list[Entry], me: Node | None = None) -> list[Row]:
        """Event rows in date order."""
        return [self.event_row(e, me) for e in sorted(entries, key=Entry.sort_date)]

    def record_row(self, entry: Entry, note: str = "") -> Row:
        """Any record as a row (a work, a relationship, a translation), with its own evidence."""
        return Row(entry, words(entry.edtf), quotes=self.evidence.of(entry.iri), note=note,
                   derived=entry.date_note or "")

    def mentions(self, node: Node, shown: set[Node]) -> list[Group]:
        """Records pointing to ``node`` that the page does not already show, grouped by list kind."""
        groups: dict[str, dict[Node, Row]] = defaultdict(dict)
        for s, p in self.incoming(node):
            entry = self.catalog.get(s)
            if entry is None or s in shown or entry.kind in ("evidence", "citation"):
                continue
            title = LIST_BY_NAME[KIND_LIST[entry.kind].name].title if entry.kind in KIND_LIST else "Other records"
            row = groups[title].get(s) or self.record_row(entry)
            label = self.catalog.label(p)
            if label not in row.note.split(", "):
                row.note = ", ".join(x for x in (row.note, label) if x)
            groups[title][s] = row
        return [Group(t, sorted(rows.values(), key=lambda r: r.entry.sort_date()))
                for t, rows in sorted(groups.items())]
