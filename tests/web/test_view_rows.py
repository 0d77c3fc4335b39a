"""A view's saved query run through the engine's workers (web/view_rows.py)."""

from __future__ import annotations

from typing import Any

import pytest

from serge_kg.errors import QueryParameterError
from serge_kg.paths import Paths
from serge_kg.query.saved import find_query
from serge_kg.web.view_rows import view_rows

from .views_fixtures import mini_engine  # noqa: F401 - a fixture


def test_rows_are_strings_and_unbound_columns_are_absent(mini_engine: Any, web_project: Paths) -> None:  # noqa: F811
    rows = view_rows(mini_engine, find_query(web_project.queries, "timeline-events"), {"person": "victor-serge"})
    assert rows and all(isinstance(v, str) for r in rows for v in r.values())
    member = next(r for r in rows if r["event"].endswith("/membership-left-opposition"))
    assert member["date"] == "1923/" and member["earliest"] == "1923-01-01" and "latest" not in member


def test_a_bad_parameter_is_a_typed_error(mini_engine: Any, web_project: Paths) -> None:  # noqa: F811
    query = find_query(web_project.queries, "network-edges")
    with pytest.raises(QueryParameterError, match="no entity with id 'nobody-at-all'"):
        view_rows(mini_engine, query, {"person": "nobody-at-all"})
    with pytest.raises(QueryParameterError, match="has no parameter"):
        view_rows(mini_engine, query, {"who": "victor-serge"})
