"""Builds are all-or-nothing: one generation named by a manifest, checked by readers, even under SIGKILL."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import time
from pathlib import Path

import pytest

from conftest import make_project, run
from serge_kg.errors import BuildStateError, ShapeLoadError
from serge_kg.paths import Paths
from serge_kg.pipeline.build import OUTPUTS, build, load_graphs
from serge_kg.pipeline.generation import MANIFEST, VIOLATIONS, check_generation

ALWAYS = """#+ summary: Every person (a check that always fails, for the test)
#+ columns: [person]
PREFIX sk: <https://w3id.org/serge-kg/ontology#>
SELECT ?person WHERE { ?person a sk:Person }
"""


@pytest.fixture()
def built(tmp_path: Path) -> Paths:
    paths = make_project(tmp_path / "project")
    build(paths)
    return paths


def snapshot(build_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(build_dir.iterdir()) if p.is_file() and p.name != ".lock"}


def test_a_build_is_one_generation(built: Paths) -> None:
    manifest = check_generation(built.build)
    assert manifest is not None and set(OUTPUTS) | {"void.ttl", "report.json"} == set(manifest["files"])
    assert not list(built.build.glob(".gen-*")) and not list(built.build.glob(".*.tmp"))


def test_readers_refuse_a_mixed_build(built: Paths) -> None:
    with open(built.build / "serge-inferred.nt", "ab") as fh:  # as if an older build's file were left
        fh.write(b"<http://e/a> <http://e/b> <http://e/c> .\n")
    with pytest.raises(BuildStateError, match="serge-inferred.nt is not part of build generation"):
        load_graphs(built, inferred=True)
    code, _, err = run(built, "query", "life-timeline", "--inferred")
    assert code == 2 and "run `serge-kg build` again" in err and "Traceback" not in err
    (built.build / "serge.nt").unlink()
    with pytest.raises(BuildStateError):
        load_graphs(built)
    assert run(built, "build", "-q")[0] == 0  # a new build repairs it
    load_graphs(built, inferred=True)


def test_a_failing_build_writes_only_the_violation_report(built: Paths) -> None:
    before = snapshot(built.build)
    (built.queries / "checks" / "always-violation.rq").write_text(ALWAYS, encoding="utf-8")
    code, out, err = run(built, "build", "-q")
    assert code == 1 and "DOES NOT CONFORM" in err and "the last build" in err
    after = snapshot(built.build)
    assert set(after) - set(before) == {VIOLATIONS}
    assert all(after[name] == data for name, data in before.items())
    report = json.loads(after[VIOLATIONS])
    assert report["conforms"] is False and any("always-violation" in v for v in report["violations"])
    (built.queries / "checks" / "always-violation.rq").unlink()
    assert run(built, "build", "-q")[0] == 0
    assert not (built.build / VIOLATIONS).exists()


def test_stale_temporaries_are_cleaned(built: Paths) -> None:
    (built.build / ".gen-19990101T000000-1-1").mkdir()
    (built.build / ".gen-19990101T000000-1-1" / "serge.nt").write_text("half")
    (built.build / ".serge.nt.abc.tmp").write_text("half")
    build(built, validate=False)
    assert not list(built.build.glob(".gen-*")) and not list(built.build.glob(".*.tmp"))


def test_no_check_queries_is_an_error(built: Paths) -> None:
    shutil.rmtree(built.queries / "checks")
    (built.queries / "checks").mkdir()
    with pytest.raises(ShapeLoadError, match="no check queries"):
        build(built, write=False)
    shutil.rmtree(built.queries / "checks")
    code, _, err = run(built, "validate", "-q")
    assert code == 2 and "no check queries" in err


def test_sigkill_at_random_points_never_leaves_a_mixed_build(built: Paths) -> None:
    """20 builds killed with SIGKILL at random moments: each leaves a whole generation or one readers refuse."""
    rng = random.Random(14)
    t = time.perf_counter()
    build(built, validate=False)
    one = time.perf_counter() - t
    outcomes = {"whole": 0, "refused": 0}
    for _ in range(20):
        pid = os.fork()
        if pid == 0:  # the child builds until it is killed
            try:
                while True:
                    build(built, validate=False)
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0.0, one))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        try:
            assert check_generation(built.build, ("serge.nt", "serge-inferred.nt")) is not None
            outcomes["whole"] += 1
        except BuildStateError:
            outcomes["refused"] += 1
    assert sum(outcomes.values()) == 20 and outcomes["whole"] > 0
    build(built, validate=False)  # the next build cleans whatever the kills left
    assert check_generation(built.build) is not None
    assert not list(built.build.glob(".gen-*")) and not list(built.build.glob(".*.tmp"))
    assert MANIFEST in os.listdir(built.build)


def test_a_reader_of_the_dumps_checks_only_the_files_it_reads(built: Paths) -> None:
    from serge_kg.pipeline.fingerprint import built_dumps

    assert run(built, "build", "-q")[0] == 0
    with open(built.build / "serge.ttl", "ab") as fh:  # a file the query does not read
        fh.write(b"# changed\n")
    assert built_dumps(built, inferred=True) is not None  # the two N-Triples dumps are whole
    with pytest.raises(BuildStateError, match="serge.ttl is not part of build generation"):
        check_generation(built.build)  # a full check (the no-op build's) still sees it
    assert run(built, "build", "-q", "--force")[0] == 0
