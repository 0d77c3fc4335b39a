"""The research interface over real HTTP: entity pages by kind, evidence, lists, search, sources, queries, 404s."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
import pyoxigraph as ox
import pytest

from serge_kg.web.query_pages import cell
from serge_kg.web.urls import Links

pytestmark = pytest.mark.server
HTML = {"Accept": "text/html"}


def get(base: str, path: str, **params: str) -> httpx.Response:
    return httpx.get(base + path, params=params, headers=HTML, timeout=30)


class Outline(HTMLParser):
    """Headings, landmarks, form controls and labels of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.h2: list[str] = []
        self._in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_h2 = tag == "h2"
        if self._in_h2:
            self.h2.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self.h2[-1] += data

    def count(self, tag: str) -> int:
        return sum(1 for t, _ in self.tags if t == tag)


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


def assert_well_formed(html: str) -> Outline:
    page = outline(html)
    assert page.count("h1") == 1 and page.count("main") == 1
    assert page.count("header") >= 1 and page.count("footer") == 1 and page.count("nav") >= 1
    labels = {a.get("for") for t, a in page.tags if t == "label"}
    for tag, attrs in page.tags:
        if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            assert attrs.get("id") in labels, f"unlabelled <{tag}> {attrs}"
    assert "CC BY-SA 4.0" in html and "Marxists Internet Archive" in html and "Wikipedia" in html
    return page


def test_serge_page_reads_like_a_biography(live: str) -> None:
    r = get(live, "/id/person/victor-serge")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = assert_well_formed(r.text)
    assert "<h1>Victor Serge</h1>" in r.text
    assert "30 December 1890" in r.text and "17 November 1947" in r.text
    assert re.search(r'<span lang="ru">[^<]*Киба', r.text)  # the Russian name is marked as Russian
    sections = [h.strip() for h in page.h2]
    order = ["Life", "Places lived", "Memberships and employment", "People", "Works", "Pseudonyms",
             "Disagreements about him", "Mentioned in"]
    present = [s for s in order if s in sections]
    assert present == [s for s in sections if s in order] and {"Life", "Works", "People"} <= set(present)
    assert "1930s" in r.text  # Life grouped by period
    assert "<details" in r.text and "Weissman 2013" in r.text and "show in source" in r.text
    assert "[1927-07..1928-06]" not in r.text and "http://id.loc.gov/datatypes/edtf/EDTF" not in r.text
    assert 'href="http://www.wikidata.org/entity/Q362009"' in r.text


def test_event_page_dates_in_words_and_evidence_linked_to_the_source(live: str) -> None:
    r = get(live, "/id/event/deportation-orenburg")
    assert_well_formed(r.text)
    assert "1933 to 1936" in r.text and "Weissman 2013, p." in r.text
    facts = r.text[r.text.index("<dl"):r.text.index("</dl>")]
    assert "<dt>To</dt>" in facts and "<dt>Where</dt>" not in facts  # the deportation's end is not repeated
    anchor = re.search(r'href="[^"]*/sources/wikipedia#(q-[0-9a-f]+)"', r.text)
    assert anchor, "no 'show in source' link"
    source = get(live, "/sources/wikipedia")
    assert_well_formed(source.text)
    assert f'id="{anchor.group(1)}"' in source.text and "<mark" in source.text and 'id="L1"' in source.text


def test_translation_page_is_headed_by_its_own_title(live: str) -> None:
    r = get(live, "/id/translation/conquered-city-greeman-2011")
    assert_well_formed(r.text)
    h1 = re.search(r"<h1>(.*?)</h1>", r.text, re.S)
    assert h1 and "Conquered City" in h1.group(1) and "Ville conquise" not in h1.group(1)
    assert "Translation of" in r.text and "Richard Greeman" in r.text
    work = get(live, "/id/work/conquered-city")
    assert "Ville conquise" in work.text and "Translations and editions" in work.text
    assert 'lang="fr"' in work.text


@pytest.mark.parametrize("path", ["/", "/id/place/orenburg", "/id/organization/ogpu", "/id/person/vlady",
                                  "/id/disagreement/petrograd-arrival-month", "/id/relation/serge-child-vlady",
                                  "/downloads", "/queries", "/search?q=serge", "/sources/mia"])
def test_every_page_kind_is_well_formed(live: str, path: str) -> None:
    r = httpx.get(live + path, headers=HTML, timeout=30)
    assert r.status_code == 200
    assert_well_formed(r.text)


def test_citation_page_lists_the_facts_resting_on_it(live: str) -> None:
    serge = get(live, "/id/event/deportation-orenburg").text
    note = re.search(r'href="[^"]*(/id/citation/[a-z0-9-]+)"', serge)
    assert note
    r = get(live, note.group(1))
    assert_well_formed(r.text)
    assert "Weissman 2013" in r.text and "Deportation to Orenburg" in r.text


