"""Records -> the asserted RDF graph, under ``ontology/serge.ttl``.

Every record becomes a resource at ``https://w3id.org/serge-kg/id/<kind>/<id>``, linked by
``prov:wasDerivedFrom`` to one ``sk:Evidence`` node per quote; an evidence node names its source
revision and, for the Wikipedia article, the footnote (``sk:Citation``) the source gives.
"""

from __future__ import annotations

import hashlib
from typing import Any

from rdflib import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef

from serge_kg.dates import parse_date
from serge_kg.isbn import normalize_isbn
from serge_kg.namespaces import EDTF, ID, PREFIXES, SK, entity_iri, slugify
from serge_kg.schema import DATED_FIELDS
from serge_kg.sources.text import Source

from .authorities import add_authorities
from .geonames import add_geonames
from .narrative import sequences
from .records import Dataset, Evidence, Record

SERGE = "victor-serge"


def camel(text: str) -> str:
    """``sibling-in-law`` -> ``siblingInLaw`` (relation types to property names)."""
    head, *rest = text.split("-")
    return head + "".join(r.capitalize() for r in rest)


def new_graph() -> Graph:
    """An empty graph with the project's prefixes bound."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, replace=True)
    return g


class Converter:
    """Turns a :class:`Dataset` into triples."""

    def __init__(self, dataset: Dataset) -> None:
        self.ds = dataset
        self.g = new_graph()
        self.source_iri = {sid: URIRef(s.meta["revision_url"]) for sid, s in dataset.sources.items()}
        self.sequence = sequences(dataset)

    def iri(self, rid: str) -> URIRef:
        return entity_iri(self.ds.records[rid].kind, rid)

    def run(self) -> Graph:
        for source in self.ds.sources.values():
            self._source(source)
        for rec in sorted(self.ds.records.values(), key=lambda r: (r.kind, r.id)):
            self._record(rec)
        for rid, decision in sorted(self.ds.links.items()):
            # a verified QID is an identity link; it stays out of the OWL-RL input (see reason.py)
            self.g.add((self.iri(rid), OWL.sameAs, decision.item))
        add_geonames(self.g, self.ds.geonames, self.ds.geonames_source)
        add_authorities(self.g, self.ds.authorities, self.ds.records)
        return self.g

    # provenance -----------------------------------------------------------------------------
    def _source(self, s: Source) -> None:
        node = self.source_iri[s.id]
        g = self.g
        g.add((node, RDF.type, SK.Source))
        g.add((node, RDFS.label, Literal(s.meta["title"], lang="en")))
        g.add((node, DCTERMS.title, Literal(s.meta["title"], lang="en")))
        g.add((node, FOAF.page, URIRef(s.meta["url"])))
        g.add((node, DCTERMS.license, URIRef(s.meta["licence"])))
        g.add((node, DCTERMS.publisher, Literal(s.meta["publisher"])))
        g.add((node, DCTERMS.modified, Literal(s.meta["last_modified"], datatype=XSD.date)))
        g.add((node, DCTERMS.bibliographicCitation, Literal(s.meta["attribution"].strip())))
        g.add((node, DCTERMS.identifier, Literal(s.id)))

    def _evidence(self, subject: URIRef, ev: Evidence) -> None:
        g = self.g
        key = hashlib.sha1(f"{ev.source}\n{ev.quote}".encode()).hexdigest()[:16]
        node = ID[f"evidence/{key}"]
        g.add((subject, PROV.wasDerivedFrom, node))
        g.add((subject, DCTERMS.source, self.source_iri[ev.source]))
        g.add((node, RDF.type, SK.Evidence))
        g.add((node, SK.quote, Literal(ev.quote)))
        g.add((node, DCTERMS.source, self.source_iri[ev.source]))
        g.add((node, PROV.wasQuotedFrom, self.source_iri[ev.source]))
        src = self.ds.sources[ev.source]
        texts = []
        for n in ev.notes:
            note = src.notes[n]
            cit = ID[f"citation/{ev.source}-note-{n}"]
            g.add((node, SK.citation, cit))
            g.add((cit, RDF.type, SK.Citation))
            g.add((cit, SK.noteNumber, Literal(n)))
            g.add((cit, RDFS.label, Literal(f"[{n}] {note.text}")))
            g.add((cit, DCTERMS.bibliographicCitation, Literal(note.text)))
            g.add((cit, DCTERMS.source, self.source_iri[ev.source]))
            ref = entity_iri("work", slugify(note.reference))
            g.add((cit, SK.citesReference, ref))
            g.add((ref, RDF.type, SK.Reference))
            if not (ref, RDFS.label, None) in g:
                g.add((ref, RDFS.label, Literal(note.reference)))
            texts.append(note.text)
        if texts:
            g.add((node, DCTERMS.bibliographicCitation, Literal("; ".join(texts))))

    # values ------------------------------------------------------------------------------------
    def _date(self, subject: URIRef, value: Any) -> None:
        bounds = parse_date(str(value))
        g = self.g
        g.add((subject, SK.date, Literal(bounds.edtf, datatype=EDTF)))
        if bounds.earliest:
            g.add((subject, SK.earliest, Literal(bounds.earliest, datatype=XSD.date)))
        if bounds.latest:
            g.add((subject, SK.latest, Literal(bounds.latest, datatype=XSD.date)))
        if bounds.simple:
            g.add((subject, SK.dateValue, Literal(bounds.edtf, datatype=XSD[bounds.simple])))

    def _refs(self, subject: URIRef, prop: URIRef, ids: Any) -> None:
        for rid in ids if isinstance(ids, list) else [ids]:
            self.g.add((subject, prop, self.iri(rid)))

    # records -------------------------------------------------------------------------------------
    def _record(self, rec: Record) -> None:
        g, s, d = self.g, entity_iri(rec.kind, rec.id), rec.data
        if rec.kind == "relation":
            g.add((s, RDF.type, SK.Relationship))
            g.add((s, SK.relProperty, SK[camel(rec.type)]))
            self._refs(s, SK.relSubject, d["subject"])
            self._refs(s, SK.relObject, d["object"])
            label = d.get("label") or (f"{self.ds.records[d['subject']].get('label')} - {rec.type} - "
                                       f"{self.ds.records[d['object']].get('label')}")
            g.add((s, RDFS.label, Literal(label, lang="en")))
        else:
            g.add((s, RDF.type, SK[rec.type]))
            g.add((s, RDFS.label, Literal(d["label"], lang="en")))
        for alt in d.get("alt_labels", []):
            g.add((s, SKOS.altLabel, Literal(alt)))
        if d.get("description"):
            g.add((s, DCTERMS.description, Literal(d["description"], lang="en")))
        if "date" in d:
            self._date(s, d["date"])
            if d.get("date_note"):
                g.add((s, SK.dateNote, Literal(d["date_note"], lang="en")))
        if d.get("label_authority") == "wikidata" and rec.id in self.ds.links:
            # the preferred label is the verified item's (decisions.csv records where it was read)
            g.add((s, SK.labelFrom, self.ds.links[rec.id].item))
        for ev in rec.evidence:
            self._evidence(s, ev)
        getattr(self, f"_{rec.kind}")(s, rec)

    def _person(self, s: URIRef, rec: Record) -> None:
        for name in rec.get("birth_names", []):
            self.g.add((s, SK.birthName, Literal(name["value"], lang=name.get("lang"))))
        for name in rec.get("pseudonyms", []):
            self.g.add((s, SK.pseudonym, Literal(name)))
        for occ in rec.get("occupations", []):
            self.g.add((s, SK.occupation, Literal(occ, lang="en")))
        for descent in rec.get("descent", []):
            self.g.add((s, SK.descent, Literal(descent, lang="en")))
        self._refs(s, SK.notableWork, rec.get("notable_works", []))

    def _organization(self, s: URIRef, rec: Record) -> None:
        if rec.get("located_in"):
            self._refs(s, SK.locatedIn, rec.get("located_in"))
        if rec.get("part_of"):
            self._refs(s, SK.subOrganizationOf, rec.get("part_of"))

    def _place(self, s: URIRef, rec: Record) -> None:
        if rec.get("part_of"):
            self._refs(s, SK.containedIn, rec.get("part_of"))

    def _work(self, s: URIRef, rec: Record) -> None:
        g, d = self.g, rec.data
        authors = d.get("authors", [] if "ascribed_to" in d or rec.type == "Reference" else [SERGE])
        self._refs(s, SK.author, authors)
        for key, prop in (("editors", SK.editor), ("part_of", SK.partOf), ("written_at", SK.writtenAt),
                          ("written_during", SK.writtenDuring), ("original_publisher", SK.publisher),
                          ("original_place", SK.placeOfPublication),
                          ("published_under_name_of", SK.publishedUnderNameOf)):
            if d.get(key):
                self._refs(s, prop, d[key])
        if d.get("title"):
            g.add((s, SK.title, Literal(d["title"], lang=d.get("lang"))))
        if d.get("lang"):
            g.add((s, SK.language, Literal(d["lang"])))
        if d.get("pseudonym"):
            g.add((s, SK.underPseudonym, Literal(d["pseudonym"])))
        for alt in d.get("published_as", []):
            g.add((s, SK.publishedAs, Literal(alt)))
        if d.get("note"):
            g.add((s, SK.note, Literal(d["note"], lang="en")))
        if d.get("ascribed_to"):
            a = ID[f"attribution/{rec.id}"]
            g.add((a, RDF.type, SK.Attribution))
            g.add((a, RDFS.label, Literal(f"Attribution of '{d['label']}'", lang="en")))
            g.add((a, SK.attributedWork, s))
            self._refs(a, SK.ascribedTo, d["ascribed_to"])
            self._refs(a, SK.ascribedBy, d.get("ascribed_by", []))
            self._refs(a, SK.suspectedAuthor, d.get("suspected_authors", []))
            g.add((a, SK.attributionStatus, Literal(d.get("attribution_status", "disputed"))))
            for ev in rec.evidence:
                self._evidence(a, ev)

    def _translation(self, s: URIRef, rec: Record) -> None:
        g, d = self.g, rec.data
        self._refs(s, SK.translationOf, d["translation_of"])
        g.add((s, SK.language, Literal(d.get("lang", "en"))))
        if d.get("title"):
            g.add((s, SK.title, Literal(d["title"], lang=d.get("lang", "en"))))
        for key, prop in (("translators", SK.translator), ("editors", SK.editor),
                          ("publisher", SK.publisher), ("place", SK.placeOfPublication)):
            if d.get(key):
                self._refs(s, prop, d[key])
        if d.get("isbn"):
            bare = normalize_isbn(str(d["isbn"]))
            g.add((s, SK.isbn13 if len(bare) == 13 else SK.isbn10, Literal(bare)))
        if d.get("note"):
            g.add((s, SK.note, Literal(d["note"], lang="en")))

    def _event(self, s: URIRef, rec: Record) -> None:
        d = rec.data
        for key, prop in (("place", SK.place), ("places", SK.place), ("from_place", SK.fromPlace),
                          ("to_place", SK.toPlace), ("organization", SK.organization),
                          ("works", SK.involvesWork), ("part_of", SK.partOfEvent)):
            if d.get(key):
                self._refs(s, prop, d[key])
        for role, who in d.get("participants", {}).items():
            self._refs(s, SK[role], who)
        for key, prop in (("ideology", SK.ideology), ("cause", SK.cause)):
            if d.get(key):
                self.g.add((s, prop, Literal(d[key], lang="en")))
        for text in d.get("circumstances", []):
            self.g.add((s, SK.circumstance, Literal(text, lang="en")))
        self.g.add((s, SK.sequence, Literal(self.sequence[rec.id])))

    def _opinion(self, s: URIRef, rec: Record) -> None:
        self._refs(s, SK.holder, rec.get("holder"))
        self._refs(s, SK.about, rec.get("about"))
        self.g.add((s, SK.stance, Literal(rec.get("stance"), lang="en")))

    def _relation(self, s: URIRef, rec: Record) -> None:
        """Relationship nodes are written in :meth:`_record`; shortcuts come from queries/construct."""

    def _disagreement(self, s: URIRef, rec: Record) -> None:
        g = self.g
        self._refs(s, SK.about, rec.get("about"))
        g.add((s, SK.field, Literal(rec.get("field"))))
        for claim in rec.get("claims", []):
            c = ID[f"disagreement/{rec.id}/claim/{slugify(str(claim['value']))}"]
            g.add((s, SK.claim, c))
            g.add((c, RDF.type, SK.Claim))
            if rec.get("field") in DATED_FIELDS:
                # a date claim is typed EDTF with its bounds, so claims can be compared and sorted
                bounds = parse_date(str(claim["value"]))
                g.add((c, SK.claimedValue, Literal(bounds.edtf, datatype=EDTF)))
                for prop, day in ((SK.earliest, bounds.earliest), (SK.latest, bounds.latest)):
                    if day:
                        g.add((c, prop, Literal(day, datatype=XSD.date)))
            else:
                g.add((c, SK.claimedValue, Literal(str(claim["value"]))))
            g.add((c, RDFS.label, Literal(f"{rec.get('field')}: {claim['value']}", lang="en")))
            for ev in claim.get("evidence", []):
                self._evidence(c, ev)


def convert(dataset: Dataset) -> Graph:
    """The asserted graph of a dataset (before derived shortcuts and reasoning)."""
    return Converter(dataset).run()



