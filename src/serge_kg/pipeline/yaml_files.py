"""Read the curated YAML files of ``data/``, keeping the line of every record and of each of its keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from serge_kg.errors import RecordError


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping and of each of its keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__lines__"] = {k.value: k.start_mark.line + 1 for k, _ in node.value if hasattr(k, "value")}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def rel_path(path: Path, root: Path) -> str:
    """``path`` relative to the project ``root`` where it lies inside it, as errors name files."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def read_yaml(path: Path, root: Path) -> list[dict[str, Any]]:
    """The records of one YAML file, each mapping with ``__line__`` and ``__lines__`` (per key).

    :raises RecordError: if the file cannot be read, is malformed YAML or is not a list of mappings.
    """
    name = rel_path(path, root)
    try:
        loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        # the context mark is where the broken construct starts (an unclosed quote, say): report it
        start, where = exc.context_mark, exc.problem_mark
        line = (start or where).line + 1 if (start or where) else None
        detail = f"{exc.context} (line {start.line + 1}): " if exc.context and start else ""
        detail += f"{exc.problem}" + (f" (line {where.line + 1}, column {where.column + 1})" if where else "")
        raise RecordError(name, line, None, None, f"malformed YAML: {detail}",
                          "a YAML list of mappings, see data/README.md") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RecordError(name, None, None, None, f"cannot read file: {exc}") from exc
    if loaded is None:
        return []
    if not isinstance(loaded, list) or not all(isinstance(r, dict) for r in loaded):
        raise RecordError(name, 1, None, None, "the file must hold a list of records",
                          "a YAML list whose items are mappings with id, type, label, evidence")
    return loaded
