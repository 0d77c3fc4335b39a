"""Records -> RDF: IRIs, dates with bounds, evidence and citations, translations, relationships."""

from __future__ import annotations

from rdflib import PROV, RDF, RDFS, XSD, Literal, URIRef

from serge_kg.namespaces import EDTF, ID, SK, WD
from serge_kg.pipeline.build import BuildResult

SERGE = ID["person/victor-serge"]


def test_entity_iris_come_from_record_ids(mini_built: BuildResult) -> None:
    g = mini_built.asserted
    assert (SERGE, RDF.type, SK.Person) in g
    assert (SERGE, RDFS.label, Literal("Victor Serge", lang="en")) in g
    assert (SERGE, SK.birthName, Literal("Ви́ктор Льво́вич Киба́льчич", lang="ru")) in g
    assert (SERGE, SK.pseudonym, Literal("Le Rétif")) in g


def test_uncertain_date_keeps_edtf_and_bounds(mini_built: BuildResult) -> None:
    g, e = mini_built.asserted, ID["event/expulsion-from-party"]
    assert (e, SK.date, Literal("[1927-07..1928-06]", datatype=EDTF)) in g
    assert (e, SK.earliest, Literal("1927-07-01", datatype=XSD.date)) in g
    assert (e, SK.latest, Literal("1928-06-30", datatype=XSD.date)) in g
    assert (e, SK.dateValue, None) not in g  # no false precision


def test_evidence_carries_quote_source_and_citation(mini_built: BuildResult) -> None:
    g = mini_built.asserted
    arrest = ID["event/arrest-1933"]
    ev = g.value(arrest, PROV.wasDerivedFrom)
    assert str(g.value(ev, SK.quote)).startswith("In March 1933, Serge was arrested")
    cit = g.value(ev, SK.citation)
    assert g.value(cit, SK.noteNumber) == Literal(58)
    assert str(g.value(cit, URIRef("http://purl.org/dc/terms/bibliographicCitation"))) == "Weissman 2013, p. 198"


def test_derived_shortcuts(mini_built: BuildResult) -> None:
    g = mini_built.asserted
    assert (SERGE, SK.birthDate, Literal("1890-12-30", datatype=XSD.date)) in g
    assert (SERGE, SK.birthPlace, ID["place/brussels"]) in g
    assert (SERGE, SK.deathPlace, ID["place/mexico-city"]) in g
    assert (SERGE, SK.memberOf, ID["organization/left-opposition"]) in g
    assert (SERGE, SK.spouse, ID["person/liuba-russakova"]) in g
    assert (SERGE, SK.child, ID["person/vlady"]) in g


def test_translation_is_not_its_work(mini_built: BuildResult) -> None:
    g, t = mini_built.asserted, ID["translation/conquered-city-greeman-2011"]
    assert (t, RDF.type, SK.Translation) in g
    assert (t, SK.translationOf, ID["work/conquered-city"]) in g
    assert (t, SK.translator, ID["person/richard-greeman"]) in g
    assert (t, SK.isbn13, Literal("9781590173664")) in g
    assert (ID["work/conquered-city"], SK.translator, None) not in g


def test_disputed_attribution_is_a_claim_not_authorship(mini_built: BuildResult) -> None:
    g = mini_built.asserted
    work = ID["work/mia-1938-09-on-their-morals-and-ours"]
    assert (work, SK.author, SERGE) not in g
    attribution = g.value(None, SK.attributedWork, work)
    assert (attribution, SK.ascribedTo, SERGE) in g
    assert (attribution, SK.ascribedBy, ID["person/leon-trotsky"]) in g
    assert g.value(attribution, SK.attributionStatus) == Literal("disputed")


def test_no_blank_nodes_and_no_wikidata_without_decision(mini_built: BuildResult) -> None:
    from rdflib import BNode
    assert not any(isinstance(x, BNode) for t in mini_built.asserted for x in t)
    assert not any(str(o).startswith(str(WD)) for o in mini_built.asserted.objects())


def test_an_opinion_is_a_node_with_holder_topic_stance_and_evidence(mini_built: BuildResult) -> None:
    g, o = mini_built.asserted, ID["opinion/serge-respect-for-trotsky"]
    assert (o, RDF.type, SK.Opinion) in g
    assert (o, SK.holder, SERGE) in g and (o, SK.about, ID["person/leon-trotsky"]) in g
    stance = str(g.value(o, SK.stance))
    assert stance in str(g.value(g.value(o, PROV.wasDerivedFrom), SK.quote))
    assert str(g.value(g.value(g.value(o, PROV.wasDerivedFrom), SK.citation), SK.noteNumber)) == "74"


def test_every_event_has_its_narrative_sequence(mini_built: BuildResult) -> None:
    g = mini_built.asserted
    events = {r.id for r in mini_built.dataset.of_kind("event")}
    seq = {str(s).rsplit("/", 1)[1]: int(v) for s, v in g.subject_objects(SK.sequence)}
    assert set(seq) == events and sorted(seq.values()) == list(range(1, len(events) + 1))
    # the article tells the birth before the arrest of 1933, and the arrest before the deportation
    assert seq["birth-victor-serge"] < seq["arrest-1933"] < seq["deportation-orenburg"]
