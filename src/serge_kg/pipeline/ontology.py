"""The ontology graph (``ontology/serge.ttl``), read by the build and by the server, which does not build."""

from __future__ import annotations

from rdflib import Graph

from serge_kg.errors import ShapeLoadError
from serge_kg.paths import Paths


def load_ontology(paths: Paths) -> Graph:
    """The ontology graph.

    :raises ShapeLoadError: if it cannot be parsed.
    """
    try:
        return Graph().parse(paths.ontology, format="turtle")
    except Exception as exc:  # rdflib's Turtle parser raises many types (IndexError on a cut-off file)
        raise ShapeLoadError(f"{paths.ontology}: cannot load the ontology: {exc}") from exc
