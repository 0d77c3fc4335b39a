"""The field-by-field checks of one record: values, references, dates, ISBNs and verbatim evidence.

Each problem becomes a :class:`~serge_kg.errors.RecordError` naming file, line, record and field, what
is wrong and what is allowed.
"""

from __future__ import annotations

import re
from typing import Any

from serge_kg.dates import EDTF_HELP, DateError, parse_date
from serge_kg.errors import RecordError
from serge_kg.isbn import IsbnError, normalize_isbn
from serge_kg.schema import ROLES
from serge_kg.sources.text import Source
from serge_kg.strict_yaml import short

from .record_types import Evidence

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_QUOTE = 400


class Checker:
    """Collects the errors of one record at a time."""

    def __init__(self, sources: dict[str, Source]) -> None:
        self.sources = sources
        self.errors: list[RecordError] = []

    def fail(self, rec: dict[str, Any], file: str, fld: str | None, problem: str,
             allowed: str | None = None, line: int | None = None) -> None:
        top = fld.split(".")[0] if fld else None
        if line is None:
            line = rec.get("__lines__", {}).get(top, rec.get("__line__")) if top else rec.get("__line__")
        file = rec.get("__files__", {}).get(top, file)  # a field an override set: blame overrides.yaml
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
            name = item.get("source")
            src = self.sources.get(name) if isinstance(name, str) else None
            if src is None:
                self.fail(rec, file, "evidence.source", f"unknown source {short(name)}",
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
                self.fail(rec, file, "evidence.quote", f"quote not found verbatim in source '{src.id}': {short(quote)}",
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
            if not isinstance(cite, list) or not all(isinstance(n, int) and not isinstance(n, bool) and n in src.notes
                                                     for n in cite):
                self.fail(rec, file, "evidence.cite", f"bad citation {short(item['cite'])}",
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
                self.fail(rec, file, key, f"expected a non-empty string, got {short(val)}")
        elif form == "strs":
            if not isinstance(val, list) or not all(isinstance(v, str) and v for v in val):
                self.fail(rec, file, key, f"expected a list of strings, got {short(val)}")
        elif form == "date":
            try:
                parse_date(str(val)) if isinstance(val, (str, int)) else parse_date("")
            except DateError as exc:
                self.fail(rec, file, key, f"impossible or malformed date {short(val)}: {exc}", EDTF_HELP)
        elif form == "isbn":
            try:
                normalize_isbn(str(val))
            except IsbnError as exc:
                self.fail(rec, file, key, str(exc), "an ISBN-10 or ISBN-13 with a valid check digit")
        elif form in ("ref", "refs"):
            vals = val if form == "refs" else [val]
            if not isinstance(vals, list):
                self.fail(rec, file, key, f"expected a list of record ids, got {short(val)}")
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
                    self.fail(rec, file, key, f"unknown role {short(role)}", ", ".join(ROLES))
                for v in who if isinstance(who, list) else [who]:
                    self._ref(rec, file, f"{key}.{role}", v, ids, targets)
        elif form == "names":
            if not isinstance(val, list) or not all(isinstance(v, dict) and isinstance(v.get("value"), str)
                                                    and v["value"].strip()
                                                    and isinstance(v.get("lang", ""), str) for v in val):
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
            self.fail(rec, file, key.split(".")[0], f"unknown reference {short(v)}",
                      f"the id of an existing {' or '.join(targets)} record")
        elif ids[v] not in targets:
            self.fail(rec, file, key.split(".")[0], f"'{v}' is a {ids[v]}, not a {' or '.join(targets)}")


def clean(rec: dict[str, Any]) -> dict[str, Any]:
    """The record without the loader's line bookkeeping (keys starting ``__``)."""
    def strip(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if not k.startswith("__")}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v
    return strip(rec)
