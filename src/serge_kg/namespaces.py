"""The vocabulary, defined once: our ontology terms, Wikidata properties, IRI bases and prefixes.

``SK`` mirrors the classes and properties declared in ``ontology/serge.ttl`` (a test checks both
ways); ``_fail = True`` makes a typo raise ``AttributeError`` instead of minting a wrong IRI.
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

# the prefix map is written once, in serge_kg.prefixes (and may be imported from here too)
from serge_kg.prefixes import BASE, PREFIXES

ID = Namespace(PREFIXES["skid"])
ONTOLOGY_IRI = URIRef(BASE + "ontology")
DATASET_IRI = URIRef(BASE + "dataset")
# the two named graphs of the dataset (TriG/N-Quads dumps, endpoint, published stores); the default
# graph is their union
ASSERTED_GRAPH = URIRef(BASE + "graph/asserted")
INFERRED_GRAPH = URIRef(BASE + "graph/inferred")
EDTF = URIRef("http://id.loc.gov/datatypes/edtf/EDTF")
WD = Namespace(PREFIXES["wd"])
DATA_LICENSE = URIRef("https://creativecommons.org/licenses/by-sa/4.0/")  # the graph's licence (see README)
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")  # SPARQL 1.1 Service Description
W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")  # W3C unique URIs for result formats
GEONAMES = Namespace("https://sws.geonames.org/")  # GeoNames features: https://sws.geonames.org/<geonameid>/


class SK(DefinedNamespace):
    """serge-kg ontology terms (``https://w3id.org/serge-kg/ontology#``)."""

    _fail = True
    _NS = Namespace(PREFIXES["sk"])

    # classes: agents
    Person: URIRef
    Organization: URIRef
    PoliticalParty: URIRef
    PoliticalFaction: URIRef
    PoliticalGroup: URIRef
    YouthOrganization: URIRef
    TradeUnion: URIRef
    StateAgency: URIRef
    SecretPolice: URIRef
    InternationalOrganization: URIRef
    Periodical: URIRef
    Publisher: URIRef
    Committee: URIRef
    CriminalGroup: URIRef
    Commune: URIRef
    # classes: places
    Place: URIRef
    Country: URIRef
    City: URIRef
    Region: URIRef
    Island: URIRef
    Building: URIRef
    Prison: URIRef
    Camp: URIRef
    Cemetery: URIRef
    Ship: URIRef
    # classes: works and their expressions
    Work: URIRef
    Novel: URIRef
    History: URIRef
    Memoir: URIRef
    PoetryCollection: URIRef
    Poem: URIRef
    Essay: URIRef
    Article: URIRef
    Letter: URIRef
    Pamphlet: URIRef
    Lecture: URIRef
    Collection: URIRef
    Study: URIRef
    Notebook: URIRef
    Extract: URIRef
    Series: URIRef
    Book: URIRef
    Biography: URIRef
    Reference: URIRef
    Expression: URIRef
    Translation: URIRef
    Edition: URIRef
    # classes: events
    Event: URIRef
    Birth: URIRef
    Death: URIRef
    Burial: URIRef
    Arrest: URIRef
    Sentence: URIRef
    Imprisonment: URIRef
    Internment: URIRef
    Interrogation: URIRef
    Deportation: URIRef
    Release: URIRef
    Expulsion: URIRef
    Exile: URIRef
    Journey: URIRef
    Arrival: URIRef
    Departure: URIRef
    Residence: URIRef
    Membership: URIRef
    Employment: URIRef
    Assignment: URIRef
    Publication: URIRef
    Writing: URIRef
    Confiscation: URIRef
    Campaign: URIRef
    Congress: URIRef
    Meeting: URIRef
    HistoricalEvent: URIRef
    NameAdoption: URIRef
    Founding: URIRef
    Investigation: URIRef
    Illness: URIRef
    Escape: URIRef
    Adherence: URIRef
    # classes: relations, provenance, claims
    Relationship: URIRef
    Evidence: URIRef
    Citation: URIRef
    Source: URIRef
    Disagreement: URIRef
    Claim: URIRef
    Attribution: URIRef
    GeoNamesMatch: URIRef
    Opinion: URIRef

    # event properties
    participant: URIRef
    principal: URIRef
    agent: URIRef
    companion: URIRef
    beneficiary: URIRef
    victim: URIRef
    organizer: URIRef
    witness: URIRef
    chronicler: URIRef
    ideology: URIRef
    cause: URIRef
    circumstance: URIRef
    sequence: URIRef
    place: URIRef
    fromPlace: URIRef
    toPlace: URIRef
    organization: URIRef
    involvesWork: URIRef
    partOfEvent: URIRef
    # dates
    date: URIRef
    dateValue: URIRef
    earliest: URIRef
    latest: URIRef
    # people
    birthName: URIRef
    pseudonym: URIRef
    occupation: URIRef
    descent: URIRef
    notableWork: URIRef
    labelFrom: URIRef
    birthDate: URIRef
    deathDate: URIRef
    birthPlace: URIRef
    deathPlace: URIRef
    burialPlace: URIRef
    memberOf: URIRef
    residence: URIRef
    related: URIRef
    spouse: URIRef
    child: URIRef
    parent: URIRef
    partner: URIRef
    siblingInLaw: URIRef
    relative: URIRef
    associate: URIRef
    comrade: URIRef
    collaborator: URIRef
    correspondent: URIRef
    adversary: URIRef
    influencedBy: URIRef
    # works
    title: URIRef
    language: URIRef
    author: URIRef
    editor: URIRef
    translator: URIRef
    partOf: URIRef
    publishedAs: URIRef
    underPseudonym: URIRef
    writtenAt: URIRef
    writtenDuring: URIRef
    publisher: URIRef
    placeOfPublication: URIRef
    isbn10: URIRef
    isbn13: URIRef
    translationOf: URIRef
    publishedUnderNameOf: URIRef
    note: URIRef
    dateNote: URIRef
    # places and organizations
    containedIn: URIRef
    locatedIn: URIRef
    subOrganizationOf: URIRef
    # relationships
    relSubject: URIRef
    relObject: URIRef
    relProperty: URIRef
    # provenance
    quote: URIRef
    citation: URIRef
    noteNumber: URIRef
    citesReference: URIRef
    # disagreements and attributions
    about: URIRef
    field: URIRef
    holder: URIRef
    stance: URIRef
    claim: URIRef
    claimedValue: URIRef
    attributedWork: URIRef
    ascribedTo: URIRef
    ascribedBy: URIRef
    suspectedAuthor: URIRef
    attributionStatus: URIRef
    # GeoNames links (data/geonames/places.csv)
    geonamesMatch: URIRef
    geonamesId: URIRef
    matchMethod: URIRef
    countryCode: URIRef
    dataVersion: URIRef
    # library authority identifiers (data/wikidata/authorities.csv)
    viafId: URIRef


class WDT(DefinedNamespace):
    """The Wikidata direct properties our ontology is aligned to (``wdt:``)."""

    _fail = True
    _NS = Namespace(PREFIXES["wdt"])

    P19: URIRef  # place of birth
    P20: URIRef  # place of death
    P26: URIRef  # spouse
    P40: URIRef  # child
    P50: URIRef  # author
    P98: URIRef  # editor
    P119: URIRef  # place of burial
    P123: URIRef  # publisher
    P212: URIRef  # ISBN-13
    P276: URIRef  # location
    P291: URIRef  # place of publication
    P361: URIRef  # part of
    P407: URIRef  # language of work or name
    P451: URIRef  # unmarried partner
    P463: URIRef  # member of
    P551: URIRef  # residence
    P569: URIRef  # date of birth
    P570: URIRef  # date of death
    P629: URIRef  # edition or translation of
    P655: URIRef  # translator
    P710: URIRef  # participant
    P742: URIRef  # pseudonym
    P957: URIRef  # ISBN-10
    P1038: URIRef  # relative
    P1477: URIRef  # birth name
    P1476: URIRef  # title
    P1566: URIRef  # GeoNames ID
    P214: URIRef  # VIAF ID


class WGS84(DefinedNamespace):
    """W3C Basic Geo (WGS84 lat/long) vocabulary (``http://www.w3.org/2003/01/geo/wgs84_pos#``).

    Defined here because rdflib's ``WGS`` spells the namespace with ``https``, which is not the IRI
    every other store and query uses.
    """

    _fail = True
    _NS = Namespace(PREFIXES["wgs84"])

    SpatialThing: URIRef
    lat: URIRef
    long: URIRef




def entity_iri(kind: str, slug: str) -> URIRef:
    """The IRI of a record: ``https://w3id.org/serge-kg/id/<kind>/<slug>``.

    >>> entity_iri("person", "victor-serge")
    rdflib.term.URIRef('https://w3id.org/serge-kg/id/person/victor-serge')
    """
    return ID[f"{kind}/{slug}"]


def slugify(text: str, *, drop_apostrophes: bool = False) -> str:
    """ASCII slug of a text for minting IRIs from stable keys: lower case, ``[a-z0-9]`` runs joined by hyphens.

    ``drop_apostrophes`` joins the letters around an apostrophe instead of splitting there; the MIA
    importer's record ids were minted that way, so it keeps the option and no id changes.

    >>> slugify("Weissman 2013")
    'weissman-2013'
    >>> slugify("L'An I", drop_apostrophes=True)
    'lan-i'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    if drop_apostrophes:
        ascii_text = ascii_text.replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
