"""Shared fixtures: a throw-away copy of the project holding the small real data slice in tests/data/mini."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from rdflib import Graph

from serge_kg.cli.main import main
from serge_kg.paths import Paths
from serge_kg.pipeline.bibliography import Bibliography, collect, graph_runner
from serge_kg.pipeline.build import BuildResult, build

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "data" / "mini"


def make_project(target: Path, data: Path | None = MINI) -> Paths:
    """A project folder with the real ontology, queries and sources, and the records of ``data``."""
    shutil.copytree(ROOT / "ontology", target / "ontology")
    shutil.copytree(ROOT / "queries", target / "queries")
    shutil.copytree(ROOT / "data" / "sources", target / "data" / "sources")
    shutil.copytree(ROOT / "data" / "mia", target / "data" / "mia")
    shutil.copytree(ROOT / "data" / "rules", target / "data" / "rules")
    # the curators' overrides refer to records the mini slice lacks; the mini keeps its own frozen copy
    shutil.copy(ROOT / "tests" / "data" / "mini-mia-overrides.yaml", target / "data" / "mia" / "overrides.yaml")
    if data is not None:
        for f in data.glob("*.yaml"):
            (target / "data" / f.stem).mkdir(parents=True, exist_ok=True)
            shutil.copy(f, target / "data" / f.stem / f.name)
    return Paths(target)


def run(paths: Paths, *args: str) -> tuple[int, str, str]:
    """``serge-kg --root <paths.root> ARGS`` in-process: exit code, stdout, stderr."""
    res = CliRunner().invoke(main, ["--root", str(paths.root), *args])
    return res.exit_code, res.stdout, res.stderr


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``network`` need the internet (Wikidata): skipped unless SERGE_KG_NETWORK=1."""
    if os.environ.get("SERGE_KG_NETWORK") == "1":
        return
    skip = pytest.mark.skip(reason="needs the network; set SERGE_KG_NETWORK=1 to run")
    for item in items:
        if "network" in item.keywords:
            item.add_marker(skip)


def union(result: BuildResult) -> Graph:
    """Asserted + inferred triples of a build, as one graph."""
    g = Graph()
    for t in result.asserted:
        g.add(t)
    for t in result.inferred:
        g.add(t)
    return g


@pytest.fixture
def mini(tmp_path: Path) -> Paths:
    """A fresh copy of the mini project (tests may change it)."""
    return make_project(tmp_path / "project")


@pytest.fixture(scope="session")
def mini_built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The mini project, built once (reasoned, validated, exported)."""
    paths = make_project(tmp_path_factory.mktemp("mini") / "project")
    return build(paths)


@pytest.fixture(scope="session")
def full_built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The real project data, built once into a temporary copy (the checkout's build/ is untouched)."""
    target = tmp_path_factory.mktemp("full") / "project"
    shutil.copytree(ROOT / "ontology", target / "ontology")
    shutil.copytree(ROOT / "queries", target / "queries")
    shutil.copytree(ROOT / "data", target / "data")
    return build(Paths(target))


def records(kind: str) -> dict[str, dict[str, Any]]:
    """The curated records of one folder of data/, by id."""
    out: dict[str, dict[str, Any]] = {}
    for f in sorted((ROOT / "data" / kind).glob("*.yaml")):
        out |= {r["id"]: r for r in yaml.safe_load(f.read_text(encoding="utf-8"))}
    return out


@pytest.fixture(scope="module")
def bib(full_built: BuildResult) -> Bibliography:
    """The bibliography of the real data, gathered from the view queries (bibliography and citation tests)."""
    paths = Paths(full_built.outputs[0].parent.parent)
    return collect(graph_runner(paths.queries, full_built.asserted, full_built.inferred))
