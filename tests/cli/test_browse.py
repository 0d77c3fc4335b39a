"""``serge-kg search`` and ``serge-kg site``, and ``--dates`` on query tables, through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import run
from serge_kg.paths import Paths


def test_search_prints_id_kind_and_label(mini: Paths) -> None:
    code, out, _ = run(mini, "search", "kibalchich")
    assert code == 0 and "victor-serge" in out and "person" in out and "Victor Serge" in out
    code, out, _ = run(mini, "search", "Orenb", "--ids")
    assert code == 0 and out.splitlines()[0] == "orenburg"
    code, out, _ = run(mini, "search", "kibalchich", "--format", "csv")
    assert out.startswith("id,kind,type,label")


def test_search_without_a_match_exits_1_with_the_nearest(mini: Paths) -> None:
    code, out, err = run(mini, "search", "orenbrug")
    assert code == 1 and out == "" and "did you mean" in err and "orenburg" in err


def test_unknown_ids_and_query_names_suggest_the_nearest(mini: Paths) -> None:
    code, _, err = run(mini, "query", "evidence-for", "--param", "entity=arest-1933")
    assert code == 2 and "did you mean arrest-1933" in err
    code, _, err = run(mini, "query", "life-timelin")
    assert code == 2 and "did you mean life-timeline" in err


def test_query_dates_in_words_or_edtf(mini: Paths) -> None:
    _, words, _ = run(mini, "query", "life-timeline")
    _, edtf, _ = run(mini, "query", "life-timeline", "--dates", "edtf")
    _, csv, _ = run(mini, "query", "life-timeline", "--format", "csv")
    assert "late 1927 or early 1928" in words and "[1927-07..1928-06]" not in words
    assert "[1927-07..1928-06]" in edtf and "[1927-07..1928-06]" in csv


def test_site_writes_and_refuses_a_foreign_folder(mini: Paths, tmp_path: Path) -> None:
    code, out, err = run(mini, "site", "-o", str(tmp_path / "public"), "-q")
    assert code == 0, err
    assert "pages" in out and (tmp_path / "public" / "index.html").is_file()
    assert (tmp_path / "public" / "sitemap.xml").is_file()
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep")
    code, _, err = run(mini, "site", "-o", str(foreign))
    assert code == 2 and "not a site written by" in err and (foreign / "mine.txt").exists()
