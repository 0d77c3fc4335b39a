"""Throughput of our SPARQL endpoint against an in-memory ``oxigraph serve``, and its robustness against a baseline.

Builds a temporary copy of the project and serves it with ``oxigraph serve`` (in memory, loaded with the
same asserted + inferred triples through ``serge_kg.web.publish``) and with ``serge_kg.web.app`` under
uvicorn in each HTTP stack asked for (``--stacks``: h11 or httptools, asyncio or uvloop, one or more
server processes on one socket), with the result cache on and off. ``wrk`` (the C load generator,
Debian package ``wrk``: installed here when run as root, else the script says how) fires the saved-query
mix at each: every saved query without required parameters, bound with its defaults, as the same GET
``?query=`` with ``Accept: application/sparql-results+json``, one path after the other (a Lua script).
Each of our runs is next to an Oxigraph run (alternating, ``--rounds``; the best counts), and the ratio
is ours / Oxigraph's requests per second.

Then, unless ``--skip-robustness``, for this checkout and a baseline checkout (``--baseline``, a git ref,
extracted with ``git archive``; default: the commit before queries ran in worker processes), side by
side: ``--mixed`` mixed requests at concurrency ``--mixed-clients`` (errors, p50/p95/p99, RSS of the
server and its workers before/after); fast-query p50/p99 alone and while ``--slow`` slow queries run;
the time until the server uses no CPU after ``--timeouts`` queries that hit a ``--deadline`` s limit.

    python benchmarks/bench_server.py [--duration 5] [--connections 8] [--threads 1] [--rounds 2]
        [--stacks httptools-asyncio-1,h11-asyncio-1,httptools-uvloop-1] [--only NAME,...] [--skip-compare]
        [--skip-robustness]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx

from serge_kg.namespaces import PREFIXES
from serge_kg.paths import Paths, find_root
from serge_kg.pipeline.build import build
from serge_kg.query.engines import with_values
from serge_kg.query.saved import bindings_for, list_queries
from serge_kg.web.publish import publish

sys.path.insert(0, str(Path(__file__).parent))
import bench_robust  # noqa: E402 - beside this script

ACCEPT = "application/sparql-results+json"
LUA = """-- rotate over the saved-query mix, one path per request (each wrk thread has its own counter)
local paths = {%s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["Accept"] = "%s"})
end
"""


@dataclass(frozen=True)
class Stack:
    """One way of serving our app: uvicorn's HTTP parser and event loop, and how many server processes."""

    http: str
    loop: str
    processes: int

    @property
    def name(self) -> str:
        return f"{self.http}-{self.loop}-{self.processes}"

    def missing(self) -> str | None:
        """The module this stack needs that is not installed, if any."""
        for module in ({"httptools": "httptools"}.get(self.http), {"uvloop": "uvloop"}.get(self.loop)):
            if module and importlib.util.find_spec(module) is None:
                return module
        return None


def parse_stack(text: str) -> Stack:
    http, loop, processes = text.split("-")
    if http not in ("h11", "httptools") or loop not in ("asyncio", "uvloop") or not processes.isdigit():
        raise argparse.ArgumentTypeError(f"{text}: a stack is HTTP-LOOP-PROCESSES, e.g. httptools-uvloop-2")
    return Stack(http, loop, int(processes))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            httpx.get(url, params={"query": "ASK {}"}, timeout=1)
            return
        except httpx.TransportError:
            if proc is not None and proc.poll() is not None:
                raise SystemExit(f"{url}: the server process exited")
            time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


