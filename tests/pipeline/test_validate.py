"""The check queries report the same violations on Oxigraph (as the build runs them) as on rdflib."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDFS, Graph

from conftest import union
from serge_kg.errors import SergeKGError, ShapeLoadError
from serge_kg.namespaces import ID
from serge_kg.pipeline.build import BuildResult
from serge_kg.pipeline.export import OxTriples
from serge_kg.pipeline.validate import check_violations, load_shapes, start_validation, validate_graph

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


def _broken(result: BuildResult) -> Graph:
    """The mini graph with Serge's label removed: SHACL fires."""
    bad = Graph()
    for t in result.asserted:
        bad.add(t)
    serge = ID["person/victor-serge"]
    bad.remove((serge, RDFS.label, None))
    return bad


def test_shacl_beside_the_caller_reports_what_it_reports_in_process(mini_built: BuildResult, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    bad, shapes = _broken(mini_built), load_shapes(ROOT / "ontology" / "shapes.ttl")
    pending = start_validation(bad, mini_built.inferred, mini_built.ontology, shapes, ROOT / "queries")
    assert pending._process is not None  # this machine forks: SHACL ran in a second process
    forked = pending.report()
    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # one core: in this process
    serial_pending = start_validation(bad, mini_built.inferred, mini_built.ontology, shapes, ROOT / "queries")
    assert serial_pending._process is None
    serial = serial_pending.report()
    assert not forked.conforms and forked.violations == serial.violations
    assert any("victor-serge" in line for line in forked.violations)


@pytest.mark.parametrize("cores", [2, 1])
def test_a_validation_that_cannot_run_is_an_error_not_a_pass(mini_built: BuildResult, cores: int,
                                                             monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(os, "cpu_count", lambda: cores)  # forked, then in this process
    shapes = Graph()
    shapes.parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:s> a sh:NodeShape ; sh:targetNode <urn:x> ; sh:property [ sh:path <urn:p> ; sh:minCount 1, 2 ] .""",
                 format="turtle")
    with pytest.raises(ShapeLoadError, match="SHACL validation could not run"):
        validate_graph(mini_built.asserted, mini_built.inferred, mini_built.ontology, shapes, ROOT / "queries")


def test_a_cut_off_shapes_file_is_named(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:s> a", encoding="utf-8")
    with pytest.raises(ShapeLoadError, match="shapes.ttl: cannot load SHACL shapes"):
        load_shapes(shapes)


def test_a_failing_check_query_stops_the_validating_process(mini_built: BuildResult, tmp_path: Path) -> None:
    queries = tmp_path / "queries"
    (queries / "checks").mkdir(parents=True)
    (queries / "checks" / "broken-violation.rq").write_text(
        "#+ summary: a check Oxigraph cannot parse\nSELECT ?x WHERE { ?x ?p }\n", encoding="utf-8")
    pending = start_validation(mini_built.asserted, mini_built.inferred, mini_built.ontology,
                               load_shapes(ROOT / "ontology" / "shapes.ttl"), queries)
    assert pending._process is not None
    with pytest.raises(SergeKGError):
        pending.report()
    assert not pending._process.is_alive()
