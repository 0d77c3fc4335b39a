"""Read the reviewed CSV link tables of ``data/`` (decisions, GeoNames places, authorities) strictly.

A FIFO, a device, a link out of the project or an oversized file is refused rather than read; the
header must be exactly the expected one. Problems come back as errors with file and line.
"""

from __future__ import annotations

import csv
from pathlib import Path

from serge_kg.errors import RecordError
from serge_kg.strict_yaml import decode, read_bytes


def read_table(path: Path, name: str, header: list[str],
               root: Path | None = None) -> tuple[list[tuple[int, list[str]]], list[RecordError]]:
    """The (line, cells) rows after the header of ``path``, or the error that stops reading it.

    A missing file means no rows. ``name`` is the file as messages call it.
    """
    if not path.exists() and not path.is_symlink():
        return [], []
    try:
        text = decode(read_bytes(path, root or path.parent), name)
    except RecordError as exc:
        return [], [RecordError(name, exc.line, None, None, exc.problem, exc.allowed)]
    reader = csv.reader(text.splitlines())
    found = next(reader, None)
    if found != header:
        return [], [RecordError(name, 1, None, None, f"header is {found!r}", ",".join(header))]
    return [(reader.line_num, row) for row in reader], []
