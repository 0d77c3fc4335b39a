"""Importer of the Marxists Internet Archive (MIA) index of Victor Serge's writings.

The entries :mod:`serge_kg.sources.mia_index` parses from the scraped index
(``data/sources/001_9d9736ec8a788fa9.txt``) become one work record per listed writing: plain dicts with
the keys a curator writes in ``data/works/*.yaml`` (see ``data/README.md``), plus ``_file`` / ``_line``
pointing at the title line. Curated corrections come from ``data/mia/overrides.yaml`` (documented in
``data/mia/README.md``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from serge_kg.errors import RecordError
from serge_kg.namespaces import slugify
from serge_kg.schema import COMMON, FIELDS
from serge_kg.strict_yaml import load_yaml, short

from .mia_index import MiaEntry, parse_mia_index

SOURCE_PATH = "data/sources/001_9d9736ec8a788fa9.txt"
OVERRIDES_PATH = "data/mia/overrides.yaml"
MAX_ID_LENGTH = 70
_RESERVED = frozenset({"id", "_file", "_line", "_merge", "_mia_id"})
_FIELDS = frozenset({*COMMON, *FIELDS["work"], "same_as"}) - {"id"}


def _ids(entries: list[MiaEntry]) -> dict[int, str]:
    ids: dict[int, str] = {}
    for e in entries:
        parts = ("mia", slugify(e.date or "", drop_apostrophes=True),
                 slugify(f"{e.label} {e.by or ''}", drop_apostrophes=True))
        base = "-".join(p for p in parts if p)
        if len(base) > MAX_ID_LENGTH:
            base = base[:base.rfind("-", 0, MAX_ID_LENGTH + 1)]
        candidate, n = base, 2
        while candidate in ids.values():
            candidate = f"{base[:MAX_ID_LENGTH - len(str(n)) - 1].rstrip('-')}-{n}"
            n += 1
        ids[e.line] = candidate
    return ids


def load_overrides(path: str | Path = OVERRIDES_PATH) -> dict[str, dict[str, Any]]:
    """The curated overrides file as a mapping of MIA record id to the fields it sets (strictly read).

    :raises RecordError: if it is not such a mapping.
    """
    path = Path(path)
    data = load_yaml(path, path.resolve().parent) or {}
    return check_overrides(data, str(path))


def check_overrides(data: Any, file: str = OVERRIDES_PATH) -> dict[str, dict[str, Any]]:
    """``data`` if it has the shape of ``overrides.yaml``: record id -> mapping of fields.

    :raises RecordError: naming the line of the first entry of another shape.
    """
    if not isinstance(data, dict):
        raise RecordError(file, 1, None, None, f"must be a mapping of record ids, not a {type(data).__name__}",
                          "mia-record-id: {field: value, ...}")
    lines = data.get("__lines__", {})
    for key, value in data.items():
        if key.startswith("__"):
            continue
        if not isinstance(value, dict):
            raise RecordError(file, lines.get(key), key, None, f"maps to {short(value)}, not to a mapping of fields",
                              "mia-record-id: {field: value, ...}")
    return data


def _apply(record: dict[str, Any], override: Mapping[str, Any], text: str) -> None:
    lines = override.get("__lines__", {})
    for field, value in override.items():
        if field.startswith("__"):
            continue
        line = lines.get(field, override.get("__line__"))

        def fail(problem: str, allowed: str | None = None) -> RecordError:
            return RecordError(OVERRIDES_PATH, line, record["id"], field, problem, allowed)
        if field in _RESERVED:
            raise fail("may not be overridden")
        if field not in _FIELDS:
            raise fail(f"unknown field {short(field)} for a work", ", ".join(sorted(_FIELDS)))
        record.setdefault("__files__", {})[field] = OVERRIDES_PATH
        record.setdefault("__lines__", {})[field] = line
        if field == "same_as":
            if not isinstance(value, str):
                raise fail(f"expected a record id, got {short(value)}", "the id of a curated work in data/works/")
            record.update(_mia_id=record["id"], id=value, _merge=True)
        elif field == "evidence":
            if not isinstance(value, list):
                raise fail(f"expected a list of quotes, got {short(value)}", "a list of {quote[, cite]}")
            for ev in value:
                quote = ev.get("quote", "") if isinstance(ev, Mapping) else ""
                if not isinstance(quote, str) or not quote or "\n" in quote or quote not in text:
                    raise fail(f"quote not found verbatim on one line of the MIA source: {short(quote)}")
                record["evidence"].append({"source": "mia", **copy.deepcopy(ev)})
        else:
            record[field] = copy.deepcopy(value)


def mia_work_records(text: str, overrides: Mapping[str, Mapping[str, Any]] | None = None,
                     source_path: str = SOURCE_PATH) -> list[dict[str, Any]]:
    """One work record per writing the MIA index lists, with overrides applied.

    A record whose override has ``same_as`` takes the curated id and carries ``_merge: True``: its MIA
    evidence belongs to that curated record. Raises :class:`MiaFormatError` on a listing it does not
    understand and :class:`~serge_kg.errors.RecordError` on an override it cannot apply.
    """
    entries = parse_mia_index(text)
    ids = _ids(entries)
    pending = {k: v for k, v in (overrides or {}).items() if not k.startswith("__")}
    lines = (overrides or {}).get("__lines__", {})
    final = {line: str((pending.get(mia_id) or {}).get("same_as", mia_id)) for line, mia_id in ids.items()}
    records: list[dict[str, Any]] = []
    for e in entries:
        record: dict[str, Any] = {"id": ids[e.line], "type": e.type, "label": e.label}
        if e.date:
            record["date"] = e.date
        record["authors"] = [slugify(e.by, drop_apostrophes=True)] if e.by else ["victor-serge"]
        if e.parent_line is not None:
            record["part_of"] = final[e.parent_line]
        if e.pseudonym:
            record["pseudonym"] = e.pseudonym
        record["evidence"] = [{"source": "mia", "quote": e.title}]
        if e.date_text:
            record["evidence"].append({"source": "mia", "quote": e.date_text})
        record.update(_file=source_path, _line=e.line)
        _apply(record, pending.pop(ids[e.line], {}), text)
        records.append(record)
    if pending:
        first = min(pending, key=lambda k: lines.get(k, 0))
        raise RecordError(OVERRIDES_PATH, lines.get(first), ", ".join(sorted(pending)), None,
                          "override for an id the MIA importer does not produce")
    return records
