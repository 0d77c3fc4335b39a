"""Where things live in a checkout; one place, so tests can point the pipeline at fixtures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import ProjectNotFoundError


def find_root(start: Path | None = None) -> Path:
    """The project root: the nearest folder at or above ``start`` (default: cwd, then this file) with
    ontology/serge.ttl and data/.

    :raises ProjectNotFoundError: if there is none (never a silent fall-back to another checkout).
    """
    for base in ([start.resolve()] if start else [Path.cwd(), Path(__file__).resolve()]):
        for folder in (base, *base.parents):
            if (folder / "ontology" / "serge.ttl").exists() and (folder / "data").is_dir():
                return folder
    where = start if start else Path.cwd()
    raise ProjectNotFoundError(f"{where} is not inside a serge-kg project (no folder above it holds "
                               "ontology/serge.ttl and data/)")


@dataclass(frozen=True)
class Paths:
    """The folders and files of one project checkout."""

    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def ontology(self) -> Path:
        return self.root / "ontology" / "serge.ttl"

    @property
    def shapes(self) -> Path:
        return self.root / "ontology" / "shapes.ttl"

    @property
    def context(self) -> Path:
        return self.root / "ontology" / "context.jsonld"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def build(self) -> Path:
        return self.root / "build"
