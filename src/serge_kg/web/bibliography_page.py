"""The bibliography view: ``/bibliography`` (works by kind and year with their translations and editions,
the MIA writings by year, filters) and its citation files, ``/bibliography.bib`` and ``/bibliography.json``.

Its data are the saved view queries of :mod:`serge_kg.pipeline.bibliography`, run by the endpoint's own
workers on the default graph, once: the graph does not change while serving. The page is whole without
JavaScript; ``static/bibliography.js`` only hides what the filters leave out. The static site gets the
same page and files (``bibliography.html``, ``.bib``, ``.json``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio.to_thread
from rdflib import RDFS
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from serge_kg.datewords import date_in_words
from serge_kg.errors import QueryExecutionError
from serge_kg.namespaces import SK
from serge_kg.pipeline.bibliography import Bibliography, Dated, Named, Row, Runner, Work, collect, kind_rank
from serge_kg.pipeline.citations import CITATION_FORMATS, citation_file
from serge_kg.query.engines import with_values
from serge_kg.query.saved import bindings_for, find_query

from .engine import HTML, Engine, Job
from .guard import QueryRefused
from .query_pages import to_rdflib
from .render import ENV, Pages
from .urls import Links

PAGE = "bibliography"
# ?format= values (and the static site's file suffixes) -> citation format
FORMAT_NAMES = {"bib": "bibtex", "bibtex": "bibtex", "json": "csl-json", "csl-json": "csl-json"}
DOWNLOAD_NAMES = {"bibtex": "serge-bibliography.bib", "csl-json": "serge-bibliography.json"}


@dataclass
class Link:
    href: str
    name: str


@dataclass
class Item:
    """One work or expression as the page shows it; ``first``/``last`` years feed the filters."""

    href: str
    label: str
    kind: str
    when: str = ""
    date_note: str = ""
    language: str = ""
    first: int | None = None
    last: int | None = None
    title: str = ""  # original title (works) or own title when it differs from the label (expressions)
    authors: list[Link] = field(default_factory=list)
    translators: list[Link] = field(default_factory=list)
    editors: list[Link] = field(default_factory=list)
    publishers: list[Link] = field(default_factory=list)
    places: list[Link] = field(default_factory=list)
    isbns: list[str] = field(default_factory=list)
    expressions: list[Item] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)  # of the work and its expressions (the filter's choice)


def engine_runner(engine: Engine, queries: Path) -> Runner:
    """Run a view query (its parameters at their defaults) in one of the endpoint's workers."""
    def run(name: str) -> list[Row]:
        q = find_query(queries, name)
        text = with_values(q.text, bindings_for(q, {}, engine.asserted))
        reply = engine.execute(Job(text, results_media=HTML, rdf_media=HTML, max_rows=engine.max_rows))
        if reply.outcome is None:
            raise QueryExecutionError(f"{q.path}: the view query answered {reply.status}: {reply.message}")
        cols = reply.outcome.variables
        return [{c: to_rdflib(v) for c, v in zip(cols, row) if v is not None} for row in reply.outcome.rows]
    return run


