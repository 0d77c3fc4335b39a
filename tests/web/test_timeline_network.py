"""The timeline and network pages and data on the live server and in the static site (web/timeline_network.py)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from serge_kg.web.timeline_network import view_path

pytestmark = pytest.mark.server


def test_the_pages_show_the_drawing_and_the_same_data_as_a_table(live: str) -> None:
    tl = httpx.get(live + "/timeline")
    assert tl.status_code == 200 and tl.headers["content-type"].startswith("text/html")
    data = httpx.get(live + "/timeline?format=json").json()
    assert data["query"] == "timeline-events" and data["person"]["id"] == "victor-serge"
    for m in data["marks"]:  # every mark is a row of the table, with its date in words and its link
        assert f'href="{m["href"]}">{m["label"]}</a>' in tl.text.replace("&#34;", '"')
        assert m["words"] in tl.text
    assert 'data-src="/timeline?format=json"' in tl.text
    assert 'href="/queries/timeline-events"' in tl.text  # the saved query behind the view
    assert "/static/vendor/vis-timeline/vis-timeline-graph2d.min.js" in tl.text
    nw = httpx.get(live + "/network")
    links = httpx.get(live + "/network", headers={"Accept": "application/json"}).json()
    assert nw.status_code == 200 and len(links["links"]) == nw.text.count("data-link=")
    assert "/static/vendor/cytoscape-fcose/cytoscape-fcose.js" in nw.text


def test_any_persons_views_and_unknown_people(live: str) -> None:
    vlady = httpx.get(live + "/network/vlady?format=json").json()
    assert vlady["person"]["label"] == "Vlady" and any(x["relation"] == "child of" for x in vlady["links"])
    assert httpx.get(live + "/timeline/vlady").status_code == 200
    missing = httpx.get(live + "/timeline/nobody-at-all")
    assert missing.status_code == 404 and "nobody-at-all" in missing.text
    assert httpx.get(live + "/network/ogpu").status_code == 404  # an organization has no ego network page


def test_person_pages_have_both_sections(live: str) -> None:
    page = httpx.get(live + "/id/person/victor-serge").text
    assert 'data-src="/timeline/victor-serge?format=json"' in page and 'id="h-timeline"' in page
    assert 'data-src="/network/victor-serge?format=json"' in page and 'id="h-network"' in page
    assert httpx.get(live + "/timeline/victor-serge?format=json").json()["marks"]


def test_the_nav_names_both_views(live: str) -> None:
    home = httpx.get(live + "/").text
    assert 'href="/timeline">Timeline</a>' in home and 'href="/network">Network</a>' in home


def test_the_static_site_has_both_views_with_relative_links(static_site: Path) -> None:
    for path in ("timeline", "network", "timeline/victor-serge", "network/victor-serge", "network/vlady"):
        assert (static_site / f"{path}.html").is_file() and (static_site / f"{path}.json").is_file(), path
    for lib in ("vis-timeline/vis-timeline-graph2d.min.js", "cytoscape/cytoscape.min.js", "layout-base/layout-base.js",
                "cose-base/cose-base.js", "cytoscape-fcose/cytoscape-fcose.js"):
        assert (static_site / "static" / "vendor" / lib).is_file(), lib
    assert (static_site / "static" / "timeline.js").is_file() and (static_site / "static" / "network.js").is_file()
    page = (static_site / "timeline.html").read_text(encoding="utf-8")
    assert 'data-src="timeline.json"' in page and 'src="static/vendor/vis-timeline/' in page
    # every link in a data file resolves, relative to that file, to a file of the site
    for name in ("timeline/vlady.json", "network/vlady.json", "timeline.json"):
        data = json.loads((static_site / name).read_text(encoding="utf-8"))
        hrefs = [m["href"] for m in data.get("marks", [])] + [n["href"] for n in data.get("nodes", [])] + \
            [x["href"] for x in data.get("links", [])]
        assert hrefs, name
        for href in hrefs:
            target = urljoin(f"http://site/{name}", href)
            assert (static_site / target.removeprefix("http://site/")).is_file(), (name, href)
    person = (static_site / "id" / "person" / "vlady.html").read_text(encoding="utf-8")
    assert 'data-src="../../timeline/vlady.json"' in person and 'data-src="../../network/vlady.json"' in person


def test_view_paths() -> None:
    assert view_path("timeline", "victor-serge") == "timeline/victor-serge"
    assert view_path("timeline", "victor-serge", short=True) == "timeline"
    assert view_path("network", "vlady", short=True) == "network/vlady"
