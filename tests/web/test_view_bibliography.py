"""The bibliography in a real browser, live and as a static site: the filters by kind, language and years,
axe-core, no sideways scroll at 390 px, no request to another host (the ``page`` fixture fails on one)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from .browsing import serious, visit

pytestmark = pytest.mark.server
WHERE = {"live": "/bibliography", "static": "/bibliography.html"}


@pytest.fixture(params=list(WHERE))
def bibliography(request: pytest.FixtureRequest, page: Any) -> Any:
    base = request.getfixturevalue("live" if request.param == "live" else "static_url")
    visit(page, base + WHERE[request.param], f"bibliography-{request.param}")
    page.set_viewport_size({"width": 1280, "height": 900})
    return page


def shown(page: Any, selector: str) -> list[str]:
    """The link texts of the visible items (the script hides the others with ``hidden``)."""
    return page.eval_on_selector_all(selector, "els => els.filter(e => !e.closest('[hidden]'))"
                                               ".map(e => e.querySelector('a').textContent)")


def test_the_page_is_accessible_and_keeps_to_127_0_0_1(bibliography: Any) -> None:
    assert serious(bibliography) == []
    bibliography.locator("details.mia-all > summary").click()  # open the MIA list: it must pass too
    assert serious(bibliography) == []


def test_filter_by_kind(bibliography: Any) -> None:
    status = bibliography.get_by_role("status")
    everything = len(shown(bibliography, "li.work"))
    assert everything > 50 and status.inner_text().startswith(f"Showing {everything} of {everything} works")
    bibliography.get_by_label("Kind", exact=True).select_option("History")
    assert sorted(shown(bibliography, "li.work")) == ["From Lenin to Stalin", "Year One of the Russian Revolution"]
    assert status.inner_text().startswith(f"Showing 2 of {everything} works")
    assert bibliography.get_by_role("heading", name="Novel (1)").is_hidden()
    kinds = bibliography.get_by_role("navigation", name="Kinds of work")
    assert kinds.get_by_role("link", name="Novel").is_hidden() and kinds.get_by_role("link", name="History").is_visible()
    bibliography.get_by_role("button", name="Show everything").click()  # the form resets, then the list
    bibliography.wait_for_function("() => !document.querySelector('li.work[hidden]')")
    assert len(shown(bibliography, "li.work")) == everything and bibliography.get_by_label("Kind", exact=True) \
        .input_value() == ""


def test_filter_by_language_keeps_works_with_an_edition_in_it(bibliography: Any) -> None:
    bibliography.get_by_label("Language", exact=True).select_option("en")
    assert shown(bibliography, "li.work") == ["Conquered City"]  # French original, English translation
    assert shown(bibliography, "li.expr") == ["Conquered City"]
    bibliography.get_by_label("Language", exact=True).select_option("fr")
    works = shown(bibliography, "li.work")
    assert "Conquered City" in works and "Year One of the Russian Revolution" in works
    assert shown(bibliography, "li.expr") == []  # the English translation is not in French


def test_filter_by_years(bibliography: Any) -> None:
    bibliography.get_by_label("From year").fill("1930")
    bibliography.get_by_label("To year").fill("1931")
    works = shown(bibliography, "li.work")
    assert "Year One of the Russian Revolution" in works and "Conquered City" not in works
    assert all(t not in works for t in ("From Lenin to Stalin",))
    bibliography.get_by_label("From year").fill("2011")
    bibliography.get_by_label("To year").fill("2011")
    assert shown(bibliography, "li.work") == ["Conquered City"]  # by its 2011 translation
    bibliography.locator("details.mia-all > summary").click()
    assert shown(bibliography, "li.mia") == []
    bibliography.get_by_label("From year").fill("1924")
    bibliography.get_by_label("To year").fill("1924")
    mia = bibliography.locator("section.mia-year:not([hidden]) h3").all_inner_texts()
    assert mia and all(h.startswith("1924") for h in mia)


def test_downloads_are_offered_and_served(bibliography: Any) -> None:
    link = bibliography.get_by_role("link", name="BibTeX (.bib)")
    with bibliography.expect_download() as info:
        link.click()
    assert info.value.suggested_filename.endswith(".bib")
    assert urlsplit(info.value.url).hostname == "127.0.0.1"
    assert "@book{conquered-city-greeman-2011," in Path(info.value.path()).read_text(encoding="utf-8")


def test_without_javascript_everything_is_listed_and_the_form_stays_hidden(browser: Any, live: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(live + "/bibliography")
        assert tab.get_by_label("Kind", exact=True).is_hidden()
        assert tab.locator("li.work").count() == tab.locator("li.work:visible").count() > 50
    finally:
        context.close()
