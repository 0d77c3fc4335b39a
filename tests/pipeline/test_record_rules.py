"""The rules over all records: source-form labels, descriptions within the evidence, derived dates
noted, verbatim stances. Each rule is shown to pass on the right input and to fire on the wrong one
(the file-level cases, with line and field, are in test_records.py and tests/data/bad/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from serge_kg.pipeline.decisions import Decision
from serge_kg.pipeline.record_rules import Allowed, check_rules, read_allowlist
from serge_kg.pipeline.record_types import Dataset, Evidence, Record


def rec(kind: str, rid: str, quotes: list[str], **data: object) -> Record:
    ev = [Evidence("wikipedia", q, (), 1) for q in quotes]
    return Record(kind, rid, str(data.pop("type", "Person")), {"id": rid, **data}, "data/x.yaml", 1, ev)


def problems(*records: Record, decisions: list[Decision] | None = None,
             allow: list[Allowed] | None = None) -> list[str]:
    ds = Dataset({r.id: r for r in records}, {}, decisions or [])
    return [f"{e.record}:{e.field}:{e.problem}" for e in check_rules(ds, allow or [])]


MIA_NAME = "Mannerheim and Kuusinen Destroyed the Socialist Revolution Once Before, in 1918"


def test_a_label_must_be_the_sources_spelling() -> None:
    assert problems(rec("person", "kuusinen", [MIA_NAME], label="Kuusinen")) == []
    flagged = problems(rec("person", "kuusinen", [MIA_NAME], label="Otto Wille Kuusinen"))
    assert flagged and "is not in the record's evidence quotes" in flagged[0]
    alt = problems(rec("person", "kuusinen", [MIA_NAME], label="Kuusinen", alt_labels=["Otto Kuusinen"]))
    assert alt and ":alt_labels:" in alt[0]


def test_a_reference_list_name_may_be_turned_round() -> None:
    assert problems(rec("person", "claude-rioux", ["Albertani, Claudio; Rioux, Claude (eds.)."],
                        label="Claude Rioux")) == []


def test_a_fuller_label_needs_a_verified_wikidata_label() -> None:
    gorky = rec("person", "maxim-gorky", ["Recollections of Maxim Gorki"], label="Maxim Gorky",
                label_authority="wikidata", alt_labels=["Maxim Gorki"])
    same = Decision("maxim-gorky", "Q12706", "same", "hit pairs 'Maxim Gorky' with Q12706", 2)
    assert problems(gorky, decisions=[same]) == []
    unsure = Decision("maxim-gorky", "Q12706", "unsure", "one source only", 2)
    assert any("no verified" in p for p in problems(gorky, decisions=[unsure]))
    other = Decision("maxim-gorky", "Q12706", "same", "hit pairs 'Gorky Park' with Q12706", 2)
    assert any("is not the label recorded" in p for p in problems(gorky, decisions=[other]))
    no_source_form = rec("person", "maxim-gorky", ["Recollections of Maxim Gorki"], label="Maxim Gorky",
                         label_authority="wikidata")
    assert any("sources' own spelling is missing" in p for p in problems(no_source_form, decisions=[same]))


def test_an_unnamed_person_needs_a_description() -> None:
    quote = "His parents were Narodnik sympathizers"
    assert problems(rec("person", "parent", [quote], label="A parent of Victor Serge", label_authority="unnamed",
                        description="One of his parents, Narodnik sympathizers.")) == []
    assert problems(rec("person", "parent", [quote], label="A parent of Victor Serge", label_authority="unnamed"))


def test_a_description_says_only_what_the_evidence_or_a_linked_label_says() -> None:
    quote = "Serge (left) in Wolfgang Paalen 's studio in Mexico, 1942"
    ok = rec("person", "paalen", [quote], label="Wolfgang Paalen",
             description="Serge was in his studio in Mexico in 1942.")
    assert problems(ok) == []
    bad = rec("person", "paalen", [quote], label="Wolfgang Paalen",
              description="Austrian painter who hosted Serge in Coyoacán in 1941.")
    flagged = problems(bad)
    assert any("'Austrian'" in p for p in flagged) and any("'Coyoacán'" in p for p in flagged)
    assert any("number 1941" in p for p in flagged)
    allow = [Allowed("paalen", "Austrian", "r"), Allowed("*", "Coyoacán", "r"), Allowed("paalen", "1941", "r")]
    assert problems(bad, allow=allow) == []
    # a name from a linked record's label is supported: the place the record points to
    mexico = rec("place", "mexico", ["Mexico"], type="Country", label="Mexico")
    event = rec("event", "visit", [quote.replace("Mexico", "Mexico")], type="Event", label="Visit", place="mexico",
                description="In Mexico.")
    assert problems(mexico, event) == []


@pytest.mark.parametrize(("date", "quote"), [
    ("1919-01", "arrived in Petrograd in January 1919."),
    ("[1927-07..1928-06]", "was expelled from the Communist Party in late 1927 or early 1928."),
    ("1890-12-30", "was born on 30 December 1890, in Brussels"),
    ("[1924-03,1924-04]", "Mar./Apr. 1924"),
    ("1937-03-06/1937-03-07", "6–7 March 1937"),
    ("[1946-07,1946-11]", "July/November 1946"),
    ("1932/1933", "the devastating famine of 1932–33 ."),
    ("1923-23", "the aborted insurrection in the autumn of 1923."),
])
def test_a_date_written_in_the_quote_needs_no_note(date: str, quote: str) -> None:
    assert problems(rec("event", "e", [quote], type="Event", label="E", date=date)) == []


@pytest.mark.parametrize(("date", "quote"), [
    ("1928-03/1928-05", "He was arrested in March 1928 and imprisoned for seven to eight weeks."),
    ("1941", "Their journey involved detentions in Martinique"),
    ("1917-10/1919", "interned as a \" Bolshevik suspect\" in a French concentration camp at Precigne."),
])
def test_a_derived_date_needs_a_note(date: str, quote: str) -> None:
    event = rec("event", "e", [quote], type="Event", label="E", date=date)
    assert any(":date_note:" in p for p in problems(event))
    noted = rec("event", "e", [quote], type="Event", label="E", date=date, date_note="computed from the duration")
    assert problems(noted) == []


def test_a_stance_is_a_span_of_its_evidence() -> None:
    quote = "the formation of the Fourth International (which Serge viewed as premature and sectarian)"
    assert problems(rec("opinion", "o", [quote], type="Opinion", label="O", stance="premature and sectarian")) == []
    assert problems(rec("opinion", "o", [quote], type="Opinion", label="O", stance="too early"))


def test_the_allowlist_needs_a_reason_for_every_entry(tmp_path: Path) -> None:
    path = tmp_path / "allow.yaml"
    path.write_text("- {record: '*', term: Serge, reason: the subject}\n- {record: x, term: Y}\n", encoding="utf-8")
    allowed, errors = read_allowlist(path)
    assert [a.term for a in allowed] == ["Serge"]
    assert len(errors) == 1 and "reason" in str(errors[0])
