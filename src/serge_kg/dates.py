"""EDTF dates: parse with the ``edtf`` library and derive earliest / latest ``xsd:date`` bounds.

Intervals are split here and each side parsed on its own, because ``edtf`` mishandles open ends
(``1923/..`` raises, ``1923/`` gets an invented ten-year end).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from serge_kg.errors import DateError  # noqa: F401 - re-exported: callers import it from here

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^(\d{4})$")

EDTF_HELP = ("an EDTF date at the precision of the source, e.g. '1919', '1919-01', '1890-12-30', "
             "'1921-41' (late 1921), '[1927-07..1928-06]' (late 1927 or early 1928), '1933/1936'")


@dataclass(frozen=True)
class DateBounds:
    """An EDTF string with its machine bounds (``None`` where the source leaves an end open)."""

    edtf: str
    earliest: dt.date | None
    latest: dt.date | None
    simple: str | None  # XSD datatype local name ("date", "gYearMonth", "gYear") when the EDTF is a plain date

    @property
    def is_uncertain(self) -> bool:
        """True unless the date is a single plain day, month or year."""
        return self.simple is None


def _plain(text: str) -> tuple[dt.date, dt.date] | None:
    """Bounds of a plain YYYY, YYYY-MM or YYYY-MM-DD without the (slow, pyparsing-based) library."""
    if m := _YEAR.match(text):
        y = int(m.group(1))
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    if m := _MONTH.match(text):
        y, mo = int(m.group(1)), int(m.group(2))
        return dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1])
    if _DAY.match(text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError as exc:
            raise DateError(f"'{text}' is not a real calendar day") from exc
        return day, day
    return None


_PLAIN = r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-\d{2})?)?"
_ONE_OF = re.compile(rf"^\[(?:{_PLAIN}(?:\.\.{_PLAIN})?)(?:,{_PLAIN}(?:\.\.{_PLAIN})?)*\]$")


def _one_of(text: str) -> tuple[dt.date, dt.date] | None:
    """Bounds of a one-of set of plain dates and closed ranges (``[1927-07..1928-06]``, ``[1924-03,1924-04]``):
    from its earliest member's start to its latest member's end, as the library gives them, without its
    parser (a tenth of a second per distinct date). Anything else (a range that runs backwards or whose
    ends differ in precision, a set of one date) is left to the library, which decides."""
    if not _ONE_OF.match(text):
        return None
    items = text[1:-1].split(",")
    if len(items) == 1 and ".." not in items[0]:  # the library wants two members or a range
        return None
    lows, highs = [], []
    for item in items:
        first, _, last = item.partition("..")
        if last and len(last) != len(first):  # a range's ends at one precision, as the library wants
            return None
        (low, _), (_, high) = _plain(first), _plain(last or first)  # type: ignore[misc]
        if high < low:
            return None
        lows.append(low)
        highs.append(high)
    return min(lows), max(highs)


def _side(text: str) -> tuple[dt.date, dt.date]:
    try:
        plain = _plain(text) or _one_of(text)
    except DateError:
        raise
    except ValueError as exc:  # year 0000: no calendar date
        raise DateError(f"'{text}' has no calendar date (year 0?)") from exc
    if plain is not None:
        return plain
    # the library's pyparsing grammar costs a tenth of a second to import: loaded for the forms above
    # the plain ones only (seasons, open sets ...)
    from edtf import parse_edtf, struct_time_to_date
    from edtf.parser.edtf_exceptions import EDTFParseException

    try:
        parsed = parse_edtf(text)
        return struct_time_to_date(parsed.lower_strict()), struct_time_to_date(parsed.upper_strict())
    except (EDTFParseException, ValueError, TypeError, OverflowError, AttributeError) as exc:
        # the library raises TypeError for open sets ("[..1890-12-30]") and ValueError for years it
        # cannot turn into a calendar date ("0000", "-1984", "Y170000002")
        raise DateError(f"'{text[:200]}' is not an EDTF date with calendar bounds") from exc


def _interval_slash(text: str) -> int:
    """Offset of the "/" that splits an interval, outside any ``[...]`` or ``{...}`` set; -1 if none.

    A side may itself be a one-of set: ``[1933-05-25..1933-12-31]/1936-04`` starts some day in
    that range.
    """
    depth = 0
    for i, ch in enumerate(text):
        depth += ch in "[{"
        depth -= ch in "]}"
        if ch == "/" and depth == 0:
            return i
    return -1


@lru_cache(maxsize=4096)
def parse_date(text: str) -> DateBounds:
    """Parse an EDTF string into bounds.

    >>> parse_date("1919-01").latest
    datetime.date(1919, 1, 31)
    >>> parse_date("1923/").latest is None
    True

    :raises DateError: if the string is not EDTF, or an interval ends before it starts.
    """
    text = text.strip()
    if not text:
        raise DateError("empty date")
    simple = ("date" if _DAY.match(text) else "gYearMonth" if _MONTH.match(text)
              else "gYear" if _YEAR.match(text) else None)
    if (slash := _interval_slash(text)) >= 0:
        start, end = text[:slash], text[slash + 1:]
        if start in ("", "..") and end in ("", ".."):
            raise DateError(f"interval '{text}' has neither start nor end")
        earliest = None if start in ("", "..") else _side(start)[0]
        latest = None if end in ("", "..") else _side(end)[1]
        if earliest and latest and latest < earliest:
            raise DateError(f"interval '{text}' ends before it starts")
        return DateBounds(text, earliest, latest, None)
    earliest, latest = _side(text)
    return DateBounds(text, earliest, latest, simple)
