"""What the server shows: HTML pages, entity descriptions, SPARQL result encodings, service description.

Entity IRIs under ``https://w3id.org/serge-kg/id/`` are linked to the serving host (``base``), so the
pages work locally before the w3id.org redirect exists; every other IRI (Wikidata, sources) is linked
as it is.
"""

from __future__ import annotations

from html import escape
from typing import Any

import pyoxigraph as ox
from rdflib import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from serge_kg.namespaces import ID, PREFIXES, SK
from serge_kg.query.saved import SavedQuery

XSD_STRING = str(XSD.string)
_HIDDEN = {RDF.type, RDFS.label, PROV.wasDerivedFrom}
_STYLE = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}"
          "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;"
          "text-align:left;vertical-align:top}blockquote{margin:.3rem 0 .1rem 1rem;font-style:italic}"
          "code{font-size:.9em}.muted{color:#666}")


# ---------------------------------------------------------------- labels and links

def label_index(*graphs: Graph) -> dict[Node, str]:
    """A display label for every subject with rdfs:label, skos:prefLabel or sk:title (English first)."""
    labels: dict[Node, str] = {}
    for graph in graphs:
        for prop in (SK.title, SKOS.prefLabel, RDFS.label):
            for s, o in graph.subject_objects(prop):
                if isinstance(o, Literal) and (s not in labels or o.language in (None, "en")):
                    labels[s] = str(o)
    return labels


def local(iri: str, base: str) -> str:
    """The link for ``iri`` on this server (entity IRIs) or the IRI itself (anything else)."""
    return base + "/id/" + iri[len(str(ID)):] if iri.startswith(str(ID)) else iri


def short(iri: str) -> str:
    """``prefix:local`` for IRIs under a known prefix, else the IRI."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def link(node: Node, labels: dict[Node, str], base: str) -> str:
    """An HTML rendering of a term: a link with its label for IRIs, the value (and language/type) for literals."""
    if isinstance(node, URIRef):
        text = labels.get(node) or short(str(node))
        return f'<a href="{escape(local(str(node), base))}">{escape(text)}</a>'
    if isinstance(node, Literal):
        note = f" <span class=muted>@{node.language}</span>" if node.language else (
            f" <span class=muted>({escape(short(str(node.datatype)))})</span>"
            if node.datatype and str(node.datatype) != XSD_STRING else "")
        return escape(str(node)) + note
    return f"<span class=muted>_:{escape(str(node))}</span>"


def page(title: str, body: str) -> bytes:
    """A complete HTML page."""
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} - serge-kg</title>'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_STYLE}</style></head>'
            f'<body><nav><a href="/">serge-kg</a> · <a href="/queries">queries</a> · <a href="/sparql">SPARQL</a>'
            f' · <a href="/void">VoID</a></nav>{body}</body></html>').encode("utf-8")


# ---------------------------------------------------------------- entities

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


def entity_html(iri: URIRef, asserted: Graph, inferred: Graph, labels: dict[Node, str], base: str) -> bytes:
    """The entity's page: label, types, facts, evidence (quote, source, citation), same-as links, incoming links."""
    title = labels.get(iri) or str(iri).rsplit("/", 1)[-1]
    types = sorted(set(asserted.objects(iri, RDF.type)) | set(inferred.objects(iri, RDF.type)), key=str)
    parts = [f"<h1>{escape(title)}</h1>",
             f'<p><code>{escape(str(iri))}</code> · <a href="?format=ttl">Turtle</a> · '
             f'<a href="?format=jsonld">JSON-LD</a> · <a href="?format=nt">N-Triples</a></p>']
    if types:
        parts.append("<p>Types: " + ", ".join(link(t, labels, base) for t in types) + "</p>")
    same = sorted(asserted.objects(iri, OWL.sameAs), key=str)
    if same:
        parts.append("<p>Same as: " + ", ".join(f'<a href="{escape(str(s))}">{escape(short(str(s)))}</a>'
                                                 for s in same) + "</p>")
    facts = sorted(((p, o) for p, o in asserted.predicate_objects(iri) if p not in _HIDDEN),
                   key=lambda po: (labels.get(po[0], str(po[0])), str(po[1])))
    if facts:
        parts.append("<h2>Facts</h2><table>" + "".join(
            f"<tr><th>{link(p, labels, base)}</th><td>{link(o, labels, base)}</td></tr>" for p, o in facts)
            + "</table>")
    evidence = sorted(asserted.objects(iri, PROV.wasDerivedFrom), key=str)
    if evidence:
        parts.append("<h2>Evidence</h2><ul>" + "".join(_evidence(ev, asserted, labels, base) for ev in evidence)
                     + "</ul>")
    incoming = sorted(((s, p) for s, p in asserted.subject_predicates(iri) if p != PROV.wasDerivedFrom),
                      key=lambda sp: (labels.get(sp[0], str(sp[0])), str(sp[1])))[:500]
    if incoming:
        parts.append("<h2>Referenced by</h2><table>" + "".join(
            f"<tr><td>{link(s, labels, base)}</td><td>{link(p, labels, base)}</td></tr>" for s, p in incoming)
            + "</table>")
    inferred_n = len(list(inferred.predicate_objects(iri)))
    if inferred_n:
        parts.append(f"<p class=muted>{inferred_n} further triple(s) about this entity are inferred by OWL-RL "
                     "(schema.org, FOAF, Wikidata property alignments); query them at /sparql.</p>")
    return page(title, "".join(parts))


