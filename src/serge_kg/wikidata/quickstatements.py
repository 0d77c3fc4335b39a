"""Our sourced facts about Wikidata-linked entities as QuickStatements (V1) lines, so a curator can
contribute them to Wikidata.

Rows come from ``queries/export/quickstatements.rq``. Each statement gets one line per source that
supports it, with the reference ``S854`` (the source revision's URL) and, where QuickStatements can carry
it, ``S1683`` (the verbatim quote, in English). A quote is used only if it names the fact: the value's
year for a date, the string for a name, or the label of the subject or object (or a word of the
object's label) for an item. Dates go out
at the precision the source gives; an uncertain or imprecise EDTF bound gives no qualifier.
A linked place's reviewed GeoNames id goes out as ``P1566`` with the feature's IRI as ``S854``;
coordinates (``P625``) never do: they are GeoNames' data, not ours. A linked record's library
VIAF ids (``P214``) go out the same way, with the authority's IRI as ``S854``.
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import RDFS, SKOS, Graph, Literal, URIRef

from serge_kg.errors import ExportError
from serge_kg.namespaces import WD
from serge_kg.query.engines import run_oxigraph, to_oxigraph
from serge_kg.query.saved import find_query

from .common import normalize_name

QUERY = "export/quickstatements.rq"
GEONAMES_QUERY = "export/quickstatements-geonames.rq"
AUTHORITIES_QUERY = "export/quickstatements-authorities.rq"
_PLAIN = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")


def qs_time(edtf: str) -> str | None:
    """A plain EDTF date as a QuickStatements time value with its precision, else None.

    >>> qs_time("1890-12-30")
    '+1890-12-30T00:00:00Z/11'
    >>> qs_time("1919-05")
    '+1919-05-00T00:00:00Z/10'
    >>> qs_time("1923-41") is None
    True
    """
    m = _PLAIN.match(edtf)
    if not m:
        return None
    year, month, day = m.groups()
    precision = 11 if day else 10 if month else 9
    return f"+{year}-{month or '00'}-{day or '00'}T00:00:00Z/{precision}"


def _qualifiers(span: str | None) -> list[str]:
    """Start/end qualifiers (P580/P582) of a membership or residence date."""
    if not span:
        return []
    if "/" in span and not span.startswith("["):
        start, _, end = span.partition("/")
        out = []
        if (t := qs_time(start)) is not None:
            out += ["P580", t]
        if (t := qs_time(end)) is not None:
            out += ["P582", t]
        return out
    # a single date on a membership or residence is when it began ("joined the CNT in 1917")
    t = qs_time(span)
    return ["P580", t] if t else []


def _names(graph: Graph, node: URIRef | None) -> list[str]:
    if node is None:
        return []
    return [str(o) for p in (RDFS.label, SKOS.altLabel) for o in graph.objects(node, p)]


def _names_fact(quote: str, needles: list[str]) -> bool:
    q = f" {normalize_name(quote)} "
    return any(n and f" {n} " in q for n in (normalize_name(x) for x in needles))


def _qid(iri: object) -> str:
    text = str(iri)
    if not text.startswith(str(WD)):
        raise ExportError(f"not a Wikidata item IRI: {text}")
    return text[len(str(WD)):]


def _string(text: str) -> str | None:
    """A QuickStatements string literal, or None if the text cannot be one (it has a double quote or tab)."""
    if '"' in text or "\t" in text or "\n" in text:
        return None
    return f'"{text}"'


def _id_lines(graph: Graph, queries_dir: Path) -> list[str]:
    """``Q… P… "<id>" S854 "<IRI>"`` for the GeoNames ids of linked places (P1566) and the authority
    ids of linked records (P214), each citing the identifier's own IRI."""
    store = to_oxigraph(graph)
    lines = []
    for name, prop, value, iri in ((GEONAMES_QUERY, None, "geonameid", "feature"),
                                   (AUTHORITIES_QUERY, "property", "identifier", "authority")):
        result = run_oxigraph(find_query(queries_dir, str(queries_dir / name)), store, {})
        col = {c: i for i, c in enumerate(result.columns)}
        for row in result.rows:
            pid = str(row[col[prop]]) if prop else "P1566"
            lines.append("\t".join([_qid(row[col["item"]]), pid, f'"{row[col[value]]}"', "S854",
                                    f'"{row[col[iri]]}"']))
    return lines


def quickstatements(graph: Graph, queries_dir: Path) -> bytes:
    """QuickStatements V1 lines (tab-separated, one statement and reference per line), sorted."""
    query = find_query(queries_dir, str(queries_dir / QUERY))
    result = run_oxigraph(query, to_oxigraph(graph), {})
    col = {c: i for i, c in enumerate(result.columns)}
    best: dict[tuple[str, ...], str] = {}  # (statement, source) -> shortest quote naming the fact
    for row in result.rows:
        get = lambda name: row[col[name]]  # noqa: E731 - a row accessor
        value, value_item, quote = get("value"), get("valueItem"), str(get("quote"))
        if value_item is not None:
            rendered = _qid(value_item)
            objects = _names(graph, get("object"))
            # a quote may name the object by one word of its label ("his wife Liuba")
            needles = _names(graph, get("subject")) + objects + [w for n in objects for w in n.split() if len(w) >= 4]
        elif isinstance(value, Literal) and value.datatype is not None:
            rendered = qs_time(str(value)) or ""
            needles = [str(value)[:4]]
        else:
            rendered = _string(str(value)) or ""
            needles = [str(value)]
        if not rendered or not _names_fact(quote, needles):
            continue
        statement = (_qid(get("item")), str(get("property")), rendered, *_qualifiers(
            None if get("span") is None else str(get("span"))))
        key = (*statement, "\x00", str(get("source")))
        if key not in best or len(quote) < len(best[key]):
            best[key] = quote
    lines = _id_lines(graph, queries_dir)
    for key, quote in best.items():
        *statement, _, source = key
        fields = [*statement, "S854", f'"{source}"']
        if (q := _string(quote)) is not None:
            fields += ["S1683", f"en:{q}"]
        lines.append("\t".join(fields))
    return ("\n".join(sorted(lines)) + "\n").encode("utf-8") if lines else b""
