"""SPARQL 1.1 Query Results in JSON, XML, CSV and TSV, written from Oxigraph terms.

The formats are https://www.w3.org/TR/sparql11-results-json/, https://www.w3.org/TR/rdf-sparql-XMLres/
and https://www.w3.org/TR/sparql11-results-csv-tsv/. A query worker imports this module, so it
needs only pyoxigraph and the standard library.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from serge_kg.prefixes import XSD_STRING


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
