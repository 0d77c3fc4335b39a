"""The static site, served from its folder on 127.0.0.1 and crawled: no broken link, every entity present."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import httpx
import pytest
from rdflib import Graph, URIRef

from serge_kg.errors import ExportError
from serge_kg.paths import Paths
from serge_kg.pipeline.build import load_graphs
from serge_kg.web.site import write_site

pytestmark = pytest.mark.server


class Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("href", "src", "data-index", "action"):
            if a.get(key):
                self.refs.append(a[key] or "")
        if a.get("id"):
            self.ids.add(a["id"] or "")


def crawl(start: str) -> tuple[set[str], list[str]]:
    """Every internal page reachable from ``start``, and the broken internal links (with the page they are on)."""
    host = urlparse(start).netloc
    seen: set[str] = set()
    ids: dict[str, set[str]] = {}
    fragments: list[tuple[str, str, str]] = []
    broken: list[str] = []
    todo = [start]
    with httpx.Client(timeout=30) as client:
        while todo:
            url = todo.pop()
            if url in seen:
                continue
            seen.add(url)
            r = client.get(url)
            if r.status_code != 200:
                broken.append(f"{url}: {r.status_code}")
                continue
            if not url.endswith(".html") and not url.endswith("/"):
                continue
            parser = Refs()
            parser.feed(r.text)
            ids[url] = parser.ids
            for ref in parser.refs:
                target, frag = urldefrag(urljoin(url, ref))
                if urlparse(target).netloc != host:
                    continue
                assert not ref.startswith("/"), f"{url}: absolute link {ref} (the site must work from any folder)"
                if frag:
                    fragments.append((url, target, frag))
                if target not in seen:
                    todo.append(target)
    for page, target, frag in fragments:
        if target in ids and frag not in ids[target]:
            broken.append(f"{page}: #{frag} not on {target}")
    return seen, broken


def test_crawl_finds_no_broken_link_and_every_entity(static_site: Path, static_url: str, web_project: Paths) -> None:
    seen, broken = crawl(static_url + "/index.html")
    assert broken == []
    asserted, _ = load_graphs(web_project)
    base = "https://w3id.org/serge-kg/id/"
    records = {str(s)[len(base):] for s in set(asserted.subjects()) if str(s).startswith(base)
               and str(s)[len(base):].split("/")[0] in ("person", "organization", "place", "work", "translation",
                                                          "event", "disagreement", "relation")}
    assert len(records) > 30
    pages = {u[len(static_url) + 1:] for u in seen}
    missing = [r for r in records if f"id/{r}.html" not in pages and "/claim/" not in r]
    assert missing == []
    for path in ("queries/life-timeline.html", "sources/wikipedia.html", "sources/mia.html", "search.html",
                 "people-by-date.html", "downloads.html"):
        assert path in pages


def test_entity_data_files_sitemap_and_search_index(static_site: Path) -> None:
    g = Graph().parse(static_site / "id/person/victor-serge.ttl", format="turtle")
    assert (URIRef("https://w3id.org/serge-kg/id/person/victor-serge"), None, None) in g
    assert len(Graph().parse(static_site / "id/person/victor-serge.nt", format="nt")) == len(g)
    assert len(Graph().parse(static_site / "id/person/victor-serge.jsonld", format="json-ld")) == len(g)
    urls = [e.text for e in ET.parse(static_site / "sitemap.xml").getroot().iter()
            if e.tag.endswith("loc")]
    assert "https://example.org/serge/id/person/victor-serge.html" in urls
    assert all(u and (static_site / u[len("https://example.org/serge/"):]).is_file() for u in urls)
    index = json.loads((static_site / "search-index.json").read_text(encoding="utf-8"))
    serge = next(i for i in index if i["u"] == "id/person/victor-serge.html")
    assert "kibalchich" in serge["w"].split()  # folded from the Cyrillic name too
    assert (static_site / "static" / "search.js").is_file() and (static_site / "404.html").is_file()
    life = (static_site / "queries/life-timeline.html").read_text(encoding="utf-8")
    assert "30 December 1890" in life and (static_site / "queries/life-timeline.csv").is_file()
    assert "Birth of Victor Serge" in (static_site / "queries/life-timeline.csv").read_text(encoding="utf-8")


def test_site_refuses_a_folder_it_did_not_write_and_replaces_its_own(web_project: Paths, tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("do not delete")
    with pytest.raises(ExportError, match="not a site written by"):
        write_site(web_project, precious)
    assert (precious / "thesis.txt").read_text() == "do not delete"
    out = tmp_path / "site"
    write_site(web_project, out)
    (out / "stale.html").write_text("left from before")
    report = write_site(web_project, out)
    assert not (out / "stale.html").exists() and report.entities > 30 and (out / "index.html").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary folders left


def test_pages_link_relatively(static_site: Path) -> None:
    page = (static_site / "id/person/victor-serge.html").read_text(encoding="utf-8")
    assert 'href="../../static/style.css"' in page and 'href="../../people.html"' in page
    assert 'href="../../static/favicon.svg"' in page and (static_site / "static/favicon.svg").is_file()
    assert not re.search(r'(href|src)="/(?!/)', page)
