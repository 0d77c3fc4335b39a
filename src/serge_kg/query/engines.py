"""The two engines that run saved queries with the same answers: rdflib (the reference) and pyoxigraph.

Parameters reach rdflib as ``initBindings`` and Oxigraph as an inline ``VALUES`` block built from
typed terms (:func:`with_values`); user text is never pasted into a query. Saved queries run as
written: no prefix is predeclared, as on any other store.

The dataset has one meaning everywhere (CLI, this API, the endpoint, a published store): the
default graph is the asserted and the inferred triples together, and the two parts are also the
named graphs ``<https://w3id.org/serge-kg/graph/asserted>`` and ``.../graph/inferred``
(:func:`dataset_store`, :func:`union_graph`). In Oxigraph the triples are held once, in the two named
graphs, and a query without ``FROM`` reads their union as its default graph (:func:`run_oxigraph`): the
parts are disjoint (the inferred graph holds only what the asserted one lacks), so the union is the
same set of triples, loaded in half the time (a cold ``serge-kg query`` parses the dumps once).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import XSD, BNode, Graph, Literal, URIRef, Variable
from rdflib.term import Node

from serge_kg.errors import QueryExecutionError, QueryFileError, QueryParameterError
from serge_kg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH
from serge_kg.prefixes import XSD_STRING

from .inline import inline_iris
from .lexer import names_its_dataset
from .saved import INLINE_HEADER, SavedQuery


@dataclass
class Result:
    """Rows of a SELECT (or the boolean of an ASK, or the graph of a CONSTRUCT)."""

    columns: list[str]
    rows: list[tuple[Node | None, ...]]
    boolean: bool | None = None
    graph: Graph | None = None


def run_rdflib(query: SavedQuery, graph: Graph, bindings: dict[str, Node]) -> Result:
    """Run on rdflib (reference engine)."""
    try:
        res = graph.query(query.prepared, initBindings={Variable(k): v for k, v in bindings.items()})
    except QueryFileError:
        raise
    except Exception as exc:  # rdflib evaluation raises many error types
        raise QueryExecutionError(f"{query.path}: rdflib could not run the query: {exc}") from exc
    if res.type == "ASK":
        return Result([], [], boolean=bool(res.askAnswer))
    if res.type in ("CONSTRUCT", "DESCRIBE"):
        return Result([], [], graph=res.graph)
    cols = [str(v) for v in res.vars or []]
    return Result(cols, [tuple(row) for row in res])


def _sorted_nt(graph: Graph) -> bytes:
    """The graph as N-Triples in sorted order: rdflib's order depends on Python's hash seed, and
    Oxigraph's order of unordered results (GROUP_CONCAT, rows without ORDER BY) on the load order."""
    return b"\n".join(sorted(graph.serialize(format="nt", encoding="utf-8").splitlines())) + b"\n"


def to_oxigraph(graph: Graph) -> ox.Store:
    """An in-memory Oxigraph store holding ``graph`` in its default graph."""
    store = ox.Store()
    store.bulk_load(_sorted_nt(graph), ox.RdfFormat.N_TRIPLES)
    return store


def ox_triples(graph: Graph) -> list[ox.Triple]:
    """The graph's triples as Oxigraph terms, in rdflib's (arbitrary) order; each distinct term is
    converted once (predicates, classes and sources repeat)."""
    memo: dict[Node, Any] = {}

    def term(node: Node) -> Any:
        hit = memo.get(node)
        if hit is None:
            hit = memo[node] = to_ox(node)
        return hit

    return [ox.Triple(term(s), term(p), term(o)) for s, p, o in graph]


def union_graph(asserted: Graph, inferred: Graph | None) -> Graph:
    """The default graph of the dataset as one rdflib graph: asserted + inferred triples."""
    if inferred is None or not len(inferred):
        return asserted
    graph = Graph()
    for prefix, ns in asserted.namespaces():
        graph.bind(prefix, ns, replace=True)
    for part in (asserted, inferred):
        for t in part:
            graph.add(t)
    return graph


def dataset_store(asserted: Graph, inferred: Graph | None) -> ox.Store:
    """The dataset in an Oxigraph store: each part in its named graph, the default graph their union
    when queried through :func:`run_oxigraph`.

    This is what the endpoint and ``serge-kg publish --union-default-graph`` serve, so a query
    (with ``FROM``, ``GRAPH`` or neither) answers the same here as there.
    """
    store = ox.Store()
    for graph, name in ((asserted, ASSERTED_GRAPH), (inferred, INFERRED_GRAPH)):
        if graph is not None:
            store.bulk_load(_sorted_nt(graph), ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))
    return store


