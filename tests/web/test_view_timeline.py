"""The timeline in Chromium, on the real data, live and static: the Orenburg deportation a span 1933-1936, the
party expulsion an uncertain span, hover in words with the source's quote, a click opens the event, the period
filter, axe-core and 390 px. The page fixture fails a test on any request to a host other than 127.0.0.1."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .browsing import SHOTS, serious, visit
from .views_fixtures import real_live, real_static  # noqa: F401 - fixtures

pytestmark = pytest.mark.server
WHERE = {"live": ("real_live", "/timeline"), "static": ("real_static", "/timeline.html")}


def drawn(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".tl-canvas[data-drawn]")


def item(page: Any, mark_id: str) -> dict[str, Any]:
    """The mark as vis-timeline holds it: its type, class, first year and last year (its end is exclusive)."""
    return page.evaluate("""id => { const t = document.querySelector('.tl-canvas').timeline;
        const it = t.itemsData.get(id); if (!it) return null;
        return {type: it.type, className: it.className, start: new Date(it.start).getUTCFullYear(),
                end: it.end ? new Date(new Date(it.end).getTime() - 1).getUTCFullYear() : null}; }""", mark_id)


@pytest.mark.parametrize("where", list(WHERE))
def test_deportation_is_a_span_and_the_expulsion_an_uncertain_span(page: Any, where: str,
                                                                   request: pytest.FixtureRequest) -> None:
    fixture, path = WHERE[where]
    drawn(page, request.getfixturevalue(fixture) + path)
    dep = item(page, "deportation-orenburg")
    assert dep is not None and dep["type"] == "range" and (dep["start"], dep["end"]) == (1933, 1936)
    assert "draw-span" in dep["className"] and "uncertain-ends" in dep["className"]  # its start is a range of days
    expulsion = item(page, "expulsion-from-party-1927")
    assert expulsion is not None and expulsion["type"] == "range"  # never a point
    assert "draw-uncertain" in expulsion["className"] and "disputed" in expulsion["className"]
    assert (expulsion["start"], expulsion["end"]) == (1927, 1928)
    box = page.locator(".vis-item.draw-uncertain", has_text="Expulsion from the Communist Party")
    assert box.count() == 1 and box.evaluate("e => getComputedStyle(e).borderTopStyle") == "dashed"
    row = page.get_by_role("row", name=re.compile("Expulsion from the Communist Party"))
    assert "sources disagree" in row.inner_text() and "late 1927 or early 1928" in row.inner_text()


@pytest.mark.parametrize("where", list(WHERE))
def test_hover_shows_the_date_in_words_and_the_quote_and_a_click_opens_the_event(
        page: Any, where: str, request: pytest.FixtureRequest) -> None:
    fixture, path = WHERE[where]
    drawn(page, request.getfixturevalue(fixture) + path)
    mark = page.locator(".vis-item.vis-range", has_text="Deportation to Orenburg")
    mark.hover()
    tip = page.locator(".vis-tooltip")
    tip.wait_for(state="visible")
    text = tip.inner_text()
    assert "starting between 25 May and 31 December 1933, until April 1936" in text
    assert "“" in text and "Weissman 2013" in text
    mark.click()
    page.wait_for_url(re.compile(r"/id/event/deportation-orenburg(\.html)?$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Deportation to Orenburg"


def test_the_period_filter_filters_the_drawing_and_the_table(page: Any, real_live: str) -> None:  # noqa: F811
    drawn(page, real_live + "/timeline")
    total = page.evaluate("document.querySelector('.tl-canvas').timeline.itemsData.length")
    page.get_by_label("From year").fill("1933")
    page.get_by_label("to", exact=True).fill("1936")
    assert item(page, "deportation-orenburg") is not None
    assert item(page, "birth-victor-serge") is None and item(page, "death-victor-serge") is None
    shown = page.evaluate("document.querySelector('.tl-canvas').timeline.itemsData.length")
    rows = page.locator("#tl-table tbody tr:not([hidden])")
    assert 0 < shown < total and rows.count() == shown
    assert f"{shown} of {total} events" in page.get_by_role("status").inner_text()
    assert not page.get_by_role("row", name=re.compile("Birth of Victor Serge")).is_visible()
    page.get_by_role("button", name="Show all").click()
    page.wait_for_function(f"document.querySelector('.tl-canvas').timeline.itemsData.length === {total}")


def test_a_person_page_draws_its_timeline_section(page: Any, real_live: str) -> None:  # noqa: F811
    page.goto(real_live + "/id/person/victor-serge")
    section = page.get_by_role("region", name="Timeline")
    section.locator(".tl-canvas[data-drawn]").wait_for()
    assert section.locator(".vis-item").count() > 10
    assert section.get_by_role("link", name=re.compile("whole timeline")).get_attribute("href") == \
        "/timeline/victor-serge"


@pytest.mark.parametrize("where", list(WHERE))
def test_timeline_fits_390px_and_passes_axe(page: Any, where: str, request: pytest.FixtureRequest) -> None:
    fixture, path = WHERE[where]
    base = request.getfixturevalue(fixture)
    problems = {}
    for name, url in ((f"timeline-{where}", base + path),
                      (f"person-views-{where}", base + ("/id/person/victor-serge" + (".html" if where == "static"
                                                                                    else "")))):
        visit(page, url, name)
        page.wait_for_selector(".tl-canvas[data-drawn]")
        page.set_viewport_size({"width": 390, "height": 844})
        if found := serious(page):
            problems[name] = found
        for width in (1280, 390):  # visit's screenshots come before the drawing: these show it
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(1200)  # vis-timeline notices a new width within a second
            page.screenshot(path=str(SHOTS / f"{name}-{width}-drawn.png"))
    assert problems == {}


def test_labels_fade_at_the_right_edge_and_the_last_mark_stays_clear_of_the_fade(
        page: Any, real_live: str) -> None:  # noqa: F811
    page.set_viewport_size({"width": 1280, "height": 900})
    drawn(page, real_live + "/timeline")
    fade = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('.tl-canvas .vis-panel.vis-center'),
        '::after'); return {image: s.backgroundImage, width: parseFloat(s.width)}; }""")
    assert "linear-gradient" in fade["image"] and fade["width"] > 0
    gap = page.evaluate("""() => { const panel = document.querySelector('.tl-canvas .vis-panel.vis-center');
        const right = Math.max(...Array.from(panel.querySelectorAll('.vis-item.vis-range, .vis-item .vis-dot'))
            .map(e => e.getBoundingClientRect().right));
        return panel.getBoundingClientRect().right - right; }""")
    assert gap > fade["width"]  # every bar and dot is drawn whole, outside the faded strip
