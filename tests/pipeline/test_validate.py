"""The check queries report the same violations on Oxigraph (as the build runs them) as on rdflib."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

from conftest import union
from serge_kg.pipeline.build import BuildResult
from serge_kg.pipeline.export import OxTriples
from serge_kg.pipeline.validate import check_violations, load_shapes, validate_graph

ROOT = Path(__file__).resolve().parents[2]
# checks that always fire, with IRIs, language-tagged and typed literals in their rows
ALWAYS = {
    "people-violation.rq": """#+ summary: Every person (a check that always fires, for the test)
#+ columns: [person]
PREFIX sk: <https://w3id.org/serge-kg/ontology#>
SELECT ?person WHERE { ?person a sk:Person } ORDER BY ?person
""",
    "labels-violation.rq": """#+ summary: Every label and date (a check that always fires, for the test)
#+ columns: [thing, label, date]
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX sk: <https://w3id.org/serge-kg/ontology#>
SELECT ?thing ?label ?date WHERE { ?thing rdfs:label ?label OPTIONAL { ?thing sk:earliest ?date } }
""",
}


def _queries(tmp_path: Path) -> Path:
    queries = tmp_path / "queries"
    shutil.copytree(ROOT / "queries" / "checks", queries / "checks")
    for name, text in ALWAYS.items():
        (queries / "checks" / name).write_text(text, encoding="utf-8")
    return queries


def _store(result: BuildResult) -> ox.Store:
    triples, store = OxTriples(), ox.Store()
    store.bulk_extend([ox.Quad(t.subject, t.predicate, t.object) for g in (result.asserted, result.inferred)
                       for t in triples(g)])
    return store


def test_checks_give_the_same_lines_on_both_engines(mini_built: BuildResult, tmp_path: Path) -> None:
    queries, graph = _queries(tmp_path), union(mini_built)
    n_rdflib, on_rdflib = check_violations(graph, queries)
    n_ox, on_ox = check_violations(graph, queries, _store(mini_built))
    assert n_rdflib == n_ox >= 8 + len(ALWAYS)
    assert len(on_rdflib) > 20 and any("@" in line or "'" in line for line in on_rdflib)
    assert sorted(on_ox) == sorted(on_rdflib)


def test_the_real_data_conforms_on_both_engines(full_built: BuildResult) -> None:
    graph = union(full_built)
    assert check_violations(graph, ROOT / "queries") == check_violations(graph, ROOT / "queries", _store(full_built))
    report = validate_graph(full_built.asserted, full_built.inferred, full_built.ontology,
                            load_shapes(ROOT / "ontology" / "shapes.ttl"), ROOT / "queries")
    assert report.conforms and report.checks_run >= 8
