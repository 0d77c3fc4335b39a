"""EDTF dates in words, for readers: "30 December 1890", "1933 to April 1936", "late 1927 or early 1928".

One function, :func:`date_in_words`, serves the web pages and the command line's text tables. It keeps
the uncertainty the EDTF string carries ("about 1920", "1909?", "before 1930") and never adds
precision. What it cannot read it refuses (:class:`serge_kg.dates.DateError`), so a raw EDTF string
never reaches a reader by accident.
"""

from __future__ import annotations

import re
from functools import lru_cache

from serge_kg.errors import DateError

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
# EDTF level 1/2 sub-year groupings (codes 21-41), as a historian would say them
_SUBYEAR = {21: "spring", 22: "summer", 23: "autumn", 24: "winter",
            25: "spring", 26: "summer", 27: "autumn", 28: "winter",  # northern hemisphere
            29: "spring", 30: "summer", 31: "autumn", 32: "winter",  # southern hemisphere
            33: "the first quarter of", 34: "the second quarter of", 35: "the third quarter of",
            36: "the fourth quarter of", 37: "the first four months of", 38: "the middle four months of",
            39: "the last four months of", 40: "early", 41: "late"}
_PART = re.compile(r"^(?P<pre>[~?%]?)(?P<y>-?\d{4})(?:-(?P<m>\d{2}))?(?:-(?P<d>\d{2}))?(?P<q>[~?%]?)$")


def _plain(text: str) -> tuple[str, tuple[int, int | None, int | None]]:
    """One EDTF date (no interval, no set) in words, with its (year, month, day) for compacting."""
    m = _PART.match(text.strip())
    if not m:
        raise DateError(f"'{text}' is not an EDTF date this renderer knows")
    year, month, day = int(m["y"]), int(m["m"]) if m["m"] else None, int(m["d"]) if m["d"] else None
    qual = m["q"] or m["pre"]
    if month is not None and month > 12:
        if month not in _SUBYEAR or day is not None:
            raise DateError(f"'{text}' has an unknown month or season code {month:02d}")
        words, key = f"{_SUBYEAR[month]} {year}", (year, -month, None)  # never compacted with a month
    elif month is not None:
        if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
            raise DateError(f"'{text}' is not a real date")
        words = f"{day} {MONTHS[month - 1]} {year}" if day else f"{MONTHS[month - 1]} {year}"
        key = (year, month, day)
    else:
        words, key = str(year), (year, None, None)
    if qual == "~":
        words = f"about {words}"
    elif qual == "?":
        words = f"{words}?"
    elif qual == "%":
        words = f"about {words}?"
    if qual:
        key = (year, -99, None)  # qualified dates are never compacted
    return words, key


def _pair(a: str, b: str, joiner: str) -> str:
    """Two dates joined ("to", "or"), written once where they share a year or month."""
    wa, ka = _plain(a)
    wb, kb = _plain(b)
    (ya, ma, da), (yb, mb, db) = ka, kb
    if ya == yb and ma and mb and ma > 0 and mb > 0:
        if ma == mb and da and db:
            return f"{da} {joiner} {db} {MONTHS[ma - 1]} {ya}"
        if not da and not db:
            return f"{MONTHS[ma - 1]} {joiner} {MONTHS[mb - 1]} {ya}"
        if da and db:
            return f"{da} {MONTHS[ma - 1]} {joiner} {db} {MONTHS[mb - 1]} {ya}"
    return f"{wa} {joiner} {wb}"


def _range(item: str) -> str:
    """One member of an EDTF set: a date, ``a..b``, ``..b`` or ``a..``."""
    if ".." not in item:
        return _plain(item)[0]
    start, _, end = item.partition("..")
    if not start and not end:
        raise DateError(f"'{item}' has neither start nor end")
    if not start:
        return f"before {_plain(end)[0]}"
    if not end:
        return f"after {_plain(start)[0]}"
    late_early = re.fullmatch(r"(\d{4})-(\d{2})", start), re.fullmatch(r"(\d{4})-(\d{2})", end)
    if late_early[0] and late_early[1]:
        (y1, m1), (y2, m2) = (tuple(int(x) for x in g.groups()) for g in late_early)  # type: ignore[union-attr]
        if y2 == y1 + 1 and m1 >= 7 and m2 <= 6:
            return f"late {y1} or early {y2}"
    return _pair(start, end, "to")


