"""The strict YAML loader gives the same records and the same refusals on libyaml as on pure Python."""

from __future__ import annotations

from pathlib import Path

import pytest

from serge_kg import strict_yaml
from serge_kg.errors import RecordError

ROOT = Path(__file__).resolve().parents[1]
LOADERS = [strict_yaml._StrictLoader] + ([strict_yaml._StrictCLoader] if strict_yaml.CParser is not None else [])


def test_libyaml_is_the_default_where_available() -> None:
    if strict_yaml.CParser is None:
        pytest.skip("this PyYAML has no libyaml")
    assert strict_yaml._LOADER is strict_yaml._StrictCLoader


def test_every_data_file_loads_the_same_on_both_loaders() -> None:
    files = sorted((ROOT / "data").rglob("*.yaml")) + sorted((ROOT / "tests" / "data").rglob("*.yaml"))
    assert len(files) > 10
    for path in files:
        results = []
        for loader in LOADERS:
            try:
                results.append(strict_yaml.load_yaml(path, ROOT, loader=loader))
            except RecordError as exc:
                results.append(("refused", exc.file, exc.line, str(exc)))
        assert all(r == results[0] for r in results), path


BAD = [
    ("- id: x\n  label: a\n  label: b\n", 3, "duplicate key 'label' (first on line 2)"),
    ("- id: x\n  a: &a [1]\n  b: *a\n", 3, "aliases"),
    ("- id: x\n  yes: 1\n", 2, "read by YAML as a bool"),
    ("- id: x\n  __line__: 1\n", 2, "reserved"),
    ("- id: x\n  d: " + "[" * 50 + "]" * 50 + "\n", 2, "nesting deeper"),
    ("- id: x\n  label: 'Précigné é\n", 2, "malformed YAML"),
    # the line of a control character after multi-byte characters (libyaml counts bytes, not characters)
    ("- id: é\n  label: ééé\n  d: Кибальчич a\x01b\n", 3, "'\\x01' is not allowed"),
    ("- id: x\n\tlabel: y\n", 2, "malformed YAML"),
    ("- !!python/object:os.system x\n", 1, "malformed YAML"),
]


@pytest.mark.parametrize("loader", LOADERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("text,line,words", BAD)
def test_refusals_name_the_line_on_both_loaders(tmp_path: Path, loader: type, text: str, line: int,
                                                words: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RecordError) as exc:
        strict_yaml.load_yaml(path, tmp_path, loader=loader)
    # libyaml may give the line where the broken construct starts, with the problem's line in the message
    assert exc.value.file == "bad.yaml" and exc.value.line is not None, str(exc.value)
    assert exc.value.line == line or f"(line {line}," in str(exc.value), str(exc.value)
    assert words in str(exc.value)


@pytest.mark.parametrize("loader", LOADERS, ids=lambda c: c.__name__)
def test_mappings_keep_their_lines(tmp_path: Path, loader: type) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("# a comment\n- id: x\n  label: Кибальчич\n  evidence:\n    - source: w\n", encoding="utf-8")
    (record,) = strict_yaml.load_yaml(path, tmp_path, loader=loader)
    assert record["__line__"] == 2 and record["__lines__"] == {"id": 2, "label": 3, "evidence": 4}
    assert record["evidence"][0]["__line__"] == 5
