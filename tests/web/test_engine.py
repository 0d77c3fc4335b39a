"""The served graph: SPARQL is answered from the build's dumps before rdflib has parsed anything."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from serge_kg.paths import Paths
from serge_kg.web.app import create_app
from serge_kg.web.engine import Engine
from serge_kg.web.pool import Limits

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
        # what each worker loads: the build's two N-Triples files, named by path
        assert [source for _, source, _ in engine.pool.parts] == [str(p) for p in engine._dumps]
        served = b"".join(Path(source).read_bytes() for _, source, _ in engine.pool.parts).decode("utf-8").splitlines()
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
