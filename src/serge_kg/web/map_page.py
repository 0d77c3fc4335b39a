"""The map view: the places with coordinates, Serge's path between them, and the places not on the map.

Its data are the saved queries ``queries/views/map-places.rq`` and ``map-path.rq``, run once (the graph
does not change while serving) for the live ``/map`` page and for the static site's ``map.html``. The
page shows the same data as a table and an ordered list, and hands them to ``static/map.js`` in a
``<script type="application/json">`` island; the script draws them with Leaflet over the land outlines
of ``world-atlas`` (no tile server). A place page with coordinates gets a small map of its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio.to_thread
from rdflib import Graph, Literal, URIRef
from starlette.requests import Request
from starlette.responses import Response

from serge_kg.datewords import date_in_words
from serge_kg.errors import QueryExecutionError
from serge_kg.namespaces import WGS84
from serge_kg.query.engines import with_values
from serge_kg.query.saved import bindings_for, find_query

from .guard import QueryRefused
from .urls import Links
from .worker import HTML, Job, Outcome, Reply

if TYPE_CHECKING:  # render.py imports this module for the place pages' small maps; engine imports render
    from .engine import Engine

QUERIES = ("map-places", "map-path")
LAND = "static/vendor/world-atlas/land-50m.json"
SCRIPTS = ("static/vendor/leaflet/leaflet.js", "static/vendor/topojson-client/topojson-client.min.js", "static/map.js")
STYLES = ("static/vendor/leaflet/leaflet.css", "static/map.css")


@dataclass(frozen=True)
class Place:
    """One row of map-places."""

    iri: str
    label: str
    lat: float | None
    long: float | None
    events: int
    geonames_id: str
    unplaced: str  # why the place is not on the map ("" if it is)


@dataclass(frozen=True)
class Stop:
    """One row of map-path: an event at a place, with its date in words."""

    number: int
    iri: str
    label: str
    kind: str
    place: str
    place_label: str
    lat: float | None
    long: float | None
    date: str  # EDTF as the source gives it ("" if undated)
    when: str  # the date in words
    earliest: str
    latest: str
    sort_date: str


def _text(term: Any) -> str:
    return "" if term is None else str(term.value)


def _number(term: Any) -> float | None:
    return None if term is None else float(term.value)


def _rows(outcome: Outcome) -> list[dict[str, Any]]:
    return [dict(zip(outcome.variables, row)) for row in outcome.rows]


def places_from(outcome: Outcome) -> list[Place]:
    """The rows of map-places."""
    return [Place(_text(r["place"]), _text(r["label"]), _number(r["lat"]), _number(r["long"]),
                  int(_text(r["events"]) or 0), _text(r["geonamesId"]), _text(r["unplaced"])) for r in _rows(outcome)]


def stops_from(outcome: Outcome) -> list[Stop]:
    """The rows of map-path, numbered in their order."""
    out = []
    for n, r in enumerate(_rows(outcome), 1):
        date = _text(r["date"])
        out.append(Stop(n, _text(r["stop"]), _text(r["label"]), _text(r["kind"]), _text(r["place"]),
                        _text(r["placeLabel"]), _number(r["lat"]), _number(r["long"]), date,
                        date_in_words(date) if date else "date unknown", _text(r["earliest"]), _text(r["latest"]),
                        _text(r["sortDate"])))
    return out


def map_jobs(queries: Path, graph: Graph) -> list[Job]:
    """The two view queries as jobs, their parameters bound to their defaults.

    :raises QueryFileError: if a view query is missing; :raises QueryParameterError: if a default is unknown.
    """
    jobs = []
    for name in QUERIES:
        q = find_query(queries, name)
        jobs.append(Job(with_values(q.text, bindings_for(q, {}, graph)), results_media=HTML, rdf_media=HTML))
    return jobs


def outcomes(replies: list[Reply]) -> tuple[Outcome, Outcome]:
    """The outcomes of the two jobs' replies.

    :raises QueryExecutionError: if one of them failed (its message says why).
    """
    found = []
    for name, reply in zip(QUERIES, replies):
        if reply.outcome is None:
            raise QueryExecutionError(f"the view query {name} did not answer: {reply.message or reply.status}")
        found.append(reply.outcome)
    return found[0], found[1]


def map_context(links: Links, places: list[Place], stops: list[Stop]) -> dict[str, Any]:
    """The template context of the map page, with the data island for map.js."""
    on_map = [p for p in places if p.lat is not None]
    numbers: dict[str, list[int]] = {}
    for s in stops:
        if s.lat is not None:
            numbers.setdefault(s.place, []).append(s.number)
    data = {
        "land": links.to(LAND),
        "places": [{"iri": p.iri, "label": p.label, "lat": p.lat, "long": p.long, "events": p.events,
                    "href": links.iri(p.iri), "stops": numbers.get(p.iri, [])} for p in on_map],
        "path": [{"n": s.number, "label": s.label, "place": s.place_label, "lat": s.lat, "long": s.long,
                  "when": s.when, "sortDate": s.sort_date, "earliest": s.earliest, "latest": s.latest,
                  "href": links.iri(s.iri)} for s in stops if s.lat is not None],
    }
    return {"on_map": on_map, "unplaced": [p for p in places if p.lat is None], "stops": stops, "map_data": data,
            "scripts": [links.to(s) for s in SCRIPTS], "styles": [links.to(s) for s in STYLES],
            "queries": {name: (links.to(f"queries/{name}"), links.to(f"queries/{name}", format="json"))
                        for name in QUERIES}}


def place_point(graph: Graph, iri: URIRef) -> tuple[float, float] | None:
    """A place's WGS84 point (from the reviewed GeoNames table), or None."""
    lat, long = graph.value(iri, WGS84.lat), graph.value(iri, WGS84.long)
    if isinstance(lat, Literal) and isinstance(long, Literal):
        return float(lat), float(long)
    return None


