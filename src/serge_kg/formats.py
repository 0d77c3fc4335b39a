"""The names of what the tools can write: result formats, date styles, query engines, RDF syntaxes.

Kept in a module that imports nothing, so that the command line can offer them as choices without
loading an RDF library (``serge-kg build`` on unchanged inputs answers before rdflib would be loaded).
"""

from __future__ import annotations

RESULT_FORMATS = ("table", "csv", "tsv", "json", "markdown")
DATE_STYLES = ("words", "edtf")
ENGINES = ("oxigraph", "rdflib")
REASONERS = ("reasonable", "owlrl")  # OWL 2 RL: the fast one first (the default), then the reference

# RDF syntaxes of the exports: name -> (file extension, media type)
FORMATS: dict[str, tuple[str, str]] = {
    "turtle": ("ttl", "text/turtle"),
    "ntriples": ("nt", "application/n-triples"),
    "jsonld": ("jsonld", "application/ld+json"),
    "trig": ("trig", "application/trig"),
    "nquads": ("nq", "application/n-quads"),
}

# citation files of the bibliography: name -> (file extension, media type)
CITATION_FORMATS: dict[str, tuple[str, str]] = {
    "bibtex": ("bib", "application/x-bibtex"),
    "csl-json": ("json", "application/vnd.citationstyles.csl+json"),
}
