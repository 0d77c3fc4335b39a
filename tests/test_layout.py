"""The package layout keeps its architecture: imports point down, no cycles, only ``cli/`` prints and exits.

Read from the source with :mod:`ast` (nothing is imported), so a lazy import inside a function counts
as much as one at the top. The levels (docs/architecture.md):

    core (the top-level modules) < sources, query < pipeline < reports, wikidata, web < cli

A module may import its own subpackage and any subpackage on a lower level, never one on its own level
or above.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "serge_kg"
LEVELS = {"core": 0, "sources": 1, "query": 1, "pipeline": 2, "reports": 3, "wikidata": 3, "web": 3, "cli": 4}
OUTPUT_CALLS = {("sys", "exit"), ("click", "echo"), ("click", "secho"), (None, "print"), (None, "exit")}


def package_of(module: str) -> str:
    """``serge_kg.pipeline.build`` -> ``pipeline``; ``serge_kg.dates`` and ``serge_kg`` -> ``core``."""
    parts = module.split(".")
    if len(parts) >= 2 and parts[1] in LEVELS and parts[1] != "core":
        return parts[1]
    return "core"


def module_name(path: Path, root: Path = PACKAGE) -> str:
    rel = path.relative_to(root).with_suffix("").parts
    rel = rel[:-1] if rel[-1] == "__init__" else rel
    return ".".join(("serge_kg", *rel))


def imported_modules(module: str, source: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, absolute module) of every ``serge_kg`` import in ``source``, relative ones resolved."""
    found: list[tuple[int, str]] = []
    here = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "serge_kg"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.split(".")[0] != "serge_kg":
                continue
            # ``from serge_kg import web`` imports the subpackage serge_kg.web
            found += [(node.lineno, f"{target}.{a.name}" if target == "serge_kg" and a.name in LEVELS else target)
                      for a in node.names]
    return found


def upward_imports(modules: dict[str, tuple[str, bool]]) -> list[str]:
    """Each import from a subpackage on the importer's own level or above, as ``module:line -> target``."""
    bad = []
    for module, (source, is_package) in sorted(modules.items()):
        own = package_of(module)
        for line, target in imported_modules(module, source, is_package):
            other = package_of(target)
            if other != own and LEVELS[other] >= LEVELS[own]:
                bad.append(f"{module}:{line} -> {target} ({own} may not import {other})")
    return bad


def package_cycles(modules: dict[str, tuple[str, bool]]) -> list[list[str]]:
    """Cycles in the graph of imports between subpackages (each cycle as the list of packages on it)."""
    edges: dict[str, set[str]] = {}
    for module, (source, is_package) in modules.items():
        own = package_of(module)
        for _, target in imported_modules(module, source, is_package):
            if package_of(target) != own:
                edges.setdefault(own, set()).add(package_of(target))
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(edges.get(node, ())):
            if nxt == path[0]:
                cycles.append([*path, nxt])
            elif nxt not in path and nxt > path[0]:  # each cycle once, from its smallest package
                visit(nxt, [*path, nxt])

    for start in sorted(edges):
        visit(start, [start])
    return cycles


def output_calls(source: str) -> list[tuple[int, str]]:
    """(line, call) of each ``print``, ``exit``, ``sys.exit``, ``click.echo``/``secho`` in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            f = node.func
            key = (f.value.id, f.attr) if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) else \
                (None, f.id) if isinstance(f, ast.Name) else None
            if key in OUTPUT_CALLS:
                found.append((node.lineno, ".".join(k for k in key if k)))
    return found


def real_modules() -> dict[str, tuple[str, bool]]:
    return {module_name(p): (p.read_text(encoding="utf-8"), p.name == "__init__.py") for p in PACKAGE.rglob("*.py")}


def test_every_subpackage_has_a_level() -> None:
    subpackages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert subpackages == set(LEVELS) - {"core"}


def test_imports_only_point_down() -> None:
    assert upward_imports(real_modules()) == []


def test_no_cycles_between_subpackages() -> None:
    assert package_cycles(real_modules()) == []


def test_only_the_cli_prints_and_exits() -> None:
    offenders = [f"{m}:{line} {call}" for m, (src, _) in sorted(real_modules().items())
                 if package_of(m) != "cli" for line, call in output_calls(src)]
    assert offenders == []


def test_the_checker_sees_the_modules() -> None:
    modules = real_modules()
    assert "serge_kg.pipeline.build" in modules and "serge_kg.cli.main" in modules
    targets = {t for _, t in imported_modules("serge_kg.cli.main", *modules["serge_kg.cli.main"])}
    assert "serge_kg.pipeline.build" in targets


@pytest.mark.parametrize("module, source, culprit", [
    ("serge_kg.pipeline.convert", "from serge_kg.web.app import create_app\n", "serge_kg.web.app"),
    ("serge_kg.pipeline.convert", "def f():\n    from ..cli import main\n", "serge_kg.cli"),
    ("serge_kg.dates", "import serge_kg.query.saved\n", "serge_kg.query.saved"),
    ("serge_kg.sources.text", "from serge_kg.query.saved import find_query\n", "serge_kg.query.saved"),
    ("serge_kg.wikidata.api", "from serge_kg import web\n", "serge_kg.web"),
])
def test_an_upward_import_is_caught(module: str, source: str, culprit: str) -> None:
    bad = upward_imports({module: (source, False)})
    assert len(bad) == 1 and culprit in bad[0], bad


def test_a_downward_import_is_allowed() -> None:
    assert upward_imports({"serge_kg.web.app": ("from ..pipeline.build import OUTPUTS\nfrom . import pages\n"
                                                "from serge_kg.dates import parse_date\n", False)}) == []


def test_a_cycle_is_caught() -> None:
    modules = {"serge_kg.reports.stats": ("from serge_kg.wikidata.common import x\n", False),
               "serge_kg.wikidata.common": ("from serge_kg.reports.stats import y\n", False)}
    assert package_cycles(modules) == [["reports", "wikidata", "reports"]]


def test_a_print_outside_the_cli_is_caught() -> None:
    assert output_calls("import sys\ndef f():\n    print('x')\n    sys.exit(2)\n") == [(3, "print"), (4, "sys.exit")]


def test_every_module_imports_first_in_a_fresh_interpreter() -> None:
    """A cycle between modules of one package breaks only some import orders: try each module first."""
    import subprocess
    import sys
    names = sorted(real_modules())
    script = ("import importlib, subprocess, sys\n"
              "bad = []\n"
              "for name in sys.argv[1:]:\n"
              "    r = subprocess.run([sys.executable, '-c', f'import {name}'], capture_output=True, text=True)\n"
              "    if r.returncode: bad.append(name + ': ' + r.stderr.strip().splitlines()[-1])\n"
              "print('\\n'.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", script, *names], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "", out
