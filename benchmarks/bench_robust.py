"""Robustness figures of the endpoint, for bench_server.py: mixed load, fast queries beside slow ones,
time to idle after timed-out queries, each for the server under test and a baseline checkout side by side.

Not a test: the figures depend on the (shared, 2-core) machine.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER (STR(?c) != STR(?f)) }"
FAST = "SELECT ?s ?l WHERE { ?s rdfs:label ?l } ORDER BY ?s ?l LIMIT 20"


def start(src: Path | None, root: Path, port: int, timeout: float) -> subprocess.Popen[bytes]:
    """Our server (``src``: a checkout's src/ folder to run instead of the installed package)."""
    code = ("import uvicorn; from pathlib import Path; from serge_kg.paths import Paths; "
            "from serge_kg.web.app import create_app; "
            f"uvicorn.run(create_app(Paths(Path({str(root)!r})), timeout={timeout}), host='127.0.0.1', "
            f"port={port}, log_level='critical', access_log=False, lifespan='on')")
    env = {**os.environ, **({"PYTHONPATH": str(src)} if src else {})}
    return subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def rss_mb(pid: int) -> float:
    total = 0
    for p in tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def cpu_seconds(pid: int) -> float:
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else float("nan")


async def fire(base: str, urls: list[str], clients: int) -> tuple[list[float], int, float]:
    """Latencies, error count and wall time of ``urls`` fired by ``clients`` concurrent clients."""
    latencies: list[float] = []
    errors = 0
    todo = iter(urls)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        async def worker() -> None:
            nonlocal errors
            for url in todo:
                t = time.perf_counter()
                try:
                    r = await client.get(url)
                    errors += r.status_code != 200
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - t)
        start_at = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        return latencies, errors, time.perf_counter() - start_at


def mixed_urls(queries: list[str], n: int) -> list[str]:
    """``n`` requests cycling through ad-hoc queries, saved-query pages, entity pages and VoID."""
    pool = [f"/sparql?query={quote(q)}" for q in queries] + [
        "/id/person/victor-serge", "/id/person/victor-serge?format=ttl", "/void", "/queries",
        "/queries/life-timeline?format=json", "/sparql?query=" + quote("ASK { ?s ?p ?o }")]
    return [pool[i % len(pool)] for i in range(n)]


def mixed(base: str, pid: int, queries: list[str], n: int, clients: int) -> dict[str, float]:
    before = rss_mb(pid)
    lat, errors, wall = asyncio.run(fire(base, mixed_urls(queries, n), clients))
    return {"requests": n, "errors": errors, "req/s": n / wall, "p50": pct(lat, .5), "p95": pct(lat, .95),
            "p99": pct(lat, .99), "rss_before": before, "rss_after": rss_mb(pid)}


def beside_slow(base: str, slow: int, fast: int) -> dict[str, float]:
    """Fast-query latency alone, then while ``slow`` slow queries run."""
    async def run() -> tuple[list[float], list[float]]:
        alone, _, _ = await fire(base, [f"/sparql?query={quote(FAST)}"] * fast, 1)
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            hogs = [asyncio.create_task(client.get(f"/sparql?query={quote(SLOW)}")) for _ in range(slow)]
            await asyncio.sleep(1.5)  # let them start (and the pool grow)
            during, _, _ = await fire(base, [f"/sparql?query={quote(FAST)}"] * fast, 1)
            await asyncio.gather(*hogs, return_exceptions=True)
        return alone, during
    alone, during = asyncio.run(run())
    return {"alone p50": pct(alone, .5), "alone p99": pct(alone, .99), "during p50": pct(during, .5),
            "during p99": pct(during, .99)}


def idle_after_timeouts(base: str, pid: int, n: int, deadline: float, give_up: float = 60.0) -> dict[str, float]:
    """Seconds from sending ``n`` slow queries until the server's processes use no CPU (<5% over 0.5 s)."""
    async def send() -> list[int]:
        async with httpx.AsyncClient(base_url=base, timeout=120,
                                     limits=httpx.Limits(max_connections=n)) as client:
            rs = await asyncio.gather(*(client.get(f"/sparql?query={quote(SLOW)}") for _ in range(n)),
                                      return_exceptions=True)
        return [r.status_code if isinstance(r, httpx.Response) else 0 for r in rs]
    t0 = time.monotonic()
    statuses = asyncio.run(send())
    answered = time.monotonic() - t0
    while time.monotonic() - t0 < give_up:
        c0 = cpu_seconds(pid)
        time.sleep(0.5)
        if cpu_seconds(pid) - c0 < 0.025:
            break
    idle = time.monotonic() - t0 - 0.5
    return {"queries": n, "deadline": deadline, "all answered": answered, "idle after": idle,
            "gave up": float(idle >= give_up - 0.6), "503s": float(sum(s == 503 for s in statuses))}
