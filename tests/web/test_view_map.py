"""The map in Chromium, live and static, on the real project (the mini slice has no GeoNames table):
markers for Orenburg and Mexico City, the path drawn in date order, a click opens the place page,
nothing asked of any host but 127.0.0.1, axe-core clean, no sideways scroll at 390 px."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import ROOT
from serge_kg.paths import Paths
from serge_kg.pipeline.build import build
from serge_kg.web.app import create_app
from serge_kg.web.site import write_site
from stores import Served

from .browsing import serious, visit
from .conftest import StaticServer

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """The real project, built once into a temporary copy."""
    target = tmp_path_factory.mktemp("real") / "project"
    for part in ("ontology", "queries", "data"):
        shutil.copytree(ROOT / part, target / part)
    paths = Paths(target)
    build(paths)
    return paths


@pytest.fixture(scope="module")
def real_live(real: Paths) -> Iterator[str]:
    with Served(create_app(real)) as served:
        yield served.url


@pytest.fixture(scope="module")
def real_static(real: Paths, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("realsite") / "public"
    write_site(real, out)
    with StaticServer(out) as served:
        yield served.url


def drawn(page: Any) -> dict[str, Any]:
    """What the script drew: marker tooltips and the polyline's points, in order."""
    page.wait_for_selector("#map[data-drawn]")
    assert page.get_attribute("#map", "data-land-error") is None
    return page.evaluate("""() => ({
        markers: sergeKgMap.markers.map(m => m.getTooltip().getContent()),
        path: sergeKgMap.path ? sergeKgMap.path.getLatLngs().map(p => [p.lat, p.lng]) : [],
        land: document.querySelectorAll('#map .leaflet-land-pane canvas').length})""")


def check_map(page: Any, url: str, name: str, path_json: list[dict[str, Any]]) -> None:
    visit(page, url, name)
    seen = drawn(page)
    assert any(t.startswith("Orenburg (") for t in seen["markers"])
    assert any(t.startswith("Mexico City (") for t in seen["markers"])
    assert seen["land"] > 0  # the world-atlas outlines, drawn from this site
    # the line is the saved query's stops with coordinates, in its order, and that order is the dates'
    placed = [r for r in path_json if "lat" in r]
    assert seen["path"] == [[float(r["lat"]["value"]), float(r["long"]["value"])] for r in placed]
    starts = [date.fromisoformat(r["sortDate"]["value"]) for r in placed]
    assert starts == sorted(starts)
    for i, a in enumerate(placed):
        for b in placed[i + 1:]:
            if "latest" in b:
                assert b["latest"]["value"] >= a["earliest"]["value"], (a["label"]["value"], b["label"]["value"])
    main = page.get_by_role("main")
    assert "modern borders are not drawn" in main.inner_text()
    assert page.get_by_role("link", name="GeoNames").count() >= 1 and "CC BY 4.0" in main.inner_text()
    path_list = page.get_by_role("region", name=re.compile("^Serge's path"))
    assert path_list.get_by_role("listitem").count() == len(path_json)
    unplaced = page.get_by_role("region", name=re.compile("^Places not on the map"))
    assert unplaced.get_by_role("link", name="Lubyanka").count() == 1
    table = page.get_by_role("region", name="Table of the places on the map")
    assert table.get_by_role("row").count() == len(seen["markers"]) + 1
    assert serious(page) == []


def test_live_map_markers_path_and_click(page: Any, real_live: str) -> None:
    rows = httpx.get(real_live + "/queries/map-path", headers={"Accept": "application/sparql-results+json"}).json()
    check_map(page, real_live + "/map", "map", rows["results"]["bindings"])
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#map").scroll_into_view_if_needed()
    page.wait_for_function("sergeKgMap.map.getSize().x === document.getElementById('map').clientWidth")
    page.wait_for_timeout(300)  # the map refits its path to the new width
    point = page.evaluate("""() => { const m = sergeKgMap.markers.find(m => m.getTooltip().getContent()
        .startsWith('Orenburg (')); const p = sergeKgMap.map.latLngToContainerPoint(m.getLatLng());
        const r = document.getElementById('map').getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }""")
    page.mouse.click(point[0], point[1])
    page.wait_for_url(re.compile(r"/id/place/orenburg$"))


def test_a_place_marker_is_reached_with_tab_shows_its_tooltip_and_enter_opens_it(page: Any,
                                                                                real_live: str) -> None:
    page.goto(real_live + "/map")
    page.wait_for_selector("#map[data-ready]")
    marker = page.get_by_role("link", name=re.compile(r"^Orenburg \(\d+ events?\)$"))
    assert marker.count() == 1 and marker.get_attribute("tabindex") == "0"
    names = page.evaluate("""() => Array.from(document.querySelectorAll('#map path[role=link]'))
        .map(e => e.getAttribute('aria-label'))""")
    assert len(names) > 10 and all(re.search(r"\(\d+ events?\)$", n) for n in names)
    marker.focus()
    assert page.locator(".leaflet-tooltip").inner_text().startswith("Orenburg (")
    assert marker.evaluate("e => getComputedStyle(e).strokeWidth") == "4px"  # the focus ring is visible
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/id/place/orenburg$"))


def test_static_map_works_from_a_static_host(page: Any, real_static: str) -> None:
    rows = httpx.get(real_static + "/queries/map-path.json").json()
    check_map(page, real_static + "/map.html", "static-map", rows["results"]["bindings"])


@pytest.mark.parametrize("where", ["live", "static"])
def test_place_pages_have_a_small_map_only_with_a_point(page: Any, real_live: str, real_static: str,
                                                        where: str) -> None:
    base, suffix = (real_live, "") if where == "live" else (real_static, ".html")
    visit(page, f"{base}/id/place/mexico-city{suffix}", f"{where}-place-map")
    seen = drawn(page)
    assert seen["markers"] == ["Mexico City"] and seen["land"] > 0
    assert serious(page) == []
    page.goto(f"{base}/id/place/lubyanka{suffix}")
    assert page.locator("#map").count() == 0


def test_a_project_without_coordinates_lists_its_places_and_draws_no_guess(page: Any, live: str) -> None:
    """The mini slice has no GeoNames table: the map draws no marker and no line, and lists every place."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live + "/map")
    seen = drawn(page)
    assert errors == [] and seen["markers"] == [] and seen["path"] == [] and seen["land"] > 0
    unplaced = page.get_by_role("region", name=re.compile("^Places not on the map"))
    assert unplaced.get_by_role("link", name="Orenburg").count() == 1
    assert "not on the map: no coordinates" in page.get_by_role("region", name=re.compile("^Serge's path")).inner_text()
