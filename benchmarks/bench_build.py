#!/usr/bin/env python3
"""Time each build stage and each saved query (both engines) on the real data, and print tables.

Run:  .venv/bin/python benchmarks/bench_build.py [--repeat 5]
Not a test: timings depend on the machine. Targets of issue 13 (2-core machine): a full build < 2 s
per process, every saved query < 5 ms median on Oxigraph.

First, each build runs as ``serge-kg build --force`` in a fresh process (nothing warm: no cached
date, query or ontology closure), with the build's reasoner (reasonable) and with the reference
(``--reasoner owlrl``), alternating, and the stage times the command prints are compared; the
in-process builds that follow are warm (a long-lived process building again).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rdflib import Graph

from serge_kg.paths import Paths, find_root
from serge_kg.pipeline.build import build
from serge_kg.pipeline.reason import infer
from serge_kg.query.engines import run_oxigraph, run_rdflib, to_oxigraph
from serge_kg.query.saved import bindings_for, list_queries

CLI = str(Path(sys.executable).parent / "serge-kg")
_STAGE = re.compile(r"^  (\S.*?)\s+(\d+\.\d+)$")


def fresh_build(root: Path, reasoner: str) -> dict[str, float]:
    """The stage times (and the whole process's wall time) of one ``serge-kg build --force``."""
    t = time.perf_counter()
    out = subprocess.run([CLI, "--root", str(root), "build", "--force", "--reasoner", reasoner],
                         check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - t
    after = out.split("time per stage (s):", 1)[1]
    stages = {m.group(1): float(m.group(2)) for line in after.splitlines() if (m := _STAGE.match(line))}
    return {**stages, "whole process (wall)": wall}


def fresh_builds(root: Path, repeat: int) -> None:
    runs: dict[str, dict[str, list[float]]] = {"reasonable": {}, "owlrl": {}}
    for _ in range(repeat):
        for reasoner, table in runs.items():
            for stage, secs in fresh_build(root, reasoner).items():
                table.setdefault(stage, []).append(secs)
    m = statistics.median
    print(f"serge-kg build --force, fresh process each, median of {repeat} (s)")
    print(f"{'stage':<26}{'reasonable':>12}{'--reasoner owlrl':>18}{'ratio':>8}")
    for stage in runs["reasonable"]:
        fast, ref = m(runs["reasonable"][stage]), m(runs["owlrl"].get(stage, [float("nan")]))
        print(f"{stage:<26}{fast:>12.3f}{ref:>18.3f}{ref / fast if fast else float('nan'):>7.2f}x")
    print()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5, help="runs per measurement (median reported)")
    ap.add_argument("--full-owlrl", action="store_true", help="also time owlrl's complete OWL-RL semantics")
    args = ap.parse_args()
    paths = Paths(find_root(Path.cwd()))
    fresh_builds(paths.root, args.repeat)

    stage_runs: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        result = build(paths)  # writes build/, like `serge-kg build`
        for stage, secs in result.timings.items():
            stage_runs.setdefault(stage, []).append(secs)
        stage_runs.setdefault("total", []).append(sum(result.timings.values()))
    print(f"build of the complete graph in this process (warm): {len(result.asserted)} asserted + "
          f"{len(result.inferred)} inferred triples, median of {args.repeat} runs")
    print(f"{'stage':<20}{'median s':>10}{'min s':>10}")
    for stage, runs in stage_runs.items():
        print(f"{stage:<20}{statistics.median(runs):>10.3f}{min(runs):>10.3f}")

    if args.full_owlrl:
        t = time.perf_counter()
        full = infer(result.asserted, result.ontology, full=True)  # owlrl's complete semantics
        print(f"\nowlrl full OWL-RL semantics: {time.perf_counter() - t:.2f} s, {len(full)} inferred triples "
              f"(lean: {stage_runs['reason'][-1]:.2f} s, {len(result.inferred)})")

    graph = Graph()
    for t3 in result.asserted:
        graph.add(t3)
    for t3 in result.inferred:
        graph.add(t3)
    store = to_oxigraph(graph)
    print(f"\nsaved queries on asserted + inferred ({len(graph)} triples), median of {args.repeat * 4} runs (ms)")
    print(f"{'query':<34}{'rows':>6}{'oxigraph':>10}{'rdflib':>10}{'speed-up':>10}")
    for q in list_queries(paths.queries):
        b = bindings_for(q, {}, graph)
        ox_t, rl_t = [], []
        for _ in range(args.repeat * 4):
            t = time.perf_counter()
            rows = run_oxigraph(q, store, b).rows
            ox_t.append((time.perf_counter() - t) * 1000)
        for _ in range(max(1, args.repeat)):
            t = time.perf_counter()
            run_rdflib(q, graph, b)
            rl_t.append((time.perf_counter() - t) * 1000)
        ox_m, rl_m = statistics.median(ox_t), statistics.median(rl_t)
        print(f"{q.name:<34}{len(rows):>6}{ox_m:>10.2f}{rl_m:>10.1f}{rl_m / ox_m:>9.0f}x")


if __name__ == "__main__":
    main()