def _evidence(ev: Node, graph: Graph, labels: dict[Node, str], base: str) -> str:
    quotes = [str(q) for q in graph.objects(ev, SK.quote)]
    sources = sorted(set(graph.objects(ev, DCTERMS.source)) | set(graph.objects(ev, PROV.wasQuotedFrom)), key=str)
    cites = [str(c) for cit in graph.objects(ev, SK.citation) for c in graph.objects(cit, DCTERMS.bibliographicCitation)]
    cites += [str(c) for c in graph.objects(ev, DCTERMS.bibliographicCitation) if str(c) not in cites]
    out = "".join(f"<blockquote>“{escape(q)}”</blockquote>" for q in quotes)
    src = ", ".join(f'<a href="{escape(str(s))}">{escape(str(graph.value(s, DCTERMS.title) or s))}</a>'
                    for s in sources)
    tail = " · ".join(x for x in (f"source: {src}" if src else "",
                                  f"citation: {escape('; '.join(cites))}" if cites else "") if x)
    return f"<li>{out}<span class=muted>{tail}</span> <a href=\"{escape(local(str(ev), base))}\">#</a></li>"


def home_html(graph: Graph, labels: dict[Node, str], base: str, dumps: list[str]) -> bytes:
    """The home page: what this is, where to go, and an index of the people."""
    people = sorted(set(graph.subjects(RDF.type, SK.Person)), key=lambda p: labels.get(p, str(p)))
    body = ("<h1>serge-kg</h1><p>A linked-data knowledge graph of Victor Serge (1890-1947), every fact with "
            "its source, quote and citation. Data CC BY-SA 4.0.</p><ul>"
            f'<li><a href="{base}/id/person/victor-serge">Victor Serge</a></li>'
            f'<li><a href="{base}/queries">Saved queries</a></li>'
            f'<li><a href="{base}/sparql">SPARQL endpoint</a> (SPARQL 1.1 Protocol, read-only)</li>'
            f'<li><a href="{base}/void">Dataset description</a> (VoID / DCAT)</li></ul><h2>Downloads</h2><ul>'
            + "".join(f'<li><a href="{base}/dumps/{d}">{d}</a></li>' for d in dumps)
            + "</ul><h2>People</h2><ul>" + "".join(f"<li>{link(p, labels, base)}</li>" for p in people) + "</ul>")
    return page("serge-kg", body)


# ---------------------------------------------------------------- saved queries

def query_json(q: SavedQuery, base: str) -> dict[str, Any]:
    """A saved query's header as JSON."""
    return {"name": q.name, "summary": q.summary, "description": q.description, "tags": q.tags,
            "columns": q.columns, "url": f"{base}/queries/{q.name}",
            "params": [{"name": p.name, "type": p.type, "description": p.description, "default": p.default}
                       for p in q.params]}


def queries_html(saved: list[SavedQuery], base: str) -> bytes:
    """The list of saved queries, each with a form for its parameters."""
    items = []
    for q in saved:
        inputs = "".join(f' <label>{escape(p.name)} <input name="{escape(p.name)}" value="{escape(p.default or "")}"'
                         f' title="{escape(p.description)}"></label>' for p in q.params)
        items.append(f'<li><form action="{base}/queries/{escape(q.name)}"><b>{escape(q.name)}</b>: '
                     f'{escape(q.summary)}<br><span class=muted>{escape(q.description)}</span><br>{inputs} '
                     '<select name="format"><option>html</option><option>json</option><option>csv</option>'
                     '<option>tsv</option><option>xml</option></select> <button>Run</button></form></li>')
    return page("Saved queries", "<h1>Saved queries</h1><ul>" + "".join(items) + "</ul>")


# ---------------------------------------------------------------- SPARQL results

def _rd(term: Any) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        return Literal(term.value, lang=term.language) if term.language else \
            Literal(term.value, datatype=URIRef(term.datatype.value))
    return BNode(str(term.value) if hasattr(term, "value") else str(term))


def results_html(outcome: Any, labels: dict[Node, str], base: str, title: str = "") -> bytes:
    """A result as an HTML table (triples as subject / predicate / object rows)."""
    if outcome.kind == "boolean":
        return page("Result", f"<h1>Result</h1><p>{str(outcome.boolean).lower()}</p>")
    cols = outcome.variables or ["subject", "predicate", "object"]
    rows = outcome.rows if outcome.kind == "solutions" else [(t.subject, t.predicate, t.object) for t in outcome.rows]
    body = "".join("<tr>" + "".join(f"<td>{'' if v is None else link(_rd(v), labels, base)}</td>" for v in row)
                   + "</tr>" for row in rows)
    note = "<p class=muted>(truncated)</p>" if outcome.truncated else ""
    return page(title or "Result", f"<h1>{escape(title or 'Result')}</h1><p>{len(rows)} row(s)</p>{note}"
                "<table><tr>" + "".join(f"<th>{escape(c)}</th>" for c in cols) + "</tr>" + body + "</table>")
