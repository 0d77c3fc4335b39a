"""The namespace IRIs, written once as plain strings: the prefix map and the IRI base.

:mod:`serge_kg.namespaces` builds the rdflib vocabulary from these. They are kept in a module of
their own, with no imports, so that what needs only the prefixes (a query worker, the SPARQL guard)
does not pay for importing rdflib.
"""

from __future__ import annotations

BASE = "https://w3id.org/serge-kg/"

PREFIXES: dict[str, str] = {
    "sk": BASE + "ontology#",
    "skid": BASE + "id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "wd": "http://www.wikidata.org/entity/",
    "wdt": "http://www.wikidata.org/prop/direct/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "wgs84": "http://www.w3.org/2003/01/geo/wgs84_pos#",
}
"""The one prefix map: Turtle bindings, JSON-LD context, and the prefixes every saved query may use."""

XSD_STRING = PREFIXES["xsd"] + "string"
