"""The interface in a real browser: Debian's Chromium driven by Playwright, with axe-core for accessibility.

One browser for the whole test session. Without /usr/bin/chromium the tests skip with a message, except under
CI=true, where a missing browser fails (``python3 tasks.py test`` installs it). Screenshots of every page
kind, at 1280 and 390 pixels wide, are written to ``build/screenshots/`` as artefacts.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.server
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
NARROW, WIDE = 390, 1280
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


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing (Debian package chromium; `python3 tasks.py test` installs it as root)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true: {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": WIDE, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    context.close()


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


def _visit(page: Any, url: str, name: str) -> None:
    """Load once, then look at it wide and narrow (a resize re-lays the page out; no second load needed)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": WIDE, "height": 900})
    page.goto(url)
    if "search" in name and "static" in name:
        page.wait_for_selector("#results .count")  # the index is fetched and searched by the page's script
    for width in (WIDE, NARROW):
        page.set_viewport_size({"width": width, "height": 900 if width == WIDE else 844})
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"))


def _serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe
    result = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} - {[n['target'] for n in v['nodes'][:3]]}"
            for v in result.response["violations"] if v.get("impact") in ("critical", "serious")]


def test_every_page_kind_fits_390px_and_passes_axe(page: Any, live: str) -> None:
    problems = {}
    for name, path in PAGE_KINDS.items():
        _visit(page, live + path, name)
        if found := _serious(page):
            problems[name] = found
    assert problems == {}


def test_static_site_pages_fit_and_pass_axe_and_search_runs_in_the_browser(page: Any, static_url: str) -> None:
    problems = {}
    for name, path in STATIC_KINDS.items():
        _visit(page, static_url + path, name)
        if found := _serious(page):
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
