"""Loading records: one fixture per kind of error, each named by file, line, record and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from serge_kg.errors import RecordErrors
from serge_kg.paths import Paths
from serge_kg.pipeline.records import load_dataset

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"

# fixture -> (folder it goes in, line, record, field, words the message must contain)
CASES = {
    "malformed-yaml": ("people", 3, None, None, "malformed YAML"),
    "unknown-reference": ("events", 4, "arrest-nowhere", "place", "unknown reference 'atlantis'"),
    "duplicate-id": ("people", 1, "vlady", "id", "duplicate id 'vlady'"),
    "impossible-date": ("events", 4, "arrest-impossible", "date", "impossible or malformed date"),
    "missing-quote": ("events", 6, "arrest-unquoted", "evidence.quote", "missing evidence quote"),
    "quote-not-found": ("events", 6, "arrest-misquoted", "evidence.quote", "not found verbatim"),
    "unknown-field": ("events", 4, "arrest-with-typo", "plcae", "unknown field 'plcae'"),
    "bad-type": ("events", 2, "arrest-bad-type", "type", "not allowed for a event"),
    "bad-isbn": ("translations", 5, "conquered-city-bad-isbn", "isbn", "wrong check digit"),
    # the rules over all records (pipeline/record_rules.py)
    "label-not-in-source": ("people", 1, "mannerheim-fuller-name", "label", "is not in the record's evidence quotes"),
    "label-authority-unverified": ("people", 1, "kuusinen-claimed-authority", "label_authority",
                                   "no verified ('same') row"),
    "description-unsupported": ("people", 1, "paalen-the-painter", "description", "name 'Austrian'"),
    "derived-date-without-note": ("events", 1, "lubyanka-end-guessed", "date_note", "1933-06 is not written"),
    "stance-not-verbatim": ("opinions", 1, "fourth-international-paraphrased", "stance", "not verbatim"),
}


def test_mini_dataset_loads(mini: Paths) -> None:
    ds = load_dataset(mini.data)
    serge = ds.records["victor-serge"]
    assert serge.kind == "person" and serge.evidence
    assert ds.records["arrest-1933"].evidence[0].notes == (58,)


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_record_is_reported_precisely(mini: Paths, name: str) -> None:
    folder, line, record, field, words = CASES[name]
    target = mini.data / folder / f"zz-{name}.yaml"
    target.parent.mkdir(exist_ok=True)
    shutil.copy(BAD / f"{name}.yaml", target)
    with pytest.raises(RecordErrors) as info:
        load_dataset(mini.data)
    errors = [e for e in info.value.errors if e.file.endswith(f"zz-{name}.yaml")]
    assert errors, str(info.value)
    err = errors[0]
    assert (err.line, err.record, err.field) == (line, record, field), str(err)
    assert words in str(err)
    assert str(err).startswith(f"data/{folder}/zz-{name}.yaml:{line}:")


def test_every_error_says_what_is_allowed(mini: Paths) -> None:
    for name, (folder, *_rest) in CASES.items():
        (mini.data / folder).mkdir(exist_ok=True)
        shutil.copy(BAD / f"{name}.yaml", mini.data / folder / f"zz-{name}.yaml")
    with pytest.raises(RecordErrors) as info:
        load_dataset(mini.data)
    for err in info.value.errors:
        if err.field not in ("id",) and "unknown reference" not in err.problem:
            assert err.allowed or err.field is None, str(err)
