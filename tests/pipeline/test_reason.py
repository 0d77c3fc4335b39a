"""OWL-RL: entailments users rely on live only in the separate inferred graph."""

from __future__ import annotations

from rdflib import OWL, SDO, XSD, Literal

from conftest import union
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
                 extra_subjects=set(mini_built.inferred.subjects()))
    assert set(lean) == set(full)
    assert PREFIXES["wdt"] == str(WDT._NS)
