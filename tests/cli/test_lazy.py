"""The command line starts without loading RDF libraries; sub-commands are imported when run."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from serge_kg.cli.main import main


def test_starting_the_cli_loads_no_rdf_library() -> None:
    code = ("import sys, serge_kg.cli.main; heavy = sorted(m for m in ('rdflib', 'pyshacl', 'owlrl', 'pyoxigraph', "
            "'httpx', 'jinja2', 'starlette') if m in sys.modules); print(' '.join(heavy) or 'none')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "none"


def test_lazy_sub_commands_are_listed_and_run() -> None:
    res = CliRunner().invoke(main, ["--help"])
    assert res.exit_code == 0 and all(name in res.stdout for name in ("link", "search", "site", "build"))
    res = CliRunner().invoke(main, ["link", "--help"])
    assert res.exit_code == 0 and "report" in res.stdout and "geonames" in res.stdout
    res = CliRunner().invoke(main, ["no-such-command"])
    assert res.exit_code == 2 and "No such command" in res.output
