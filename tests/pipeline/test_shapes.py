"""SHACL shapes: valid against SHACL-SHACL, no orphan property shapes, and every node shape proven to fire."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, SH, Graph, Namespace

from serge_kg.pipeline.build import BuildResult

ROOT = Path(__file__).resolve().parents[2]
SHAPES = Graph().parse(ROOT / "ontology" / "shapes.ttl")
SKX = Namespace("https://w3id.org/serge-kg/shapes#")

PREFIXES = """
@prefix sk: <https://w3id.org/serge-kg/ontology#> . @prefix skid: <https://w3id.org/serge-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix dcterms: <http://purl.org/dc/terms/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> . @prefix foaf: <http://xmlns.com/foaf/0.1/> .
"""
EV = "prov:wasDerivedFrom skid:evidence/x ."
EVIDENCE = """skid:evidence/x a sk:Evidence ; sk:quote "a quote" ; dcterms:source <http://s> .
<http://s> a sk:Source ; rdfs:label "s" ; dcterms:license <http://l> ; foaf:page <http://s> ."""

# node shape -> a minimal graph that must violate it (and nothing is asked of the others)
INVALID = {
    "PersonShape": f'skid:person/p a sk:Person ; {EV}',  # no label
    "OrganizationShape": f'skid:organization/o a sk:Organization ; rdfs:label "O" ; sk:locatedIn skid:person/p ; {EV}',
    "PlaceShape": f'skid:place/a a sk:Place ; rdfs:label "A" ; sk:containedIn skid:work/w ; {EV}',
    "WorkShape": f'skid:work/w a sk:Work ; rdfs:label "W" ; sk:language "French" ; {EV}',
    "WorkEvidenceShape": 'skid:work/w a sk:Novel ; rdfs:label "W" .',
    "ExpressionShape": f'skid:translation/t a sk:Translation ; rdfs:label "T" ; sk:isbn13 "978-1-59017-366-4" ; {EV}',
    "EventShape": f'skid:event/e a sk:Arrest ; rdfs:label "E" ; sk:place skid:person/p ; {EV} skid:person/p a sk:Person .',
    "MembershipShape": f'skid:event/m a sk:Membership ; rdfs:label "M" ; {EV}',
    "LifeEventShape": f'skid:event/b a sk:Birth ; rdfs:label "B" ; {EV}',
    "RelationshipShape": f'skid:relation/r a sk:Relationship ; sk:relSubject skid:person/p ; {EV}',
    "EvidenceShape": 'skid:evidence/y a sk:Evidence ; dcterms:source <http://s> .',
    "CitationShape": 'skid:citation/c a sk:Citation ; sk:noteNumber "43" .',
    "SourceShape": '<http://t> a sk:Source ; rdfs:label "t" .',
    "DisagreementShape": 'skid:disagreement/d a sk:Disagreement ; rdfs:label "D" ; sk:about skid:person/p .',
    "ClaimShape": 'skid:disagreement/d/claim/x a sk:Claim ; sk:claimedValue "1919" .',
    "OpinionShape": f'skid:opinion/o a sk:Opinion ; rdfs:label "O" ; sk:about skid:person/p ; sk:stance "s" ; {EV}',
    "AttributionShape": f'skid:attribution/a a sk:Attribution ; sk:attributionStatus "maybe" ; {EV}',
    "WikidataLinkShape": 'skid:person/p owl:sameAs <https://www.wikidata.org/wiki/Q362009> .',
}


def _results(data: str) -> Graph:
    text = re.sub(r"skid:([\w/-]+)", r"<https://w3id.org/serge-kg/id/\1>", EVIDENCE + "\n" + data)
    g = Graph().parse(data=PREFIXES + text, format="turtle")
    g.parse(ROOT / "ontology" / "serge.ttl")  # class hierarchy, as at build time
    conforms, results, _ = validate(g, shacl_graph=SHAPES, inference="none", advanced=True)
    assert not conforms
    return results


def _source_node_shapes(results: Graph) -> set[str]:
    names = set()
    for shape in results.objects(None, SH.sourceShape):
        owners = set(SHAPES.subjects(SH.property, shape)) | {shape}
        names |= {str(o).rsplit("#", 1)[-1] for o in owners if (o, RDF.type, SH.NodeShape) in SHAPES}
    return names


def test_shapes_graph_passes_shacl_shacl() -> None:
    conforms, _, text = validate(SHAPES, meta_shacl=True, inference="none")
    assert conforms, text


def test_every_property_shape_is_attached_named_and_has_a_message() -> None:
    attached = set(SHAPES.objects(None, SH.property))
    for ps in set(SHAPES.subjects(SH.path, None)):
        if (None, SH["not"], ps) in SHAPES:
            continue
        assert ps in attached, f"orphan property shape {ps}"
        assert (ps, SH.name, None) in SHAPES and (ps, SH.message, None) in SHAPES, ps
    for ns in SHAPES.subjects(RDF.type, SH.NodeShape):
        assert any(SHAPES.triples((ns, p, None)) for p in (SH.targetClass, SH.targetSubjectsOf)), ns


def test_every_node_shape_has_a_failing_case() -> None:
    node_shapes = {str(s).rsplit("#", 1)[1] for s in SHAPES.subjects(RDF.type, SH.NodeShape)}
    assert node_shapes == set(INVALID)


@pytest.mark.parametrize("shape", sorted(INVALID))
def test_shape_fires(shape: str) -> None:
    assert shape in _source_node_shapes(_results(INVALID[shape]))


def test_real_data_conforms(mini_built: BuildResult) -> None:
    assert mini_built.report is not None and mini_built.report.conforms, mini_built.report.violations
