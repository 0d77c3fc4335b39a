"""Reading the ontology: a broken file is a typed error naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import make_project
from serge_kg.errors import ShapeLoadError
from serge_kg.pipeline.ontology import load_ontology


def test_the_ontology_loads_and_a_broken_one_is_named(tmp_path: Path) -> None:
    paths = make_project(tmp_path / "project")
    assert len(load_ontology(paths)) > 100
    paths.ontology.write_text("@prefix sk: <urn:x#> .\nsk:a sk:b", encoding="utf-8")  # no final dot
    with pytest.raises(ShapeLoadError, match="serge.ttl: cannot load the ontology"):
        load_ontology(paths)
