"""The endpoint's loaded graph and the protocol's media types: running a query and encoding its answer.

:class:`Engine` holds an Oxigraph store (asserted and inferred triples in the default graph and as two
named graphs) for queries and the rdflib graphs for pages; :func:`encode` writes an outcome in a SPARQL
results format or an RDF format.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from serge_kg.errors import SergeKGError
from serge_kg.namespaces import PREFIXES
from serge_kg.paths import Paths
from serge_kg.pipeline.build import OUTPUTS, load_graphs, load_ontology
from serge_kg.pipeline.export import ASSERTED_GRAPH, INFERRED_GRAPH, describe_dataset, load_context, serialize

from . import pages
from .guard import QueryRefused
from .protocol import encode_results

JSON, XML = "application/sparql-results+json", "application/sparql-results+xml"
CSV, TSV = "text/csv", "text/tab-separated-values"
TURTLE, JSONLD, NT, HTML = "text/turtle", "application/ld+json", "application/n-triples", "text/html"
RDFXML = "application/rdf+xml"
RESULT_TYPES = {JSON: JSON, "application/json": JSON, XML: XML, CSV: CSV, TSV: TSV}
RDF_TYPES = {TURTLE: TURTLE, "application/x-turtle": TURTLE, JSONLD: JSONLD, "application/json": JSONLD, NT: NT,
             RDFXML: RDFXML, "application/xml": RDFXML}
OX_RDF = {TURTLE: ox.RdfFormat.TURTLE, JSONLD: ox.RdfFormat.JSON_LD, NT: ox.RdfFormat.N_TRIPLES,
          RDFXML: ox.RdfFormat.RDF_XML}
FORMAT_ALIASES = {"json": JSON, "xml": XML, "csv": CSV, "tsv": TSV, "ttl": TURTLE, "turtle": TURTLE,
                  "jsonld": JSONLD, "json-ld": JSONLD, "nt": NT, "ntriples": NT, "html": HTML, "rdf": RDFXML,
                  "rdfxml": RDFXML}


class _Cancelled(Exception):
    """The caller gave up on a query (time limit); the worker stops at its next row."""


@dataclass
class Outcome:
    """What a query produced: a boolean, solutions (with their variables) or triples."""

    kind: str  # "boolean" | "solutions" | "triples"
    variables: list[str]
    rows: list[Any]
    boolean: bool = False
    truncated: bool = False


class Engine:
    """The loaded graph: an Oxigraph store for queries, rdflib graphs for pages, cached exports."""

    def __init__(self, paths: Paths, max_rows: int) -> None:
        self.paths, self.max_rows = paths, max_rows
        self.asserted, self.inferred = load_graphs(paths, inferred=True)
        self.ontology = load_ontology(paths)
        self.context = load_context(paths.context)
        self.store = ox.Store()
        for graph, name in ((self.asserted, ASSERTED_GRAPH), (self.inferred, INFERRED_GRAPH)):
            nt = graph.serialize(format="nt", encoding="utf-8")
            self.store.bulk_load(nt, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))
            self.store.bulk_load(nt, ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
        self.labels = pages.label_index(self.asserted, self.ontology)
        self._cache: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def execute(self, text: str, cancel: threading.Event, default_graph: list[str] | None = None,
                named_graphs: list[str] | None = None, base_iri: str | None = None) -> Outcome:
        """Run a query on the store, keeping at most ``max_rows`` rows.

        :raises QueryRefused: 400 if the query does not parse or cannot be evaluated.
        """
        try:
            res = self.store.query(
                text, prefixes=PREFIXES, base_iri=base_iri,
                default_graph=[ox.NamedNode(g) for g in default_graph] if default_graph else None,
                named_graphs=[ox.NamedNode(g) for g in named_graphs] if named_graphs else None)
            if isinstance(res, ox.QueryBoolean):
                return Outcome("boolean", [], [], boolean=bool(res))
            solutions = isinstance(res, ox.QuerySolutions)
            variables = [v.value for v in res.variables] if solutions else []
            rows: list[Any] = []
            truncated = False
            for i, row in enumerate(res):
                if i >= self.max_rows:
                    truncated = True
                    break
                if not i % 256 and cancel.is_set():
                    raise _Cancelled
                rows.append(tuple(row) if solutions else row)
        except (SyntaxError, ValueError, OSError, RuntimeError) as exc:
            raise QueryRefused(400, f"query failed: {exc}") from exc
        return Outcome("solutions" if solutions else "triples", variables, rows, truncated=truncated)

    def cached(self, key: str, make: Callable[[], bytes]) -> bytes:
        """A serialisation made once and kept (dumps, VoID)."""
        with self._lock:
            if key not in self._cache:
                self._cache[key] = make()
            return self._cache[key]

    def dump(self, name: str) -> bytes:
        """One file of ``build/`` (see :data:`serge_kg.pipeline.OUTPUTS`), made from the loaded graphs."""
        fmt, with_inferred = OUTPUTS[name]
        if fmt.endswith("-inferred-only"):
            return self.cached(name, lambda: serialize(fmt.split("-")[0], self.inferred))
        return self.cached(name, lambda: serialize(fmt, self.asserted, self.inferred if with_inferred else None,
                                                   self.context))

    def void(self, base: str, media: str) -> bytes:
        """The VoID/DCAT description, with dump links under ``base``."""
        def make() -> bytes:
            from serge_kg.sources.text import load_sources
            try:
                sources = [s.meta for s in load_sources(self.paths.data / "sources").values()]
            except SergeKGError:
                sources = []
            graph = describe_dataset(self.asserted, self.inferred, sources, dump_base=f"{base}/dumps/")
            return rdf_bytes(graph, media, self.context)
        return self.cached(f"void {base} {media}", make)


def rdf_bytes(graph: Graph, media: str, context: dict[str, Any]) -> bytes:
    """A graph in one RDF syntax (JSON-LD compacted with the local context)."""
    if media == RDFXML:
        return graph.serialize(format="pretty-xml", encoding="utf-8")
    if media == JSONLD:
        return graph.serialize(format="json-ld", context=context, auto_compact=True, encoding="utf-8")
    return graph.serialize(format="nt" if media == NT else "turtle", encoding="utf-8")


def encode(outcome: Outcome, media: str) -> bytes:
    """A query outcome in a SPARQL results format or (for triples) an RDF format."""
    if outcome.kind == "triples":
        return ox.serialize(outcome.rows, format=OX_RDF[media],
                            prefixes=PREFIXES if media == TURTLE else None)
    return encode_results(outcome.variables, outcome.rows, outcome.boolean if outcome.kind == "boolean"
                                else None, media)
