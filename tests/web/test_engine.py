"""The served graph: SPARQL is answered from the build's dumps before rdflib has parsed anything."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from serge_kg.paths import Paths
from serge_kg.web.app import create_app
from serge_kg.web.engine import Engine
from serge_kg.web.guard import QueryRefused
from serge_kg.web.pool import Limits
from serge_kg.web.worker import Job

ASK = "ASK { ?s ?p ?o }"


def test_sparql_answers_without_parsing_the_graph_in_the_server(web_project: Paths) -> None:
    app = create_app(web_project, limits=Limits(workers=1, max_workers=1))
    engine = app.state.engine
    try:
        client = TestClient(app)  # no lifespan: no warm-up thread either
        reply = client.get("/sparql", params={"query": ASK}, headers={"Accept": "application/sparql-results+json"})
        assert reply.status_code == 200 and reply.json()["boolean"] is True
        # the workers loaded the dumps; rdflib has parsed nothing, not even the ontology
        assert "asserted" not in engine.__dict__ and "ontology" not in engine.__dict__
        page = client.get("/id/person/victor-serge", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "Serge" in page.text
        assert len(engine.asserted) > 100 and len(engine.inferred) > 0 and engine.labels
    finally:
        engine.close()


def test_the_workers_get_the_same_triples_as_the_graphs_the_pages_read(web_project: Paths) -> None:
    engine = Engine(web_project, max_rows=1000, limits=Limits(workers=1, max_workers=1))
    try:
        # what each worker loads: the build's two N-Triples files, by path for the first workers, then
        # their bytes as read then (for a replacement started after a new build)
        assert engine.pinned.wait(30)
        assert [Path(p).read_bytes() for p in engine._dumps] == [source for _, source, _ in engine.pool.parts]
        served = b"".join(source for _, source, _ in engine.pool.parts).decode("utf-8").splitlines()
        parsed = (engine.asserted.serialize(format="nt") + engine.inferred.serialize(format="nt")).splitlines()
        assert sorted(line for line in served if line) == sorted(line for line in parsed if line)
    finally:
        engine.close()


def test_a_stale_build_is_built_in_memory(web_project: Paths, tmp_path: Path) -> None:
    import shutil

    copy = Paths(tmp_path / "project")
    shutil.copytree(web_project.root, copy.root)
    (copy.build / "manifest.json").unlink()  # no current generation
    engine = Engine(copy, max_rows=1000, limits=Limits(workers=1, max_workers=1))
    try:
        assert "asserted" in engine.__dict__ and len(engine.asserted) > 100
    finally:
        engine.close()


def test_a_later_worker_serves_the_build_the_server_started_on(web_project: Paths, tmp_path: Path) -> None:
    import os
    import shutil
    import signal

    copy = Paths(tmp_path / "project")
    shutil.copytree(web_project.root, copy.root)
    engine = Engine(copy, max_rows=1000, limits=Limits(workers=1, max_workers=1))
    count = Job("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    try:
        before = engine.execute(count).body
        assert engine.pinned.wait(30)
        assert all(isinstance(source, bytes) for _, source, _ in engine.pool.parts)
        (copy.build / "serge.nt").write_bytes(b"")  # a new build replaces the files meanwhile
        for pid in engine.pool.pids():
            os.kill(pid, signal.SIGKILL)  # the worker dies: the next query is answered by a new one
        after = b""
        for _ in range(3):
            try:
                after = engine.execute(count).body
                break
            except QueryRefused:  # the query that met the dead worker
                continue
        assert after == before and len(engine.asserted) > 100  # the pages read the same triples
    finally:
        engine.close()
