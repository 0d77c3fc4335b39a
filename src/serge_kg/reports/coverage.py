"""Source coverage, sentence by sentence: which records quote each sentence of each source.

Each source is split into *units*: sentences of the Wikipedia article's lead, infobox and sections (and
one unit per entry of its "Works available in English" list), and for the MIA index one unit per listed
writing (its date line together with its title line) plus the sentences of its prose paragraphs. A unit is
covered when the first occurrence of some record's evidence quote overlaps it. What is left out of the
split (navigation, language list, maintenance notices, reference lists, page furniture) is listed in
:data:`EXCLUDED`, so the report can say so.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from serge_kg.pipeline.records import Dataset
from serge_kg.sources.mia_index import (
    PAGE_HEADERS,
    PROSE_MIN_LENGTH,
    TRAILER,
    dated_entries_without_title,
    parse_mia_index,
)
from serge_kg.sources.text import MARKER, Source, body_start

EXCLUDED: dict[str, tuple[str, ...]] = {
    "wikipedia": (
        "site navigation, table of contents and the list of 27 other-language editions (before 'From Wikipedia')",
        "maintenance notices ('This article relies largely or entirely on a single source', 'Find sources')",
        "'See also', 'References' (the footnotes themselves: they become sk:Citation nodes), 'Sources', "
        "'Further reading' and 'External links'",
        "the page footer (licence notice and site links)",
    ),
    "mia": (
        "page headers ('Marxist Writers: Victor Serge', 'Marxists’ Internet Archive', 'Victor Serge')",
        "the 'Last updated on ...' trailer (kept as the source's revision in sources.yaml)",
    ),
}
"""What each source's split leaves out, and why (printed by ``serge-kg coverage``)."""

_LEAD_START = re.compile(r"\( [A-Z][a-z]+ \d{4} \) ")  # end of the "Find sources ... ( June 2025 )" notice
_TOC = re.compile(r"\(Top\) (.*?) Toggle the table of contents", re.S)
_TOC_ITEM = re.compile(r"(\d+(?:\.\d+)?) (.+?)(?= \d+(?:\.\d+)? |$)")
_INFOBOX_FIELDS = ("Born", "Died", "Notable work", "Political party", "Spouse", "Partner", "Children", "Signature")
_LIST_SECTIONS = ("Works available in English",)
_END_SECTIONS = ("See also",)
_ABBREVIATION = re.compile(r"(?:\b(?:p|pp|Vol|No|St|Mr|Mrs|Dr|vs|ed|eds|cf|ca)|\b[A-Z])$")
_LEADING_NOISE = re.compile(r"\s*\[ \d+ \]\s*|\s+")  # whitespace and footnote markers
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*(?=\s+(?:\[ \d+ \]\s*)*[\"“(]?[A-Z0-9])")


@dataclass
class Unit:
    """A sentence (or list entry) of a source, and the records whose evidence falls in it."""

    source: str
    section: str
    number: int  # 1-based, per source, in reading order
    start: int
    end: int
    line: int
    text: str
    records: list[str] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        """Whether some record quotes this unit."""
        return bool(self.records)


def _clean(text: str) -> str:
    """Display form: footnote markers and edit links dropped, whitespace collapsed."""
    text = MARKER.sub(" ", text).replace("[ edit ]", " ")
    return re.sub(r"\s+", " ", text).strip()


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) past surrounding whitespace and footnote markers (a marker cites the unit before it)."""
    while True:
        m = _LEADING_NOISE.match(text, start, end)
        if not m or m.end() == start:
            break
        start = m.end()
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]`` (abbreviations such as "p." and initials do not end one)."""
    spans, begin = [], start
    for m in _SENTENCE_END.finditer(text, start, end):
        before = text[begin:m.start()]
        if _ABBREVIATION.search(before):
            continue
        spans.append((begin, m.end()))
        begin = m.end()
    spans.append((begin, end))
    out = []
    for s, e in spans:
        s, e = _trim(text, s, e)
        if _clean(text[s:e]):
            out.append((s, e))
    return out


