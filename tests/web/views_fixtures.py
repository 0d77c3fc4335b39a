"""Fixtures for the timeline and network tests: an engine on the mini project, and the real project
built once, served live and written as a static site (the mini slice lacks Trotsky's links and the
real dates of the deportation and the party expulsion)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from serge_kg.paths import Paths
from serge_kg.pipeline.build import build
from serge_kg.web.app import create_app
from serge_kg.web.engine import Engine
from serge_kg.web.pool import Limits
from serge_kg.web.site import write_site
from stores import Served

from .conftest import StaticServer

_REAL: dict[str, Any] = {}  # built once per session, whichever test module asks first


@pytest.fixture(scope="module")
def mini_engine(web_project: Paths) -> Iterator[Engine]:
    engine = Engine(web_project, max_rows=10000, limits=Limits(workers=1, max_workers=1, timeout=60.0))
    yield engine
    engine.close()


def real_project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Paths, Path]:
    """The real data, built into a temporary copy, and its static site (once per session)."""
    if not _REAL:
        target = tmp_path_factory.mktemp("real-views") / "project"
        for part in ("ontology", "queries", "data"):
            shutil.copytree(ROOT / part, target / part)
        paths = Paths(target)
        build(paths)
        site = target.parent / "site"
        write_site(paths, site)
        _REAL.update(paths=paths, site=site)
    return _REAL["paths"], _REAL["site"]


@pytest.fixture(scope="module")
def real_live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app serving the real data: its base URL."""
    paths, _ = real_project(tmp_path_factory)
    with Served(create_app(paths)) as served:
        yield served.url


@pytest.fixture(scope="module")
def real_static(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real data's static site on a plain static host: its base URL."""
    _, site = real_project(tmp_path_factory)
    with StaticServer(site) as served:
        yield served.url
