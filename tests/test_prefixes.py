"""The plain-string prefix map agrees with the rdflib vocabulary built from it, and imports nothing."""

from __future__ import annotations

import subprocess
import sys

from rdflib import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SH, SKOS, VOID, XSD
from rdflib.namespace import GEO

from serge_kg.namespaces import ID, SK, WD, WDT, WGS84
from serge_kg.prefixes import BASE, PREFIXES, XSD_STRING


def test_the_prefixes_are_the_vocabularys_namespaces() -> None:
    expected = {"sk": SK._NS, "skid": ID, "rdf": RDF, "rdfs": RDFS, "owl": OWL, "xsd": XSD, "skos": SKOS,
                "dcterms": DCTERMS, "prov": PROV, "schema": SDO, "foaf": FOAF, "sh": SH, "void": VOID, "dcat": DCAT,
                "wd": WD, "wdt": WDT._NS, "geo": GEO._NS, "wgs84": WGS84._NS}
    assert PREFIXES == {k: str(v) for k, v in expected.items()}
    assert PREFIXES["sk"].startswith(BASE) and XSD_STRING == str(XSD.string)


def test_importing_the_prefixes_does_not_import_rdflib() -> None:
    code = "import sys, serge_kg.prefixes; print('rdflib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
