"""Load and check the curated records in ``data/``.

Every problem becomes a :class:`RecordError` naming file, line, record and field, what is wrong and
what is allowed; all problems of a run are reported together (:class:`RecordErrors`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .dates import EDTF_HELP, DateError, parse_date
from .decisions import Decision, linked, read_decisions
from .errors import RecordError, RecordErrors
from .isbn import IsbnError, normalize_isbn
from .mia import mia_work_records
from .schema import (ATTRIBUTION_STATUSES, COMMON, FIELDS, KIND_DIRS, REQUIRED, ROLES, TYPES)
from .sources import Source, load_sources

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_QUOTE = 400
MIA_FILE = "data/sources/001_9d9736ec8a788fa9.txt"


@dataclass
class Evidence:
    """A verbatim quote from a source, with the footnotes (if any) that cite it."""

    source: str
    quote: str
    notes: tuple[int, ...]
    line: int  # line of the quote in the source text


@dataclass
class Record:
    """One curated (or imported) record."""

    kind: str
    id: str
    type: str
    data: dict[str, Any]
    file: str
    line: int
    evidence: list[Evidence] = field(default_factory=list)

    def get(self, key: str, default: Any = None) -> Any:
        """A field's value."""
        return self.data.get(key, default)

    @property
    def all_evidence(self) -> list[Evidence]:
        """Its own evidence and, for a disagreement, the evidence of every claim."""
        claims = self.data.get("claims", []) if self.kind == "disagreement" else []
        return [*self.evidence, *(ev for c in claims for ev in c.get("evidence", []))]


@dataclass
class Dataset:
    """All records, by id, and the sources their evidence points into."""

    records: dict[str, Record]
    sources: dict[str, Source]
    decisions: list[Decision] = field(default_factory=list)

    @property
    def links(self) -> dict[str, Decision]:
        """The records with a verified (``same``) Wikidata QID, by record id."""
        return linked(self.decisions)

    def of_kind(self, kind: str) -> list[Record]:
        """Records of one kind, sorted by id."""
        return sorted((r for r in self.records.values() if r.kind == kind), key=lambda r: r.id)


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping and of each of its keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    mapping["__lines__"] = {k.value: k.start_mark.line + 1 for k, _ in node.value if hasattr(k, "value")}
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _read_yaml(path: Path, root: Path) -> list[dict[str, Any]]:
    name = _rel(path, root)
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


