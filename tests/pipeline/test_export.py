"""Exports: deterministic, round-trip to an isomorphic graph in every format, JSON-LD with the local context."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from pyld import jsonld
from rdflib import Dataset, Graph
from rdflib.compare import graph_diff, to_isomorphic

from serge_kg.paths import Paths
from serge_kg.pipeline.build import OUTPUTS, BuildResult, build
from serge_kg.pipeline.export import DUMPS, FORMATS, OxTriples, load_context, serialize, write_atomic

ROOT = Path(__file__).resolve().parents[2]
PARSE = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}


def _assert_isomorphic(a: Graph, b: Graph) -> None:
    if to_isomorphic(a) != to_isomorphic(b):
        _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
        pytest.fail(f"only in expected: {sorted(only_a)[:5]}\nonly in actual: {sorted(only_b)[:5]}")


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld"])
def test_round_trip(mini_built: BuildResult, fmt: str) -> None:
    data = serialize(fmt, mini_built.asserted, None, load_context(ROOT / "ontology" / "context.jsonld"))
    _assert_isomorphic(mini_built.asserted, Graph().parse(data=data, format=PARSE[fmt]))


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_round_trip_datasets_keep_asserted_and_inferred_apart(mini_built: BuildResult, fmt: str) -> None:
    ds = Dataset()
    ds.parse(data=serialize(fmt, mini_built.asserted, mini_built.inferred), format=fmt)
    names = {str(g.identifier): g for g in ds.graphs() if len(g)}
    _assert_isomorphic(mini_built.asserted, names["https://w3id.org/serge-kg/graph/asserted"])
    _assert_isomorphic(mini_built.inferred, names["https://w3id.org/serge-kg/graph/inferred"])


def test_builds_are_byte_identical(mini: Paths, tmp_path: Path) -> None:
    build(mini)
    first = {f: (mini.build / f).read_bytes() for f in ("serge.ttl", "serge.nt", "serge.jsonld")}
    build(mini)
    for name, data in first.items():
        assert (mini.build / name).read_bytes() == data, name


def test_jsonld_expands_with_pyld_using_only_the_local_context(mini_built: BuildResult) -> None:
    context = load_context(ROOT / "ontology" / "context.jsonld")
    doc = json.loads(serialize("jsonld", mini_built.asserted, None, context))
    assert doc["@context"] == context  # inline, no remote reference

    def no_remote(url: str, options: dict) -> dict:  # noqa: ARG001
        raise AssertionError(f"remote context fetched: {url}")

    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": no_remote})
    _assert_isomorphic(mini_built.asserted, Graph().parse(data=nquads, format="nquads"))


def test_turtle_loads_in_an_independent_parser(mini_built: BuildResult) -> None:
    import pyoxigraph as ox
    data = serialize("turtle", mini_built.asserted)
    assert len(list(ox.parse(data, format=ox.RdfFormat.TURTLE))) == len(mini_built.asserted)
    nt = serialize("ntriples", mini_built.asserted)
    assert len(list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))) == len(mini_built.asserted)


def test_unknown_format_is_refused(mini_built: BuildResult) -> None:
    from serge_kg.errors import ExportError
    with pytest.raises(ExportError, match="allowed"):
        serialize("rdfxml", mini_built.asserted)
    assert set(FORMATS) == {"turtle", "ntriples", "jsonld", "trig", "nquads"}


def test_void_description_counts_triples(mini_built: BuildResult, mini: Paths) -> None:
    build(mini)
    void = Graph().parse(mini.build / "void.ttl")
    from rdflib import VOID, Literal, URIRef
    d = URIRef("https://w3id.org/serge-kg/dataset")
    total = len(mini_built.asserted) + len(mini_built.inferred)
    assert (d, VOID.triples, Literal(total)) in void


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_respect_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "out.ttl", b"x\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.ttl").stat().st_mode) == mode


def test_every_build_output_is_described_as_a_dump() -> None:
    assert set(DUMPS) == set(OUTPUTS)  # VoID and /dumps/ say what each file of build/ holds


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "trig", "nquads"])
def test_shared_conversion_gives_the_same_bytes(mini_built: BuildResult, fmt: str) -> None:
    """Triples converted once for all dumps serialise exactly as when each dump converts its own."""
    shared = OxTriples()
    for inferred in (None, mini_built.inferred):
        alone = serialize(fmt, mini_built.asserted, inferred)
        assert serialize(fmt, mini_built.asserted, inferred, triples=shared) == alone
    assert serialize(fmt, mini_built.inferred, triples=shared) == serialize(fmt, mini_built.inferred)


def test_merged_triples_are_the_union_of_both_graphs_each_once(mini_built: BuildResult) -> None:
    union = Graph()
    for g in (mini_built.asserted, mini_built.inferred, mini_built.asserted):  # the asserted twice: no duplicates
        for t in g:
            union.add(t)
    one_of_each = serialize("ntriples", union)
    assert serialize("ntriples", mini_built.asserted, mini_built.inferred) == one_of_each
    assert serialize("ntriples", mini_built.asserted, mini_built.asserted) == serialize("ntriples", mini_built.asserted)
