"""OWL-RL: entailments users rely on live only in the separate inferred graph."""

from __future__ import annotations

import pytest
from rdflib import OWL, SDO, XSD, Graph, Literal, URIRef

from conftest import union
from serge_kg.errors import BuildStateError
from serge_kg.namespaces import ID, PREFIXES, WDT
from serge_kg.pipeline.build import BuildResult
from serge_kg.pipeline.reason import infer

SERGE = ID["person/victor-serge"]


def test_wikidata_and_schema_properties_answer_only_with_inferred(mini_built: BuildResult) -> None:
    works = set(union(mini_built).subjects(WDT.P50, SERGE))
    assert ID["work/conquered-city"] in works
    assert not set(mini_built.asserted.subjects(WDT.P50, SERGE))
    assert (ID["work/conquered-city"], SDO.author, SERGE) in mini_built.inferred
    assert list(mini_built.inferred.objects(SERGE, WDT.P569)) == [Literal("1890-12-30", datatype=XSD.date)]
    assert (SERGE, WDT.P19, ID["place/brussels"]) in mini_built.inferred
    assert (SERGE, WDT.P26, ID["person/liuba-russakova"]) in mini_built.inferred
    assert (ID["person/liuba-russakova"], WDT.P26, SERGE) in mini_built.inferred  # symmetric
    assert (ID["person/vlady"], SDO.parent, SERGE) in mini_built.inferred  # inverse of sk:child


def test_inferred_graph_is_filtered(mini_built: BuildResult) -> None:
    for s, p, o in mini_built.inferred:
        assert not isinstance(s, Literal)
        assert not (p == OWL.sameAs and s == o)
        assert (s, p, o) not in mini_built.asserted
    assert len(mini_built.inferred) > 0


def test_lean_closure_equals_full_owlrl_on_our_data(mini_built: BuildResult) -> None:
    full = infer(mini_built.asserted, mini_built.ontology, full=True,
                 extra_subjects=set(mini_built.inferred.subjects()))
    lean = infer(mini_built.asserted, mini_built.ontology, full=False,
                 extra_subjects=set(mini_built.inferred.subjects()), reasoner="owlrl")
    assert set(lean) == set(full)
    assert PREFIXES["wdt"] == str(WDT._NS)


def _sources(built: BuildResult) -> list[URIRef]:
    return [URIRef(s.meta["revision_url"]) for s in built.dataset.sources.values()]


def test_reasonable_gives_owlrls_inferred_graph_on_the_real_data(full_built: BuildResult) -> None:
    reference = infer(full_built.asserted, full_built.ontology, extra_subjects=_sources(full_built), reasoner="owlrl")
    fast = infer(full_built.asserted, full_built.ontology, extra_subjects=_sources(full_built), reasoner="reasonable")
    assert set(fast) == set(reference)
    assert len(reference) > 5000  # the real closure, not an empty one on both sides


def _scaled(graph: Graph, k: int) -> Graph:
    """``k`` copies of the graph, every IRI of the id/ namespace suffixed per copy (literals verbatim)."""
    out = Graph()

    def term(t: object, i: int) -> object:
        return URIRef(f"{t}-k{i}") if isinstance(t, URIRef) and str(t).startswith(str(ID)) else t

    for i in range(k):
        for s, p, o in graph:
            out.add((term(s, i), p, term(o, i)))  # type: ignore[arg-type]
    return out


def test_reasonable_gives_owlrls_inferred_graph_on_a_scaled_copy(full_built: BuildResult) -> None:
    scaled = _scaled(full_built.asserted, 2)
    reference = infer(scaled, full_built.ontology, extra_subjects=_sources(full_built), reasoner="owlrl")
    fast = infer(scaled, full_built.ontology, extra_subjects=_sources(full_built), reasoner="reasonable")
    assert set(fast) == set(reference)
    assert len(reference) > 2 * 5000


def test_an_unknown_reasoner_is_refused(mini_built: BuildResult) -> None:
    with pytest.raises(BuildStateError, match="allowed: reasonable, owlrl"):
        infer(mini_built.asserted, mini_built.ontology, reasoner="hermit")