class _Checker:
    """Collects the errors of one record at a time."""

    def __init__(self, sources: dict[str, Source]) -> None:
        self.sources = sources
        self.errors: list[RecordError] = []

    def fail(self, rec: dict[str, Any], file: str, fld: str | None, problem: str,
             allowed: str | None = None, line: int | None = None) -> None:
        if line is None:
            line = rec.get("__lines__", {}).get(fld, rec.get("__line__")) if fld else rec.get("__line__")
        self.errors.append(RecordError(file, line, rec.get("id") if isinstance(rec.get("id"), str) else None,
                                       fld, problem, allowed))

    def evidence(self, rec: dict[str, Any], file: str) -> list[Evidence]:
        items = rec.get("evidence")
        if not isinstance(items, list) or not items:
            self.fail(rec, file, "evidence", "missing evidence: every record needs at least one quote",
                      "a list of {source, quote[, cite]}")
            return []
        out: list[Evidence] = []
        for item in items:
            line = item.get("__line__") if isinstance(item, dict) else rec.get("__line__")
            if not isinstance(item, dict):
                self.fail(rec, file, "evidence", "an evidence item must be a mapping", "{source, quote[, cite]}")
                continue
            unknown = sorted(set(item) - {"source", "quote", "cite", "__line__", "__lines__"})
            if unknown:
                self.fail(rec, file, "evidence", f"unknown key(s) {unknown}", "source, quote, cite", line)
            src = self.sources.get(item.get("source", ""))
            if src is None:
                self.fail(rec, file, "evidence.source", f"unknown source '{item.get('source')}'",
                          ", ".join(sorted(self.sources)), line)
                continue
            quote = item.get("quote")
            if not isinstance(quote, str) or not quote.strip():
                self.fail(rec, file, "evidence.quote", "missing evidence quote",
                          "a short verbatim span of the source text", line)
                continue
            if len(quote) > MAX_QUOTE:
                self.fail(rec, file, "evidence.quote", f"quote is {len(quote)} characters long",
                          f"at most {MAX_QUOTE}: quote the clause that states the fact", line)
            pos = src.find(quote)
            if pos < 0:
                self.fail(rec, file, "evidence.quote", f"quote not found verbatim in source '{src.id}': {quote!r}",
                          f"an exact substring of {src.path.name} (check accents, quotes, spaces)", line)
                continue
            out.append(Evidence(src.id, quote, self._notes(rec, file, item, src, pos + len(quote), line),
                                src.line_of(pos)))
        return out

    def _notes(self, rec: dict[str, Any], file: str, item: dict[str, Any], src: Source, end: int,
               line: int | None) -> tuple[int, ...]:
        if "cite" in item:
            cite = item["cite"]
            cite = [cite] if isinstance(cite, int) else cite
            if not isinstance(cite, list) or not all(isinstance(n, int) and n in src.notes for n in cite):
                self.fail(rec, file, "evidence.cite", f"bad citation {item['cite']!r}",
                          f"a list of note numbers 1-{len(src.notes)} of source '{src.id}', or []", line)
                return ()
            return tuple(cite)
        if not src.notes or end > src.cited_text_end:
            return ()
        note = src.note_after(end)
        return (note,) if note else ()

    def value(self, rec: dict[str, Any], file: str, key: str, form: str, ids: dict[str, str],
              targets: tuple[str, ...]) -> None:
        val = rec[key]
        if form == "str":
            if not isinstance(val, str) or not val.strip():
                self.fail(rec, file, key, f"expected a non-empty string, got {val!r}")
        elif form == "strs":
            if not isinstance(val, list) or not all(isinstance(v, str) and v for v in val):
                self.fail(rec, file, key, f"expected a list of strings, got {val!r}")
        elif form == "date":
            try:
                parse_date(str(val)) if isinstance(val, (str, int)) else parse_date("")
            except DateError as exc:
                self.fail(rec, file, key, f"impossible or malformed date {val!r}: {exc}", EDTF_HELP)
        elif form == "isbn":
            try:
                normalize_isbn(str(val))
            except IsbnError as exc:
                self.fail(rec, file, key, str(exc), "an ISBN-10 or ISBN-13 with a valid check digit")
        elif form in ("ref", "refs"):
            vals = val if form == "refs" else [val]
            if not isinstance(vals, list):
                self.fail(rec, file, key, f"expected a list of record ids, got {val!r}")
                return
            for v in vals:
                self._ref(rec, file, key, v, ids, targets)
        elif form == "participants":
            if not isinstance(val, dict):
                self.fail(rec, file, key, "expected a mapping role -> list of ids", ", ".join(ROLES))
                return
            for role, who in val.items():
                if role.startswith("__"):
                    continue
                if role not in ROLES:
                    self.fail(rec, file, key, f"unknown role '{role}'", ", ".join(ROLES))
                for v in who if isinstance(who, list) else [who]:
                    self._ref(rec, file, f"{key}.{role}", v, ids, targets)
        elif form == "names":
            if not isinstance(val, list) or not all(isinstance(v, dict) and isinstance(v.get("value"), str)
                                                    for v in val):
                self.fail(rec, file, key, "expected a list of {value, lang}")
        elif form == "claims":
            if not isinstance(val, list) or len(val) < 2:
                self.fail(rec, file, key, "a disagreement needs at least two claims",
                          "a list of {value, evidence}")
                return
            for claim in val:
                if not isinstance(claim, dict) or "value" not in claim:
                    self.fail(rec, file, key, "each claim needs a value and its own evidence")
                    continue
                claim["_evidence"] = self.evidence({**claim, "id": rec.get("id")}, file)

    def _ref(self, rec: dict[str, Any], file: str, key: str, v: Any, ids: dict[str, str],
             targets: tuple[str, ...]) -> None:
        if not isinstance(v, str) or v not in ids:
            self.fail(rec, file, key.split(".")[0], f"unknown reference '{v}'",
                      f"the id of an existing {' or '.join(targets)} record")
        elif ids[v] not in targets:
            self.fail(rec, file, key.split(".")[0], f"'{v}' is a {ids[v]}, not a {' or '.join(targets)}")


