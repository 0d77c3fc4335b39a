"""A build of unchanged inputs does nothing; a change to any input rebuilds, byte for byte as a clean build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import make_project, run
from serge_kg.paths import Paths
from serge_kg.pipeline.fingerprint import input_fingerprint, unchanged_generation
from serge_kg.pipeline.generation import MANIFEST, VIOLATIONS


@pytest.fixture()
def built(tmp_path: Path) -> Paths:
    paths = make_project(tmp_path / "project")
    assert run(paths, "build", "-q")[0] == 0
    return paths


def files(build: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(build.iterdir()) if p.is_file() and p.name != ".lock"}


def generation(paths: Paths) -> str:
    return json.loads((paths.build / MANIFEST).read_text(encoding="utf-8"))["generation"]


def test_unchanged_inputs_build_nothing(built: Paths) -> None:
    before, gen = files(built.build), generation(built)
    code, out, _ = run(built, "build", "-q")
    assert code == 0 and "up to date" in out and gen in out
    assert files(built.build) == before
    code, out, _ = run(built, "build", "-q", "--force")
    assert code == 0 and "up to date" not in out and generation(built) != gen


def test_one_changed_record_rebuilds_exactly_as_a_clean_build(built: Paths, tmp_path: Path) -> None:
    people = built.data / "people" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("[Le Rétif, Paul Sizoff]", "[Le Rétif]"),
                      encoding="utf-8")
    before = files(built.build)
    code, out, _ = run(built, "build", "-q")
    assert code == 0 and "up to date" not in out
    after = files(built.build)
    assert after["serge.nt"] != before["serge.nt"] and after["serge.ttl"] != before["serge.ttl"]
    clean = make_project(tmp_path / "clean")
    shutil.copy(people, clean.data / "people" / "people.yaml")
    assert run(clean, "build", "-q")[0] == 0
    expected = files(clean.build)
    assert set(after) == set(expected)
    for name in expected:
        if name == MANIFEST:  # the generation names differ; the inputs and every file's digest do not
            a, e = json.loads(after[name]), json.loads(expected[name])
            assert a["files"] == e["files"] and a["inputs"] == e["inputs"] and a["reasoned"] is e["reasoned"]
        else:
            assert after[name] == expected[name], name


@pytest.mark.parametrize("change", ["ontology", "query", "source", "new file"])
def test_every_kind_of_input_counts(built: Paths, change: str) -> None:
    fingerprint = input_fingerprint(built)
    target = {"ontology": built.ontology, "query": built.queries / "checks" / "geonames-violation.rq",
              "source": next((built.data / "sources").glob("000_*.txt")), "new file": built.data / "people" / "x.yaml"}
    path = target[change]
    with open(path, "ab") as fh:
        fh.write(b"\n# one more line\n")
    assert input_fingerprint(built) != fingerprint
    assert unchanged_generation(built) is None


def test_a_candidates_file_is_not_an_input(built: Paths) -> None:
    fingerprint = input_fingerprint(built)
    built.candidates.parent.mkdir(parents=True, exist_ok=True)
    built.candidates.write_text("record_id,qid\n", encoding="utf-8")
    assert input_fingerprint(built) == fingerprint


def test_a_damaged_or_unreasoned_build_is_rebuilt(built: Paths) -> None:
    assert unchanged_generation(built) == generation(built)
    assert unchanged_generation(built, reason=False) is None  # a --no-reason build differs from this one
    with open(built.build / "serge.ttl", "ab") as fh:
        fh.write(b"# edited by hand\n")
    assert unchanged_generation(built) is None
    code, out, _ = run(built, "build", "-q")
    assert code == 0 and "up to date" not in out and unchanged_generation(built) == generation(built)


def test_a_stale_violation_report_goes_when_the_inputs_are_back(built: Paths) -> None:
    (built.build / VIOLATIONS).write_text("{}\n", encoding="utf-8")  # as a failed build of other inputs leaves it
    code, out, _ = run(built, "build", "-q")
    assert code == 0 and "up to date" in out and not (built.build / VIOLATIONS).exists()
