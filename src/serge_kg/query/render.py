"""Query results as text: an aligned table, CSV, TSV, Markdown, or SPARQL 1.1 JSON results.

In the text tables (``table``, ``markdown``) dates are written in words by default ("late 1927 or
early 1928"); ``dates="edtf"`` keeps the EDTF strings. CSV, TSV and JSON always keep the machine form.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from rdflib import XSD, BNode, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from serge_kg.datewords import date_in_words
from serge_kg.errors import DateError
from serge_kg.formats import DATE_STYLES, RESULT_FORMATS  # noqa: F401 - re-exported: callers import them from here
from serge_kg.namespaces import EDTF

from .engines import Result

_DATE_TYPES = {EDTF, XSD.date, XSD.gYearMonth, XSD.gYear}
# saved queries return dates as STR(?date): a column so named holds EDTF strings
_DATE_COLUMN = re.compile(r"(^|_)(date|start|end|span|earliest|latest|when)$|Date$|^date", re.IGNORECASE)


def as_words(node: Node | None, column: str) -> str | None:
    """The date in words, if ``node`` is a date (by datatype, or an EDTF string in a date column)."""
    if not isinstance(node, Literal) or not str(node):
        return None
    if node.datatype not in _DATE_TYPES and not (node.datatype in (None, XSD.string) and not node.language
                                                  and _DATE_COLUMN.search(column)):
        return None
    try:
        return date_in_words(str(node))
    except DateError:
        return None


def _short(node: Node | None, nm: NamespaceManager | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef) and nm is not None:
        try:
            return nm.normalizeUri(node)
        except Exception:
            return str(node)
    return str(node)


def _json_term(node: Node) -> dict[str, Any]:
    if isinstance(node, URIRef):
        return {"type": "uri", "value": str(node)}
    if isinstance(node, BNode):
        return {"type": "bnode", "value": str(node)}
    assert isinstance(node, Literal)
    out: dict[str, Any] = {"type": "literal", "value": str(node)}
    if node.language:
        out["xml:lang"] = node.language
    elif node.datatype:
        out["datatype"] = str(node.datatype)
    return out


def render(result: Result, fmt: str, nm: NamespaceManager | None = None, max_width: int = 60,
           dates: str = "words") -> str:
    """Format a SELECT/ASK result; in ``table`` and ``markdown``, dates in words unless ``dates="edtf"``.

    >>> render(Result(["n"], [(Literal(1),)]), "csv")
    'n\\r\\n1\\r\\n'
    """
    if result.boolean is not None:
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": result.boolean}) + "\n"
        return ("true" if result.boolean else "false") + "\n"
    cols, rows = result.columns, result.rows
    if fmt == "json":
        bindings = [{c: _json_term(v) for c, v in zip(cols, row) if v is not None} for row in rows]
        return json.dumps({"head": {"vars": cols}, "results": {"bindings": bindings}},
                          ensure_ascii=False, indent=1) + "\n"
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter="," if fmt == "csv" else "\t")
        writer.writerow(cols)
        for row in rows:
            writer.writerow([_short(v, None) for v in row])
        return buf.getvalue()
    def cell(v: Node | None, col: str) -> str:
        words = as_words(v, col) if dates == "words" else None
        return words if words is not None else _short(v, nm)
    cells = [[cell(v, c) for v, c in zip(row, cols)] for row in rows]
    if fmt == "markdown":
        def esc(s: str) -> str:
            return s.replace("|", "\\|").replace("\n", " ")
        lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
        lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in cells]
        return "\n".join(lines) + "\n"

    def clip(s: str) -> str:
        s = s.replace("\n", " ")
        return s if len(s) <= max_width else s[: max_width - 1] + "…"
    clipped = [[clip(c) for c in row] for row in cells]
    widths = [max([len(c)] + [len(r[i]) for r in clipped]) for i, c in enumerate(cols)]
    out = ["  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip(),
           "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in clipped]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def render_rows(columns: list[str], rows: list[list[object]], fmt: str, max_width: int = 60) -> str:
    """Format plain Python rows (numbers, strings) like a query result."""
    as_terms = [tuple(None if v is None else Literal(v) for v in row) for row in rows]
    return render(Result(columns, as_terms), fmt, None, max_width)