def dataset_store_from_nt(asserted: Path, inferred: Path | None) -> ox.Store:
    """:func:`dataset_store` loaded by Oxigraph straight from N-Triples files (the build's dumps), or
    with ``inferred`` None the asserted triples alone in the default graph: no rdflib graph is made."""
    store = ox.Store()
    if inferred is None:
        store.bulk_load(path=str(asserted), format=ox.RdfFormat.N_TRIPLES)
        return store
    for path, name in ((asserted, ASSERTED_GRAPH), (inferred, INFERRED_GRAPH)):
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))
    return store


@lru_cache(maxsize=8192)
def _literal(value: str, datatype: str, language: str | None) -> Literal:
    """An rdflib literal, cached: answers repeat values ("1", "Weissman 2013"), and building a typed
    rdflib Literal (which parses its lexical form) costs several microseconds. Terms are immutable."""
    if language:
        return Literal(value, lang=language)
    if datatype == XSD_STRING:  # RDF 1.1: a simple literal is an xsd:string
        return Literal(value)
    return Literal(value, datatype=URIRef(datatype))


def _from_ox(term: Any) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        return _literal(term.value, term.datatype.value, term.language)
    return BNode(term.value)


def to_ox(term: Node) -> Any:
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise QueryParameterError(f"cannot bind {term!r}")


_WHERE = re.compile(r"\bWHERE\s*\{", re.I)


def with_values(text: str, bindings: dict[str, Node]) -> str:
    """The query with an inline ``VALUES`` block binding the parameters, placed first in the WHERE group.

    This is how bound parameters reach Oxigraph: its SEP-0007 ``substitutions`` only accept projected
    variables. The block holds typed RDF terms serialised by pyoxigraph (IRIs validated, literals
    escaped), so user input never becomes query syntax; joining at the start of the group gives the
    same answers as rdflib's ``initBindings``. In a query whose header says ``#+ inline: true``, bound
    IRIs are also written in place of their variable wherever SPARQL allows a term
    (:func:`.inline.inline_iris`): Oxigraph does not carry the block into a ``UNION``, ``OPTIONAL`` or
    sub-``SELECT``, which then run for every value. Not everywhere: with a constant in place, Oxigraph
    may choose a worse join order (``bibliography-contributors``: 4 ms with the block, 540 ms inlined).

    :raises QueryParameterError: if the query has no WHERE group to bind into.
    """
    if not bindings:
        return text
    masked = "\n".join(" " * len(line) if line.lstrip().startswith("#") else line for line in text.split("\n"))
    m = _WHERE.search(masked)
    if not m:
        raise QueryParameterError("cannot bind parameters: the query has no 'WHERE {' group")
    terms = {k: to_ox(v) for k, v in bindings.items()}
    names = " ".join(f"?{k}" for k in terms)
    values = " ".join(str(t) for t in terms.values())
    head, body = text[:m.end()], text[m.end():]
    if INLINE_HEADER.search(text):
        body = inline_iris(body, {k: str(t) for k, t in terms.items() if isinstance(t, ox.NamedNode)})
    return f"{head} VALUES ({names}) {{ ({values}) }} {body}"


def run_oxigraph(query: SavedQuery, store: ox.Store, bindings: dict[str, Node]) -> Result:
    """Run on pyoxigraph (fast engine).

    :raises QueryExecutionError: if Oxigraph rejects or fails the query.
    """
    try:
        # no predeclared prefixes, as on any store; the default graph is the union of the store's
        # graphs (see dataset_store), except where the query names its own with FROM, which Oxigraph's
        # union option would override
        res = store.query(with_values(query.text, bindings),
                          use_default_graph_as_union=not names_its_dataset(query.text))
    except SyntaxError as exc:
        query.prepared  # noqa: B018 - rdflib names an undeclared prefix, where Oxigraph says "expected ..."
        raise QueryExecutionError(f"{query.path}: Oxigraph could not parse the query: {exc}") from exc
    except (RuntimeError, ValueError, OSError) as exc:  # OSError: a SERVICE call that failed
        raise QueryExecutionError(f"{query.path}: Oxigraph could not run the query: {exc}") from exc
    if isinstance(res, ox.QueryBoolean):
        return Result([], [], boolean=bool(res))
    if isinstance(res, ox.QuerySolutions):
        cols = [v.value for v in res.variables]
        return Result(cols, [tuple(_from_ox(sol[c]) for c in cols) for sol in res])
    g = Graph()
    for t in res:
        g.add((_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object)))  # type: ignore[arg-type]
    return Result([], [], graph=g)