def test_lists_sort_filter_and_count(live: str) -> None:
    r = get(live, "/people")
    assert_well_formed(r.text)
    assert "Victor Serge" in r.text and "Vlady" in r.text and re.search(r"People <span class=\"n\">\(\d+\)", r.text)
    by_date = get(live, "/events", sort="date").text
    assert by_date.index("Birth of Victor Serge") < by_date.index("Death of Victor Serge")
    by_name = get(live, "/events").text
    assert by_name.index("Arrest") < by_name.index("Birth of Victor Serge")
    births = get(live, "/events", type="Birth").text
    assert "Birth of Victor Serge" in births and "Death of Victor Serge" not in births
    assert get(live, "/events", sort="colour").status_code == 400
    assert get(live, "/events", type="Nonsense").status_code == 404


def test_search_folds_case_accents_and_script(live: str) -> None:
    r = get(live, "/search", q="kibalchich")
    assert_well_formed(r.text)
    assert "/id/person/victor-serge" in r.text and "People" in r.text
    data = httpx.get(live + "/search.json", params={"q": "КИБАЛЬЧИЧ"}, timeout=30).json()
    assert "victor-serge" in [hit["id"] for hit in data]
    assert [h["id"] for h in httpx.get(live + "/search.json", params={"q": "orenb"}, timeout=30).json()][0] == "orenburg"
    assert httpx.get(live + "/search.json", params={"q": ""}, timeout=30).json() == []
    nothing = get(live, "/search", q="orenbrug")
    assert "Did you mean" in nothing.text and "/id/place/orenburg" in nothing.text


def test_unknown_ids_and_queries_suggest_the_nearest(live: str) -> None:
    r = get(live, "/id/person/victor-sergey")
    assert r.status_code == 404 and "Did you mean" in r.text and "/id/person/victor-serge" in r.text
    assert_well_formed(r.text)
    q = get(live, "/queries/life-timelin")
    assert q.status_code == 404 and "/queries/life-timeline" in q.text
    assert httpx.get(live + "/id/person/victor-sergey", timeout=30).status_code == 404  # plain clients too
    assert get(live, "/sources/nowhere").status_code == 404


def test_saved_query_page(live: str) -> None:
    r = get(live, "/queries/life-timeline", person="victor-serge")
    page = assert_well_formed(r.text)
    assert page.count("select") == 1 and "<pre><code>" in r.text and "Victor Serge (victor-serge)" in r.text
    assert "30 December 1890" in r.text and "format=csv" in r.text and "format=json" in r.text
    assert "@en" not in r.text
    bad = get(live, "/queries/life-timeline", person="nobody-at-all")
    assert bad.status_code == 400 and "nobody-at-all" in bad.text and "<form" in bad.text
    listing = get(live, "/queries")
    assert_well_formed(listing.text)
    assert listing.text.count("<select") == 0 and "life-timeline" in listing.text


def test_result_cells_link_entities_by_name_and_show_only_foreign_language_tags() -> None:
    label = {"https://w3id.org/serge-kg/id/person/vlady": "Vlady"}
    links = Links("http://host")

    def name(node: object) -> str:
        return label.get(str(node), "?")
    iri = cell(ox.NamedNode("https://w3id.org/serge-kg/id/person/vlady"), "who", name, links)
    assert (iri.text, iri.href) == ("Vlady", "http://host/id/person/vlady")
    other = cell(ox.NamedNode("http://www.wikidata.org/entity/Q362009"), "item", name, links)
    assert other.href == other.text == "http://www.wikidata.org/entity/Q362009"
    assert cell(ox.Literal("Serge", language="en"), "name", name, links).lang == ""
    assert cell(ox.Literal("Серж", language="ru"), "name", name, links).lang == "ru"
    assert cell(ox.Literal("[1927-07..1928-06]"), "date", name, links).text == "late 1927 or early 1928"
    assert cell(None, "date", name, links).text == ""


def test_static_files_and_no_inline_style_or_script(live: str) -> None:
    css = httpx.get(live + "/static/style.css", timeout=30)
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    home = get(live, "/").text
    assert "<style" not in home and "<script>" not in home and "://cdn" not in home


def test_the_site_has_an_icon_and_favicon_ico_leads_to_it(live: str) -> None:
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in get(live, "/").text
    moved = httpx.get(live + "/favicon.ico", timeout=30)
    assert moved.status_code == 301 and moved.headers["location"] == "/static/favicon.svg"
    icon = httpx.get(live + "/favicon.ico", follow_redirects=True, timeout=30)
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg") and "</svg>" in icon.text
