"""The evidence behind a fact, for the pages: quote, source, footnote, citation, and where it is in the source."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import DCTERMS, PROV, Graph, Literal, URIRef
from rdflib.term import Node

from serge_kg.namespaces import SK
from serge_kg.sources.text import Source


@dataclass(frozen=True)
class Note:
    """A footnote of the source: its number, its text ("Weissman 2013, p. 43") and its page path."""

    number: int
    text: str
    path: str


@dataclass(frozen=True)
class Quote:
    """One evidence node: the verbatim quote with its source and citations."""

    key: str  # the evidence node's id, also the quote's anchor in the source page
    quote: str
    source_id: str
    source_title: str
    source_url: str
    line: int | None
    notes: tuple[Note, ...] = field(default_factory=tuple)

    @property
    def anchor(self) -> str:
        return f"q-{self.key}"


class EvidenceIndex:
    """Evidence nodes of the graph, read once, with each quote's line in its source text."""

    def __init__(self, graph: Graph, sources: dict[str, Source]) -> None:
        self.graph = graph
        self.by_iri = {URIRef(s.meta["revision_url"]): s for s in sources.values()}
        self.sources = sources
        self._cache: dict[Node, Quote | None] = {}

    def quote(self, node: Node) -> Quote | None:
        """The evidence node as a :class:`Quote` (None if it is not one)."""
        if node not in self._cache:
            self._cache[node] = self._read(node)
        return self._cache[node]

    def _read(self, node: Node) -> Quote | None:
        g = self.graph
        text = g.value(node, SK.quote)
        if text is None:
            return None
        src_iri = g.value(node, DCTERMS.source)
        source = self.by_iri.get(src_iri) if isinstance(src_iri, URIRef) else None
        line = None
        if source is not None and (offset := source.find(str(text))) >= 0:
            line = source.line_of(offset)
        notes = []
        for cit in g.objects(node, SK.citation):
            number, cited = g.value(cit, SK.noteNumber), g.value(cit, DCTERMS.bibliographicCitation)
            if isinstance(number, Literal) and cited is not None:
                notes.append(Note(int(number), str(cited), "id/" + str(cit).split("/id/", 1)[-1]))
        notes.sort(key=lambda n: n.number)
        return Quote(str(node).rsplit("/", 1)[-1], str(text), source.id if source else "",
                     source.meta.get("title", "") if source else str(src_iri or ""),
                     str(src_iri or ""), line, tuple(notes))

    def of(self, node: Node) -> list[Quote]:
        """The quotes a record (or claim) is derived from, in source and line order."""
        quotes = [q for ev in self.graph.objects(node, PROV.wasDerivedFrom) if (q := self.quote(ev))]
        return sorted(quotes, key=lambda q: (q.source_id != "wikipedia", q.line or 0, q.quote))
