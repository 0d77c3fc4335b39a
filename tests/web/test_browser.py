"""The interface in a real browser: Debian's Chromium driven by Playwright, with axe-core for accessibility.

One browser for the whole test session. Without /usr/bin/chromium the tests skip with a message, except under
CI=true, where a missing browser fails (``python3 tasks.py test`` installs it). Screenshots of every page
kind, at 1280 and 390 pixels wide, are written to ``build/screenshots/`` as artefacts.
"""

from __future__ import annotations

import re
import shutil
from typing import Any

import pytest

from .browsing import NARROW, SHOTS, WIDE, serious, visit

pytestmark = pytest.mark.server
# every page kind, with the mini project's example of it
PAGE_KINDS = {"home": "/", "person": "/id/person/victor-serge", "event": "/id/event/deportation-orenburg",
              "organization": "/id/organization/ogpu", "place": "/id/place/orenburg",
              "work": "/id/work/conquered-city", "translation": "/id/translation/conquered-city-greeman-2011",
              "disagreement": "/id/disagreement/petrograd-arrival-month", "citation": "/id/citation/wikipedia-note-43",
              "relation": "/id/relation/serge-child-vlady", "list": "/events?sort=date", "search": "/search?q=kibalchich",
              "source": "/sources/wikipedia", "queries": "/queries", "query": "/queries/life-timeline",
              "downloads": "/downloads", "not-found": "/id/person/victor-sergey"}
STATIC_KINDS = {"static-home": "/index.html", "static-person": "/id/person/victor-serge.html",
                "static-search": "/search.html?q=kibalchich", "static-query": "/queries/life-timeline.html",
                "static-list": "/works-by-date.html"}


def test_search_kibalchich_and_reach_serge(page: Any, live: str) -> None:
    page.goto(live + "/")
    search = page.get_by_role("search").get_by_label("Search")
    search.fill("Kibalchich")
    search.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Kibalchich"))
    people = page.get_by_role("region", name=re.compile("^People"))
    people.get_by_role("link", name="Victor Serge", exact=True).click()
    page.wait_for_url(re.compile(r"/id/person/victor-serge$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Victor Serge"
    text = page.get_by_role("main").inner_text()
    assert "30 December 1890" in text and "17 November 1947" in text
    russian = page.locator('[lang="ru"]').first
    assert "Киба" in russian.inner_text()


def test_open_the_deportation_and_read_its_evidence(page: Any, live: str) -> None:
    page.goto(live + "/id/person/victor-serge")
    life = page.get_by_role("region", name="Life")
    life.get_by_role("link", name="Deportation to Orenburg").click()
    page.wait_for_url(re.compile(r"/id/event/deportation-orenburg$"))
    region = page.get_by_role("region", name="Evidence for this record")
    evidence = region.locator("details")
    if evidence.get_attribute("open") is None:  # the record's own evidence opens by itself; rows' stay closed
        region.get_by_text(re.compile(r"^Evidence")).click()
    assert evidence.get_attribute("open") is not None
    body = region.inner_text()
    assert "condemned without trial" in body and re.search(r"Weissman 2013, pp?\. \d+", body)
    region.get_by_role("link", name="show in source").first.click()
    page.wait_for_url(re.compile(r"/sources/wikipedia#q-"))
    target = page.locator(":target")
    assert "condemned without trial" in target.first.inner_text()


def test_keyboard_focus_is_visible(page: Any, live: str) -> None:
    page.goto(live + "/id/person/victor-serge")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    style = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert style not in ("none", "")


def test_every_page_kind_fits_390px_and_passes_axe(page: Any, live: str) -> None:
    problems = {}
    for name, path in PAGE_KINDS.items():
        visit(page, live + path, name)
        if found := serious(page):
            problems[name] = found
    assert problems == {}


def test_static_site_pages_fit_and_pass_axe_and_search_runs_in_the_browser(page: Any, static_url: str) -> None:
    problems = {}
    for name, path in STATIC_KINDS.items():
        visit(page, static_url + path, name)
        if found := serious(page):
            problems[name] = found
    assert problems == {}
    page.goto(static_url + "/search.html?q=kibalchich")
    page.wait_for_selector('#results a[href$="id/person/victor-serge.html"]')
    page.click('#results a[href$="id/person/victor-serge.html"]')
    assert page.inner_text("h1") == "Victor Serge"


def test_screenshots_are_kept_as_artefacts() -> None:
    if not SHOTS.exists():
        pytest.skip("no screenshots taken (browser tests skipped)")
    names = {p.stem for p in SHOTS.glob("*.png")}
    assert {f"{k}-{w}" for k in PAGE_KINDS for w in (WIDE, NARROW)} <= names
    assert shutil.disk_usage(SHOTS).free > 0
