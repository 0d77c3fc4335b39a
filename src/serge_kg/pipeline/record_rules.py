"""The rules that keep the records to what the sources say, checked over all records at once.

- **Labels are the sources' forms**: every label and alternative label of a named entity occurs in
  the record's own evidence quotes, unless the record names its authority (``label_authority``).
- **Descriptions say nothing the evidence does not**: every capitalised name and every number in a
  description occurs in the record's quotes or in the labels of the records it is linked with, or
  is justified in ``data/rules/description-allowlist.yaml``.
- **Derived dates say so**: a date whose parts are not literally in the quotes has a ``date_note``.
- **A stance is verbatim**: an opinion's ``stance`` occurs in one of its evidence quotes.

Each problem is a :class:`~serge_kg.errors.RecordError` with file, line, record and field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from serge_kg.dates import EDTF_HELP, DateError, parse_date
from serge_kg.errors import RecordError
from serge_kg.schema import DATED_FIELDS, FIELDS, LABEL_AUTHORITIES

from .record_types import Dataset, Record

NAMED_KINDS = ("person", "organization", "place", "work", "translation")
ALLOWLIST = "data/rules/description-allowlist.yaml"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
SEASONS = {21: ("spring",), 22: ("summer",), 23: ("autumn", "fall"), 24: ("winter",),
           40: ("early",), 41: ("late",)}
# sentence-initial words that are capitalised only because they start a sentence
FUNCTION_WORDS = frozenset("""a an the in on at of for from with without to by as after before during
until since between while when where who whose which that this these those his her its their he she it
they one same some many most no not both either each every all also then there here having being
""".split())
_CAP = re.compile(r"(?<![\w'’])([A-ZÀ-ÖØ-Þ][\w'’.-]*\w|[A-ZÀ-ÖØ-Þ])")
_NUM = re.compile(r"(?<!\d)\d+(?!\d)")
_PART = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def norm(text: str) -> str:
    """Text compared for spelling only: one kind of space and apostrophe, case folded."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("’", "'")).strip().casefold()


@dataclass(frozen=True)
class Allowed:
    """A justified term: ``record`` (an id, or ``*`` for every record), the term, and why."""

    record: str
    term: str
    reason: str


def read_allowlist(path: Path, rel: str = ALLOWLIST) -> tuple[list[Allowed], list[RecordError]]:
    """The description allow-list; every entry needs a record, a term and a reason."""
    if not path.exists():
        return [], []
    try:
        rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        return [], [RecordError(rel, None, None, None, f"malformed YAML: {exc}")]
    out: list[Allowed] = []
    errors: list[RecordError] = []
    for i, row in enumerate(rows if isinstance(rows, list) else [rows], 1):
        if not (isinstance(row, dict) and all(isinstance(row.get(k), (str, int)) and str(row.get(k)).strip()
                                              for k in ("record", "term", "reason"))):
            errors.append(RecordError(rel, None, None, f"entry {i}", "an entry needs record, term and reason",
                                      "{record: <id or *>, term: <word or number>, reason: <why it may stay>}"))
            continue
        out.append(Allowed(str(row["record"]), str(row["term"]), str(row["reason"])))
    return out, errors


def check_rules(ds: Dataset, allowlist: list[Allowed]) -> list[RecordError]:
    """Every rule's problems over every record, in record order."""
    linked = _linked_labels(ds)
    errors: list[RecordError] = []
    for rec in sorted(ds.records.values(), key=lambda r: (r.file, r.line, r.id)):
        errors += _labels(ds, rec)
        errors += _description(rec, linked.get(rec.id, ""), allowlist)
        errors += _date_note(rec)
        errors += _stance(rec)
        errors += _claim_dates(rec)
    return errors


def _err(rec: Record, field: str, problem: str, allowed: str) -> RecordError:
    return RecordError(rec.file, rec.line, rec.id, field, problem, allowed)


def _quotes(rec: Record) -> str:
    return " | ".join(ev.quote for ev in rec.all_evidence)


