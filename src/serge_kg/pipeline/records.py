"""Load and check the curated records in ``data/``.

Every problem becomes a :class:`RecordError` naming file, line, record and field, what is wrong and
what is allowed; all problems of a run are reported together (:class:`RecordErrors`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from serge_kg.errors import RecordError, RecordErrors
from serge_kg.schema import ATTRIBUTION_STATUSES, COMMON, FIELDS, KIND_DIRS, REQUIRED, TYPES
from serge_kg.sources.mia import check_overrides, mia_work_records
from serge_kg.sources.text import load_sources
from serge_kg.strict_yaml import short

from .authorities import read_authorities
from .decisions import read_decisions
from .geonames import geonames_source, read_places
from .record_checks import SLUG, Checker, clean
from .record_rules import check_rules, read_allowlist
from .record_types import Dataset, Evidence, Record
from .yaml_files import read_mapping, read_yaml, rel_path

__all__ = ["Dataset", "Evidence", "Record", "load_dataset"]

MIA_FILE = "data/sources/001_9d9736ec8a788fa9.txt"


def load_dataset(data_dir: Path) -> Dataset:
    """Load, merge and check every record under ``data_dir``.

    :raises RecordErrors: listing every problem found (file, line, record, field, what is allowed).
    :raises SourceError: if a source text is missing or altered.
    """
    root = data_dir.parent
    sources = load_sources(data_dir / "sources")
    raw: list[tuple[str, str, dict[str, Any]]] = []  # (kind, file, record)
    errors: list[RecordError] = []
    for folder, kind in KIND_DIRS.items():
        for path in sorted((data_dir / folder).glob("*.yaml")):
            try:
                raw.extend((kind, rel_path(path, root), r) for r in read_yaml(path, root))
            except RecordError as exc:
                errors.append(exc)
    overrides_path = data_dir / "mia" / "overrides.yaml"
    overrides: dict[str, Any] = {}
    merges: list[dict[str, Any]] = []
    try:
        if overrides_path.exists() or overrides_path.is_symlink():
            overrides = check_overrides(read_mapping(overrides_path, root), rel_path(overrides_path, root))
        mia = mia_work_records(sources["mia"].text, overrides, MIA_FILE) if "mia" in sources else []
    except RecordError as exc:
        errors.append(exc)
        mia = []
    if mia:
        for rec in mia:
            rec = dict(rec)
            rec["__line__"] = rec.pop("_line", None)
            rec.pop("_file", None)
            rec.pop("_mia_id", None)
            if rec.pop("_merge", False):
                merges.append(rec)
            else:
                raw.append(("work", MIA_FILE, rec))

    checker = Checker(sources)
    ids: dict[str, str] = {}
    first_seen: dict[str, str] = {}
    for kind, file, rec in raw:
        rid = rec.get("id")
        if not isinstance(rid, str) or not SLUG.match(rid):
            checker.fail(rec, file, "id", f"missing or malformed id {short(rid)}",
                         "lower-case ASCII letters, digits and single hyphens, e.g. victor-serge")
            continue
        if rid in ids:
            checker.fail(rec, file, "id", f"duplicate id '{rid}' (first defined in {first_seen[rid]})",
                         "an id unique across all kinds")
            continue
        ids[rid] = kind
        first_seen[rid] = f"{file}:{rec.get('__line__')}"
    for extra in merges:
        if extra["id"] not in ids:
            checker.fail(extra, MIA_FILE, "same_as", f"MIA entry maps to unknown record '{extra['id']}'",
                         "the id of a curated work in data/works/")

    records: dict[str, Record] = {}
    seen: set[str] = set()
    for kind, file, rec in raw:
        rid = rec.get("id")
        if not isinstance(rid, str) or rid not in ids or rid in seen or ids[rid] != kind:
            continue
        seen.add(rid)
        allowed = {**COMMON, **FIELDS[kind]}
        for key in rec:
            if not key.startswith("__") and key not in allowed:
                checker.fail(rec, file, key, f"unknown field '{key}' for a {kind}", ", ".join(sorted(allowed)))
        rtype = rec.get("type")
        if not isinstance(rtype, str) or rtype not in TYPES[kind]:
            checker.fail(rec, file, "type", f"type {short(rtype)} is not allowed for a {kind}", ", ".join(TYPES[kind]))
        if kind != "relation" and "label" not in rec:
            checker.fail(rec, file, "label", "missing label", "an English preferred label")
        for req in REQUIRED.get(kind, ()):
            if req not in rec:
                checker.fail(rec, file, req, f"missing required field '{req}'")
        if kind == "work" and rec.get("attribution_status") not in (None, *ATTRIBUTION_STATUSES):
            checker.fail(rec, file, "attribution_status", f"unknown status {short(rec['attribution_status'])}",
                         ", ".join(ATTRIBUTION_STATUSES))
        for key, (form, targets) in allowed.items():  # every field, the common ones too (alt_labels ...)
            if key in rec and key not in ("id", "type", "evidence"):
                checker.value(rec, file, key, form, ids, targets)
        # a disagreement's evidence lives in its claims, one list per claim
        evidence = [] if kind == "disagreement" and "evidence" not in rec else checker.evidence(rec, file)
        for extra in merges:
            if extra["id"] == rid:
                evidence += checker.evidence(extra, MIA_FILE)
        line = rec.get("__line__") or 0
        records[rid] = Record(kind, rid, str(rtype), clean(rec), file, line, evidence)
        if kind == "disagreement":
            records[rid].data["claims"] = [
                {**clean(c), "evidence": c.get("_evidence", [])} for c in rec.get("claims", []) if isinstance(c, dict)]
    errors += checker.errors
    decisions, decision_errors = read_decisions(data_dir / "wikidata" / "decisions.csv", set(ids),
                                                "data/wikidata/decisions.csv", root)
    errors += decision_errors
    geo_source = geonames_source(data_dir / "sources")
    places, place_errors = read_places(data_dir / "geonames" / "places.csv", records, "data/geonames/places.csv",
                                       geo_source.get("revision") if geo_source else None)
    errors += place_errors
    authorities, authority_errors = read_authorities(data_dir / "wikidata" / "authorities.csv", records,
                                                     "data/wikidata/authorities.csv")
    errors += authority_errors
    if errors:
        raise RecordErrors(errors)
    dataset = Dataset(records, sources, decisions, places, geo_source, authorities)
    allowlist, allow_errors = read_allowlist(data_dir / "rules" / "description-allowlist.yaml")
    errors = allow_errors + check_rules(dataset, allowlist)
    if errors:
        raise RecordErrors(errors)
    return dataset
