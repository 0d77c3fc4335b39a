"""Helpers for the browser tests: look at a page wide and narrow (screenshots kept), and run axe-core on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
NARROW, WIDE = 390, 1280


def visit(page: Any, url: str, name: str) -> None:
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


def serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe
    result = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} - {[n['target'] for n in v['nodes'][:3]]}"
            for v in result.response["violations"] if v.get("impact") in ("critical", "serious")]
