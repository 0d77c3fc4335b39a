"""The serge-kg command, as a user runs it: exit codes, outputs, errors without tracebacks or partial files."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import run
from serge_kg.cli.main import main
from serge_kg.paths import Paths

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"


def test_build_writes_every_output_and_conforms(mini: Paths) -> None:
    code, out, err = run(mini, "build")
    assert code == 0, err
    assert "validation: conforms" in out and "asserted triples" in out and "time per stage" in out
    for name in ("serge.ttl", "serge.nt", "serge.jsonld", "serge.trig", "serge.nq", "void.ttl", "report.json"):
        assert (mini.build / name).stat().st_size > 0, name
    assert json.loads((mini.build / "report.json").read_text())["conforms"] is True


def test_quiet_build_prints_only_the_outcome(mini: Paths) -> None:
    code, out, err = run(mini, "build", "-q", "--force")
    assert code == 0, err
    assert out.splitlines()[0].startswith("wrote ") and "validation: conforms" in out
    assert "asserted triples" not in out and "time per stage" not in out and not err


def test_bad_record_exits_2_with_location_and_writes_nothing(mini: Paths) -> None:
    shutil.copy(BAD / "quote-not-found.yaml", mini.data / "events" / "zz.yaml")
    code, out, err = run(mini, "build")
    assert code == 2
    assert "data/events/zz.yaml:6: record 'arrest-misquoted', field 'evidence.quote'" in err
    assert "Traceback" not in err + out
    assert not mini.build.exists() or not any(mini.build.iterdir())


def test_non_conforming_data_exits_1_and_lists_violations(mini: Paths) -> None:
    events = mini.data / "events" / "events.yaml"
    events.write_text(events.read_text().replace("  organization: left-opposition\n", ""))
    code, _, err = run(mini, "validate")
    assert code == 1, err
    assert "membership-without-organization" in err and "sk:organization" in err


def test_query_formats(mini: Paths) -> None:
    code, out, _ = run(mini, "query", "life-timeline")
    assert code == 0 and "Birth of Victor Serge" in out and "rows)" in out
    code, out, _ = run(mini, "query", "life-timeline", "--format", "csv")
    assert out.splitlines()[0] == "date,type,event,place,citation,sequence"
    code, out, _ = run(mini, "query", "memberships", "--format", "json")
    assert json.loads(out)["results"]["bindings"][0]["organization"]["value"] == "Left Opposition"
    code, out, _ = run(mini, "query", "evidence-for", "--param", "entity=arrest-1933", "--format", "markdown",
                       "--engine", "rdflib")
    assert code == 0 and out.startswith("| quote |") and "Weissman 2013, p. 198" in out


def test_query_default_graph_answers_wikidata_properties(mini: Paths, tmp_path: Path) -> None:
    rq = tmp_path / "wdt.rq"
    rq.write_text("#+ summary: works by wdt:P50\n#+ columns: [w]\n"
                  "PREFIX wdt: <http://www.wikidata.org/prop/direct/>\nSELECT ?w WHERE { ?w wdt:P50 ?a }\n")
    assert "conquered-city" in run(mini, "query", str(rq))[1]  # inferred triples are in the default graph
    assert "conquered-city" not in run(mini, "query", str(rq), "--asserted-only")[1]
    named = tmp_path / "named.rq"
    named.write_text("#+ summary: works by wdt:P50 in the asserted graph\n#+ columns: [w]\n"
                     "PREFIX wdt: <http://www.wikidata.org/prop/direct/>\n"
                     "SELECT ?w FROM <https://w3id.org/serge-kg/graph/asserted> WHERE { ?w wdt:P50 ?a }\n")
    assert "conquered-city" not in run(mini, "query", str(named))[1]  # FROM names one part, as on the endpoint


def test_query_without_prefix_declaration_is_a_clear_error(mini: Paths, tmp_path: Path) -> None:
    rq = tmp_path / "bare.rq"
    rq.write_text("#+ summary: no PREFIX line\n#+ columns: [w]\nSELECT ?w WHERE { ?w sk:author ?a }\n")
    code, _, err = run(mini, "query", str(rq))
    assert code == 2 and "Unknown namespace prefix" in err and "sk" in err


def test_query_errors_are_clear(mini: Paths) -> None:
    code, _, err = run(mini, "query", "no-such-query")
    assert code == 2 and "known:" in err
    code, _, err = run(mini, "query", "evidence-for", "--param", "entity=nobody")
    assert code == 2 and "no entity with id 'nobody'" in err


def test_export_to_file_and_stdout(mini: Paths, tmp_path: Path) -> None:
    out = tmp_path / "g.ttl"
    code, _, _ = run(mini, "export", "--format", "turtle", "-o", str(out))
    assert code == 0 and out.read_text().count("sk:Person") >= 1
    code, text, _ = run(mini, "export", "--format", "ntriples", "--inferred")
    assert code == 0 and "<http://www.wikidata.org/prop/direct/P50>" in text


def test_queries_lists_summaries(mini: Paths) -> None:
    code, out, _ = run(mini, "queries")
    assert code == 0 and "life-timeline" in out and "--param person=<iri>" in out


@pytest.mark.parametrize("cmd", ["build", "validate", "queries", "query", "export", "stats", "coverage"])
def test_every_command_explains_itself_with_an_example(cmd: str) -> None:
    res = CliRunner().invoke(main, [cmd, "--help"])
    assert res.exit_code == 0 and ("Example" in res.output or cmd == "queries" and "saved queries" in res.output)


def test_root_outside_a_project_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["--root", str(tmp_path), "stats"])
    assert res.exit_code == 2
    assert "is not inside a serge-kg project" in res.stderr and "Traceback" not in res.stderr


def test_serve_on_a_busy_port_is_exit_2_with_a_clear_message(mini: Paths) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        code, _, err = run(mini, "serve", "--port", str(port))
    assert code == 2 and f"127.0.0.1:{port}" in err and "already in use" in err


def test_query_too_deep_for_the_engine_exits_2(mini, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """3,000 nested groups segfault Oxigraph's parser: the nesting check refuses the file first."""
    from conftest import run as run_cli
    deep = tmp_path / "deep.rq"
    deep.write_text("#+ summary: too deep\nSELECT * WHERE " + "{" * 3000 + "}" * 3000 + "\n", encoding="utf-8")
    for engine in ("oxigraph", "rdflib"):
        code, _, err = run_cli(mini, "query", str(deep), "--engine", engine)
        assert code == 2 and "nests brackets 3000 deep (line 2)" in err and "Traceback" not in err


