"""The Oxigraph dataset: each part once, in its named graph; the default graph their union unless FROM names one."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef

from serge_kg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH
from serge_kg.query.engines import dataset_store, run_oxigraph
from serge_kg.query.saved import parse_query_file

EX = "http://example.org/"


def _graph(*objects: str) -> Graph:
    g = Graph()
    for o in objects:
        g.add((URIRef(EX + "s"), URIRef(EX + "p"), Literal(o)))
    return g


def _values(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "q.rq"
    path.write_text(f"#+ summary: test\n{body}\n", encoding="utf-8")
    result = run_oxigraph(parse_query_file(path), dataset_store(_graph("a", "b"), _graph("c")), {})
    return sorted(str(row[0]) for row in result.rows)


def test_the_default_graph_is_asserted_plus_inferred(tmp_path: Path) -> None:
    assert _values(tmp_path, "SELECT ?o WHERE { ?s ?p ?o }") == ["a", "b", "c"]


def test_from_names_one_part_and_graph_names_each(tmp_path: Path) -> None:
    assert _values(tmp_path, f"SELECT ?o FROM <{INFERRED_GRAPH}> WHERE {{ ?s ?p ?o }}") == ["c"]
    assert _values(tmp_path, f"SELECT ?o WHERE {{ GRAPH <{ASSERTED_GRAPH}> {{ ?s ?p ?o }} }}") == ["a", "b"]
    assert _values(tmp_path, "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }") == sorted(
        [str(ASSERTED_GRAPH)] * 2 + [str(INFERRED_GRAPH)])


def test_each_triple_is_held_once(tmp_path: Path) -> None:
    store = dataset_store(_graph("a", "b"), _graph("c"))
    assert len(store) == 3  # not twice over (default graph + named graph)
