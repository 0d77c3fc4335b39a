"""Page helpers the server's query and entity routes share: labels, an entity's own triples, query headers,
and an ad-hoc result as an HTML page.

The research interface itself (entity pages, lists, search, sources, saved queries) is drawn by
:class:`serge_kg.web.render.Pages` from the templates in ``web/templates/``.
"""

from __future__ import annotations

from typing import Any

from rdflib import PROV, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from serge_kg.namespaces import PREFIXES, SK
from serge_kg.query.saved import SavedQuery
from serge_kg.sources.text import Source

from .query_pages import result_table
from .render import ENV, nav
from .urls import Links


def label_index(*graphs: Graph) -> dict[Node, str]:
    """A display label for every subject with rdfs:label, skos:prefLabel or sk:title (English first)."""
    labels: dict[Node, str] = {}
    for graph in graphs:
        for prop in (SK.title, SKOS.prefLabel, RDFS.label):
            for s, o in graph.subject_objects(prop):
                if isinstance(o, Literal) and (s not in labels or o.language in (None, "en")):
                    labels[s] = str(o)
    return labels


def entity_graph(iri: URIRef, asserted: Graph) -> Graph:
    """The entity's own (asserted) triples plus its evidence nodes and their citation nodes."""
    out = Graph()
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns, replace=True)
    todo, seen = [iri], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in asserted.predicate_objects(node):
            out.add((node, p, o))
            if (node == iri and p == PROV.wasDerivedFrom) or p == SK.citation or isinstance(o, BNode):
                todo.append(o)
    return out


def query_json(q: SavedQuery, base: str) -> dict[str, Any]:
    """A saved query's header as JSON."""
    return {"name": q.name, "summary": q.summary, "description": q.description, "tags": q.tags,
            "columns": q.columns, "url": f"{base}/queries/{q.name}",
            "params": [{"name": p.name, "type": p.type, "description": p.description, "default": p.default}
                       for p in q.params]}


def results_html(outcome: Any, labels: dict[Node, str], base: str, title: str = "",
                 sources: list[Source] | None = None) -> bytes:
    """An ad-hoc query result as an HTML page: IRIs as links named by their label, dates in words."""
    links = Links(base)

    def label(node: Node) -> str:
        return labels.get(node) or str(node).rsplit("/", 1)[-1]
    html = ENV.get_template("results.html").render(
        links=links, title=title or "Result", nav=nav(links, ""), sources=sources or [], static=False,
        table=result_table(outcome, label, links), query="")
    return html.encode("utf-8")