def _list_entries(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Entries of a bibliography list: one per line, a citation split over lines ending at its ISBN kept whole."""
    spans: list[tuple[int, int]] = []
    open_entry: int | None = None
    for m in re.finditer(r"[^\n]+", text[start:end]):
        s, e = start + m.start(), start + m.end()
        line = m.group()
        if open_entry is not None:
            if line.startswith("ISBN") or not re.match(r"[A-Z(]", line):
                spans.append((open_entry, e))
                open_entry = None
            continue
        if re.match(r"[A-Z][\w'-]+, [A-Z][\w'-]+ \(\d{4}\)", line):  # "Serge, Victor (2011) [1932]."
            open_entry = s
            continue
        spans.append((s, e))
    if open_entry is not None:
        spans.append((open_entry, end))
    return [_trim(text, s, e) for s, e in spans]


def _wikipedia_units(src: Source) -> list[tuple[str, int, int]]:
    text = src.text
    body = body_start(src)
    toc = _TOC.search(text, 0, body) if body else None
    if toc is None:
        return [("article", s, e) for s, e in sentences(text, 0, len(text))]
    items = _TOC_ITEM.findall(re.sub(r"Toggle .+? subsection ", "", toc.group(1)))
    headings: list[tuple[int, int, str]] = []  # (start, end of "[ edit ]", "2.1 Title")
    pos = body
    for number, title in items:
        at = text.find(f"{title} [ edit ]", pos)
        if at < 0:
            continue
        end = at + len(f"{title} [ edit ]")
        headings.append((at, end, f"{number} {title}"))
        pos = end
    lead = _LEAD_START.search(text, body)
    lead_start = lead.end() if lead else body
    units: list[tuple[str, int, int]] = []
    first = headings[0][0] if headings else len(text)
    # the infobox is one run of "Label value" fields; the lead sentence starts at "<name> ( French:"
    box_end = text.find(" ( ", text.find("Signature", lead_start, first))
    fields = [m for m in re.finditer(r"\b(" + "|".join(_INFOBOX_FIELDS) + r") ", text[lead_start:box_end])]
    cuts = [lead_start] + [lead_start + m.start() for m in fields] + [box_end]
    for s, e in zip(cuts, cuts[1:]):
        s, e = _trim(text, s, e)
        if s < e:
            units.append(("0 Lead: infobox", s, e))
    sig = text.rfind("Signature", lead_start, box_end)
    lead_sentence_start = sig + len("Signature") if sig >= 0 else box_end
    units += [("0 Lead", s, e) for s, e in sentences(text, lead_sentence_start, first)]
    for k, (_, h_end, name) in enumerate(headings):
        title = name.split(" ", 1)[1]
        if title in _END_SECTIONS:
            break
        nxt = headings[k + 1][0] if k + 1 < len(headings) else len(text)
        top = name.split(".")[0].split(" ")[0]
        parent = next((h[2] for h in headings if h[2].split(" ", 1)[0] == top), name)
        in_list = any(t in parent for t in _LIST_SECTIONS)
        spans = _list_entries(text, h_end, nxt) if in_list else sentences(text, h_end, nxt)
        units += [(name, s, e) for s, e in spans if s < e]
    return units


def _line_span(text: str, line: int, starts: list[int]) -> tuple[int, int]:
    s = starts[line - 1]
    e = text.find("\n", s)
    return s, (e if e >= 0 else len(text))


def _mia_units(src: Source) -> list[tuple[str, int, int]]:
    text = src.text
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    entries = parse_mia_index(text)
    untitled = dated_entries_without_title(text)
    first_listing = min([e.date_line or e.line for e in entries if e.kind != "about"]
                        + [line for line, _ in untitled])
    units: list[tuple[str, int, int]] = []
    used: set[int] = set()
    for e in entries:
        if e.note_line and len(e.note or "") >= PROSE_MIN_LENGTH:
            s, end = _line_span(text, e.note_line, starts)
            units += [("Writing ascribed to Serge", a, b) for a, b in sentences(text, s, end)]
            used.add(e.note_line)
        section = ("Introduction" if (e.date_line or e.line) < first_listing
                   else "Writing ascribed to Serge" if e.note_line in used and e.note_line else "Writings")
        first_line = e.date_line if e.date_line and e.date_line not in used else e.line
        s = _line_span(text, first_line, starts)[0]
        units.append((section, s, _line_span(text, e.line, starts)[1]))
        used.update({e.line, first_line})
        if e.note_line and e.note_line not in used:
            units.append((section, *_line_span(text, e.note_line, starts)))
            used.add(e.note_line)
    for line, _date in untitled:
        units.append(("Writings", *_line_span(text, line, starts)))
        used.add(line)
    for number, line_text in enumerate(text.splitlines(), start=1):
        stripped = line_text.strip()
        if not stripped or number in used or number >= len(starts):
            continue
        if stripped.startswith(TRAILER) or stripped in PAGE_HEADERS:
            continue
        s, e = _line_span(text, number, starts)
        section = "Introduction" if number < first_listing else "Writings"
        units += [(section, a, b) for a, b in sentences(text, s, e)]
    return sorted(units, key=lambda u: u[1])


def split_source(src: Source) -> list[Unit]:
    """The units of one source, in reading order (records not yet attached)."""
    raw = _wikipedia_units(src) if src.id == "wikipedia" else _mia_units(src)
    return [Unit(src.id, section, i, s, e, src.line_of(s), _clean(src.text[s:e]))
            for i, (section, s, e) in enumerate(raw, start=1)]


def coverage(dataset: Dataset) -> list[Unit]:
    """Every unit of every source, with the ids of the records whose evidence falls in it."""
    units = {sid: split_source(src) for sid, src in dataset.sources.items()}
    for rec in dataset.records.values():
        for ev in rec.all_evidence:
            src = dataset.sources[ev.source]
            at = src.find(ev.quote)
            if at < 0:
                continue
            for u in units[ev.source]:
                if u.start < at + len(ev.quote) and at < u.end and rec.id not in u.records:
                    u.records.append(rec.id)
    return [u for sid in sorted(units) for u in units[sid]]


@dataclass(frozen=True)
class Share:
    """Covered units of one source (and section)."""

    source: str
    section: str
    units: int
    covered: int

    @property
    def percent(self) -> float:
        """Covered share in per cent."""
        return 100.0 * self.covered / self.units if self.units else 100.0


def shares(units: list[Unit]) -> list[Share]:
    """Per source: each section in reading order, then the whole source (section "all")."""
    by: dict[tuple[str, str], list[Unit]] = defaultdict(list)
    for u in units:
        by[(u.source, u.section)].append(u)
    out: list[Share] = []
    for source in dict.fromkeys(u.source for u in units):
        for (src, sec), us in by.items():
            if src == source:
                out.append(Share(src, sec, len(us), sum(u.covered for u in us)))
        mine = [u for u in units if u.source == source]
        out.append(Share(source, "all", len(mine), sum(u.covered for u in mine)))
    return out