def _in_quotes(name: str, quotes: str) -> bool:
    """The name as written, or its "Surname, Given" form (reference lists, translators)."""
    n, q = norm(name), norm(quotes)
    if n in q:
        return True
    *given, surname = n.split(" ") if " " in n else ("", n)
    return bool(given) and f"{surname}, {' '.join(given)}" in q


def _labels(ds: Dataset, rec: Record) -> Iterator[RecordError]:
    if rec.kind not in NAMED_KINDS:
        return
    quotes = _quotes(rec)
    authority = rec.get("label_authority")
    if authority is not None and authority not in LABEL_AUTHORITIES:
        yield _err(rec, "label_authority", f"unknown label authority {authority!r}", ", ".join(LABEL_AUTHORITIES))
    label = rec.get("label", "")
    if authority == "wikidata":
        decision = ds.links.get(rec.id)
        if decision is None:
            yield _err(rec, "label_authority", "label_authority: wikidata, but the record has no verified "
                       "('same') row in data/wikidata/decisions.csv",
                       "a verified Wikidata item, or the sources' spelling as the label")
        elif norm(label) not in norm(decision.how_verified):
            yield _err(rec, "label", f"label {label!r} is not the label recorded for {decision.qid} in "
                       "decisions.csv (how_verified)", "the Wikidata label as recorded, or the sources' spelling")
        if not any(_in_quotes(alt, quotes) for alt in rec.get("alt_labels", [])) and not _in_quotes(label, quotes):
            yield _err(rec, "alt_labels", "the sources' own spelling is missing",
                       "keep the form the evidence quotes as an alternative label")
    elif authority == "unnamed":
        if not rec.get("description"):
            yield _err(rec, "description", "an unnamed entity needs a description saying who it is",
                       "one sentence from the evidence")
    elif not _in_quotes(label, quotes):
        yield _err(rec, "label", f"label {label!r} is not in the record's evidence quotes",
                   "the spelling the sources use (a fuller form only with label_authority: wikidata)")
    for alt in rec.get("alt_labels", []):
        if not _in_quotes(alt, quotes):
            yield _err(rec, "alt_labels", f"alternative label {alt!r} is not in the record's evidence quotes",
                       "forms the sources use, each quoted in the record's evidence")


def _refs(rec: Record) -> Iterator[str]:
    for key, (form, _targets) in FIELDS.get(rec.kind, {}).items():
        val = rec.get(key)
        if val is None or form not in ("ref", "refs", "participants"):
            continue
        if form == "participants":
            yield from (v for who in val.values() for v in (who if isinstance(who, list) else [who]))
        else:
            yield from (val if isinstance(val, list) else [val])


def _linked_labels(ds: Dataset) -> dict[str, str]:
    """For each record, the labels of the records it refers to and of those that refer to it."""
    names: dict[str, list[str]] = {rid: [] for rid in ds.records}

    def label_of(rid: str) -> list[str]:
        r = ds.records[rid]
        return [str(r.get("label", "")), *r.get("alt_labels", [])]

    for rec in ds.records.values():
        for ref in _refs(rec):
            if ref in ds.records:
                names[rec.id] += label_of(ref)
                names[ref] += label_of(rec.id)
    return {rid: " | ".join(v) for rid, v in names.items()}


def _terms(text: str) -> Iterator[tuple[str, bool]]:
    """Capitalised words and numbers of a text, each with whether it starts a sentence."""
    for m in _CAP.finditer(text):
        before = text[:m.start()].rstrip(" \"'(“")
        yield m.group(1), (not before or before.endswith((".", ":", ";", "!", "?")))
    for m in _NUM.finditer(text):
        yield m.group(0), False


