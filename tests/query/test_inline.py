"""Bound IRIs written in place of their variable: only where SPARQL allows a term, only when asked."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from serge_kg.errors import QueryFileError
from serge_kg.query.engines import with_values
from serge_kg.query.inline import inline_iris
from serge_kg.query.saved import parse_query_file

SERGE = "<https://w3id.org/serge-kg/id/person/victor-serge>"


def test_a_variable_in_a_pattern_becomes_the_iri() -> None:
    text = "{ ?e <p> ?_person . OPTIONAL { ?_person <q> ?x } } UNION { ?w <a> $_person }"
    assert inline_iris(text, {"_person": SERGE}) == (
        f"{{ ?e <p> {SERGE} . OPTIONAL {{ {SERGE} <q> ?x }} }} UNION {{ ?w <a> {SERGE} }}")


def test_projection_grouping_ordering_as_and_values_keep_the_variable() -> None:
    text = ("{ SELECT ?_person ?e (COUNT(?_person) AS ?n) WHERE { ?e <p> ?_person } GROUP BY ?_person ?e "
            "HAVING (COUNT(?_person) > 0) } BIND (?x AS ?_person) VALUES ?_person { <a> } "
            "FILTER (?_person = <b>) } ORDER BY ?_person")
    out = inline_iris(text, {"_person": SERGE})
    assert out == ("{ SELECT ?_person ?e (COUNT(?_person) AS ?n) WHERE { ?e <p> " + SERGE + " } GROUP BY ?_person ?e "
                   "HAVING (COUNT(?_person) > 0) } BIND (?x AS ?_person) VALUES ?_person { <a> } "
                   "FILTER (" + SERGE + " = <b>) } ORDER BY ?_person")


def test_strings_comments_and_longer_names_are_left_alone() -> None:
    text = '{ ?e <p> "?_person" . # ?_person\n ?e <q> ?_personal }'
    assert inline_iris(text, {"_person": SERGE}) == text


def test_exists_in_a_projection_does_not_end_it() -> None:
    text = "{ SELECT (EXISTS { ?_person <p> ?o } AS ?b) ?_person WHERE { ?_person <q> ?o } }"
    assert inline_iris(text, {"_person": SERGE}) == (
        "{ SELECT (EXISTS { ?_person <p> ?o } AS ?b) ?_person WHERE { " + SERGE + " <q> ?o } }")


QUERY = "#+ summary: s\nSELECT ?name WHERE { { ?_person <n> ?name } UNION { ?w <a> ?_person ; <n> ?name } }\n"


def test_with_values_inlines_only_when_the_header_asks() -> None:
    bound = {"_person": URIRef(SERGE[1:-1])}
    plain = with_values(QUERY, bound)
    assert plain.count(SERGE) == 1 and plain.count("?_person") == 3  # the VALUES block alone
    inlined = with_values("#+ inline: true\n" + QUERY, bound)
    assert f"VALUES (?_person) {{ ({SERGE}) }}" in inlined and inlined.count("?_person") == 1  # the block's


def test_literals_are_bound_by_the_values_block_only() -> None:
    text = "#+ inline: true\n#+ summary: s\nSELECT ?x WHERE { ?x <p> ?_year }"
    out = with_values(text, {"_year": Literal(1933)})
    assert out.endswith(" ?x <p> ?_year }") and '"1933"^^' in out


def test_inlined_and_values_give_the_same_rows() -> None:
    store = ox.Store()
    a, b, n = ox.NamedNode("http://x/a"), ox.NamedNode("http://x/b"), ox.NamedNode("http://x/n")
    w, au = ox.NamedNode("http://x/w"), ox.NamedNode("http://x/author")
    for s, p, o in ((a, n, ox.Literal("A")), (b, n, ox.Literal("B")), (w, au, a), (w, n, ox.Literal("W"))):
        store.add(ox.Quad(s, p, o))
    text = ("#+ summary: s\nSELECT ?name WHERE { { ?_person <http://x/n> ?name } UNION "
            "{ ?w <http://x/author> ?_person ; <http://x/n> ?name } } ORDER BY ?name")
    bound = {"_person": URIRef("http://x/a")}
    rows = [[str(s["name"]) for s in store.query(with_values(t, bound))] for t in (text, "#+ inline: true\n" + text)]
    assert rows[0] == rows[1] == ['"A"', '"W"']


def test_the_inline_header_must_be_the_exact_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ok = tmp_path / "ok.rq"
    ok.write_text("#+ inline: true\n" + QUERY)
    assert parse_query_file(ok).inline
    bad = tmp_path / "bad.rq"
    bad.write_text("#+ inline: yes\n" + QUERY)  # YAML reads it as true, the binding would not see it
    with pytest.raises(QueryFileError, match="inline"):
        parse_query_file(bad)
