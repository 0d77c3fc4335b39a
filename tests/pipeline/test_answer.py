"""The Python API of ``serge-kg query``: one meaning of the default graph, and output that does not
depend on Python's hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from serge_kg.paths import Paths
from serge_kg.pipeline.answer import answer
from serge_kg.pipeline.build import BuildResult

# Every saved query, rendered as the CLI renders it (table and CSV), for one hash seed.
SCRIPT = """
import sys
from pathlib import Path
from serge_kg.paths import Paths
from serge_kg.pipeline.answer import QueryDataset
from serge_kg.query.render import render
from serge_kg.query.saved import list_queries
paths = Paths(Path(sys.argv[1]))
dataset = QueryDataset(paths)
for q in list_queries(paths.queries):
    got = dataset.answer(q.name)
    for fmt in ("table", "csv"):
        sys.stdout.write(f"== {q.name} {fmt}\\n" + render(got.result, fmt, got.graph.namespace_manager))
"""


def _root(result: BuildResult) -> Path:
    return result.outputs[0].parent.parent  # build/<file> -> the project folder


def test_every_saved_query_prints_the_same_bytes_under_two_hash_seeds(full_built: BuildResult) -> None:
    outputs = []
    for seed in ("1", "4242"):
        run = subprocess.run([sys.executable, "-c", SCRIPT, str(_root(full_built))], capture_output=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}, timeout=600)
        assert run.returncode == 0, run.stderr.decode()
        outputs.append(run.stdout)
    assert outputs[0].count(b"\n== ") >= 2 * 30
    if outputs[0] != outputs[1]:  # name the first query whose output moved
        a, b = outputs[0].split(b"\n== "), outputs[1].split(b"\n== ")
        moved = next(x.split(b"\n")[0] for x, y in zip(a, b) if x != y)
        raise AssertionError(f"output depends on the hash seed: {moved.decode()}")


def test_default_graph_is_asserted_plus_inferred(full_built: BuildResult) -> None:
    paths = Paths(_root(full_built))
    both = {r[0].toPython(): int(r[1]) for r in answer(paths, "counts-per-class").result.rows}
    alone = {r[0].toPython(): int(r[1]) for r in answer(paths, "counts-per-class", asserted_only=True).result.rows}
    from rdflib import RDF, URIRef
    works = URIRef("https://w3id.org/serge-kg/ontology#Work")
    union = set(full_built.asserted.subjects(RDF.type, works)) | set(full_built.inferred.subjects(RDF.type, works))
    assert both["Work"] == len(union) > alone["Work"] == len(set(full_built.asserted.subjects(RDF.type, works)))
    rdflib = {r[0].toPython(): int(r[1]) for r in answer(paths, "counts-per-class", engine="rdflib").result.rows}
    assert rdflib == both


def test_a_current_build_is_answered_from_its_dumps_without_rdflib_graphs(full_built: BuildResult) -> None:
    """Oxigraph loads build/'s N-Triples itself; the rows equal those of the dataset built in memory."""
    import pytest

    from serge_kg.errors import QueryParameterError
    from serge_kg.pipeline.answer import QueryDataset
    from serge_kg.query.engines import dataset_store, run_oxigraph
    from serge_kg.query.saved import bindings_for, find_query

    paths = Paths(_root(full_built))
    dataset = QueryDataset(paths)
    memory = dataset_store(full_built.asserted, full_built.inferred)
    for name, params in (("life-timeline", {}), ("evidence-for", {"entity": "arrest-1933"}), ("counts-per-class", {})):
        got = dataset.answer(name, params)
        q = find_query(paths.queries, name)
        expected = run_oxigraph(q, memory, bindings_for(q, params, full_built.asserted))
        assert got.result.rows == expected.rows and got.result.rows, name
    assert {"asserted", "inferred", "graph"}.isdisjoint(vars(dataset))  # no rdflib parse was needed
    assert got.namespace_manager is not None and "graph" not in vars(got)
    with pytest.raises(QueryParameterError, match="did you mean arrest-1933"):  # checked against the graph
        dataset.answer("evidence-for", {"entity": "arrest-193"})
