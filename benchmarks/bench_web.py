"""Speed of the research interface on the real data: page kinds on the live server, and `serge-kg site`.

Builds a temporary copy of the project, then
- serves it with ``serge-kg serve`` (its own process) and, side by side, the static site that
  ``serge-kg site`` wrote from it under Python's ``http.server`` (the simplest static host); asks each
  page kind ``--requests`` times one after another and prints the median latency of both and the ratio;
- times the first (uncached) rendering of each page kind in-process, the cost a page pays once;
- times ``serge-kg site`` for the whole graph (``--rounds`` runs), against the issue's 15 s target.

    python benchmarks/bench_web.py [--requests 50] [--rounds 2]
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

from serge_kg.paths import Paths, find_root
from serge_kg.pipeline.build import build, load_graphs, load_ontology
from serge_kg.query.saved import list_queries
from serge_kg.sources.text import load_sources
from serge_kg.web.render import Pages
from serge_kg.web.site import write_site
from serge_kg.web.urls import Links

# page kind -> (live path, static file)
PAGES = {
    "home": ("/", "/index.html"),
    "person (Serge)": ("/id/person/victor-serge", "/id/person/victor-serge.html"),
    "event": ("/id/event/deportation-orenburg", "/id/event/deportation-orenburg.html"),
    "organization": ("/id/organization/comintern", "/id/organization/comintern.html"),
    "place": ("/id/place/orenburg", "/id/place/orenburg.html"),
    "work": ("/id/work/conquered-city", "/id/work/conquered-city.html"),
    "list (works by date)": ("/works?sort=date", "/works-by-date.html"),
    "search (kibalchich)": ("/search?q=kibalchich", "/search.html"),
    "source (Wikipedia)": ("/sources/wikipedia", "/sources/wikipedia.html"),
    "query (life-timeline)": ("/queries/life-timeline", "/queries/life-timeline.html"),
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


def median_ms(client: httpx.Client, url: str, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        r = client.get(url, headers={"Accept": "text/html"})
        times.append(time.perf_counter() - start)
        assert r.status_code == 200, (url, r.status_code)
    return statistics.median(times) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    root = find_root(None)
    tmp = Path(tempfile.mkdtemp(prefix="serge-kg-bench-web-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for part in ("ontology", "queries", "data"):
            shutil.copytree(root / part, tmp / part)
        paths = Paths(tmp)
        build(paths)
        site_times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            report = write_site(paths, tmp / "site")
            site_times.append(time.perf_counter() - start)
        print(f"serge-kg site: {report.pages} pages, {report.data_files} data files; "
              f"median {statistics.median(site_times):.2f} s over {args.rounds} runs "
              f"({statistics.median(site_times) / 15:.2f}x of the 15 s target)\n")

        asserted, _ = load_graphs(paths)
        pages = Pages(asserted, load_ontology(paths), load_sources(paths.data / "sources"), list_queries(paths.queries))
        print("first rendering in-process (uncached), ms:")
        from rdflib import URIRef
        for name, (live_path, _) in PAGES.items():
            if not live_path.startswith("/id/"):
                continue
            iri = URIRef("https://w3id.org/serge-kg" + live_path)
            start = time.perf_counter()
            pages.entity(Links("http://x"), iri)
            print(f"  {name:<24}{(time.perf_counter() - start) * 1000:8.1f}")

        live_port, static_port = free_port(), free_port()
        procs.append(subprocess.Popen([str(Path(sys.executable).with_name("serge-kg")), "--root", str(tmp), "serve",
                                       "--port", str(live_port)], stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen([sys.executable, "-m", "http.server", str(static_port), "--bind", "127.0.0.1",
                                       "-d", str(tmp / "site")], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        live, static = f"http://127.0.0.1:{live_port}", f"http://127.0.0.1:{static_port}"
        wait_for(live + "/", procs[0])
        wait_for(static + "/index.html", procs[1])
        print(f"\nmedian latency over {args.requests} sequential requests (after one warm-up), ms:")
        print(f"  {'page kind':<24}{'serge-kg serve':>15}{'http.server':>13}{'ratio':>8}")
        with httpx.Client(timeout=60) as client:
            for name, (live_path, static_path) in PAGES.items():
                client.get(live + live_path, headers={"Accept": "text/html"})
                ours = median_ms(client, live + live_path, args.requests)
                theirs = median_ms(client, static + static_path, args.requests)
                print(f"  {name:<24}{ours:15.2f}{theirs:13.2f}{ours / theirs:7.2f}x")
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