def test_export_bibliography_as_bibtex_and_csl_json(mini: Paths, tmp_path: Path) -> None:
    out = tmp_path / "serge.bib"
    code, _, err = run(mini, "export", "--format", "bibtex", "-o", str(out))
    text = out.read_text(encoding="utf-8")
    assert code == 0 and f"wrote {out}" in err
    assert "@book{conquered-city-greeman-2011," in text and 'translator = "Greeman, Richard"' in text
    assert not list(tmp_path.glob(".serge.bib.*"))  # written through a temporary file, then renamed
    code, text, _ = run(mini, "export", "--format", "csl-json")
    items = {i["id"]: i for i in json.loads(text)}
    assert code == 0 and items["conquered-city-greeman-2011"]["ISBN"] == "9781590173664"
    assert items["conquered-city"]["issued"] == {"date-parts": [[1932]]}


def test_export_unknown_format_suggests_the_nearest(mini: Paths, tmp_path: Path) -> None:
    code, out, err = run(mini, "export", "--format", "bibtx", "-o", str(tmp_path / "x.bib"))
    assert code == 2 and "Did you mean 'bibtex'?" in err and "Traceback" not in err + out
    assert not (tmp_path / "x.bib").exists()
    code, _, err = run(mini, "export", "--format", "csljson")
    assert code == 2 and "Did you mean 'csl-json'" in err


def test_serve_help_names_the_result_cache_options() -> None:
    res = CliRunner().invoke(main, ["serve", "--help"])
    assert res.exit_code == 0 and "--no-cache" in res.output and "--cache-mb" in res.output
    assert "ETag" in res.output and "304" in res.output
