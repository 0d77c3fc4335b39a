"""What the pages know about every entity: label, kind, type, names, date, and the lists by kind.

Built once from the loaded graphs (asserted triples for facts, the ontology for the names of classes
and properties), so a page is a few dictionary look-ups, not a walk of the whole graph.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import DCTERMS, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.term import Node

from serge_kg.dates import DateError, parse_date
from serge_kg.datewords import date_in_words
from serge_kg.namespaces import ID, SK


@dataclass(frozen=True)
class ListKind:
    """One of the browsable lists: its URL name, heading, and the IRI kinds (``id/<kind>/``) it holds."""

    name: str
    title: str
    kinds: tuple[str, ...]


LISTS = (ListKind("people", "People", ("person",)),
         ListKind("organizations", "Organizations", ("organization",)),
         ListKind("places", "Places", ("place",)),
         ListKind("works", "Works", ("work", "translation")),
         ListKind("events", "Events", ("event",)),
         ListKind("disagreements", "Disagreements", ("disagreement",)))
LIST_BY_NAME = {k.name: k for k in LISTS}
KIND_LIST = {kind: k for k in LISTS for kind in k.kinds}
# kinds of IRI that are parts of another record and have no list of their own
PART_KINDS = ("evidence", "citation", "attribution", "relation")


@dataclass
class Entry:
    """An entity as the pages show it."""

    iri: URIRef
    path: str  # "id/person/victor-serge"
    kind: str  # "person", "event", ... (the IRI's kind segment)
    label: str
    type: URIRef | None  # the most specific sk: class asserted
    type_label: str
    description: str = ""
    names: list[tuple[str, str | None]] = field(default_factory=list)  # other names with their language
    edtf: str | None = None
    date_note: str | None = None
    earliest: dt.date | None = None
    latest: dt.date | None = None

    @property
    def nested(self) -> bool:
        """A part of another record (a disagreement's claim): no list or search entry of its own."""
        return self.path.count("/") > 2

    @property
    def rid(self) -> str:
        """The record id (last path segment), e.g. ``victor-serge``."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def when(self) -> str:
        """The date in words ("" if undated)."""
        if not self.edtf:
            return ""
        try:
            return date_in_words(self.edtf)
        except DateError:
            return self.edtf

    def sort_date(self) -> tuple[int, dt.date, str]:
        """Dated entries by earliest bound, undated ones last, then by label."""
        return (0, self.earliest, self.label.casefold()) if self.earliest else (1, dt.date.max, self.label.casefold())


def _text(graph: Graph, node: Node, prop: URIRef) -> str:
    """The English (or untagged) value of ``prop``, else any value, else ""."""
    best = ""
    for o in graph.objects(node, prop):
        if isinstance(o, Literal):
            if o.language in (None, "en"):
                return str(o)
            best = best or str(o)
    return best


class Catalog:
    """Every entity of the graph under ``https://w3id.org/serge-kg/id/``, indexed for the pages."""

    def __init__(self, asserted: Graph, ontology: Graph) -> None:
        self.graph, self.ontology = asserted, ontology
        self.term_labels: dict[Node, str] = {}
        for s, o in ontology.subject_objects(RDFS.label):
            if isinstance(o, Literal) and o.language in (None, "en"):
                self.term_labels[s] = str(o)
        self.entries: dict[URIRef, Entry] = {}
        self.by_rid: dict[str, Entry] = {}
        base = str(ID)
        for s in set(asserted.subjects(RDF.type, None)):
            if isinstance(s, URIRef) and str(s).startswith(base):
                self._add(s, str(s)[len(base):])
        self.by_kind: dict[str, list[Entry]] = defaultdict(list)
        for e in self.entries.values():
            self.by_kind[e.kind].append(e)

    def _add(self, iri: URIRef, rest: str) -> None:
        g = self.graph
        kind = rest.split("/", 1)[0]
        types = [t for t in g.objects(iri, RDF.type) if isinstance(t, URIRef) and str(t).startswith(str(SK._NS))]
        typ = sorted(types, key=str)[0] if types else None
        label = _text(g, iri, SK.title) if kind == "translation" else ""
        label = label or _text(g, iri, RDFS.label) or _text(g, iri, SKOS.prefLabel) or rest.rsplit("/", 1)[-1]
        names: dict[str, str | None] = {}  # one entry per spelling, with its language where one is given
        for prop in (SK.birthName, SKOS.altLabel, SK.pseudonym, SK.title):
            for o in sorted(g.objects(iri, prop), key=str):
                if isinstance(o, Literal) and str(o) != label:
                    names[str(o)] = names.get(str(o)) or o.language
        entry = Entry(iri, "id/" + rest, kind, label, typ, self.term_labels.get(typ, "") if typ else "",
                      _text(g, iri, DCTERMS.description), list(names.items()))
        date = g.value(iri, SK.date)
        if date is not None:
            entry.edtf = str(date)
            entry.date_note = _text(g, iri, SK.dateNote) or None
            try:
                bounds = parse_date(entry.edtf)
                entry.earliest, entry.latest = bounds.earliest, bounds.latest
            except DateError:
                pass
        self.entries[iri] = entry
        if kind not in PART_KINDS and "/" not in rest[len(kind) + 1:]:
            self.by_rid.setdefault(entry.rid, entry)

    def get(self, node: Node) -> Entry | None:
        """The entry of an IRI, or None."""
        return self.entries.get(node)  # type: ignore[call-overload, no-any-return]

    def label(self, node: Node) -> str:
        """A display name for any node: entity label, ontology term label, or the IRI's last part."""
        if (e := self.entries.get(node)) is not None:  # type: ignore[call-overload]
            return e.label
        if node in self.term_labels:
            return self.term_labels[node]
        text = str(node)
        return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1] if isinstance(node, URIRef) else text

    def listed(self, name: str) -> list[Entry]:
        """The entries of one list (see :data:`LISTS`)."""
        return [e for kind in LIST_BY_NAME[name].kinds for e in self.by_kind.get(kind, []) if not e.nested]
