"""The SPARQL editor: ``/sparql`` asked for by a browser (``Accept: text/html``, no query) opens YASGUI.

YASGUI (``static/vendor/zazuko-yasgui``) is pointed at this server's endpoint (a link relative to the
site, resolved by the page), knows the project prefixes, offers every saved query as an example and has
only its local autocompleter (variables): the prefix, property and class autocompleters ask prefix.cc
and LOV, hosts the deployment cannot reach. ``/sparql?saved=NAME&param=value`` opens the editor with
that saved query, its parameters bound as on its ``/queries/NAME`` page. A request with a ``query``
stays a SPARQL Protocol request. The static site has no endpoint and so no editor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rdflib import Graph

from serge_kg.errors import QueryFileError, QueryParameterError
from serge_kg.namespaces import PREFIXES
from serge_kg.query.engines import with_values
from serge_kg.query.saved import SavedQuery, bindings_for

from .urls import Links

SCRIPTS = ("static/vendor/zazuko-yasgui/yasgui.min.js", "static/editor.js")
STYLES = ("static/vendor/zazuko-yasgui/yasgui.min.css", "static/editor.css")
FIRST = "counts-per-class"  # the saved query the editor opens with, unless asked for another
LOCAL_COMPLETERS = ("variables",)  # the others (prefixes, property, class) call prefix.cc and LOV


def bound_text(q: SavedQuery, values: Mapping[str, str], graph: Graph) -> str:
    """The saved query's text with its parameters bound (defaults for those not given), as the server runs it.

    :raises QueryParameterError: for an unknown parameter or a value that is not valid.
    """
    try:
        return with_values(q.text, bindings_for(q, dict(values), graph))
    except ValueError as exc:  # a term Oxigraph will not build
        raise QueryParameterError(str(exc)) from exc


def editor_context(links: Links, queries: Mapping[str, SavedQuery], graph: Graph, saved: str = "",
                   values: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The editor page's context: the examples (every saved query, bound to its defaults), the prefixes,
    the endpoint, and the query to open first (``saved`` with ``values``, or :data:`FIRST`).

    :raises QueryFileError: if ``saved`` names no saved query; :raises QueryParameterError: for a bad value.
    """
    examples = []
    for q in sorted(queries.values(), key=lambda q: q.name):
        try:
            text = bound_text(q, {}, graph)
        except QueryParameterError:
            text = q.text  # a parameter without a usable default: as written
        examples.append({"name": q.name, "summary": q.summary, "text": text, "page": links.to(f"queries/{q.name}")})
    if saved and saved not in queries:
        raise QueryFileError(f"no saved query '{saved}'")
    opened = queries.get(saved or FIRST)
    first = bound_text(opened, values or {}, graph) if opened else ""
    title = opened.summary if opened else ""
    data = {"endpoint": links.to("sparql"), "prefixes": dict(PREFIXES), "query": first, "title": title,
            "completers": list(LOCAL_COMPLETERS), "examples": {e["name"]: e["text"] for e in examples}}
    return {"examples": examples, "prefixes": sorted(PREFIXES.items()), "editor_data": data, "saved": saved,
            "scripts": [links.to(s) for s in SCRIPTS], "styles": [links.to(s) for s in STYLES]}


def editor_page(render: Callable[..., bytes], links: Links, queries: Mapping[str, SavedQuery], graph: Graph,
                params: Mapping[str, str]) -> tuple[bytes, int]:
    """The editor page for a browser's ``/sparql`` request (``params``: its URL parameters) and its status:
    404 for an unknown saved query, 400 for a bad parameter (the page then says why and opens the default)."""
    saved = params.get("saved", "")
    values = {k: v for k, v in params.items() if k != "saved"}
    try:
        ctx, status, error = editor_context(links, queries, graph, saved, values), 200, ""
    except QueryFileError as exc:
        ctx, status, error = editor_context(links, queries, graph), 404, str(exc)
    except QueryParameterError as exc:
        ctx, status, error = editor_context(links, queries, graph), 400, str(exc)
    return render("editor.html", links, "SPARQL editor", "sparql", error=error, **ctx), status