def _clean(rec: dict[str, Any]) -> dict[str, Any]:
    def strip(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if not k.startswith("__")}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v
    return strip(rec)


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
                raw.extend((kind, _rel(path, root), r) for r in _read_yaml(path, root))
            except RecordError as exc:
                errors.append(exc)
    overrides_path = data_dir / "mia" / "overrides.yaml"
    overrides: dict[str, Any] = {}
    if overrides_path.exists():
        loaded = yaml.safe_load(overrides_path.read_text(encoding="utf-8")) or {}
        overrides = loaded if isinstance(loaded, dict) else {}
    merges: list[dict[str, Any]] = []
    if "mia" in sources:
        for rec in mia_work_records(sources["mia"].text, overrides, MIA_FILE):
            rec = dict(rec)
            rec["__line__"] = rec.pop("_line", None)
            rec.pop("_file", None)
            rec.pop("_mia_id", None)
            if rec.pop("_merge", False):
                merges.append(rec)
            else:
                raw.append(("work", MIA_FILE, rec))

    checker = _Checker(sources)
    ids: dict[str, str] = {}
    first_seen: dict[str, str] = {}
    for kind, file, rec in raw:
        rid = rec.get("id")
        if not isinstance(rid, str) or not SLUG.match(rid):
            checker.fail(rec, file, "id", f"missing or malformed id {rid!r}",
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
        if rtype not in TYPES[kind]:
            checker.fail(rec, file, "type", f"type {rtype!r} is not allowed for a {kind}", ", ".join(TYPES[kind]))
        if kind != "relation" and not isinstance(rec.get("label"), str):
            checker.fail(rec, file, "label", "missing label", "an English preferred label")
        for req in REQUIRED.get(kind, ()):
            if req not in rec:
                checker.fail(rec, file, req, f"missing required field '{req}'")
        if kind == "work" and rec.get("attribution_status") not in (None, *ATTRIBUTION_STATUSES):
            checker.fail(rec, file, "attribution_status", f"unknown status {rec['attribution_status']!r}",
                         ", ".join(ATTRIBUTION_STATUSES))
        for key, (form, targets) in allowed.items():
            if key in rec and key not in COMMON:
                checker.value(rec, file, key, form, ids, targets)
        # a disagreement's evidence lives in its claims, one list per claim
        evidence = [] if kind == "disagreement" and "evidence" not in rec else checker.evidence(rec, file)
        for extra in merges:
            if extra["id"] == rid:
                evidence += checker.evidence(extra, MIA_FILE)
        line = rec.get("__line__") or 0
        records[rid] = Record(kind, rid, str(rtype), _clean(rec), file, line, evidence)
        if kind == "disagreement":
            records[rid].data["claims"] = [
                {**_clean(c), "evidence": c.get("_evidence", [])} for c in rec.get("claims", []) if isinstance(c, dict)]
    errors += checker.errors
    decisions, decision_errors = read_decisions(data_dir / "wikidata" / "decisions.csv", set(ids),
                                                "data/wikidata/decisions.csv")
    errors += decision_errors
    if errors:
        raise RecordErrors(errors)
    return Dataset(records, sources, decisions)
