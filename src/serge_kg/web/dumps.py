"""The files of ``/dumps/``: the build's outputs (made from the loaded graphs), the VoID description, the report.

Each listed with what it holds, its size and its SHA-256, so a user can check a download.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from serge_kg.pipeline.export import DUMP_CONTENTS, DUMPS, FORMATS, OUTPUTS

from .engine import TURTLE, Engine
from .guard import QueryRefused

VOID, REPORT = "void.ttl", "report.json"


class DumpFiles:
    """The dump files of one loaded build; ``canonical`` is the base of the IRIs in the VoID description."""

    def __init__(self, engine: Engine, build: Path, canonical: str) -> None:
        self.engine, self.build, self.canonical = engine, build, canonical

    def names(self) -> list[str]:
        """Every file name ``/dumps/`` serves, in listing order."""
        return [*OUTPUTS, VOID, *([REPORT] if (self.build / REPORT).is_file() else [])]

    def file(self, name: str) -> tuple[bytes, str]:
        """The bytes and media type of one file.

        :raises QueryRefused: 404 for a name that is not one of :meth:`names`.
        """
        if name in OUTPUTS:
            return self.engine.dump(name), FORMATS[DUMPS[name][0]][1]
        if name == VOID:
            return self.engine.void(self.canonical, TURTLE), TURTLE
        if name == REPORT and (self.build / name).is_file():
            return (self.build / name).read_bytes(), "application/json"
        raise QueryRefused(404, f"no dump '{name}' (available: {', '.join(self.names())})")

    def listing(self, base: str) -> list[dict[str, Any]]:
        """One entry per file: name, URL under ``base``, media type, what it holds, size, SHA-256."""
        out = []
        for name in self.names():
            body, media = self.file(name)
            holds = DUMP_CONTENTS[DUMPS[name][1]] if name in DUMPS else (
                "the VoID/DCAT description of the dataset" if name == VOID else "the last build's report")
            out.append({"name": name, "url": f"{base}/dumps/{name}", "mediaType": media, "contains": holds,
                        "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()})
        return out
