"""Answer a saved query on the project's dataset: the Python API behind ``serge-kg query``.

The dataset has the one meaning it has everywhere (CLI, this API, the endpoint, a published store):
the default graph holds the asserted and the OWL-RL inferred triples, and each part is also a named
graph (``<https://w3id.org/serge-kg/graph/asserted>``, ``.../graph/inferred``), so ``FROM`` and
``GRAPH`` name either. ``asserted_only`` queries the asserted triples alone.

Example: ``answer(Paths(root), "counts-per-class").result.rows`` gives the same rows as
``serge-kg query counts-per-class``, as ``/sparql`` and as a store the graph was published to.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cached_property

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import NamespaceManager

from serge_kg.namespaces import PREFIXES
from serge_kg.paths import Paths
from serge_kg.progress import Progress
from serge_kg.query.engines import (
    Result,
    dataset_store,
    dataset_store_from_nt,
    run_oxigraph,
    run_rdflib,
    to_oxigraph,
    union_graph,
)
from serge_kg.query.saved import SavedQuery, bindings_for, find_query

from .fingerprint import built_dumps


def new_graph() -> Graph:
    """An empty graph with the project's prefixes bound, as :func:`.convert.new_graph` makes it (not
    imported from there: with a current build, answering loads neither the converter nor the reasoner)."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, replace=True)
    return g


class Answer:
    """A saved query, its result, and the graph it ran on (for prefixes when rendering)."""

    def __init__(self, query: SavedQuery, result: Result, graph: Graph | Callable[[], Graph]) -> None:
        self.query, self.result, self._graph = query, result, graph

    @cached_property
    def graph(self) -> Graph:
        """The dataset's default graph as rdflib holds it (parsed on first use when Oxigraph answered)."""
        return self._graph if isinstance(self._graph, Graph) else self._graph()

    @property
    def namespace_manager(self) -> NamespaceManager:
        """The project's prefixes, for rendering (without loading the graph)."""
        return self.graph.namespace_manager if "graph" in self.__dict__ else new_graph().namespace_manager


class _StoreSubjects:
    """What resolving a record id asks of a graph (is this IRI a subject? which are?), answered from
    Oxigraph's default graph, so that an id parameter does not make rdflib parse the dumps."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store

    def __contains__(self, triple: tuple[object, object, object]) -> bool:
        node = ox.NamedNode(str(triple[0]))
        return any(True for _ in self.store.quads_for_pattern(node, None, None))

    def subjects(self) -> Iterator[URIRef]:
        for quad in self.store.quads_for_pattern(None, None, None):
            if isinstance(quad.subject, ox.NamedNode):
                yield URIRef(quad.subject.value)


class QueryDataset:
    """The project's dataset loaded once, for answering several queries.

    When ``build/`` holds a build of the current inputs, Oxigraph loads its N-Triples dumps directly
    and the rdflib graphs are parsed only if something needs them (the rdflib engine, an id to resolve).
    """

    def __init__(self, paths: Paths, *, asserted_only: bool = False, progress: Progress | None = None) -> None:
        self.paths, self.asserted_only = paths, asserted_only
        self._dumps = built_dumps(paths, inferred=not asserted_only)
        if self._dumps is None:  # no current build: build in memory (these shadow the lazy properties)
            from .build import load_graphs

            self.asserted, self.inferred = load_graphs(paths, inferred=not asserted_only, progress=progress)

    @cached_property
    def asserted(self) -> Graph:
        """The asserted triples (rdflib)."""
        assert self._dumps is not None
        return new_graph().parse(self._dumps[0], format="nt")

    @cached_property
    def inferred(self) -> Graph:
        """The inferred triples (rdflib; empty when asserted only)."""
        assert self._dumps is not None
        return new_graph() if self.asserted_only else new_graph().parse(self._dumps[1], format="nt")

    @cached_property
    def graph(self) -> Graph:
        """The default graph: asserted (+ inferred) triples."""
        return self.asserted if self.asserted_only else union_graph(self.asserted, self.inferred)

    @cached_property
    def store(self) -> ox.Store:
        """The dataset in Oxigraph: (unless asserted only) the two named graphs, whose union is the
        default graph of a query run through :func:`~serge_kg.query.engines.run_oxigraph` (querying the
        store yourself, pass ``use_default_graph_as_union=True`` to a query without ``FROM``)."""
        if self._dumps is not None:
            return dataset_store_from_nt(self._dumps[0], None if self.asserted_only else self._dumps[1])
        return to_oxigraph(self.graph) if self.asserted_only else dataset_store(self.asserted, self.inferred)

    def answer(self, name_or_file: str, params: dict[str, str] | None = None, *, engine: str | None = None) -> Answer:
        """Run a saved query (by name, or a ``.rq`` path) as written, its parameters bound.

        ``engine``: ``oxigraph`` or ``rdflib``; default the query header's ``engine``, else Oxigraph.

        :raises QueryFileError: no such query, or it does not parse.
        :raises QueryParameterError: an unknown, missing or malformed parameter.
        :raises QueryExecutionError: the engine failed the query.
        """
        q = find_query(self.paths.queries, name_or_file)
        if (engine or q.engine or "oxigraph") == "rdflib":  # rdflib sees the default graph only
            bindings = bindings_for(q, params or {}, self.graph)
            return Answer(q, run_rdflib(q, self.graph, bindings), self.graph)
        # ids given for IRI parameters are resolved against the same default graph, in Oxigraph
        bindings = bindings_for(q, params or {}, _StoreSubjects(self.store))  # type: ignore[arg-type]
        return Answer(q, run_oxigraph(q, self.store, bindings), lambda: self.graph)


def answer(paths: Paths, name_or_file: str, params: dict[str, str] | None = None, *, engine: str | None = None,
           asserted_only: bool = False, progress: Progress | None = None) -> Answer:
    """One saved query on a freshly loaded dataset (see :class:`QueryDataset`)."""
    return QueryDataset(paths, asserted_only=asserted_only, progress=progress).answer(name_or_file, params,
                                                                                       engine=engine)
