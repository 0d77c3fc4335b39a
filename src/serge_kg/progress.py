"""The callback through which long work (builds, uploads, Wikidata lookups) reports its progress."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str], None]
"""Called with one short line per step ("reason: 0.98 s", "12/80 Q7245"); the CLI prints it, tests collect it."""
