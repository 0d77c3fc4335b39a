"""The loader refuses hostile and malformed input with file and line; a seeded fuzz never gets past it."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest

from conftest import make_project, run
from serge_kg.errors import RecordError, RecordErrors, SergeKGError
from serge_kg.paths import Paths
from serge_kg.pipeline.convert import convert
from serge_kg.pipeline.records import load_dataset

PERSON = """- id: {id}
  type: Person
  label: Someone
  {extra}
  evidence:
    - source: wikipedia
      quote: "born Viktor Lvovich Kibalchich"
"""


@pytest.fixture()
def paths(tmp_path: Path) -> Paths:
    return make_project(tmp_path / "project")


def errors_of(paths: Paths) -> list[RecordError]:
    try:
        load_dataset(paths.data)
    except RecordErrors as exc:
        return exc.errors
    except RecordError as exc:
        return [exc]
    return []


def add(paths: Paths, text: str | bytes, name: str = "zz.yaml") -> Path:
    path = paths.data / "people" / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


@pytest.mark.parametrize("extra,words", [
    ("alt_labels: Kibalchich", "list of strings"),
    ("description: [a, b]", "non-empty string"),
    ("label: Other", "duplicate key 'label'"),
    ("yes: 1", "read by YAML as a bool"),
    ("3.5: x", "read by YAML as a float"),
    ("pseudonyms: &a [x]\n  occupations: *a", "aliases"),
    ("occupations: " + "[" * 60 + "]" * 60, "nesting deeper"),
    ("description: \"" + "x" * 5000 + "\"\n  pseudonyms: " + "y" * 3000, "characters)"),
])
def test_bad_fields_name_file_and_line(paths: Paths, extra: str, words: str) -> None:
    add(paths, PERSON.format(id="someone", extra=extra))
    errs = errors_of(paths)
    assert errs and any(words in str(e) for e in errs), [str(e) for e in errs]
    for e in errs:
        assert e.file and e.line, str(e)
        assert len(str(e)) < 800


@pytest.mark.parametrize("date", ["[..1890-12-30]", "-1984", "0000", "XXXX", "Y170000002", "1919-02-30"])
def test_dates_the_library_chokes_on_are_record_errors(paths: Paths, date: str) -> None:
    (paths.data / "events").mkdir(exist_ok=True)
    (paths.data / "events" / "zz.yaml").write_text(
        f"- id: zz-event\n  type: Event\n  label: X\n  date: '{date}'\n  evidence:\n    - source: wikipedia\n"
        "      quote: \"born Viktor Lvovich Kibalchich\"\n", encoding="utf-8")
    errs = errors_of(paths)
    if date == "[..1890-12-30]" and not errs:
        return  # a valid EDTF set with an open start: accepted is fine, a TypeError is not
    assert errs and all(e.file == "data/events/zz.yaml" and e.line == 4 for e in errs), [str(e) for e in errs]


def test_non_utf8_and_control_bytes_give_the_line(paths: Paths) -> None:
    add(paths, PERSON.format(id="someone", extra="description: caf\xe9").encode("latin-1"))
    (err,) = errors_of(paths)
    assert err.line == 4 and "not UTF-8" in str(err)
    add(paths, PERSON.format(id="someone", extra="description: a\x01b"))
    (err,) = errors_of(paths)
    assert err.line == 4 and "not allowed" in str(err)


def test_hostile_files_are_refused_not_read(paths: Paths, tmp_path: Path) -> None:
    os.mkfifo(paths.data / "people" / "fifo.yaml")
    (paths.data / "people" / "zero.yaml").symlink_to("/dev/zero")
    outside = tmp_path / "outside.yaml"
    outside.write_text(PERSON.format(id="outsider", extra=""))
    (paths.data / "people" / "out.yaml").symlink_to(outside)
    add(paths, "- id: big\n  description: " + "x" * (3 * 1024 * 1024), "big.yaml")
    (paths.data / "wikidata").mkdir()
    os.mkfifo(paths.data / "wikidata" / "decisions.csv")
    messages = {e.file: str(e) for e in errors_of(paths)}
    assert "not a regular file" in messages["data/people/fifo.yaml"]
    assert "outside the project" in messages["data/people/zero.yaml"]
    assert "outside the project" in messages["data/people/out.yaml"]
    assert "bytes long" in messages["data/people/big.yaml"]
    assert "not a regular file" in messages["data/wikidata/decisions.csv"]


def test_alias_bomb_is_refused_at_once(paths: Paths) -> None:
    bomb = "- id: bomb\n  a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"  {chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(9))
    add(paths, bomb)
    (err,) = errors_of(paths)
    assert "aliases" in str(err) and err.line == 3


def test_override_shapes(paths: Paths) -> None:
    overrides = paths.data / "mia" / "overrides.yaml"
    overrides.write_text("- mia-x: {label: y}\n", encoding="utf-8")
    (err,) = errors_of(paths)
    assert err.file == "data/mia/overrides.yaml" and "mapping of record ids" in str(err)
    overrides.write_text("mia-conquered-city:\n  same_as: conquered-city\n  lable: Typo\n", encoding="utf-8")
    (err,) = errors_of(paths)
    assert err.file == "data/mia/overrides.yaml" and err.line == 3 and "unknown field 'lable'" in str(err)


def test_sources_yaml_shape(paths: Paths) -> None:
    index = paths.data / "sources" / "sources.yaml"
    index.write_text(index.read_text(encoding="utf-8").replace("  title: Victor Serge (English Wikipedia article)\n",
                                                               "  title: [not, text]\n"), encoding="utf-8")
    with pytest.raises(RecordError) as exc:
        load_dataset(paths.data)
    assert exc.value.file == "data/sources/sources.yaml" and exc.value.line == 5 and exc.value.field == "title"


MUTATIONS = ["", "- ", ": ", "[", "]", "{", "}", "&a ", "*a ", "!!python/object:os.system ", "\t", "\x00", "\xff",
             "yes", "'", '"', "#", "\n", "  ", "1e3", "null", "~", "- - -", "?", "|", ">", "%", "@", "`", "\\u0000"]


def test_seeded_fuzz_never_gets_past_the_loader(paths: Paths) -> None:
    """200 mutated record files: each loads, or fails with a typed error naming file and line."""
    rng = random.Random(1414)
    base = (Path(__file__).parents[1] / "data" / "mini" / "people.yaml").read_text(encoding="utf-8")
    target = paths.data / "people" / "people.yaml"
    build_before = sorted(paths.build.rglob("*")) if paths.build.exists() else []
    outcomes = {"ok": 0, "refused": 0}
    for _ in range(200):
        text = base
        for _ in range(rng.randint(1, 4)):
            pos = rng.randrange(len(text))
            cut = rng.choice([0, 0, 1, rng.randint(1, 40)])
            text = text[:pos] + rng.choice(MUTATIONS) + text[pos + cut:]
        target.write_bytes(text.encode("utf-8", "surrogateescape") if "\xff" not in text
                           else text.encode("latin-1", "replace"))
        try:
            convert(load_dataset(paths.data))  # what loads must also convert
            outcomes["ok"] += 1
        except (RecordErrors, RecordError) as exc:
            outcomes["refused"] += 1
            for e in exc.errors if isinstance(exc, RecordErrors) else [exc]:
                assert e.file and e.line, f"no file/line: {e}\n--- input:\n{text[:2000]}"
                assert not re.search(r"unexpected [A-Z]\w*(Error|Exception)", str(e))
        except SergeKGError as exc:  # any other typed error must still say where
            pytest.fail(f"untyped location: {exc}\n--- input:\n{text[:2000]}")
    assert outcomes["refused"] > 50
    assert (sorted(paths.build.rglob("*")) if paths.build.exists() else []) == build_before


def test_cli_on_a_mutated_record_exits_2_and_leaves_build_alone(paths: Paths) -> None:
    assert run(paths, "build", "-q")[0] == 0
    before = {p.name: p.read_bytes() for p in paths.build.iterdir() if p.is_file()}
    add(paths, PERSON.format(id="someone", extra="yes: 1"))
    code, _, err = run(paths, "build", "-q")
    assert code == 2 and "data/people/zz.yaml:4" in err and "unexpected" not in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in paths.build.iterdir() if p.is_file()} == before
