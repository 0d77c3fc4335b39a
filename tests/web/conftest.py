"""Fixtures for the web tests: the mini project built once, the app served on 127.0.0.1, a static site."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from conftest import make_project
from serge_kg.paths import Paths
from serge_kg.pipeline.build import build
from serge_kg.web.app import create_app
from serge_kg.web.site import write_site
from stores import Served, free_port  # noqa: F401 - free_port for the web tests

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


class StaticServer:
    """A folder served by the standard library's HTTP server on 127.0.0.1, stopped on exit."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(_Quiet, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> StaticServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(10)


@pytest.fixture(scope="session")
def web_project(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """The mini project, built, with Serge linked to his Wikidata item."""
    paths = make_project(tmp_path_factory.mktemp("web") / "project")
    (paths.data / "wikidata").mkdir()
    (paths.data / "wikidata" / "decisions.csv").write_text(
        "record_id,qid,decision,how_verified\nvictor-serge,Q362009,same,test fixture\n", encoding="utf-8")
    build(paths)
    return paths


@pytest.fixture(scope="session")
def live(web_project: Paths) -> Iterator[str]:
    """The app serving the mini project: its base URL."""
    with Served(create_app(web_project)) as served:
        yield served.url


@pytest.fixture(scope="session")
def static_site(web_project: Paths, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mini project's static site, written once."""
    out = tmp_path_factory.mktemp("site") / "public"
    write_site(web_project, out, base_url="https://example.org/serge/")
    return out


@pytest.fixture(scope="session")
def static_url(static_site: Path) -> Iterator[str]:
    with StaticServer(static_site) as served:
        yield served.url


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
    """A tab in a fresh context; any request to a host other than 127.0.0.1 is aborted and fails the test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def guard(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1" or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    context.close()
    assert outside == [], f"the page asked hosts other than 127.0.0.1: {outside}"
