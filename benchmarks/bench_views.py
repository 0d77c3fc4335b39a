"""Speed of the views on the real data: each view's data query on Oxigraph, and each view page until it is
interactive in Chromium, live (``serge-kg serve``) and static (``serge-kg site`` under ``http.server``).

Builds a temporary copy of the project and its static site, then for every view of :data:`VIEWS`
- runs its saved query (parameters at their defaults, bound as the server binds them) ``--runs`` times
  on the Oxigraph store and prints the median, against the issue's 20 ms target;
- loads its page ``--loads`` times, each in a fresh browser context (nothing cached), and prints the
  median time from the start of navigation until the page is interactive (its drawing done and its
  filter wired: the page's ``ready`` selector appears), against the 1 s target.

    python benchmarks/bench_views.py [--runs 50] [--loads 5]

Add a view with one line in VIEWS: view name -> its data queries, its live and static page, and a JavaScript
expression true once it is interactive. ``benchmarks/bench_citations.py`` times the BibTeX and CSL-JSON exports.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from bench_web import free_port, wait_for

from serge_kg.paths import Paths, find_root
from serge_kg.pipeline.answer import QueryDataset
from serge_kg.pipeline.build import build
from serge_kg.query.engines import with_values
from serge_kg.query.saved import bindings_for, find_query
from serge_kg.web.site import write_site

CHROMIUM = "/usr/bin/chromium"


class View(NamedTuple):
    queries: tuple[str, ...]  # the saved queries the view draws from (queries/views/NAME.rq)
    page: str  # its page on the live server
    static: str | None  # its page in the static site (None: the view needs the live endpoint)
    ready: str  # a JavaScript expression true once the page is interactive


def _present(selector: str) -> str:
    return f"document.querySelector({selector!r}) !== null"


BIBLIOGRAPHY = ("bibliography-works", "bibliography-editions", "bibliography-contributors", "bibliography-mia-writings")
VIEWS = {
    "timeline": View(("timeline-events",), "/timeline", "/timeline.html", _present(".tl-canvas[data-drawn]")),
    "network": View(("network-edges",), "/network", "/network.html", _present(".nw-canvas[data-drawn]")),
    # markers and path drawn and clickable; "map with land" waits for the land outlines as well
    "map": View(("map-places", "map-path"), "/map", "/map.html", _present("#map[data-ready]")),
    "map with land": View((), "/map", "/map.html", _present("#map[data-drawn]")),
    "place map": View((), "/id/place/orenburg", "/id/place/orenburg.html", _present("#map[data-ready]")),
    "bibliography": View(BIBLIOGRAPHY, "/bibliography", "/bibliography.html",
                         "(document.getElementById('bib-count') || {}).textContent"),  # the filter script has run
    "SPARQL editor": View((), "/sparql", None,
                          "window.sergeKgEditor !== undefined && document.querySelector('#yasgui .CodeMirror') !== null"
                          " && sergeKgEditor.getTab().getYasqe().getValue().length > 0"),
}


def query_ms(dataset: QueryDataset, name: str, runs: int) -> tuple[float, int]:
    """Median milliseconds of the saved query on Oxigraph (after one warm-up), and its number of rows."""
    q = find_query(dataset.paths.queries, name)
    text = with_values(q.text, bindings_for(q, {}, dataset.graph))
    store = dataset.store
    rows = len(list(store.query(text)))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        list(store.query(text))
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, rows


def interactive_ms(browser: object, url: str, ready: str, loads: int) -> float:
    """Median milliseconds from the start of navigation until ``ready`` is true, each load in a fresh context."""
    times = []
    for _ in range(loads):
        context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        page = context.new_page()
        page.goto(url, wait_until="commit")
        page.wait_for_function(ready, timeout=30_000)
        times.append(page.evaluate("performance.now()"))
        context.close()
    return float(statistics.median(times))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=50, help="query runs per view")
    ap.add_argument("--loads", type=int, default=5, help="page loads per view and host")
    args = ap.parse_args()
    root = find_root(None)
    tmp = Path(tempfile.mkdtemp(prefix="serge-kg-bench-views-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for part in ("ontology", "queries", "data"):
            shutil.copytree(root / part, tmp / part)
        paths = Paths(tmp)
        build(paths)
        write_site(paths, tmp / "site")
        dataset = QueryDataset(paths)
        queries = {q: query_ms(dataset, q, args.runs) for view in VIEWS.values() for q in view.queries}

        live_port, static_port = free_port(), free_port()
        procs.append(subprocess.Popen([str(Path(sys.executable).with_name("serge-kg")), "--root", str(tmp), "serve",
                                       "--port", str(live_port)], stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen([sys.executable, "-m", "http.server", str(static_port), "--bind", "127.0.0.1",
                                       "-d", str(tmp / "site")], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        live, static = f"http://127.0.0.1:{live_port}", f"http://127.0.0.1:{static_port}"
        wait_for(live + "/", procs[0])
        wait_for(static + "/index.html", procs[1])
        from playwright.sync_api import sync_playwright
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
            pages = {}
            for name, view in VIEWS.items():
                interactive_ms(browser, live + view.page, view.ready, 1)  # the server draws each page once
                pages[name] = (interactive_ms(browser, live + view.page, view.ready, args.loads),
                               interactive_ms(browser, static + view.static, view.ready, args.loads)
                               if view.static else None)
            browser.close()
        print(f"\nview data query on Oxigraph (median of {args.runs}; target < 20 ms) and page interactive in "
              f"Chromium (median of {args.loads} cold loads; target < 1000 ms)")
        print(f"  {'query':<28}{'rows':>6}{'ms':>8}")
        for q, (ms, rows) in queries.items():
            print(f"  {q:<28}{rows:>6}{ms:8.1f}")
        print(f"\n  {'view':<16}{'page':<22}{'live ms':>9}{'static ms':>11}")
        for name, view in VIEWS.items():
            live_ms, static_ms = pages[name]
            static_text = f"{static_ms:11.0f}" if static_ms is not None else f"{'-':>11}"
            print(f"  {name:<16}{view.page:<22}{live_ms:9.0f}{static_text}")
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
