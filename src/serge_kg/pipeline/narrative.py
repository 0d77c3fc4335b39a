"""The order in which the sources narrate the events: each event's ``sequence`` (1, 2, 3 ...).

An event's narrative place is where the Wikipedia article first tells it in its sections; events
that only the infobox or the lead mention (they summarise the whole life out of order) come after
those, then events only the MIA index tells, in its order. The life timeline sorts by the date
bounds first and uses the sequence to break ties and to place undated events.
"""

from __future__ import annotations

from .record_types import Dataset, Record

FIRST_SECTION = "Early life and political beginnings [ edit ]"
_AFTER_ARTICLE = 10**8


def _position(ds: Dataset, rec: Record) -> int:
    body: list[int] = []
    summary: list[int] = []
    other: list[int] = []
    for ev in rec.evidence:
        src = ds.sources[ev.source]
        pos = src.find(ev.quote)
        if ev.source == "wikipedia":
            start = src.text.find(FIRST_SECTION)
            (body if pos >= start else summary).append(pos)
        else:
            other.append(pos)
    if body:
        return min(body)
    return _AFTER_ARTICLE + min(summary) if summary else 2 * _AFTER_ARTICLE + min(other or [0])


def sequences(ds: Dataset) -> dict[str, int]:
    """Event id -> its rank (from 1) in the sources' narrative."""
    events = ds.of_kind("event")
    ranked = sorted(events, key=lambda r: (_position(ds, r), r.id))
    return {rec.id: i for i, rec in enumerate(ranked, 1)}
