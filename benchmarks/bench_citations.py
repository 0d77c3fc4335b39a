"""Speed of the citation exports on the real data: the bibliography's view queries and the BibTeX / CSL-JSON files.

Builds a temporary copy of the project, then
- runs each view query of the bibliography (``queries/views/bibliography-*.rq``) ``--runs`` times on
  Oxigraph over the dataset (default graph: asserted + inferred) and prints the median, against the
  issue's 20 ms target;
- times the exports: gathering the bibliography from those queries, writing BibTeX (pybtex) and
  CSL-JSON, and ``serge-kg export --format bibtex|csl-json`` as a user runs it (graph loading included);

The bibliography page itself is timed in Chromium by ``benchmarks/bench_views.py``.

    python benchmarks/bench_citations.py [--runs 50]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from serge_kg.paths import Paths, find_root
from serge_kg.pipeline.bibliography import VIEW_QUERIES, collect, graph_runner
from serge_kg.pipeline.build import build, load_graphs
from serge_kg.pipeline.citations import to_bibtex, to_csl_json
from serge_kg.query.engines import dataset_store, run_oxigraph
from serge_kg.query.saved import bindings_for, find_query

CHROMIUM = "/usr/bin/chromium"
READY = "() => (document.getElementById('bib-count') || {}).textContent"  # the filter script has run


def median_ms(fn: Callable[[], object], n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def interactive_ms(url: str, loads: int) -> tuple[float, float]:
    """First and median time from navigation to the page answering its filters (ms), each in a fresh tab."""
    from playwright.sync_api import sync_playwright
    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        warm = browser.new_context()  # the browser's own start-up is not the page's
        warm.new_page().goto("about:blank")
        warm.close()
        for _ in range(loads):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            tab = context.new_page()
            start = time.perf_counter()
            tab.goto(url, wait_until="domcontentloaded")
            tab.wait_for_function(READY)
            times.append((time.perf_counter() - start) * 1000)
            context.close()
        browser.close()
    return times[0], statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=50, help="runs of each view query and export step")
    args = ap.parse_args()
    root = find_root(None)
    tmp = Path(tempfile.mkdtemp(prefix="serge-kg-bench-bib-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for part in ("ontology", "queries", "data"):
            shutil.copytree(root / part, tmp / part)
        paths = Paths(tmp)
        build(paths)
        asserted, inferred = load_graphs(paths, inferred=True)
        store = dataset_store(asserted, inferred)
        print(f"view queries on Oxigraph (default graph, {len(asserted) + len(inferred)} triples), "
              f"median over {args.runs} runs, ms (target < 20):")
        for name in VIEW_QUERIES:
            q = find_query(paths.queries, name)
            bound = bindings_for(q, {}, asserted)
            rows = len(run_oxigraph(q, store, bound).rows)
            ms = median_ms(lambda q=q, bound=bound: run_oxigraph(q, store, bound), args.runs)
            print(f"  {name:<30}{ms:8.2f}   ({rows} rows)")

        runner = graph_runner(paths.queries, asserted, inferred)
        bib = collect(runner)
        print(f"\nexports ({len(bib.works)} works, {len(bib.expressions)} translations and editions), median ms:")
        print(f"  {'gather (the four queries)':<30}{median_ms(lambda: collect(runner), max(args.runs // 5, 3)):8.2f}")
        print(f"  {'BibTeX (pybtex)':<30}{median_ms(lambda: to_bibtex(bib), max(args.runs // 5, 3)):8.2f}")
        print(f"  {'CSL-JSON':<30}{median_ms(lambda: to_csl_json(bib), max(args.runs // 5, 3)):8.2f}")
        cli = str(Path(sys.executable).with_name("serge-kg"))
        for fmt in ("bibtex", "csl-json"):
            start = time.perf_counter()
            subprocess.run([cli, "--root", str(tmp), "export", "--format", fmt, "-o", str(tmp / f"out.{fmt}")],
                           check=True, stderr=subprocess.DEVNULL)
            print(f"  serge-kg export --format {fmt:<9}{(time.perf_counter() - start) * 1000:8.0f}   "
                  "(whole command: start, load the graph, query, write)")

    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
