"""Speed of the map view and the SPARQL editor on the real data, against the issue's targets.

Builds a temporary copy of the project, then
- runs the map's view queries (``queries/views/map-places.rq``, ``map-path.rq``) on Oxigraph, the
  server's engine, ``--runs`` times each after a warm-up, and prints the median (target < 20 ms);
- serves the project (``serge-kg serve``, its own process) and the static site ``serge-kg site`` wrote
  (Python's ``http.server``), and opens each view page ``--loads`` times in Debian's Chromium, each in a
  fresh browser context (nothing cached), timing from the start of navigation until the page is
  interactive: the map's markers and path drawn and clickable (``#map[data-ready]``; "with land" waits
  for the land outlines as well, ``#map[data-drawn]``) or the editor ready (YASGUI built, its query in
  the editor); median and worst (target < 1 s).

    python benchmarks/bench_views_map.py [--runs 50] [--loads 10]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from rdflib import Graph

from serge_kg.paths import Paths, find_root
from serge_kg.pipeline.build import build, load_graphs
from serge_kg.query.engines import run_oxigraph, to_oxigraph
from serge_kg.query.saved import bindings_for, find_query

CHROMIUM = "/usr/bin/chromium"
QUERIES = ("map-places", "map-path")
# page -> (live path, static file or None, what "interactive" waits for)
READY_MAP = "document.querySelector('#map[data-ready]') !== null"  # markers and path drawn, clickable
DRAWN_MAP = "document.querySelector('#map[data-drawn]') !== null"  # and the land outlines too
READY_EDITOR = ("window.sergeKgEditor !== undefined && document.querySelector('#yasgui .CodeMirror') !== null"
                " && sergeKgEditor.getTab().getYasqe().getValue().length > 0")
PAGES = {
    "map": ("/map", "/map.html", READY_MAP),
    "map with land": ("/map", "/map.html", DRAWN_MAP),
    "place map (Orenburg)": ("/id/place/orenburg", "/id/place/orenburg.html", READY_MAP),
    "SPARQL editor": ("/sparql", None, READY_EDITOR),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            if proc.poll() is not None:
                raise SystemExit(f"{url}: the server process exited")
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def query_medians(paths: Paths, runs: int) -> None:
    asserted, inferred = load_graphs(paths, inferred=True)
    graph = Graph()
    for t in asserted:
        graph.add(t)
    for t in inferred:
        graph.add(t)
    store = to_oxigraph(graph)
    print(f"view queries on Oxigraph, median of {runs} runs after a warm-up (target < 20 ms):")
    for name in QUERIES:
        q = find_query(paths.queries, name)
        bound = bindings_for(q, {}, graph)
        rows = len(run_oxigraph(q, store, bound).rows)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            run_oxigraph(q, store, bound)
            times.append(time.perf_counter() - start)
        ms = statistics.median(times) * 1000
        print(f"  {name:<12}{ms:8.2f} ms  ({rows} rows, worst {max(times) * 1000:.2f} ms)"
              f"{'' if ms < 20 else '  OVER TARGET'}")


def page_times(urls: dict[str, tuple[str, str]], loads: int) -> None:
    from playwright.sync_api import sync_playwright
    print(f"\npage interactive in Chromium, {loads} loads each in a fresh context (target < 1 s), ms:")
    print(f"  {'page':<34}{'median':>8}{'worst':>8}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        try:
            for name, (url, ready) in urls.items():
                times = []
                for _ in range(loads):
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    page.goto(url, wait_until="commit")
                    page.wait_for_function(ready, timeout=30_000)
                    times.append(page.evaluate("performance.now()"))  # since the navigation started
                    context.close()
                ms = statistics.median(times)
                print(f"  {name:<34}{ms:8.0f}{max(times):8.0f}{'' if ms < 1000 else '  OVER TARGET'}")
        finally:
            browser.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--loads", type=int, default=10)
    args = ap.parse_args()
    root = find_root(None)
    tmp = Path(tempfile.mkdtemp(prefix="serge-kg-bench-map-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for part in ("ontology", "queries", "data"):
            shutil.copytree(root / part, tmp / part)
        paths = Paths(tmp)
        build(paths)
        query_medians(paths, args.runs)
        from serge_kg.web.site import write_site
        write_site(paths, tmp / "site")
        live_port, static_port = free_port(), free_port()
        procs.append(subprocess.Popen([str(Path(sys.executable).with_name("serge-kg")), "--root", str(tmp), "serve",
                                       "--port", str(live_port)], stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen([sys.executable, "-m", "http.server", str(static_port), "--bind", "127.0.0.1",
                                       "-d", str(tmp / "site")], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        live, static = f"http://127.0.0.1:{live_port}", f"http://127.0.0.1:{static_port}"
        wait_for(live + "/", procs[0])
        wait_for(static + "/index.html", procs[1])
        urls: dict[str, tuple[str, str]] = {}
        for name, (live_path, static_path, ready) in PAGES.items():
            httpx.get(live + live_path, headers={"Accept": "text/html"}, timeout=60)  # drawn once, then kept
            urls[f"{name}, live"] = (live + live_path, ready)
            if static_path:
                urls[f"{name}, static"] = (static + static_path, ready)
        page_times(urls, args.loads)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
