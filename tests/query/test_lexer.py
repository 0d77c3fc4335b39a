"""The SPARQL tokeniser: the ASCII fast path reads every query as the full Unicode grammar does."""

from __future__ import annotations

from pathlib import Path

import pytest

from serge_kg.query.lexer import _token_re, names_its_dataset, tokens

ROOT = Path(__file__).resolve().parents[2]
QUERY_FILES = sorted(ROOT.glob("queries/**/*.rq")) + sorted(ROOT.glob("ontology/**/*.rq"))


def _with(unicode: bool, text: str) -> list[tuple[str, str]]:
    return [(m.lastgroup or "", m.group()) for m in _token_re(unicode).finditer(text)]


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_the_ascii_tokeniser_reads_each_saved_query_as_the_unicode_one(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    ascii_only = "".join(c for c in text if c.isascii())  # the saved queries with any accents dropped
    assert _with(False, ascii_only) == _with(True, ascii_only)


def test_a_query_with_non_ascii_names_uses_the_unicode_classes() -> None:
    text = 'SELECT ?événement WHERE { ?événement ex:nom "Sérgé" ; ex:été _:bé }'
    kinds = [(t.kind, t.text) for t in tokens(text)]
    assert ("var", "?événement") in kinds and ("pname", "ex:été") in kinds and ("bnode", "_:bé") in kinds
    assert len(QUERY_FILES) > 20  # the parametrised test above really read the saved queries


def _full(text: str) -> list[tuple[str, str, int, int]]:
    from serge_kg.query.lexer import _scan
    return [(t.kind, t.text, t.line, t.start) for t in _scan(text, True)]


@pytest.mark.parametrize("text", [
    'SELECT * WHERE { ?s rdfs:label "Séjourné" } # the café, l\'été',
    "SELECT * WHERE { <http://fr.wikipedia.org/wiki/Orléans> ?p 'Kibaltchitch, Виктор' }",
    "SELECT ?événement WHERE { ?événement ex:nom ?n }",
    "SELECT * WHERE { ?s ex:a.é ?o . ?s ex:caf\u00e9 ?o }",
    "SELECT * WHERE { ?s ?p ?o } #é\r\n# ü\nLIMIT 1",
    "PREFIX é: <urn:x#> SELECT * WHERE { ?s é:p _:bé }",
])
def test_non_ascii_text_is_read_as_the_full_grammar_reads_it(text: str) -> None:
    assert [(t.kind, t.text, t.line, t.start) for t in tokens(text)] == _full(text)


@pytest.mark.parametrize("path", [p for p in QUERY_FILES if not p.read_text(encoding="utf-8").isascii()],
                         ids=lambda p: p.stem)
def test_the_saved_queries_with_accents_are_read_as_the_full_grammar_reads_them(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert [(t.kind, t.text, t.line, t.start) for t in tokens(text)] == _full(text)


@pytest.mark.parametrize(("text", "named"), [
    ("SELECT * WHERE { ?s ?p ?o }", False),
    ("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }", True),
    ("select * from named <urn:g> where { graph ?g { ?s ?p ?o } }", True),
    ('SELECT * WHERE { ?s ?p "taken from the memoirs" } # FROM in a comment', False),
    ("SELECT ?from WHERE { ?from <urn:from> ex:from }", False),
])
def test_names_its_dataset_reads_tokens_not_text(text: str, named: bool) -> None:
    assert names_its_dataset(text) is named


def test_names_its_dataset_is_kept_per_text() -> None:
    names_its_dataset.cache_clear()
    text = "# read from the asserted graph\nSELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }"
    assert names_its_dataset(text) and names_its_dataset(text)
    assert names_its_dataset.cache_info().hits == 1
