"""Throughput of our SPARQL endpoint against the Oxigraph server, and its robustness against a baseline.

Builds a temporary copy of the project, serves it with ``serge_kg.web.app`` under uvicorn (its own
process) and with ``oxigraph serve`` (loaded through ``serge_kg.web.publish``), both on 127.0.0.1,
then fires a bounded concurrent load (``--clients`` concurrent clients, ``--requests`` requests per
query) of every saved query without required parameters at each, over the SPARQL 1.1 Protocol (GET,
JSON results).

Then, for this checkout and a baseline checkout (``--baseline``, a git ref, extracted with
``git archive``; default: the commit before queries ran in worker processes), side by side:
``--mixed`` mixed requests at concurrency ``--mixed-clients`` (errors, p50/p95/p99, RSS of the server
and its workers before/after); fast-query p50/p99 alone and while ``--slow`` slow queries run; the
time until the server uses no CPU after ``--timeouts`` queries that hit a ``--deadline`` s limit.

    python benchmarks/bench_server.py [--clients 8] [--requests 200] [--rounds 2] [--skip-compare]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from serge_kg.namespaces import PREFIXES
from serge_kg.paths import Paths, find_root
from serge_kg.pipeline.build import build
from serge_kg.query.engines import with_values
from serge_kg.query.saved import bindings_for, list_queries
from serge_kg.web.publish import publish

sys.path.insert(0, str(Path(__file__).parent))
import bench_robust  # noqa: E402 - beside this script


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url, params={"query": "ASK {}"}, timeout=1)
            return
        except httpx.TransportError:
            if proc is not None and proc.poll() is not None:
                raise SystemExit(f"{url}: the server process exited")
            time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


async def load(url: str, query: str, clients: int, requests: int) -> tuple[float, list[float]]:
    """Requests per second and the latency of each request (seconds)."""
    latencies: list[float] = []
    todo = iter(range(requests))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:
        async def worker() -> None:
            for _ in todo:
                t = time.perf_counter()
                r = await client.get(url, params={"query": query},
                                     headers={"Accept": "application/sparql-results+json"})
                latencies.append(time.perf_counter() - t)
                if r.status_code != 200:
                    raise SystemExit(f"{url}: HTTP {r.status_code}: {r.text[:300]}")
        for _ in range(min(20, requests)):  # warm-up
            await client.get(url, params={"query": query})
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return requests / (time.perf_counter() - start), latencies


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per query; the best one counts")
    parser.add_argument("--skip-compare", action="store_true", help="only the robustness figures")
    parser.add_argument("--baseline", default="1683275", help="git ref of the checkout to compare robustness with")
    parser.add_argument("--mixed", type=int, default=10000)
    parser.add_argument("--mixed-clients", type=int, default=16)
    parser.add_argument("--slow", type=int, default=8)
    parser.add_argument("--timeouts", type=int, default=20)
    parser.add_argument("--deadline", type=float, default=2.0)
    args = parser.parse_args()

    root = find_root()
    work = Path(tempfile.mkdtemp(prefix="serge-bench-"))
    for sub in ("ontology", "queries", "data"):
        shutil.copytree(root / sub, work / "project" / sub)
    paths = Paths(work / "project")
    t = time.perf_counter()
    result = build(paths, validate=False)
    print(f"built {len(result.asserted)} asserted + {len(result.inferred)} inferred triples "
          f"in {time.perf_counter() - t:.1f} s", file=sys.stderr)

    if not args.skip_compare:
        ours_port, ox_port = free_port(), free_port()
        # our server runs in its own process (as `serge-kg serve` would), so it does not share a GIL with the client
        code = ("import uvicorn; from pathlib import Path; from serge_kg.paths import Paths; "
                "from serge_kg.web.app import create_app; "
                f"uvicorn.run(create_app(Paths(Path({str(paths.root)!r}))), host='127.0.0.1', port={ours_port}, "
                "log_level='warning', access_log=False, lifespan='on')")
        server = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        binary = Path(sys.executable).parent / "oxigraph"
        proc = subprocess.Popen([str(binary if binary.exists() else shutil.which("oxigraph") or "oxigraph"), "serve",
                                 "--location", str(work / "oxidb"), "--bind", f"127.0.0.1:{ox_port}"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            compare(args, paths, result, ours_port, ox_port, server, proc)
        finally:
            server.terminate()
            server.wait(10)
            proc.terminate()
            proc.wait(10)
    try:
        robustness(args, root, paths, result)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def compare(args: argparse.Namespace, paths: Paths, result: Any, ours_port: int, ox_port: int,
            server: subprocess.Popen[bytes], proc: subprocess.Popen[bytes]) -> None:
    """Throughput per saved query: ours against ``oxigraph serve``."""
    ours, theirs = f"http://127.0.0.1:{ours_port}/sparql", f"http://127.0.0.1:{ox_port}/query"
    wait_for(ours, server)
    wait_for(theirs, proc)
    publish(paths, f"http://127.0.0.1:{ox_port}/store", union_default_graph=True)
    rows = []
    for q in list_queries(paths.queries):
        if any(p.default is None for p in q.params):
            continue
        text = with_values(q.text, bindings_for(q, {}, result.asserted))  # saved queries declare their prefixes
        best: dict[str, tuple[float, list[float]]] = {}
        for _ in range(args.rounds):  # alternate, so background noise hits both sides alike
            for side, url in (("ours", ours), ("oxi", theirs)):
                run = asyncio.run(load(url, text, args.clients, args.requests))
                if side not in best or run[0] > best[side][0]:
                    best[side] = run
        (a_rps, a_lat), (b_rps, b_lat) = best["ours"], best["oxi"]
        rows.append((q.name, a_rps, b_rps, a_lat, b_lat))
    print(f"{args.clients} concurrent clients, {args.requests} requests per query and server "
          f"(best of {args.rounds} alternating rounds), "
          f"{len(result.asserted) + len(result.inferred)} triples\n")
    head = f"{'query':32} {'ours req/s':>10} {'oxi req/s':>10} {'ratio':>6}  {'ours p50/p99 ms':>16}  {'oxi p50/p99 ms':>15}"
    print(head + "\n" + "-" * len(head))
    for name, a_rps, b_rps, a_lat, b_lat in rows:
        print(f"{name:32} {a_rps:10.0f} {b_rps:10.0f} {a_rps / b_rps:6.2f}  "
              f"{pct(a_lat, .5):7.1f}/{pct(a_lat, .99):7.1f}  {pct(b_lat, .5):7.1f}/{pct(b_lat, .99):7.1f}")
    total = sum(args.requests / (r[1]) for r in rows), sum(args.requests / (r[2]) for r in rows)
    print(f"\noverall: ours {len(rows) * args.requests / total[0]:.0f} req/s, oxigraph "
          f"{len(rows) * args.requests / total[1]:.0f} req/s, ratio {total[1] / total[0]:.2f} "
          f"(geometric mean of per-query ratios "
          f"{statistics.geometric_mean([r[1] / r[2] for r in rows]):.2f})")


def robustness(args: argparse.Namespace, root: Path, paths: Paths, result: object) -> None:
    """The robustness figures of this checkout and the baseline, side by side."""
    base_src = Path(tempfile.mkdtemp(prefix="serge-baseline-"))
    archive = subprocess.run(["git", "-C", str(root), "archive", args.baseline, "src"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(base_src)], input=archive.stdout, check=True)
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
    texts = [prologue + with_values(q.text, bindings_for(q, {}, result.asserted))  # type: ignore[attr-defined]
             for q in list_queries(paths.queries) if all(p.default is not None for p in q.params)]
    figures: dict[str, dict[str, dict[str, float]]] = {}
    try:
        for side, src in (("this", None), (f"baseline {args.baseline}", base_src / "src")):
            port = free_port()
            server = bench_robust.start(src, paths.root, port, args.deadline)
            url = f"http://127.0.0.1:{port}"
            try:
                wait_for(url + "/sparql", server)
                time.sleep(1.0)
                figures[side] = {
                    "mixed": bench_robust.mixed(url, server.pid, texts, args.mixed, args.mixed_clients),
                    "beside slow": bench_robust.beside_slow(url, args.slow, 100),
                    "after timeouts": bench_robust.idle_after_timeouts(url, server.pid, args.timeouts, args.deadline),
                }
            finally:
                try:  # the server and its workers: the process group it leads (its own session)
                    os.killpg(server.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                server.wait(10)
    finally:
        shutil.rmtree(base_src, ignore_errors=True)
    sides = list(figures)
    print(f"\nrobustness ({args.mixed} mixed requests at concurrency {args.mixed_clients}; {args.slow} slow "
          f"queries; {args.timeouts} queries past a {args.deadline:g} s deadline)\n")
    print(f"{'measure':38}" + "".join(f"{s:>22}" for s in sides))
    for group in figures[sides[0]]:
        for key in figures[sides[0]][group]:
            cells = "".join(f"{figures[s][group].get(key, float('nan')):>22.1f}" for s in sides)
            print(f"{group + ': ' + key:38}{cells}")


if __name__ == "__main__":
    main()