def wrk_binary() -> str:
    """The ``wrk`` command, installed with apt-get when missing and run as root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk (apt-get install -y wrk) ...", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=False, stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
        if found:
            return found
    raise SystemExit("this benchmark needs wrk, the C HTTP load generator: `sudo apt-get install wrk` (Debian, "
                     "Ubuntu), `brew install wrk` (macOS), or build it from https://github.com/wg/wrk")


def run_wrk(wrk: str, base: str, script: Path, args: argparse.Namespace, seconds: float) -> float:
    """Requests per second of one wrk run; every answer must be a 2xx."""
    out = subprocess.run([wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{seconds:g}s", "--latency",
                          "--timeout", "30s", "-s", str(script), base], capture_output=True, text=True, check=False)
    found = re.search(r"Requests/sec:\s+([0-9.]+)", out.stdout)
    if out.returncode != 0 or not found:
        raise SystemExit(f"wrk failed on {base}: {out.stdout}{out.stderr}")
    if "Non-2xx or 3xx responses" in out.stdout or "Socket errors" in out.stdout:
        raise SystemExit(f"{base}: errors under load:\n{out.stdout}")
    return float(found.group(1))


def serve_child(root: str, port: int, stack: Stack, cache_mb: int) -> None:
    """The body of one server: ``stack.processes`` processes serving one socket, each with its own app."""
    import uvicorn

    from serge_kg.web.app import create_app
    from serge_kg.web.serving import bind
    sock = bind("127.0.0.1", port)
    for _ in range(stack.processes - 1):
        if os.fork() == 0:
            break
    app = create_app(Paths(Path(root)), cache_mb=cache_mb)
    uvicorn.Server(uvicorn.Config(app, http=stack.http, loop=stack.loop, log_level="warning", access_log=False,
                                  lifespan="on")).run(sockets=[sock])


def start_ours(root: Path, port: int, stack: Stack, cache_mb: int) -> subprocess.Popen[bytes]:
    code = (f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import bench_server; "
            f"bench_server.serve_child({str(root)!r}, {port}, bench_server.parse_stack({stack.name!r}), {cache_mb})")
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # its own process group: the server, its forks and workers


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)
    except ProcessLookupError:
        pass
    time.sleep(0.5)
    try:  # forks and workers left behind
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per stack; the best one counts")
    parser.add_argument("--stacks", type=lambda s: [parse_stack(x) for x in s.split(",")],
                        # the stack `serge-kg serve` runs (httptools, asyncio, one process) first, then the others
                        default=[parse_stack(x) for x in ("httptools-asyncio-1", "h11-asyncio-1", "httptools-uvloop-1")],
                        help="HTTP-LOOP-PROCESSES, comma-separated; the first is what `serge-kg serve` runs")
    parser.add_argument("--only", type=lambda s: s.split(","), default=None,
                        help="only these saved queries (comma-separated names) in the mix")
    parser.add_argument("--skip-compare", action="store_true", help="only the robustness figures")
    parser.add_argument("--skip-robustness", action="store_true", help="only the throughput comparison")
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
    try:
        if not args.skip_compare:
            compare(args, paths, result, work)
        if not args.skip_robustness:
            robustness(args, root, paths, result)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def compare(args: argparse.Namespace, paths: Paths, result: object, work: Path) -> None:
    """Requests per second on the saved-query mix: ours in each stack, cache on and off, against Oxigraph."""
    wrk = wrk_binary()
    texts = [with_values(q.text, bindings_for(q, {}, result.asserted))  # type: ignore[attr-defined]
             for q in list_queries(paths.queries) if all(p.default is not None for p in q.params)
             and (args.only is None or q.name in args.only)]
    if not texts:
        raise SystemExit(f"no saved query without required parameters is named {args.only}")
    ox_port = free_port()
    binary = Path(sys.executable).parent / "oxigraph"
    oxigraph = subprocess.Popen([str(binary if binary.exists() else shutil.which("oxigraph") or "oxigraph"),
                                 "serve", "--bind", f"127.0.0.1:{ox_port}"],  # no --location: in memory
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    scripts = {}
    for side, path in (("ours", "/sparql"), ("oxigraph", "/query")):
        lua = ", ".join(f'"{path}?query={quote(t, safe="")}"' for t in texts)
        scripts[side] = work / f"{side}.lua"
        scripts[side].write_text(LUA % (lua, ACCEPT), encoding="utf-8")
    rows: list[tuple[str, str, float, float]] = []
    try:
        wait_for(f"http://127.0.0.1:{ox_port}/query", oxigraph)
        publish(paths, f"http://127.0.0.1:{ox_port}/store", union_default_graph=True)
        ox_base = f"http://127.0.0.1:{ox_port}"
        check_same(texts, f"{ox_base}/query", None)
        run_wrk(wrk, ox_base, scripts["oxigraph"], args, 1)  # warm-up
        for stack in args.stacks:
            if (module := stack.missing()) is not None:
                print(f"skipping {stack.name}: {module} is not installed (pip install {module})", file=sys.stderr)
                continue
            for cache_mb, cache in ((64, "on"), (0, "off")):
                port = free_port()
                ours = start_ours(paths.root, port, stack, cache_mb)
                base = f"http://127.0.0.1:{port}"
                try:
                    wait_for(f"{base}/sparql", ours)
                    check_same(texts, f"{base}/sparql", f"{ox_base}/query")
                    # warm-up: under load the worker pool grows (each new worker loads the graph), the cache fills
                    run_wrk(wrk, base, scripts["ours"], args, max(3.0, args.duration))
                    time.sleep(1.0)
                    best_ours = best_ox = 0.0
                    for _ in range(args.rounds):  # alternate, so background noise hits both sides alike
                        best_ox = max(best_ox, run_wrk(wrk, ox_base, scripts["oxigraph"], args, args.duration))
                        best_ours = max(best_ours, run_wrk(wrk, base, scripts["ours"], args, args.duration))
                    rows.append((stack.name, cache, best_ours, best_ox))
                    print(f"  {stack.name:22} cache {cache:3}: ours {best_ours:7.0f} req/s, oxigraph "
                          f"{best_ox:7.0f} req/s, ratio {best_ours / best_ox:.2f}", file=sys.stderr)
                finally:
                    stop_group(ours)
    finally:
        oxigraph.terminate()
        oxigraph.wait(10)
    print(f"\nwrk -t{args.threads} -c{args.connections}, {args.duration:g} s per run, best of {args.rounds} "
          f"alternating rounds; the mix: {len(texts)} saved queries in turn (GET, {ACCEPT}); "
          f"{os.cpu_count()} cores; oxigraph serve in memory\n")
    head = f"{'our HTTP stack':24} {'cache':>5} {'ours req/s':>11} {'oxigraph req/s':>15} {'ratio':>6}"
    print(head + "\n" + "-" * len(head))
    for name, cache, ours_rps, ox_rps in rows:
        print(f"{name:24} {cache:>5} {ours_rps:11.0f} {ox_rps:15.0f} {ours_rps / ox_rps:6.2f}")


def check_same(texts: list[str], url: str, other: str | None) -> None:
    """Every query of the mix answers 200 (and, with ``other``, the same number of rows there)."""
    for text in texts:
        r = httpx.get(url, params={"query": text}, headers={"Accept": ACCEPT}, timeout=60)
        if r.status_code != 200:
            raise SystemExit(f"{url}: HTTP {r.status_code} for a saved query: {r.text[:300]}")
        if other is not None:
            theirs = httpx.get(other, params={"query": text}, headers={"Accept": ACCEPT}, timeout=60)
            if len(r.json().get("results", {}).get("bindings", [])) != \
                    len(theirs.json().get("results", {}).get("bindings", [])):
                raise SystemExit(f"{url} and {other} give different numbers of rows for:\n{text[:300]}")


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
