"""The SPARQL 1.1 Protocol's side of the endpoint: content negotiation, result encodings, service description.

Results are written in the SPARQL 1.1 Query Results JSON, XML, CSV and TSV formats from Oxigraph terms;
the service description follows https://www.w3.org/TR/sparql11-service-description/.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox
from rdflib import DCTERMS, RDF, VOID, XSD, BNode, Graph, Literal, URIRef

from serge_kg.namespaces import BASE, SD, W3C_FORMATS
from serge_kg.pipeline.export import ASSERTED_GRAPH, INFERRED_GRAPH

XSD_STRING = str(XSD.string)


def negotiate(accept: str | None, offers: dict[str, str], default: str) -> str:
    """The offered representation ``Accept`` prefers (``offers``: media type -> representation)."""
    if not accept:
        return default
    ranges: list[tuple[str, float]] = []
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            k, _, v = p.strip().partition("=")
            if k == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        ranges.append((media.strip().lower(), q))
    best, best_q = default, 0.0
    for media, rep in offers.items():
        matches = [(2 if r == media else 1 if r == media.split("/")[0] + "/*" else 0, rq)
                   for r, rq in ranges if r in (media, "*/*", media.split("/")[0] + "/*")]
        q = max(matches)[1] if matches else 0.0
        if q > best_q or (q == best_q and q > 0 and rep == default):
            best, best_q = rep, q
    return best


def _json_term(t: Any) -> dict[str, Any]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.Literal):
        if t.language:
            return {"type": "literal", "value": t.value, "xml:lang": t.language}
        dt = t.datatype.value
        return {"type": "literal", "value": t.value} if dt == XSD_STRING else \
            {"type": "literal", "value": t.value, "datatype": dt}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    return {"type": "triple", "value": {"subject": _json_term(t.subject), "predicate": _json_term(t.predicate),
                                        "object": _json_term(t.object)}}


def _xml_term(t: Any) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{xml_escape(t.value)}</uri>"
    if isinstance(t, ox.Literal):
        attr = f" xml:lang={quoteattr(t.language)}" if t.language else (
            "" if t.datatype.value == XSD_STRING else f" datatype={quoteattr(t.datatype.value)}")
        return f"<literal{attr}>{xml_escape(t.value)}</literal>"
    return f"<bnode>{xml_escape(str(getattr(t, 'value', t)))}</bnode>"


def _plain(t: Any) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.BlankNode):
        return "_:" + t.value
    return t.value if hasattr(t, "value") else str(t)


def encode_results(variables: list[str], rows: list[tuple[Any, ...]], boolean: bool | None, media: str) -> bytes:
    """SELECT rows or an ASK boolean in SPARQL 1.1 JSON, XML, CSV or TSV results format."""
    if media.endswith("+json"):
        if boolean is not None:
            return json.dumps({"head": {}, "boolean": boolean}).encode()
        bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if media.endswith("+xml"):
        head = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
        if boolean is not None:
            return f"{head}</head><boolean>{str(boolean).lower()}</boolean></sparql>\n".encode()
        parts = [head, *(f"<variable name={quoteattr(v)}/>" for v in variables), "</head><results>"]
        for row in rows:
            parts.append("<result>" + "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                                              for v, t in zip(variables, row) if t is not None) + "</result>")
        parts.append("</results></sparql>\n")
        return "".join(parts).encode("utf-8")
    if boolean is not None:
        return ("true" if boolean else "false").encode()
    if media == "text/csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_plain(t) for t in row] for row in rows)
        return buf.getvalue().encode("utf-8")
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def service_description(endpoint: str, triples: int) -> Graph:
    """The SPARQL 1.1 Service Description of the endpoint."""
    g = Graph()
    g.bind("sd", SD)
    g.bind("formats", W3C_FORMATS)
    g.bind("void", VOID)
    svc = URIRef(endpoint)
    g.add((svc, RDF.type, SD.Service))
    g.add((svc, SD.endpoint, svc))
    g.add((svc, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                "Turtle", "JSON-LD", "N-Triples"):
        g.add((svc, SD.resultFormat, W3C_FORMATS[fmt]))
    dataset, default = BNode(), BNode()
    g.add((svc, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(triples)))
    for name in (ASSERTED_GRAPH, INFERRED_GRAPH):
        named = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, SD.name, name))
    g.add((svc, DCTERMS.description, Literal(
        f"Read-only SPARQL endpoint of serge-kg ({BASE}). The default graph holds asserted and inferred triples.")))
    return g
