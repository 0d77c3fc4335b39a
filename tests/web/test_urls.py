"""Links: absolute with query strings on the live server, relative files in the static site."""

from __future__ import annotations

from serge_kg.web.urls import Links, static_file


def test_static_file_names() -> None:
    assert static_file("") == "index.html"
    assert static_file("id/person/victor-serge") == "id/person/victor-serge.html"
    assert static_file("id/person/victor-serge", {"format": "ttl"}) == "id/person/victor-serge.ttl"
    assert static_file("works", {"type": "Novel", "sort": "date"}) == "works-novel-by-date.html"
    assert static_file("static/style.css") == "static/style.css"


def test_live_and_static_links() -> None:
    live = Links("http://host/")
    assert live.to("works", sort="date", type="") == "http://host/works?sort=date"
    assert live.iri("https://w3id.org/serge-kg/id/place/orenburg") == "http://host/id/place/orenburg"
    assert live.iri("http://www.wikidata.org/entity/Q362009") == "http://www.wikidata.org/entity/Q362009"
    page = Links(static=True, page="id/person/victor-serge")
    assert page.to("people") == "../../people.html"
    assert page.to("sources/wikipedia", fragment="L5") == "../../sources/wikipedia.html#L5"
    assert Links(static=True, page="").to("search") == "search.html"
