"""The pages of the research interface, rendered from the Jinja2 templates in ``web/templates/``.

:class:`Pages` draws every page kind (home, entity, list, search, source, saved query, not found) for
the live server and for the static site alike; only the :class:`~serge_kg.web.urls.Links` differ.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jinja2 import ChainableUndefined, Environment, PackageLoader, select_autoescape
from rdflib import OWL, Graph, URIRef

from serge_kg.query.saved import SavedQuery
from serge_kg.sources.text import Source

from . import entity_pages, map_page, query_pages
from .catalog import KIND_LIST, LIST_BY_NAME, LISTS, Catalog, Entry
from .evidence import EvidenceIndex
from .search import SearchIndex, suggest_names, words_of
from .source_pages import source_lines
from .urls import Links
from .views import View

LANG_NAMES = {"en": "English", "ru": "Russian", "fr": "French", "es": "Spanish", "de": "German", "it": "Italian"}
SORTS = ("name", "date")

ENV = Environment(loader=PackageLoader("serge_kg.web", "templates"), autoescape=select_autoescape(["html", "xml"]),
                  undefined=ChainableUndefined, trim_blocks=True, lstrip_blocks=True)


@dataclass
class NavItem:
    title: str
    href: str
    current: bool


def nav(links: Links, current: str) -> list[NavItem]:
    items = [(k.title, k.name) for k in LISTS] + [("Timeline", "timeline"), ("Map", "map"), ("Network", "network"),
                                                   ("Bibliography", "bibliography"), ("Queries", "queries"),
                                                   ("SPARQL", "sparql"),
                                                   ("Downloads", "downloads")]
    # a static site has no endpoint to send queries to
    return [NavItem(t, links.to(p), p == current) for t, p in items if not (links.static and p == "sparql")]


class Pages:
    """Every page of the interface, from one loaded graph."""

    # made by warm(), on first use when the graph is given as a function (see __getattr__)
    graph: Graph
    catalog: Catalog
    evidence: EvidenceIndex
    view: View
    index: SearchIndex

    def __init__(self, asserted: Graph | Callable[[], Graph], ontology: Graph | Callable[[], Graph],
                 sources: dict[str, Source], queries: list[SavedQuery]) -> None:
        """``asserted`` and ``ontology`` may be functions giving the graphs: the indexes are then made
        on first use (or by :meth:`warm`), so that a server answers SPARQL before the pages are ready."""
        self._asserted, self._ontology = asserted, ontology
        self._lock = threading.Lock()
        self.sources = sources
        self.queries = {q.name: q for q in queries}
        if isinstance(asserted, Graph) and isinstance(ontology, Graph):
            self.warm()

    def warm(self) -> None:
        """Make the catalog, evidence and search indexes now (once; safe from several threads)."""
        with self._lock:
            if "index" in self.__dict__:
                return
            graph = self._asserted if isinstance(self._asserted, Graph) else self._asserted()
            ontology = self._ontology if isinstance(self._ontology, Graph) else self._ontology()
            catalog = Catalog(graph, ontology)
            evidence = EvidenceIndex(graph, self.sources)
            view = View(graph, catalog, evidence)
            index = SearchIndex(catalog)
            self.graph, self.catalog, self.evidence, self.view = graph, catalog, evidence, view
            self.index = index  # last: its presence says all are made

    def __getattr__(self, name: str) -> Any:
        # only reached for an attribute not yet set: the lazy indexes
        if name in Pages.__annotations__:
            self.warm()
            return self.__dict__[name]
        raise AttributeError(name)

    def render(self, template: str, links: Links, title: str, current: str = "", **ctx: Any) -> bytes:
        """A whole page."""
        html = ENV.get_template(template).render(
            links=links, title=title, nav=nav(links, current), sources=list(self.sources.values()),
            static=links.static, lang_names=LANG_NAMES, query=ctx.pop("query", ""), **ctx)
        return html.encode("utf-8")

    # pages -------------------------------------------------------------------------------------------
    def home(self, links: Links, dumps: list[str]) -> bytes:
        serge = self.catalog.by_rid.get("victor-serge")
        counts = [(k, len(self.catalog.listed(k.name))) for k in LISTS]
        return self.render("home.html", links, "serge-kg", serge=serge, counts=counts, dumps=dumps,
                           queries=sorted(self.queries.values(), key=lambda q: q.name)[:8])

    def entity(self, links: Links, iri: URIRef) -> bytes | None:
        entry = self.catalog.get(iri)
        if entry is None:
            return None
        template, ctx = entity_pages.entity_context(self.view, entry)
        same = sorted(str(o) for o in self.graph.objects(iri, OWL.sameAs))
        if entry.kind == "place":
            ctx["place_map"] = map_page.place_map(links, self.graph, iri, entry.label)
        return self.render(template, links, entry.label, _list_of(entry), entry=entry, same_as=same, **ctx)

    def listing(self, links: Links, name: str, sort: str = "name", type_: str = "") -> bytes | None:
        """A list page, sorted by name or date, optionally only one type (``type_`` is the class's local name)."""
        if name not in LIST_BY_NAME or sort not in SORTS:
            return None
        entries = self.catalog.listed(name)
        types: dict[str, tuple[str, int]] = {}
        for e in entries:
            if e.type is not None:
                local = str(e.type).rsplit("#", 1)[-1]
                label, n = types.get(local, (e.type_label or local, 0))
                types[local] = (label, n + 1)
        if type_ and type_ not in types:
            return None
        shown = [e for e in entries if not type_ or (e.type is not None and str(e.type).endswith("#" + type_))]
        shown.sort(key=Entry.sort_date if sort == "date" else lambda e: e.label.casefold())
        kind = LIST_BY_NAME[name]
        return self.render("list.html", links, kind.title, name, kind=kind, entries=shown, total=len(entries),
                           types=sorted(types.items(), key=lambda kv: kv[1][0]), sort=sort, type_=type_)

    def search(self, links: Links, q: str) -> bytes:
        hits = self.index.search(q) if q.strip() else []
        near = self.index.suggest(q) if q.strip() and not hits else []
        return self.render("search.html", links, f"Search: {q}" if q else "Search", "", query=q,
                           groups=self.index.grouped(hits), count=len(hits), near=near)

    def search_json(self, links: Links, q: str) -> list[dict[str, str]]:
        return [{"id": h.entry.rid, "kind": h.entry.kind, "type": h.entry.type_label, "label": h.entry.label,
                 "iri": str(h.entry.iri), "url": links.iri(str(h.entry.iri)), "matched": h.matched}
                for h in self.index.search(q)]

    def search_index(self, links: Links) -> list[dict[str, Any]]:
        """The static site's client-side index: label, other names, id, kind, link, folded words."""
        out = []
        for e, fields in self.index.items:
            words = sorted({w for _, _, ws in fields for w in ws})
            out.append({"l": e.label, "k": _list_title(e), "t": e.type_label, "u": links.iri(str(e.iri)),
                        "w": " ".join(words), "n": " ".join(words_of(e.label))})
        return out

    def source(self, links: Links, sid: str) -> bytes | None:
        source = self.sources.get(sid)
        if source is None:
            return None
        return self.render("source.html", links, source.meta["title"], "", source=source,
                           lines=source_lines(self.view, source))

    def queries_list(self, links: Links) -> bytes:
        return self.render("queries.html", links, "Saved queries", "queries",
                           queries=sorted(self.queries.values(), key=lambda q: q.name))

    def query(self, links: Links, q: SavedQuery, values: dict[str, str], outcome: Any = None,
              error: str = "", downloads: bool = True) -> bytes:
        table = query_pages.result_table(outcome, self.catalog.label, links) if outcome is not None else None
        return self.render("query.html", links, q.summary, "queries", q=q, error=error, table=table,
                           fields=query_pages.fields(q, values, self.catalog), values=values, downloads=downloads)

    def not_found(self, links: Links, what: str, path: str) -> bytes:
        """A 404 page suggesting the nearest entities or query names."""
        if path.startswith("queries/"):
            names = suggest_names(path.split("/", 1)[1], list(self.queries))
            near_queries = [self.queries[n] for n in names]
            near: list[Entry] = []
        else:
            near_queries, near = [], self.index.suggest(path)
        return self.render("not_found.html", links, "Not found", "", what=what, near=near, near_queries=near_queries)

    def downloads(self, links: Links, dumps: list[str]) -> bytes:
        return self.render("downloads.html", links, "Downloads", "downloads", dumps=dumps)


def _list_of(entry: Entry) -> str:
    return KIND_LIST[entry.kind].name if entry.kind in KIND_LIST else ""


def _list_title(entry: Entry) -> str:
    return KIND_LIST[entry.kind].title if entry.kind in KIND_LIST else "Other"
