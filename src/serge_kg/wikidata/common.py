"""What the Wikidata link tools share: which records are linkable, our names and life years,
Wikidata's names and dates, and the comparison of one record with one item's entity data (used by
``link report`` on the cache and by ``link verify`` live)."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from serge_kg.dates import DateError, parse_date
from serge_kg.pipeline.records import Dataset, Record

from .api import EntityData, parse_entity_body

LINKABLE: dict[str, frozenset[str] | None] = {
    "person": None,
    "organization": None,
    "place": None,
    "work": frozenset({"Novel", "History", "Memoir", "PoetryCollection", "Collection", "Study", "Notebook",
                       "Book", "Biography", "Reference", "Pamphlet"}),
    "event": frozenset({"HistoricalEvent", "Congress"}),
}
"""Kind -> the types that may have a Wikidata item of their own (None: every type). Left out:
translations (editions), relations and disagreements (our own statements), the events of a life
(Birth, Arrest ... are our nodes) and short writings (Article, Letter, Essay, Poem, Lecture, Extract,
Series, and the plain ``Work`` of the MIA index)."""
LINKABLE_KINDS = tuple(LINKABLE)
STATUSES = ("linked", "unsure", "no", "unlinked")
FINDING_VERDICTS = ("missing", "mismatch", "redirected")
"""Verdicts that mean decisions.csv needs a curator: the item is gone, disagrees with us, or was merged."""
JULIAN = "Q1985786"  # the Julian calendar item, the calendarmodel of some Wikidata dates


# names -------------------------------------------------------------------------------------------
def normalize_name(text: str) -> str:
    """A name folded for comparison: no accents, case or punctuation, single spaces.

    >>> normalize_name("  Panaït  ISTRATI ")
    'panait istrati'
    >>> normalize_name("L’Anarchie") == normalize_name("L'anarchie")
    True
    >>> normalize_name("Ви́ктор Серж")
    'виктор серж'
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def without_brackets(text: str) -> list[str]:
    """``"Vlady (Vladimir Kibalchich)"`` -> ``["Vlady", "Vladimir Kibalchich"]``; plain names unchanged."""
    inner = re.findall(r"\(([^()]*)\)", text)
    outer = re.sub(r"\s*\([^()]*\)", "", text).strip()
    return [n for n in (outer, *inner) if n.strip()]


def our_names(record: Record) -> list[str]:
    """Every name we hold for a record: label, title, alternative labels, birth names, pseudonyms, published titles."""
    raw: list[str] = []
    for key in ("label", "title"):
        if isinstance(record.get(key), str):
            raw.append(record.get(key))
    for key in ("alt_labels", "pseudonyms", "published_as"):
        raw += [v for v in record.get(key) or [] if isinstance(v, str)]
    raw += [n["value"] for n in record.get("birth_names") or [] if isinstance(n, dict) and n.get("value")]
    names: list[str] = []
    for name in raw:
        for n in [name, *without_brackets(name)]:
            if n not in names:
                names.append(n)
    return names


def their_names(entity: dict[str, Any]) -> list[tuple[str, str]]:
    """Every label and alias of a Wikidata item, in any language, as (language, name)."""
    out: list[tuple[str, str]] = []
    for lang, label in sorted((entity.get("labels") or {}).items()):
        if isinstance(label, dict) and label.get("value"):
            out.append((lang, str(label["value"])))
    for lang, aliases in sorted((entity.get("aliases") or {}).items()):
        for alias in aliases if isinstance(aliases, list) else []:
            if isinstance(alias, dict) and alias.get("value"):
                out.append((lang, str(alias["value"])))
    return out


def main_label(entity: dict[str, Any]) -> str:
    """The item's English label, else its first label, else its id."""
    labels = entity.get("labels") or {}
    for lang in ("en", "mul", *sorted(labels)):
        if isinstance(labels.get(lang), dict) and labels[lang].get("value"):
            return str(labels[lang]["value"])
    return str(entity.get("id", ""))


# dates -------------------------------------------------------------------------------------------
YearRange = tuple[int, int]


def _year_range(date: Any) -> YearRange | None:
    try:
        bounds = parse_date(str(date))
    except DateError:
        return None
    lo, hi = bounds.earliest, bounds.latest
    if lo is None and hi is None:
        return None
    return ((lo or hi).year, (hi or lo).year)  # type: ignore[union-attr]


def _principals(event: Record) -> list[str]:
    who = (event.get("participants") or {}).get("principal") or []
    return [who] if isinstance(who, str) else [w for w in who if isinstance(w, str)]


def life_years(dataset: Dataset) -> dict[str, dict[str, YearRange]]:
    """Person id -> {"birth": (first, last possible year), "death": (...)} from the dated Birth and Death events."""
    out: dict[str, dict[str, YearRange]] = defaultdict(dict)
    for event in dataset.of_kind("event"):
        what = {"Birth": "birth", "Death": "death"}.get(event.type)
        span = _year_range(event.get("date")) if what and event.get("date") is not None else None
        if what is None or span is None:
            continue
        for pid in _principals(event):
            old = out[pid].get(what)
            out[pid][what] = (min(old[0], span[0]), max(old[1], span[1])) if old else span
    return dict(out)


def _show_years(span: YearRange) -> str:
    return str(span[0]) if span[0] == span[1] else f"{span[0]}-{span[1]}"


