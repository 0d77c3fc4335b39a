#!/usr/bin/env python3
"""Whole-process times of the cold commands, each beside its alternative, with the ratio.

Run:  .venv/bin/python benchmarks/bench_cold.py [--repeat 5] [--baseline /path/to/old/src]
Not a test: timings depend on the machine (and on what else runs on it: wall and CPU seconds are
both printed). Targets of issue 13 on a 2-core machine: a no-op build < 0.3 s, `serge-kg query` <
0.25 s, `serge-kg serve` to its first answer < 0.5 s (beside it: ``oxigraph load`` of the build's
N-Quads into a fresh folder, then ``oxigraph serve`` on it, to its first answer). It writes build/ (one forced build first). With ``--baseline``, the same commands also run
with that source tree first on PYTHONPATH (e.g. ``git archive <commit> src | tar -x -C /tmp/base``).
With ``--k 32``, ``serve`` is also timed on the graph cloned 32 times (target < 2 s): a copy of the
project whose build/ holds the cloned dumps (``bench_scale.scaled``), beside ``oxigraph load`` of
the same two files.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from serge_kg.paths import find_root

CLI = [str(Path(sys.executable).parent / "serge-kg")]


def timed(args: list[str], root: Path, pythonpath: str | None = None) -> tuple[float, float]:
    """(wall s, CPU s of the child) of one run; the command must succeed."""
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run([*CLI, "--root", str(root), *args], check=True, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median_of(repeat: int, args: list[str], root: Path, pythonpath: str | None = None) -> tuple[float, float]:
    runs = [timed(args, root, pythonpath) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


ASK = "query=ASK%7B%3Fs%20%3Fp%20%3Fo%7D"  # ASK{?s ?p ?o}, URL-encoded


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _first_answer(cmd: list[str], url: str, before: list[str] | None = None) -> float:
    """Seconds from starting ``before`` (if any) and then the server ``cmd`` to a 200 answer at ``url``."""
    t = time.perf_counter()
    if before:
        subprocess.run(before, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    if resp.status == 200:
                        return time.perf_counter() - t
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None:
                    raise SystemExit(f"{cmd[0]} exited with {proc.returncode} before answering") from None
                time.sleep(0.005)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)


def serve_rows(root: Path, repeat: int, files: list[Path] | None = None, label: str = "") -> None:
    """``serge-kg serve`` to its first answer, beside ``oxigraph load`` (of ``files``, default the
    build's N-Quads) + ``oxigraph serve``."""
    ours, theirs = [], []
    oxigraph = str(Path(sys.executable).parent / "oxigraph")
    load = [str(f) for f in files or [root / "build" / "serge.nq"]]
    for _ in range(repeat):
        port = _free_port()
        ours.append(_first_answer([*CLI, "--root", str(root), "serve", "--port", str(port), "--workers", "1"],
                                  f"http://127.0.0.1:{port}/sparql?{ASK}"))
        with tempfile.TemporaryDirectory() as folder:
            port = _free_port()
            theirs.append(_first_answer(
                [oxigraph, "serve", "--location", folder, "--bind", f"127.0.0.1:{port}"],
                f"http://127.0.0.1:{port}/query?{ASK}",
                before=[oxigraph, "load", "--location", folder, "--file", *load]))
    ours_m, theirs_m = statistics.median(ours), statistics.median(theirs)
    print(f"{'serge-kg serve, to the first answer' + label:<44}{ours_m:>7.3f}{'':>7}   "
          f"{'oxigraph load + serve':<30}{theirs_m:>7.3f}{'':>7}{theirs_m / ours_m:>7.1f}x")


def scaled_project(root: Path, k: int, into: Path) -> Path:
    """A copy of the project at ``into`` whose build/ holds the two N-Triples dumps cloned ``k`` times
    (the manifest's digests updated, so that the server takes them as the current build)."""
    import hashlib
    import json
    import shutil

    sys.path.insert(0, str(Path(__file__).parent))
    from bench_scale import scaled  # the same cloning as the scale benchmark

    for name in ("data", "ontology", "queries", "build"):
        shutil.copytree(root / name, into / name, symlinks=True)
    manifest = json.loads((into / "build" / "manifest.json").read_text())
    for name in ("serge.nt", "serge-inferred.nt"):
        data = scaled((root / "build" / name).read_bytes(), k)
        (into / "build" / name).write_bytes(data)
        manifest["files"][name] = hashlib.sha256(data).hexdigest()
    (into / "build" / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return into


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5, help="runs per measurement (median reported)")
    ap.add_argument("--baseline", type=Path, default=None, help="an older src/ folder to compare with")
    ap.add_argument("--k", type=int, nargs="*", default=[], help="also time serve on the graph cloned K times")
    args = ap.parse_args()
    root = find_root(Path.cwd())
    subprocess.run([*CLI, "--root", str(root), "build", "-q", "--force"], check=True, stdout=subprocess.DEVNULL)
    rows: list[tuple[str, list[str], str, list[str] | None]] = [
        ("serge-kg build, inputs unchanged", ["build", "-q"], "serge-kg build --force", ["build", "-q", "--force"]),
        ("serge-kg query life-timeline", ["query", "life-timeline"], "(see --baseline)", None),
        ("serge-kg query evidence-for", ["query", "evidence-for", "--param", "entity=arrest-1933"], "(see --baseline)",
         None),
        ("serge-kg --version", ["--version"], "(see --baseline)", None)]
    print(f"median of {args.repeat} runs; wall s / CPU s; ratio = alternative / this (wall)")
    print(f"{'command':<44}{'wall':>7}{'cpu':>7}   {'alternative':<30}{'wall':>7}{'cpu':>7}{'ratio':>8}")
    for label, cmd, alt_label, alt in rows:
        wall, cpu = median_of(args.repeat, cmd, root)
        if alt is None:
            print(f"{label:<44}{wall:>7.3f}{cpu:>7.3f}   {alt_label:<30}")
        else:
            alt_wall, alt_cpu = median_of(max(1, args.repeat // 2), alt, root)
            print(f"{label:<44}{wall:>7.3f}{cpu:>7.3f}   {alt_label:<30}{alt_wall:>7.3f}{alt_cpu:>7.3f}"
                  f"{alt_wall / wall:>7.1f}x")
        if args.baseline:
            b_wall, b_cpu = median_of(args.repeat, cmd, root, str(args.baseline))
            print(f"{'  baseline: ' + label:<44}{b_wall:>7.3f}{b_cpu:>7.3f}   {'(this / baseline)':<30}"
                  f"{'':>14}{wall / b_wall:>7.2f}x")
            # the baseline's build/ has no input fingerprint: build it again for the next rows
            subprocess.run([*CLI, "--root", str(root), "build", "-q", "--force"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    serve_rows(root, args.repeat)
    for k in args.k:
        with tempfile.TemporaryDirectory() as folder:
            copy = scaled_project(root, k, Path(folder))
            serve_rows(copy, max(1, args.repeat // 2),
                       [copy / "build" / "serge.nt", copy / "build" / "serge-inferred.nt"], f" (K = {k})")
    subprocess.run([*CLI, "--root", str(root), "build", "-q", "--force"], check=True, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
