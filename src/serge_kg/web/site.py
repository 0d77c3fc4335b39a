"""The static site: every page of the interface as files with relative links, for any static host.

``write_site`` writes the home page, the lists (each sort and kind filter its own file), a page plus
``.ttl``, ``.jsonld`` and ``.nt`` for every entity, the two source texts, the saved queries (those that
run without parameters, or with their defaults, with their answer and CSV/JSON files), the dumps,
``sitemap.xml``, a client-side search (``search.html``, ``search-index.json``, ``static/search.js``)
and ``404.html``. It writes into a temporary folder and renames it into place, so ``DIR`` holds a
whole site or the one before.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from xml.sax.saxutils import escape

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from serge_kg.errors import ExportError, QueryParameterError, SergeKGError
from serge_kg.namespaces import BASE
from serge_kg.paths import Paths
from serge_kg.pipeline.export import OUTPUTS
from serge_kg.progress import Progress
from serge_kg.query.engines import with_values
from serge_kg.query.saved import bindings_for, list_queries
from serge_kg.sources.text import load_sources

from . import bibliography_page, map_page
from .catalog import LISTS
from .engine import CSV, HTML, JSON, Engine, Job, encode
from .pages import entity_graph
from .pool import Limits
from .render import SORTS, Pages
from .timeline_network import ViewPages, write_views
from .urls import Links, static_file

MARKER = ".serge-kg-site"  # a folder holding this file is a site we wrote, and may be replaced
OX_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD, "nt": ox.RdfFormat.N_TRIPLES}


@dataclass
class SiteReport:
    """What a site run wrote."""

    folder: Path
    pages: int = 0
    data_files: int = 0
    entities: int = 0
    queries_answered: int = 0
    paths: list[str] = field(default_factory=list)  # logical paths of the HTML pages (for the sitemap)


def _ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)


class _Writer:
    def __init__(self, root: Path, report: SiteReport) -> None:
        self.root, self.report = root, report

    def page(self, path: str, body: bytes, query: dict[str, str] | None = None) -> None:
        name = static_file(path, query)
        self.file(name, body)
        self.report.pages += 1
        self.report.paths.append(name)

    def file(self, name: str, body: bytes) -> None:
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)


def _check_target(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise ExportError(f"{out}: exists and is not a site written by `serge-kg site` (no {MARKER} file); "
                          "give a new or empty folder")


def write_site(paths: Paths, out: Path, base_url: str = BASE, progress: Progress | None = None) -> SiteReport:
    """Write the static site to ``out`` (replaced whole; see the module docstring).

    :raises ExportError: if ``out`` is a file or a non-empty folder that is not a previous site, or
        cannot be written.
    """
    out = out.resolve()
    _check_target(out)
    note = progress or (lambda _msg: None)
    engine = Engine(paths, max_rows=10000, limits=Limits(workers=1, max_workers=1, timeout=60.0))
    pages = Pages(engine.asserted, engine.ontology, load_sources(paths.data / "sources"), list_queries(paths.queries))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    report = SiteReport(out)
    try:
        try:
            _write_all(engine, pages, _Writer(tmp, report), note)
        finally:
            engine.close()
        _sitemap(tmp, report, base_url)
        (tmp / MARKER).write_text("written by serge-kg site; the whole folder is replaced on the next run\n")
        old = out.with_name(f".{out.name}.old")
        if out.exists():
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise ExportError(f"{out}: cannot write the site: {exc}") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return report


def _links(page: str) -> Links:
    return Links(static=True, page=page)


def _write_all(engine: Engine, pages: Pages, w: _Writer, note: Progress) -> None:
    dumps = list(OUTPUTS)
    w.page("", pages.home(_links(""), dumps))
    for kind in LISTS:
        types = {str(e.type).rsplit("#", 1)[-1] for e in pages.catalog.listed(kind.name) if e.type is not None}
        for type_ in ["", *sorted(types)]:
            for sort in SORTS:
                query = {"sort": sort if sort != "name" else "", "type": type_}
                body = pages.listing(_links(static_file(kind.name, query)), kind.name, sort, type_)
                if body is not None:
                    w.page(kind.name, body, query)
    note("lists written")
    for entry in pages.catalog.entries.values():
        if entry.kind == "evidence":
            continue  # evidence is shown on the pages of the records it supports
        body = pages.entity(_links(entry.path), entry.iri)
        if body is None:
            continue
        w.page(entry.path, body)
        w.report.entities += 1
        triples = [ox.Triple(_ox(s), _ox(p), _ox(o)) for s, p, o in entity_graph(entry.iri, engine.asserted)]
        for fmt, ox_fmt in OX_FORMATS.items():
            w.file(static_file(entry.path, {"format": fmt}), ox.serialize(triples, format=ox_fmt))
            w.report.data_files += 1
    note(f"{w.report.entities} entity pages written")
    for sid in pages.sources:
        body = pages.source(_links(f"sources/{sid}"), sid)
        assert body is not None
        w.page(f"sources/{sid}", body)
    w.page("queries", pages.queries_list(_links("queries")))
    for q in pages.queries.values():
        path = f"queries/{q.name}"
        links = _links(path)
        try:
            text = with_values(q.text, bindings_for(q, {}, engine.asserted))
            reply = engine.execute(Job(text, results_media=HTML, rdf_media=HTML, max_rows=10000))
            outcome = reply.outcome
            if outcome is None:
                raise QueryParameterError(reply.message or f"the query answered {reply.status}")
        except (QueryParameterError, SergeKGError) as exc:
            w.page(path, pages.query(links, q, {}, error=f"Not run here: {exc}", downloads=False))
            continue
        w.page(path, pages.query(links, q, {}, outcome))
        for fmt, media in (("csv", CSV), ("json", JSON)):
            w.file(static_file(path, {"format": fmt}), encode(outcome, media))
        w.report.queries_answered += 1
    note(f"{len(pages.queries)} query pages written")
    views = write_views(ViewPages(engine, pages, engine.paths.queries), w.page, w.file)
    note(f"{views} timeline and network pages written")
    w.page("search", pages.search(_links("search"), ""))
    w.file("search-index.json", json.dumps(pages.search_index(_links("search")), ensure_ascii=False,
                                           separators=(",", ":")).encode("utf-8"))
    w.page("downloads", pages.downloads(_links("downloads"), dumps))
    bibliography_page.write_static(engine, pages, engine.paths.queries, w.page, w.file)
    w.page("map", map_page.static_page(engine, pages.render, engine.paths.queries, _links("map")))
    for name in dumps:
        w.file(f"dumps/{name}", engine.dump(name))
    w.file("404.html", pages.not_found(Links(static=True), "There is no such page in this site.", ""))
    static = files("serge_kg.web") / "static"
    _copy_static(static, "static", w)


def _copy_static(folder: Traversable, prefix: str, w: _Writer) -> None:
    """The scripts, styles and vendored libraries (with their licence files), sub-folders included."""
    for item in folder.iterdir():
        if item.is_file():
            w.file(f"{prefix}/{item.name}", item.read_bytes())
        elif item.is_dir():
            _copy_static(item, f"{prefix}/{item.name}", w)


def _sitemap(root: Path, report: SiteReport, base_url: str) -> None:
    base = base_url if base_url.endswith("/") else base_url + "/"
    urls = "".join(f"<url><loc>{escape(base + p)}</loc></url>\n" for p in sorted(report.paths))
    (root / "sitemap.xml").write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                                      '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                                      f"{urls}</urlset>\n", encoding="utf-8")
