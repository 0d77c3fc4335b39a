"""The timeline and network views: their pages and data for the live server and the static site.

``/timeline`` and ``/network`` show Victor Serge's; ``/timeline/<person>`` and ``/network/<person>``
anyone's, and ``?format=json`` (or ``Accept: application/json``) gives the data the page's script
draws. Each page also holds the same data as a table. The data come from the saved queries
``timeline-events`` and ``network-edges`` (:mod:`.timeline`, :mod:`.network`), computed once per
person and page base. The static site writes the same pages and ``.json`` files beside them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from serge_kg.query.saved import find_query

from .catalog import Entry
from .engine import Engine
from .network import network
from .render import Pages
from .timeline import timeline
from .urls import Links
from .view_rows import Row, view_rows

DEFAULT = "victor-serge"
VIEWS = {"timeline": ("timeline-events", "Timeline"), "network": ("network-edges", "Network")}
# the vendored libraries each view loads, in order (fcose needs layout-base and cose-base before it)
LIBRARIES = {"timeline": ("vis-timeline/vis-timeline-graph2d.min.js",),
             "network": ("cytoscape/cytoscape.min.js", "layout-base/layout-base.js", "cose-base/cose-base.js",
                         "cytoscape-fcose/cytoscape-fcose.js")}
STYLES = {"timeline": ("vis-timeline/vis-timeline-graph2d.min.css",), "network": ()}
HTML_PAGE = "text/html; charset=utf-8"


def view_path(view: str, rid: str, short: bool = False) -> str:
    """The logical path of a person's view page: ``timeline/<id>``, or ``timeline`` for Serge's if ``short``."""
    return view if short and rid == DEFAULT else f"{view}/{rid}"


class ViewPages:
    """The two views of one loaded graph, each person's data computed once per page base."""

    def __init__(self, engine: Engine, pages: Pages, queries: Path) -> None:
        self.engine, self.pages, self.queries = engine, pages, queries
        self._rows: dict[tuple[str, str], list[Row]] = {}
        self._data: dict[tuple[str, str, str, bool, str], dict[str, Any]] = {}

    def person(self, rid: str) -> Entry | None:
        entry = self.pages.catalog.by_rid.get(rid)
        return entry if entry is not None and entry.kind == "person" else None

    def data(self, view: str, person: Entry, links: Links) -> dict[str, Any]:
        """The view's data for ``person``, its links made for ``links`` (blocking: runs the saved query once)."""
        key = (view, person.rid, links.base, links.static, links.up)
        if key not in self._data:
            if (view, person.rid) not in self._rows:
                query = find_query(self.queries, VIEWS[view][0])
                self._rows[view, person.rid] = view_rows(self.engine, query, {"person": person.rid})
            rows = self._rows[view, person.rid]
            made = timeline(rows, self.pages.view, links) if view == "timeline" else \
                network(rows, self.pages.view, links, person.iri)
            made["person"] = {"id": person.rid, "label": person.label, "href": links.iri(str(person.iri))}
            self._data[key] = made
        return self._data[key]

    def page(self, view: str, person: Entry, links: Links, path: str) -> bytes:
        """The view's page at ``path``: the drawing, its filter and the same data as a table."""
        data = self.data(view, person, links)
        return self.pages.render(f"{view}.html", links, f"{VIEWS[view][1]}: {person.label}", view, data=data,
                                 person=person, data_url=links.to(path, format="json"), query_name=VIEWS[view][0],
                                 libraries=[links.to(f"static/vendor/{f}") for f in LIBRARIES[view]],
                                 styles=[links.to(f"static/vendor/{f}") for f in STYLES[view]],
                                 other_view=self._other(view, person, links, path))

    def _other(self, view: str, person: Entry, links: Links, path: str) -> str:
        """The link to the person's other view, "" when it has nothing to draw (and so no page)."""
        other = "network" if view == "timeline" else "timeline"
        data = self.data(other, person, links)
        if not (data.get("marks") or data.get("links")):
            return ""
        return links.to(view_path(other, person.rid, short=path in VIEWS))


def view_routes(views: ViewPages, base: str, wants_json: Callable[[Request], bool],
                not_found: Callable[[Request, str, str], Response]) -> list[Route]:
    """The routes of both views for the app (``base``: the public base of links, "" for relative).

    ``wants_json(request)`` says whether the request's ``Accept`` asks for JSON; ``?format=json`` does too.
    """

    def handler(view: str) -> Callable[[Request], Any]:
        async def serve(request: Request) -> Response:
            rid = request.path_params.get("person", DEFAULT)
            person = views.person(rid)
            if person is None:
                return not_found(request, f"There is no person with the id “{rid}”.", f"id/person/{rid}")
            links = Links(base)
            if request.query_params.get("format") == "json" or wants_json(request):
                data = await anyio.to_thread.run_sync(views.data, view, person, links)
                return JSONResponse(data)
            path = request.url.path.strip("/")
            body = await anyio.to_thread.run_sync(views.page, view, person, links, path)
            return Response(body, media_type=HTML_PAGE)
        return serve

    return [Route(f"/{v}", handler(v)) for v in VIEWS] + [Route(f"/{v}/{{person}}", handler(v)) for v in VIEWS]


def write_views(views: ViewPages, page: Callable[[str, bytes], None], file: Callable[[str, bytes], None]) -> int:
    """Write both views of every person with events or links, and their data, into a static site.

    ``page(path, body)`` writes a page at a logical path, ``file(name, body)`` any file. Returns the number
    of pages written.
    """
    written = 0
    for person in sorted(views.pages.catalog.by_kind.get("person", []), key=lambda e: e.rid):
        for view in VIEWS:
            for path in {view_path(view, person.rid), view_path(view, person.rid, short=True)}:
                links = Links(static=True, page=path)
                data = views.data(view, person, links)
                # the person page's section asks for the data whatever it holds; the page is worth a file
                # only with something to draw (the person page links it only then)
                file(f"{path}.json", json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
                if data.get("marks") or data.get("links"):
                    page(path, views.page(view, person, links, path))
                    written += 1
    return written  # the vendored libraries come with the rest of static/ (site.py copies the whole tree)
