"""Answer a saved query on the project's dataset: the Python API behind ``serge-kg query``.

The dataset has the one meaning it has everywhere (CLI, this API, the endpoint, a published store):
the default graph holds the asserted and the OWL-RL inferred triples, and each part is also a named
graph (``<https://w3id.org/serge-kg/graph/asserted>``, ``.../graph/inferred``), so ``FROM`` and
``GRAPH`` name either. ``asserted_only`` queries the asserted triples alone.

Example: ``answer(Paths(root), "counts-per-class").result.rows`` gives the same rows as
``serge-kg query counts-per-class``, as ``/sparql`` and as a store the graph was published to.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox
from rdflib import Graph

from serge_kg.paths import Paths
from serge_kg.progress import Progress
from serge_kg.query.engines import Result, dataset_store, run_oxigraph, run_rdflib, to_oxigraph, union_graph
from serge_kg.query.saved import SavedQuery, bindings_for, find_query

from .build import load_graphs


@dataclass
class Answer:
    """A saved query, its result, and the graph it ran on (for prefixes when rendering)."""

    query: SavedQuery
    result: Result
    graph: Graph


class QueryDataset:
    """The project's dataset loaded once, for answering several queries."""

    def __init__(self, paths: Paths, *, asserted_only: bool = False, progress: Progress | None = None) -> None:
        self.paths, self.asserted_only = paths, asserted_only
        self.asserted, self.inferred = load_graphs(paths, inferred=not asserted_only, progress=progress)
        self.graph = self.asserted if asserted_only else union_graph(self.asserted, self.inferred)

    @cached_property
    def store(self) -> ox.Store:
        """The dataset in Oxigraph: the default graph and (unless asserted only) the two named graphs."""
        return to_oxigraph(self.graph) if self.asserted_only else dataset_store(self.asserted, self.inferred)

    def answer(self, name_or_file: str, params: dict[str, str] | None = None, *, engine: str | None = None) -> Answer:
        """Run a saved query (by name, or a ``.rq`` path) as written, its parameters bound.

        ``engine``: ``oxigraph`` or ``rdflib``; default the query header's ``engine``, else Oxigraph.

        :raises QueryFileError: no such query, or it does not parse.
        :raises QueryParameterError: an unknown, missing or malformed parameter.
        :raises QueryExecutionError: the engine failed the query.
        """
        q = find_query(self.paths.queries, name_or_file)
        bindings = bindings_for(q, params or {}, self.graph)
        if (engine or q.engine or "oxigraph") == "rdflib":  # rdflib sees the default graph only
            return Answer(q, run_rdflib(q, self.graph, bindings), self.graph)
        return Answer(q, run_oxigraph(q, self.store, bindings), self.graph)


def answer(paths: Paths, name_or_file: str, params: dict[str, str] | None = None, *, engine: str | None = None,
           asserted_only: bool = False, progress: Progress | None = None) -> Answer:
    """One saved query on a freshly loaded dataset (see :class:`QueryDataset`)."""
    return QueryDataset(paths, asserted_only=asserted_only, progress=progress).answer(name_or_file, params,
                                                                                       engine=engine)
