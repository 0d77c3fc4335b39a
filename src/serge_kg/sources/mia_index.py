"""Parser of the Marxists Internet Archive (MIA) index of Victor Serge's writings.

Reads the scraped index (``data/sources/001_9d9736ec8a788fa9.txt``) into :class:`MiaEntry` items: one per
listed writing, with its title line, date, type, author and the series it belongs to.
:mod:`serge_kg.sources.mia` turns them into work records.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from typing import Any

from serge_kg.dates import DateError, parse_date
from serge_kg.errors import SergeKGError

PROSE_MIN_LENGTH = 200  # a line this long is a paragraph (biography, epigraph, editorial note), not a title

_MONTHS = {name: number for number, names in enumerate(
    [("january", "jan."), ("february", "feb."), ("march", "mar."), ("april", "apr."), ("may",),
     ("june", "jun."), ("july", "jul."), ("august", "aug."), ("september", "sep.", "sept."),
     ("october", "oct."), ("november", "nov."), ("december", "dec.")], start=1) for name in names}
_MONTH = r"[A-Z][a-z]+\.?"
_SP = "[ \u00a0]"  # the scrape separates most date parts with no-break spaces
_DATE_RE = re.compile(rf"(?:(?P<half>Early|Late){_SP}(?P<hy>\d{{4}})"
                      rf"|(?:(?P<d1>\d{{1,2}})(?:[-–](?P<d2>\d{{1,2}}))?{_SP})?"
                      rf"(?P<m1>{_MONTH})(?:/(?P<m2>{_MONTH}))?{_SP}(?P<y>\d{{4}}))")
_BY_RE = re.compile(r"(?P<title>.+?),? by (?P<author>[A-Z][^,()\[\]]+)")
_ANNOTATION_RE = re.compile(r"\s*(?:\((?P<paren>[^()]*)\)|\[(?P<bracket>[^\[\]]*)\])\s*:?$")
_SERIES_RE = re.compile(r"(?P<n>\d+) (?P<kind>letters|extracts)(?: from (?P<of>.+))?")
_PART_TYPES = {"letters": "Letter", "extracts": "Extract"}
_ANNOTATION_TYPES = {"poem": "Poem", "novel": "Novel", "letter": "Letter"}
_TITLE_TYPES = ((re.compile(r"(?:Open )?Letter to "), "Letter"), (re.compile(r"Lecture \w+:"), "Lecture"),
                (re.compile(r".*\bEssay\b"), "Essay"), (re.compile(r"Obituary:"), "Article"))
PAGE_HEADERS = frozenset({"Marxist Writers: Victor Serge", "Marxists’ Internet Archive", "Victor Serge"})
"""Lines of the page's own furniture (site and page titles), not part of the listing."""
TRAILER = "Last updated on "
"""Start of the last line, the page's revision date."""


class MiaFormatError(SergeKGError, ValueError):
    """The listing has a shape the importer does not understand; ``line`` is 1-based."""

    def __init__(self, line: int, problem: str) -> None:
        self.line, self.problem = line, problem
        super().__init__(f"MIA index line {line}: {problem}")


@dataclass(frozen=True)
class MiaEntry:
    """One writing listed in the MIA index, as the listing states it."""

    line: int                    # 1-based line number of the title line
    title: str                   # verbatim title line (the evidence quote)
    date_text: str | None        # verbatim date line that precedes it, None if undated
    date: str | None             # EDTF for date_text
    parent_title: str | None     # for parts: title line of the series or book it belongs to
    label: str = ""              # the title cleaned of annotations such as " (poem)"
    type: str = "Work"           # work type the listing states or implies
    kind: str = "entry"          # "entry", "series", "part", or "about" (a writing about Serge by another)
    date_line: int | None = None
    parent_line: int | None = None
    pseudonym: str | None = None  # from "(as Paul Sizoff)"
    by: str | None = None         # author's name for "about" entries
    extract_of: str | None = None  # label of the book an "(extract from ...)" comes from
    note: str | None = None       # verbatim note line: "(Alternative translation of extracts)" or a paragraph
    note_line: int | None = None