@dataclass(frozen=True)
class WikidataTime:
    """The year of a Wikidata time value at its precision (9 year, 10 month, 11 day; 8 decade, 7 century)."""

    year: int
    precision: int

    def matches(self, span: YearRange) -> bool:
        """True if a year in ``span`` is compatible with this value at its precision."""
        years = range(span[0], span[1] + 1)
        if self.precision >= 9:
            return self.year in years
        if self.precision == 8:
            return any(y // 10 == self.year // 10 for y in years)
        if self.precision == 7:
            return any((y - 1) // 100 == (self.year - 1) // 100 for y in years)
        return True  # a millennium says nothing about a year

    def __str__(self) -> str:
        if self.precision >= 9:
            return str(self.year)
        if self.precision == 8:
            return f"{self.year // 10 * 10}s"
        if self.precision == 7:
            return f"century {(self.year - 1) // 100 + 1}"
        return f"{self.year} (precision {self.precision})"


_TIME = re.compile(r"^([+-])(\d+)-(\d\d)-(\d\d)T")


def wikidata_times(entity: dict[str, Any], prop: str) -> list[WikidataTime]:
    """The values of a time property (``P569`` date of birth, ``P570`` date of death), deprecated ones left out.

    A Julian-calendar day is converted to the Gregorian calendar first, so 25 December Julian
    can fall in the next Gregorian year, as our dates are Gregorian.
    """
    claims = entity.get("claims") or entity.get("statements") or {}
    out: list[WikidataTime] = []
    for st in claims.get(prop) or []:
        if not isinstance(st, dict) or st.get("rank") == "deprecated":
            continue
        snak = st.get("mainsnak") or {}
        if snak.get("snaktype", "value") != "value":
            continue  # "somevalue" (unknown) or "novalue"
        value = (snak.get("datavalue") or {}).get("value") or {}
        m = _TIME.match(str(value.get("time", "")))
        if not m:
            continue
        year = int(m.group(2)) * (-1 if m.group(1) == "-" else 1)
        month, day = int(m.group(3)), int(m.group(4))
        precision = int(value.get("precision", 11))
        if precision >= 11 and str(value.get("calendarmodel", "")).endswith(JULIAN) and year > 0 and month and day:
            try:
                year = (dt.date(year, month, day) + dt.timedelta(days=year // 100 - year // 400 - 2)).year
            except ValueError:
                pass  # 29 February in a Julian-only leap year: keep the year
        out.append(WikidataTime(year, precision))
    return out


# decisions and coverage --------------------------------------------------------------------------
def is_linkable(record: Record) -> bool:
    """True if records of this kind and type may have a Wikidata item of their own (see :data:`LINKABLE`)."""
    if record.kind not in LINKABLE:
        return False
    types = LINKABLE[record.kind]
    return types is None or record.type in types


# comparing one link with Wikidata ----------------------------------------------------------------
@dataclass(frozen=True)
class Check:
    """One compared field of one link: ``result`` is match, mismatch, not compared, redirected or missing."""

    field: str
    ours: str
    theirs: str
    result: str


@dataclass
class Verification:
    """Every check of one ``same`` link and the verdict."""

    record_id: str
    kind: str
    qid: str
    resolved_qid: str
    checks: list[Check] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """missing, mismatch, redirected, unconfirmed (a person with no year to compare) or verified."""
        results = {c.result for c in self.checks}
        for bad in FINDING_VERDICTS:
            if bad in results:
                return bad
        if self.kind == "person" and not any(c.field.endswith("year") and c.result == "match" for c in self.checks):
            return "unconfirmed"
        return "verified"

    @property
    def findings(self) -> list[Check]:
        """The checks that need a curator."""
        return [c for c in self.checks if c.result in FINDING_VERDICTS]


def compare(record: Record, qid: str, data: EntityData, years: dict[str, YearRange] | None = None) -> Verification:
    """Compare our record with the Wikidata item ``data`` that ``qid`` resolved to.

    Names: a match of any of our names (:func:`our_names`) with any label or alias in any language,
    after :func:`normalize_name`. People: birth and death years (P569, P570) against ``years``,
    at Wikidata's precision; any non-deprecated value may match.
    """
    v = Verification(record.id, record.kind, qid, data.qid)
    entity = data.entity
    if "missing" in entity:
        v.checks.append(Check("item", qid, "no such item on Wikidata (deleted?)", "missing"))
        return v
    if data.redirected:
        v.checks.append(Check("qid", qid, f"{qid} redirected to {data.qid}", "redirected"))
    ours = our_names(record)
    theirs = their_names(entity)
    folded = {normalize_name(n) for n in ours} - {""}
    hits = [f"{name} ({lang})" for lang, name in theirs if normalize_name(name) in folded]
    label = record.get("label") or record.id
    if hits:
        v.checks.append(Check("label", label, ", ".join(dict.fromkeys(hits[:3])), "match"))
    else:
        others = len(theirs) - 1
        shown = main_label(entity) + (f" (and {others} other labels/aliases)" if others > 0 else "")
        v.checks.append(Check("label", " | ".join(ours[:4]) or label, shown if theirs else "no labels", "mismatch"))
    if record.kind == "person":
        for what, prop in (("birth", "P569"), ("death", "P570")):
            span = (years or {}).get(what)
            times = wikidata_times(entity, prop)
            shown = " / ".join(dict.fromkeys(str(t) for t in times))
            if span is None and not times:
                continue
            if span is None:
                v.checks.append(Check(f"{what} year", "not held", shown, "not compared"))
            elif not times:
                v.checks.append(Check(f"{what} year", _show_years(span), f"no {prop} on Wikidata", "not compared"))
            else:
                ok = any(t.matches(span) for t in times)
                v.checks.append(Check(f"{what} year", _show_years(span), shown, "match" if ok else "mismatch"))
    return v


def missing_entity(qid: str) -> EntityData:
    """Stand-in entity data for an item Wikidata does not have (the ``wbgetentities`` form of a missing item)."""
    body = json.dumps({"entities": {qid: {"id": qid, "missing": ""}}}).encode()
    return parse_entity_body(qid, body)


