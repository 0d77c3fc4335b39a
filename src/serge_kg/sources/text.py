"""The two source documents: load and verify them, and resolve Wikipedia's footnotes to citations.

The scraped article puts each footnote marker (``[ 43 ]``) right after the text it supports, often at
the start of the next line; the reference list at the end numbers its notes in order, a reused note
written ``^ a b c Weissman 2013 , p. 236.``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from typing import Any

from serge_kg.errors import RecordError, SourceError
from serge_kg.strict_yaml import decode, load_yaml, read_bytes, rel_path, short

MARKER = re.compile(r"\[ (\d+) \]")
_BODY_START = "From Wikipedia, the free encyclopedia"
_REFS_START = "References [ edit ] "
_REFS_END = "Sources [ edit ]"
_REUSE = re.compile(r"^(?:[a-z] )+")
LINK_DATA = "link-data"  # sources.yaml kind of an attributed data set that no evidence quotes
_SHORT = re.compile(r"^([A-Z][\w'-]+)(?:, [^(]+)? \((?:[^)]*?)(\d{4})\)")


def _tidy(text: str) -> str:
    """Join a scraped note's pieces and drop the spaces the scrape put before punctuation."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r" ([,.;:])", r"\1", text)
    return text.rstrip(".").strip()


@dataclass(frozen=True)
class Note:
    """One numbered note of the article's reference list."""

    number: int
    text: str  # e.g. "Weissman 2013, p. 43"

    @property
    def reference(self) -> str:
        """Short author-year key of the cited work, e.g. "Weissman 2013", "Giraldi 2015"."""
        m = re.match(r"^([A-Z][\w'-]+) (\d{4})\b", self.text) or _SHORT.match(self.text)
        return f"{m.group(1)} {m.group(2)}" if m else self.text


@dataclass
class Source:
    """A source document as listed in ``data/sources/sources.yaml``."""

    id: str
    path: Path
    meta: dict[str, str]
    text: str = field(repr=False)

    @cached_property
    def notes(self) -> dict[int, Note]:
        """The reference list, by note number (empty for sources without footnotes)."""
        start = self.text.find(_REFS_START)
        if start < 0:
            return {}
        end = self.text.find(_REFS_END, start)
        block = self.text[start + len(_REFS_START): end if end > 0 else None]
        parts = [p for p in block.split("^ ") if p.strip()]
        return {i: Note(i, _tidy(_REUSE.sub("", p.strip()))) for i, p in enumerate(parts, start=1)}

    @cached_property
    def cited_text_end(self) -> int:
        """Offset where the footnoted body ends (the reference list begins)."""
        pos = self.text.find(_REFS_START)
        return pos if pos >= 0 else len(self.text)

    def find(self, quote: str) -> int:
        """Offset of the first verbatim occurrence of ``quote`` (``-1`` if absent)."""
        return self.text.find(quote)

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return self.text.count("\n", 0, offset) + 1

    def note_after(self, offset: int) -> int | None:
        """Number of the first footnote marker at or after ``offset`` in the footnoted body."""
        m = MARKER.search(self.text, offset, self.cited_text_end)
        return int(m.group(1)) if m else None


SOURCE_FIELDS = ("id", "file", "sha256", "title", "revision_url", "licence", "attribution")
"""Fields every entry of ``sources.yaml`` must give (as non-empty text)."""
LINK_DATA_FIELDS = ("id", "title", "revision_url", "licence", "attribution")
"""Fields of a ``kind: link-data`` entry (reference data such as GeoNames: no file, nothing quoted)."""
MAX_SOURCE_BYTES = 16 * 1024 * 1024


def _entries(index: Path, root: Path) -> list[dict[str, Any]]:
    """The entries of ``sources.yaml``, each checked for its shape."""
    name = rel_path(index, root)
    if not index.exists() and not index.is_symlink():
        raise SourceError(f"{name}: the source list is missing")
    entries = load_yaml(index, root)
    if not isinstance(entries, list) or not entries:
        raise RecordError(name, 1, None, None, "must be a non-empty list of sources",
                          "a YAML list of {" + ", ".join(SOURCE_FIELDS) + ", ...}")
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise RecordError(name, None, None, None, f"entry {i + 1} is {short(entry)}, not a mapping",
                              "{" + ", ".join(SOURCE_FIELDS) + ", ...}")
        lines = entry.get("__lines__", {})
        sid = entry.get("id") if isinstance(entry.get("id"), str) else None
        required = LINK_DATA_FIELDS if entry.get("kind") == LINK_DATA else SOURCE_FIELDS
        for key in required:
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise RecordError(name, lines.get(key, entry.get("__line__")), sid, key,
                                  f"missing or not text: {short(entry.get(key))}", "a non-empty string")
        for key, value in entry.items():
            if not key.startswith("__") and (not isinstance(value, str | int | float) or isinstance(value, bool)):
                raise RecordError(name, lines.get(key, entry.get("__line__")), sid, key,
                                  f"expected text, got {short(value)}", "a string")
        if entry.get("kind") != LINK_DATA and ("/" in entry["file"] or "\\" in entry["file"]
                                               or entry["file"].startswith(".")):
            raise RecordError(name, lines.get("file"), sid, "file", f"{short(entry['file'])} is not a file name",
                              "the name of a file beside sources.yaml")
        if entry["id"] in seen:
            raise RecordError(name, entry.get("__line__"), sid, "id", "duplicate source id", "unique ids")
        seen.add(entry["id"])
    return entries


def load_sources(directory: Path) -> dict[str, Source]:
    """Load ``sources.yaml`` (strictly, its shape checked) and every source text, checking each SHA-256.

    Entries of kind ``link-data`` (reference data such as GeoNames) are not source texts and are skipped.

    :raises SourceError: if a file is missing or differs from the recorded checksum.
    :raises RecordError: if ``sources.yaml`` is malformed (file, line, field).
    """
    index = directory / "sources.yaml"
    root = directory.parent.parent
    sources: dict[str, Source] = {}
    for entry in _entries(index, root):
        if entry.get("kind") == LINK_DATA:
            continue  # reference data (GeoNames), attributed here but quoted nowhere
        path = directory / entry["file"]
        if not path.exists() and not path.is_symlink():
            raise SourceError(f"{path}: source text missing; copy it byte-for-byte from shared/seeds/")
        data = read_bytes(path, root, MAX_SOURCE_BYTES)
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry["sha256"]:
            raise SourceError(f"{path}: SHA-256 {digest} differs from sources.yaml ({short(entry['sha256'])}); "
                              "the sources must stay byte-for-byte as retrieved")
        meta = {k: str(v) for k, v in entry.items() if not k.startswith("__")}
        sources[entry["id"]] = Source(entry["id"], path, meta, decode(data, rel_path(path, root)))
    return sources


def body_start(source: Source) -> int:
    """Offset where the article's own text begins (after navigation), 0 if there is no such marker."""
    pos = source.text.find(_BODY_START)
    return pos + len(_BODY_START) if pos >= 0 else 0