@dataclass(frozen=True)
class _Block:
    start: int         # 1-based line of its first line
    lines: list[str]
    blanks_before: int


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    blanks, current, start = 0, [], 0
    for number, line in enumerate(text.splitlines() + [""], start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
            continue
        if current:
            blocks.append(_Block(start, current, blanks))
            blanks, current = 0, []
        blanks += 1
    return blocks


_check_date = functools.lru_cache(maxsize=None)(parse_date)


def _edtf(date_text: str, line: int) -> str | None:
    """EDTF of a date line at the precision it states, or None if the line is not a date."""
    m = _DATE_RE.fullmatch(date_text)
    if not m:
        return None
    if m["half"]:
        return f"{m['hy']}-{40 if m['half'] == 'Early' else 41}"
    months = [_MONTHS.get(name.lower()) for name in (m["m1"], m["m2"]) if name]
    if None in months:
        return None
    y, (mo, *other) = m["y"], months
    if other and m["d1"]:
        raise MiaFormatError(line, f"date with days and two months: {date_text!r}")
    if other:  # "Mar./Apr. 1924": one of the two months
        result = f"[{y}-{mo:02d},{y}-{other[0]:02d}]"
    else:  # a month, a day, or an interval of days ("7-8 November 1936")
        result = "/".join(f"{y}-{mo:02d}-{int(d):02d}" for d in (m["d1"], m["d2"]) if d) or f"{y}-{mo:02d}"
    try:
        _check_date(result)
    except DateError as exc:
        raise MiaFormatError(line, f"date {date_text!r} is not a real date: {exc}") from exc
    return result


def _describe(title: str, line: int) -> dict[str, Any]:
    """Label, type, pseudonym and series/extract facts stated by a title line's annotations."""
    label, notes = title, []
    while m := _ANNOTATION_RE.search(label):
        notes.insert(0, m["paren"] if m["paren"] is not None else None)
        label = label[:m.start()]
    label = label.rstrip(":").strip()
    info: dict[str, Any] = {"label": label, "type": next((t for rx, t in _TITLE_TYPES if rx.match(label)), "Work")}
    for note in notes:
        if note is None:  # a bracketed remark such as "[copyright not renewed by 1965]"
            continue
        if note.lower() in _ANNOTATION_TYPES:
            info["type"] = _ANNOTATION_TYPES[note.lower()]
        elif note.startswith("as "):
            info["pseudonym"] = note[3:].strip()
        elif note.startswith("extract from "):
            info.update(type="Extract", extract_of=note[len("extract from "):].strip())
        elif s := _SERIES_RE.fullmatch(note):
            info.update(kind="series", type="Series", _count=int(s["n"]), _part_type=_PART_TYPES[s["kind"]])
            if s["of"]:
                info["extract_of"] = s["of"]
        else:
            raise MiaFormatError(line, f"unknown annotation ({note}) in title {title!r}")
    return info


def _block_entries(block: _Block, date: tuple[int, str, str] | None,
                   note: tuple[int, str] | None) -> list[MiaEntry]:
    first = block.lines[0]
    info = _describe(first, block.start)
    count, part_type = info.pop("_count", None), info.pop("_part_type", None)
    head = MiaEntry(block.start, first, date[1] if date else None, date[2] if date else None, None,
                    date_line=date[0] if date else None, **info)
    rest = block.lines[1:]
    if count is None and len(rest) == 1 and rest[0].startswith("(") and rest[0].endswith(")"):
        if note:
            raise MiaFormatError(block.start, "entry with both a note paragraph and a note line")
        return [replace(head, note=rest[0], note_line=block.start + 1)]
    if note:
        head = replace(head, note=note[1], note_line=note[0])
    if count is None:
        if rest:
            raise MiaFormatError(block.start + 1, "title line followed directly by another line")
        return [head]
    if not first.endswith(":") or len(rest) != count:
        raise MiaFormatError(block.start, f"series header announces {count} parts, {len(rest)} listed")
    parts = [head]
    for offset, title in enumerate(rest, start=1):
        info = _describe(title, block.start + offset)
        info["type"] = info["type"] if info["type"] != "Work" else part_type
        info.setdefault("extract_of", head.extract_of)
        parts.append(MiaEntry(block.start + offset, title, None, None, first, kind="part",
                              parent_line=block.start, **info))
    return parts


def _parse(text: str) -> tuple[list[MiaEntry], list[tuple[int, str]]]:
    blocks = _blocks(text)
    dates = [_edtf(b.lines[0], b.start) if len(b.lines) == 1 else None for b in blocks]
    is_date = [d is not None for d in dates]
    if True not in is_date:
        raise MiaFormatError(1, "no dated entry: this is not the MIA index")
    body = is_date.index(True)  # the listing starts at its first date line
    entries: list[MiaEntry] = []
    untitled: list[tuple[int, str]] = []
    for block in blocks[:body]:  # page headers, epigraph, biography, and writings about Serge
        for number, line in enumerate(block.lines, start=block.start):
            if len(line) >= PROSE_MIN_LENGTH or line in PAGE_HEADERS:
                continue
            if not (m := _BY_RE.fullmatch(line)):
                raise MiaFormatError(number, f"unexpected line before the listing: {line!r}")
            entries.append(MiaEntry(number, line, None, None, None, label=m["title"], type="Essay",
                                    kind="about", by=m["author"].strip()))
    note: tuple[int, str] | None = None
    k = body
    while k < len(blocks):
        block, first = blocks[k], blocks[k].lines[0]
        if first.startswith(TRAILER) or len(first) >= PROSE_MIN_LENGTH:
            if len(block.lines) > 1:
                raise MiaFormatError(block.start + 1, "paragraph followed directly by another line")
            if first.startswith(TRAILER):
                if k != len(blocks) - 1:
                    raise MiaFormatError(block.start, "text after the 'Last updated' line")
                break
            note, k = (block.start, first), k + 1
            continue
        if is_date[k]:
            nxt = blocks[k + 1] if k + 1 < len(blocks) else None
            if (nxt is not None and nxt.blanks_before == 1 and not is_date[k + 1]
                    and len(nxt.lines[0]) < PROSE_MIN_LENGTH and not nxt.lines[0].startswith(TRAILER)):
                entries += _block_entries(nxt, (block.start, first, dates[k] or ""), note)
                note, k = None, k + 2
            else:  # the scrape lost this entry's link text
                untitled.append((block.start, first))
                k += 1
            continue
        if block.blanks_before < 2:
            raise MiaFormatError(block.start, "undated title not preceded by two blank lines")
        entries += _block_entries(block, None, note)
        note, k = None, k + 1
    if note:
        raise MiaFormatError(note[0], "paragraph not followed by an entry")
    for i, e in enumerate(entries):  # "(extract from X)": part of X when exactly one entry is X
        books = [b for b in entries if e.extract_of and b.label == e.extract_of and b.kind == "entry"]
        if e.kind != "series" and e.parent_line is None and len(books) == 1:
            entries[i] = replace(e, parent_title=books[0].title, parent_line=books[0].line)
    return entries, untitled


def parse_mia_index(text: str) -> list[MiaEntry]:
    """Every writing listed in the MIA index, in source order (series headers before their parts)."""
    return _parse(text)[0]


def dated_entries_without_title(text: str) -> list[tuple[int, str]]:
    """(line, date line) of the date lines whose title the scrape lost; no title is invented for them."""
    return _parse(text)[1]