def _set(text: str) -> str:
    one_of = text.startswith("[")
    items = [i.strip() for i in text[1:-1].split(",") if i.strip()]
    if not items:
        raise DateError(f"'{text}' is an empty set")
    if len(items) == 1:
        inner = items[0]
        if one_of and ".." in inner and inner.partition("..")[0] and inner.partition("..")[2]:
            y1, _, y2 = inner.partition("..")
            if re.fullmatch(r"\d{4}", y1) and re.fullmatch(r"\d{4}", y2) and int(y2) == int(y1) + 1:
                return f"{y1} or {y2}"  # "[1928..1929]": one of two years
            words = _range(inner)
            return words if " or " in words else f"between {words.replace(' to ', ' and ', 1)}"
        return _range(inner)
    joiner = "or" if one_of else "and"
    if len(items) == 2 and ".." not in text:
        return _pair(items[0], items[1], joiner)
    words = [_range(i) for i in items]
    return ", ".join(words[:-1]) + f" {joiner} {words[-1]}"


def _uncertain_interval(start: str, end: str) -> str:
    """An interval with a side that is a one-of set ("starting between 25 May and 31 December 1933")."""
    def side(part: str) -> str:
        words = _set(part) if part.startswith("[") else _plain(part)[0]
        return f"in {words}" if part.startswith("[") and words[:1].isdigit() else words
    first = (f"starting {side(start)}" if start.startswith("[") else side(start)) if start not in ("", "..") else ""
    if end in ("", ".."):
        return f"{first} ({'end unknown' if end == '' else 'onwards'})"
    last = f"ending {side(end)}" if end.startswith("[") else f"until {side(end)}"
    if not first:
        return f"{last} ({'start unknown' if start == '' else 'from the beginning'})"
    return f"{first}, {last}"


@lru_cache(maxsize=4096)
def _words(text: str) -> str:
    if "/" in text and not text.startswith("{"):  # an interval; a side may be a one-of set ("[a..b]/c")
        start, _, end = text.partition("/")
        if start in ("", "..") and end in ("", ".."):
            raise DateError(f"interval '{text}' has neither start nor end")
        if start.startswith("[") or end.startswith("["):  # a side known only as one of several dates
            return _uncertain_interval(start, end)
        if start == "..":
            return f"until {_plain(end)[0]}"
        if start == "":
            return f"until {_plain(end)[0]} (start unknown)"
        if end == "..":
            return f"from {_plain(start)[0]} onwards"
        if end == "":
            return f"from {_plain(start)[0]} (end unknown)"
        return _pair(start, end, "to")
    if text.startswith(("[", "{")):
        if not text.endswith("]" if text[0] == "[" else "}"):
            raise DateError(f"'{text}': a set must close with the bracket it opens with")
        return _set(text)
    return _plain(text)[0]


def date_in_words(edtf: str, note: str | None = None) -> str:
    """An EDTF date as a reader says it; ``note`` (the record's ``date_note``) marks a derived bound.

    >>> date_in_words("1890-12-30")
    '30 December 1890'
    >>> date_in_words("1933/1936-04")
    '1933 to April 1936'
    >>> date_in_words("[1927-07..1928-06]")
    'late 1927 or early 1928'
    >>> date_in_words("1928-03/[1928-04-19..1928-05-26]")
    'March 1928, ending between 19 April and 26 May 1928'
    >>> date_in_words("1909", "the year of the move to Paris")
    '1909, derived: the year of the move to Paris'

    :raises DateError: if ``edtf`` is empty or uses a form this renderer does not know.
    """
    text = edtf.strip()
    if not text:
        raise DateError("empty date")
    words = _words(text)
    return f"{words}, derived: {note.strip()}" if note and note.strip() else words
