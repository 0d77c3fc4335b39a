"""The network in Chromium, on the real data, live and static: Trotsky linked to Serge, the year filter hiding
the links outside its range (in the drawing and the table), a click on a node opening its page, axe-core and
390 px. The page fixture fails a test on any request to a host other than 127.0.0.1."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .browsing import SHOTS, serious, visit
from .views_fixtures import real_live, real_static  # noqa: F401 - fixtures

pytestmark = pytest.mark.server
WHERE = {"live": ("real_live", "/network"), "static": ("real_static", "/network.html")}


def drawn(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".nw-canvas[data-drawn]")


def shown_links(page: Any, a: str, b: str) -> list[str]:
    """The ids of the links drawn (not hidden) between nodes ``a`` and ``b``."""
    return page.evaluate("""([a, b]) => document.querySelector('.nw-canvas').cy.getElementById(a).edgesWith(
        document.querySelector('.nw-canvas').cy.getElementById(b)).filter(e => e.style('display') !== 'none')
        .map(e => e.id())""", [a, b])


@pytest.mark.parametrize("where", list(WHERE))
def test_trotsky_is_linked_to_serge_and_the_years_filter_the_links(page: Any, where: str,
                                                                    request: pytest.FixtureRequest) -> None:
    fixture, path = WHERE[where]
    drawn(page, request.getfixturevalue(fixture) + path)
    links = shown_links(page, "victor-serge", "leon-trotsky")
    assert "serge-correspondent-leon-trotsky----leon-trotsky" in links and len(links) >= 3
    rows = page.locator("#nw-table tbody tr", has=page.get_by_role("link", name="Leon Trotsky", exact=True))
    assert rows.count() == len(links)
    # 1940-1947, undated links off: the correspondence of 1936-1938 and the rupture of 1936-1939 go
    page.get_by_label("Links from year").fill("1940")
    page.get_by_label("to", exact=True).fill("1947")
    page.get_by_label("undated links").uncheck()
    assert shown_links(page, "victor-serge", "leon-trotsky") == []
    assert page.evaluate("document.querySelector('.nw-canvas').cy.getElementById('leon-trotsky').style('display')") \
        == "none"
    assert rows.first.is_hidden() and rows.last.is_hidden()
    visible = page.locator("#nw-table tbody tr:not([hidden])")
    assert visible.count() > 0
    for text in visible.locator("td:nth-child(4)").all_inner_texts():  # what is left reaches into the years
        years = [int(y) for y in re.findall(r"\b1[89]\d\d\b", text)]
        assert years and (max(years) >= 1940 or "end unknown" in text), text
    # 1936-1938: the correspondence comes back
    page.get_by_label("Links from year").fill("1936")
    page.get_by_label("to", exact=True).fill("1938")
    assert "serge-correspondent-leon-trotsky----leon-trotsky" in shown_links(page, "victor-serge", "leon-trotsky")
    status = page.get_by_role("status").inner_text()
    assert re.fullmatch(r"\d+ of \d+ links", status)


@pytest.mark.parametrize("where", list(WHERE))
def test_a_click_on_a_node_opens_its_page(page: Any, where: str, request: pytest.FixtureRequest) -> None:
    fixture, path = WHERE[where]
    drawn(page, request.getfixturevalue(fixture) + path)
    point = page.evaluate("""() => { const box = document.querySelector('.nw-canvas'); const cy = box.cy;
        const n = cy.getElementById('leon-trotsky'); cy.center(n); const p = n.renderedPosition();
        const r = box.getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""")
    page.mouse.click(point[0], point[1])
    page.wait_for_url(re.compile(r"/id/person/leon-trotsky(\.html)?$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Leon Trotsky"


def test_a_person_page_draws_its_ego_network(page: Any, real_live: str) -> None:  # noqa: F811
    page.goto(real_live + "/id/person/leon-trotsky")
    section = page.get_by_role("region", name="Network")
    section.locator(".nw-canvas[data-drawn]").wait_for()
    assert page.evaluate("document.querySelector('.nw-canvas').cy.getElementById('victor-serge').length") == 1
    assert section.get_by_role("link", name=re.compile("whole network")).get_attribute("href") == \
        "/network/leon-trotsky"


@pytest.mark.parametrize("where", list(WHERE))
def test_network_fits_390px_and_passes_axe(page: Any, where: str, request: pytest.FixtureRequest) -> None:
    fixture, path = WHERE[where]
    name = f"network-{where}"
    visit(page, request.getfixturevalue(fixture) + path, name)
    page.wait_for_selector(".nw-canvas[data-drawn]")
    assert serious(page) == []
    for width in (1280, 390):  # visit's screenshots come before the drawing: these show it
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(400)  # the network is fitted again after a resize
        page.screenshot(path=str(SHOTS / f"{name}-{width}-drawn.png"))
