"""A source document as a page: every line with its anchor, every quoted span marked and linked to its records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import PROV, RDF
from rdflib.term import Node

from serge_kg.namespaces import SK
from serge_kg.sources.text import Source

from .catalog import Entry
from .views import View


@dataclass
class Segment:
    """A run of a line: plain text, or a quoted span (``mark``) with the anchors of the quotes starting in it."""

    text: str
    mark: bool = False
    anchors: list[str] = field(default_factory=list)
    records: list[Entry] = field(default_factory=list)


@dataclass
class Line:
    number: int
    segments: list[Segment]
    quoted: bool


def source_lines(view: View, source: Source) -> list[Line]:
    """The document's lines, with the spans that evidence quotes (first occurrence) marked."""
    spans: dict[int, list[tuple[int, int, str, list[Entry]]]] = defaultdict(list)
    starts = [0]
    for i, ch in enumerate(source.text):
        if ch == "\n":
            starts.append(i + 1)
    for ev in view.graph.subjects(RDF.type, SK.Evidence):
        q = view.evidence.quote(ev)
        if q is None or q.source_id != source.id or q.line is None:
            continue
        offset = source.find(q.quote)
        begin = offset - starts[q.line - 1]
        records = _records(view, ev)
        spans[q.line].append((begin, begin + len(q.quote), q.anchor, records))
    lines = []
    for n, text in enumerate(source.text.split("\n"), start=1):
        lines.append(Line(n, _segments(text, sorted(spans.get(n, []), key=lambda s: (s[0], -s[1]))), n in spans))
    return lines


def _records(view: View, ev: Node) -> list[Entry]:
    found = {}
    for rec in view.graph.subjects(PROV.wasDerivedFrom, ev):
        if (rec, RDF.type, SK.Claim) in view.graph:  # a claim is shown as the disagreement it belongs to
            rec = view.graph.value(None, SK.claim, rec) or rec
        if (entry := view.catalog.get(rec)) is not None:
            found[entry.iri] = entry
    return sorted(found.values(), key=lambda e: e.label)


def _segments(text: str, spans: list[tuple[int, int, str, list[Entry]]]) -> list[Segment]:
    """Split a line into plain and marked runs; overlapping quotes share one mark."""
    out: list[Segment] = []
    pos = 0
    current: Segment | None = None
    end = 0
    for begin, stop, anchor, records in spans:
        if current is not None and begin < end:  # overlaps the open mark: extend it
            current.anchors.append(anchor)
            current.records += [r for r in records if r not in current.records]
            if stop > end:
                current.text += text[end:stop]
                pos = end = stop
            continue
        if begin > pos:
            out.append(Segment(text[pos:begin]))
        current = Segment(text[begin:stop], True, [anchor], list(records))
        out.append(current)
        pos = end = stop
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out
