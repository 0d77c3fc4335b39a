"""A view's saved query run on the loaded graph: its rows as plain strings, for the timeline and network views.

The views draw from saved queries in ``queries/views/`` (the same files ``/queries/NAME`` serves), run
through the engine's query workers with the parameters bound as the saved-query pages bind them.
"""

from __future__ import annotations

from typing import Any

from serge_kg.errors import QueryExecutionError
from serge_kg.query.engines import with_values
from serge_kg.query.saved import SavedQuery, bindings_for

from .engine import HTML, Engine, Job

Row = dict[str, str]  # column -> the value's lexical form (absent: unbound)


def _text(term: Any) -> str:
    return str(term.value)


def view_rows(engine: Engine, query: SavedQuery, values: dict[str, str]) -> list[Row]:
    """The rows of ``query`` with ``values`` bound (defaults for the rest), each a column -> string map.

    :raises QueryParameterError: an unknown parameter or id.
    :raises QueryExecutionError: the query failed in its worker.
    """
    text = with_values(query.text, bindings_for(query, values, engine.asserted))
    reply = engine.execute(Job(text, results_media=HTML, rdf_media=HTML, max_rows=engine.max_rows))
    outcome = reply.outcome
    if outcome is None or outcome.kind != "solutions":
        raise QueryExecutionError(f"{query.path}: the view's query answered {reply.status}: {reply.message}")
    return [{c: _text(v) for c, v in zip(outcome.variables, row) if v is not None} for row in outcome.rows]
