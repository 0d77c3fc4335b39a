"""Start-up, load and saved-query times of Virtuoso 7 against ``oxigraph serve``, on the real data, in one run.

Starts both servers on 127.0.0.1 with scratch storage (the launchers of ``tests/stores.py``), loads the
graph into each with ``serge_kg.web.publish`` (Virtuoso: the two named graphs, Digest auth; Oxigraph:
the same plus the union default graph; "load" is that publish: reading build/ and two or three PUTs),
then runs every saved query as written ``--rounds`` times
over the SPARQL 1.1 Protocol (POST, JSON results) and prints the figures side by side, with the
ratio Virtuoso / Oxigraph.

    python benchmarks/bench_stores.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from stores import VIRTUOSO_INI, free_port, oxigraph_binary, stop, wait_until_up  # noqa: E402

from serge_kg.paths import Paths, find_root  # noqa: E402
from serge_kg.pipeline.build import build  # noqa: E402
from serge_kg.query.saved import list_queries  # noqa: E402
from serge_kg.web.publish import publish  # noqa: E402


def start(name: str, folder: Path) -> tuple[subprocess.Popen[bytes], str, str, tuple[str, str] | None]:
    port = free_port()
    if name == "oxigraph":
        proc = subprocess.Popen([str(oxigraph_binary()), "serve", "--location", str(folder), "--bind",
                                 f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        wait_until_up(proc, url + "/query")
        return proc, url + "/query", url + "/store", None
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(sql_port=free_port(), http_port=port,
                                                             vsp="/var/lib/virtuoso-opensource-7/vsp"))
    proc = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", "virtuoso.ini"], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(proc, url + "/sparql")
    return proc, url + "/sparql", url + "/sparql-graph-crud-auth", ("dba", "dba")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    paths = Paths(find_root())
    build(paths)  # a fresh build/, so that publish reads it rather than rebuilding in memory
    queries = list_queries(paths.queries)
    figures: dict[str, dict[str, float]] = {}
    for name in ("oxigraph", "virtuoso"):
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            proc, query_url, store_url, auth = start(name, Path(tmp))
            t1 = time.perf_counter()
            try:
                publish(paths, store_url, union_default_graph=name == "oxigraph", auth=auth)
                t2 = time.perf_counter()
                totals = []
                with httpx.Client(timeout=120) as client:
                    for _ in range(args.rounds):
                        r0 = time.perf_counter()
                        for q in queries:
                            reply = client.post(query_url, data={"query": q.text},
                                                headers={"Accept": "application/sparql-results+json"})
                            reply.raise_for_status()
                        totals.append(time.perf_counter() - r0)
            finally:
                stop(proc)
        figures[name] = {"start (s)": t1 - t0, "load (s)": t2 - t1,
                         f"{len(queries)} queries (ms, median of {args.rounds})": statistics.median(totals) * 1000}
    print(f"{'':<34}{'oxigraph':>12}{'virtuoso':>12}{'ratio':>9}")
    for key in figures["oxigraph"]:
        a, b = figures["oxigraph"][key], figures["virtuoso"][key]
        print(f"{key:<34}{a:>12.2f}{b:>12.2f}{b / a:>8.1f}x")


if __name__ == "__main__":
    main()
