"""Read the curated YAML files of ``data/`` strictly (see :mod:`serge_kg.strict_yaml`), keeping the line
of every record and of each of its keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from serge_kg.errors import RecordError
from serge_kg.strict_yaml import load_yaml, rel_path

__all__ = ["read_mapping", "read_yaml", "rel_path"]


def read_yaml(path: Path, root: Path) -> list[dict[str, Any]]:
    """The records of one YAML file, each mapping with ``__line__`` and ``__lines__`` (per key).

    :raises RecordError: if the file cannot be read, is malformed or refused YAML, or is not a list of
        mappings.
    """
    loaded = load_yaml(path, root)
    if loaded is None:
        return []
    name = rel_path(path, root)
    if not isinstance(loaded, list):
        raise RecordError(name, 1, None, None, f"the file must hold a list of records, not a {type(loaded).__name__}",
                          "a YAML list whose items are mappings with id, type, label, evidence")
    for i, item in enumerate(loaded):
        if not isinstance(item, dict):
            line = _line_of_item(loaded, i)
            raise RecordError(name, line, None, None, f"item {i + 1} of the list is a {type(item).__name__}, "
                              "not a record", "a mapping with id, type, label, evidence")
    return loaded


def _line_of_item(items: list[Any], i: int) -> int | None:
    """The best line for a list item that is not a mapping: just after the previous record."""
    for prev in reversed(items[:i]):
        if isinstance(prev, dict):
            return int(prev.get("__line__", 1))
    return 1


def read_mapping(path: Path, root: Path) -> dict[str, Any]:
    """A YAML file that holds one mapping (``data/mia/overrides.yaml``); empty if the file is empty.

    :raises RecordError: if it is not a mapping.
    """
    loaded = load_yaml(path, root)
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise RecordError(rel_path(path, root), 1, None, None,
                          f"the file must hold a mapping of record ids, not a {type(loaded).__name__}",
                          "record id: {field: value, ...} for each corrected record")
    return loaded