def _description(rec: Record, linked: str, allowlist: list[Allowed]) -> Iterator[RecordError]:
    text = rec.get("description")
    if not isinstance(text, str):
        return
    pool = _quotes(rec) + " | " + linked
    words = set(re.findall(r"[\w'’.-]+", pool.replace("’", "'")))
    words |= {w.strip(".") for w in words}
    words |= {w[:-2] for w in words if w.endswith("'s")}
    numbers = set(_NUM.findall(pool))
    allowed = {a.term for a in allowlist if a.record in (rec.id, "*")}
    for term, initial in _terms(text):
        term_n = term.replace("’", "'").rstrip(".")
        if term_n.endswith("'s"):
            term_n = term_n[:-2]
        if term_n in allowed or term in allowed:
            continue
        if term_n.isdigit():
            if term_n not in numbers:
                yield _err(rec, "description", f"number {term} is in neither the evidence nor a linked label",
                           f"a number the quotes give, or an entry in {ALLOWLIST} with a reason")
            continue
        if term_n in words or (initial and (term_n.lower() in FUNCTION_WORDS
                                            or term_n.lower() in {w.lower() for w in words})):
            continue
        yield _err(rec, "description", f"name {term!r} is in neither the evidence nor a linked label",
                   f"words the quotes use, or an entry in {ALLOWLIST} with a reason")


def _literal(part: re.Match[str], quotes: str, ranged: bool) -> bool:
    """Whether one date part (year, month, day) is written in the quotes."""
    y, m, d = part.group(1), part.group(2), part.group(3)
    year = re.compile(rf"(?<!\d){y}(?!\d)|{y[:2]}\d\d\s*[–-]\s*{y[2:]}(?!\d)")
    if not year.search(quotes) and part.group(0) not in quotes:
        return False
    if m is None:
        return True
    mo = int(m)
    if 1 <= mo <= 12:
        mon = MONTHS[mo - 1][:3]  # "March", "Mar." and "Mar./Apr." all name it
        month = rf"{mon}\w*\.?(?:/\w+\.?)?,?\s+(?:of\s+)?{y}|\w+\.?/{mon}\w*\.?\s+{y}"
        if d is not None:
            day = rf"(?<!\d){int(d)}(?:\s*[-–]\s*\d{{1,2}})?\s+{mon}|\d{{1,2}}\s*[-–]\s*{int(d)}\s+{mon}"
            return part.group(0) in quotes or bool(re.search(rf"(?:{day})\w*\.?\s+{y}", quotes))
        if re.search(month, quotes) or part.group(0) in quotes:
            return True
        # conventions of data/README.md: "late 1927 or early 1928" -> [1927-07..1928-06]
        half = rf"late {y}|end of {y}" if mo >= 7 else rf"early {y}"
        return ranged and bool(re.search(half, quotes))
    words = SEASONS.get(mo, ())
    return any(re.search(rf"{w}\b[^|]*{y}", quotes, re.IGNORECASE) for w in words)


def _date_note(rec: Record) -> Iterator[RecordError]:
    date = rec.get("date")
    if date is None or rec.get("date_note"):
        return
    text, quotes = str(date), _quotes(rec).replace("\u00a0", " ")
    ranged = text.startswith("[") or ".." in text
    missing = [p.group(0) for p in _PART.finditer(text) if not _literal(p, quotes, ranged)]
    if missing:
        yield _err(rec, "date_note", f"date {text!r}: {', '.join(missing)} is not written in the evidence quotes, "
                   "and there is no date_note", "a date_note saying how the date was derived or computed")


def _stance(rec: Record) -> Iterator[RecordError]:
    stance: Any = rec.get("stance")
    if rec.kind == "opinion" and isinstance(stance, str) and norm(stance) not in norm(_quotes(rec)):
        yield _err(rec, "stance", f"stance {stance!r} is not verbatim in the opinion's evidence quotes",
                   "a short span of one of the evidence quotes")


def _claim_dates(rec: Record) -> Iterator[RecordError]:
    if rec.kind != "disagreement" or rec.get("field") not in DATED_FIELDS:
        return
    for claim in rec.get("claims", []):
        try:
            parse_date(str(claim.get("value")))
        except DateError as exc:
            yield _err(rec, "claims", f"claimed date {claim.get('value')!r} is not EDTF: {exc}", EDTF_HELP)
