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

import yaml

from serge_kg.errors import SourceError

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


def load_sources(directory: Path) -> dict[str, Source]:
    """Load ``sources.yaml`` and every source text, checking each file's SHA-256.

    Entries of kind ``link-data`` (reference data such as GeoNames) are not source texts and are skipped.

    :raises SourceError: if a file is missing or differs from the recorded checksum.
    """
    index = directory / "sources.yaml"
    try:
        entries = yaml.safe_load(index.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SourceError(f"{index}: cannot read the source list: {exc}") from exc
    sources: dict[str, Source] = {}
    for entry in entries:
        if entry.get("kind") == LINK_DATA:
            continue  # reference data (GeoNames), attributed here but quoted nowhere
        path = directory / entry["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SourceError(f"{path}: source text missing ({exc}); copy it byte-for-byte from shared/seeds/") from exc
        digest = hashlib.sha256(data).hexdigest()
        if entry.get("sha256") and digest != entry["sha256"]:
            raise SourceError(f"{path}: SHA-256 {digest} differs from sources.yaml ({entry['sha256']}); "
                              "the sources must stay byte-for-byte as retrieved")
        sources[entry["id"]] = Source(entry["id"], path, {k: str(v) for k, v in entry.items()},
                                      data.decode("utf-8"))
    return sources


def body_start(source: Source) -> int:
    """Offset where the article's own text begins (after navigation), 0 if there is no such marker."""
    pos = source.text.find(_BODY_START)
    return pos + len(_BODY_START) if pos >= 0 else 0