class BibliographyView:
    """The bibliography of one loaded graph: gathered on first use, then its page and files kept."""

    def __init__(self, engine: Engine, pages: Pages, queries: Path) -> None:
        self.engine, self.pages, self.queries = engine, pages, queries
        self._bib: Bibliography | None = None
        self._files: dict[str, bytes] = {}  # citation files by format, pages by their links
        self._lock = threading.Lock()

    def data(self) -> Bibliography:
        with self._lock:
            if self._bib is None:
                self._bib = collect(engine_runner(self.engine, self.queries))
            return self._bib

    def file(self, fmt: str) -> bytes:
        """The bibliography in a citation format (``bibtex`` or ``csl-json``)."""
        bib = self.data()
        with self._lock:
            if fmt not in self._files:
                self._files[fmt] = citation_file(fmt, bib)
            return self._files[fmt]

    def page(self, links: Links) -> bytes:
        """The page, drawn once per kind of links (the graph does not change while serving)."""
        key = f"{links.static} {links.base} {links.up}"
        with self._lock:
            if key in self._files:
                return self._files[key]
        body = self._draw(links)
        with self._lock:
            self._files[key] = body
        return body

    def _draw(self, links: Links) -> bytes:
        bib = self.data()
        works = {w.iri: w for w in bib.works}
        kinds: dict[str, list[Item]] = {}
        for w in bib.works:
            kinds.setdefault(w.kind, []).append(self._work(w, links))
        groups = [{"kind": k, "label": self._kind_label(k), "works": kinds[k]} for k in sorted(kinds, key=kind_rank)]
        mia = [{"year": year, "writings": [self._mia(works.get(m.iri), m.iri, m.label, m.date, links) for m in ws]}
               for year, ws in bib.mia_years]
        languages = sorted({lang for w in bib.works for lang in w.languages})
        years = [y for w in bib.works for t in (w, *w.expressions) if t.years for y in t.years]
        return self.pages.render(
            "bibliography.html", links, "Bibliography", PAGE, groups=groups, mia=mia,
            total=len(bib.works), expressions=len(bib.expressions), mia_total=sum(len(g["writings"]) for g in mia),
            languages=languages, first_year=min(years, default=0), last_year=max(years, default=0),
            queries=[self.pages.queries[n] for n in ("bibliography-works", "bibliography-editions",
                                                     "bibliography-contributors", "bibliography-mia-writings")
                     if n in self.pages.queries])

    def _kind_label(self, kind: str) -> str:
        try:
            label = self.engine.ontology.value(SK[kind], RDFS.label)
        except AttributeError:  # not a term of ours (SK is closed): show the name as the graph has it
            label = None
        return str(label) if label is not None else kind

    @staticmethod
    def _links(people: list[Named], links: Links) -> list[Link]:
        return [Link(links.iri(p.iri), p.name) for p in people]

    def _item(self, thing: Dated, links: Links) -> Item:
        years = thing.years
        return Item(links.iri(thing.iri), thing.label, thing.kind, date_in_words(thing.date) if thing.date else "",
                    thing.date_note, thing.language, years[0] if years else None, years[1] if years else None,
                    editors=self._links(thing.editors, links), publishers=self._links(thing.publishers, links),
                    places=self._links(thing.places, links))

    def _work(self, w: Work, links: Links) -> Item:
        item = self._item(w, links)
        item.title = w.original_title if w.original_title != w.label else ""
        if len(w.authors) > 1:  # co-written (with Trotsky ...): every author is named
            item.authors = self._links(w.authors, links)
        item.languages = w.languages
        for e in w.expressions:
            sub = self._item(e, links)
            sub.title = e.title if e.title and e.title != e.label else ""
            sub.translators, sub.isbns = self._links(e.translators, links), e.isbns
            item.expressions.append(sub)
        return item

    def _mia(self, work: Work | None, iri: str, label: str, date: str, links: Links) -> Item:
        if work is not None:
            return self._item(work, links)
        return Item(links.iri(iri), label, "", date_in_words(date) if date else "")


def prepare() -> None:
    """Compile the page's template (a few hundred ms): a server does it while warming up, so that it is
    not done on the first visitor's time."""
    ENV.get_template("bibliography.html")


def routes(engine: Engine, pages: Pages, queries: Path, base: str) -> list[Route]:
    """The bibliography's routes for the app; ``base`` is the public base of links ("" = relative)."""
    view = BibliographyView(engine, pages, queries)

    async def page(request: Request) -> Response:
        fmt = request.query_params.get("format")
        if fmt:
            return await download(FORMAT_NAMES.get(fmt.lower(), ""), fmt)
        body = await anyio.to_thread.run_sync(view.page, Links(base))
        return Response(body, media_type="text/html; charset=utf-8")

    async def download(fmt: str, asked: str = "") -> Response:
        if fmt not in CITATION_FORMATS:
            raise QueryRefused(400, f"format '{asked}' is not one of: {', '.join(FORMAT_NAMES)}")
        body = await anyio.to_thread.run_sync(view.file, fmt)
        return Response(body, media_type=f"{CITATION_FORMATS[fmt][1]}; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{DOWNLOAD_NAMES[fmt]}"'})

    def file_route(fmt: str) -> Callable[[Request], Any]:
        async def serve(request: Request) -> Response:
            return await download(fmt)
        return serve

    return [Route(f"/{PAGE}", page), Route(f"/{PAGE}.bib", file_route("bibtex")),
            Route(f"/{PAGE}.json", file_route("csl-json"))]


def write_static(engine: Engine, pages: Pages, queries: Path, page: Callable[[str, bytes], None],
                 file: Callable[[str, bytes], None]) -> None:
    """Write ``bibliography.html``, ``bibliography.bib`` and ``bibliography.json`` for the static site."""
    view = BibliographyView(engine, pages, queries)
    page(PAGE, view.page(Links(static=True, page=PAGE)))
    for fmt in CITATION_FORMATS:
        file(f"{PAGE}.{CITATION_FORMATS[fmt][0]}", view.file(fmt))