def place_map(links: Links, graph: Graph, iri: URIRef, label: str) -> dict[str, Any] | None:
    """The small map of a place page: its point only, or None for a place without coordinates."""
    point = place_point(graph, iri)
    if point is None:
        return None
    return {"land": links.to(LAND), "zoom": 3, "path": [],
            "places": [{"iri": str(iri), "label": label, "lat": point[0], "long": point[1], "events": 0,
                        "href": "", "stops": []}],
            "scripts": [links.to(s) for s in SCRIPTS], "styles": [links.to(s) for s in STYLES],
            "lat": point[0], "long": point[1]}


def render_map(render: Callable[..., bytes], links: Links, replies: list[Reply]) -> bytes:
    """The map page from the replies of :func:`map_jobs` (``render`` is :meth:`Pages.render`)."""
    places, path = outcomes(replies)
    return render("map.html", links, "Map", "map", **map_context(links, places_from(places), stops_from(path)))


def live_handler(engine: Engine, render: Callable[..., bytes], queries: Path,
                 links: Links) -> Callable[[Request], Awaitable[Response]]:
    """The ``/map`` route: the two queries run in the server's workers once, the page kept (503 if they fail)."""
    drawn: list[bytes] = []

    async def page(request: Request) -> Response:
        if not drawn:
            replies = [await anyio.to_thread.run_sync(engine.execute, job) for job in map_jobs(queries, engine.asserted)]
            try:
                drawn.append(render_map(render, links, replies))
            except QueryExecutionError as exc:  # a worker timed out or failed: try again on the next request
                raise QueryRefused(503, str(exc), {"Retry-After": "5"}) from exc
        return Response(drawn[0], media_type="text/html; charset=utf-8")
    return page


def static_page(engine: Engine, render: Callable[..., bytes], queries: Path, links: Links) -> bytes:
    """The static site's ``map.html``."""
    return render_map(render, links, [engine.execute(job) for job in map_jobs(queries, engine.asserted)])
