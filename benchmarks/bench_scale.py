#!/usr/bin/env python3
"""How load and every saved query scale with the size of the graph: the K-times graph for K = 1, 4, 16.

The K-times graph is made at the RDF level from the build's N-Triples dumps (asserted and inferred):
copy 0 is the graph as built, and copy i (i = 1 .. K-1) is the same triples with every IRI of the
ID namespace (``https://w3id.org/serge-kg/id/...``: records, events, evidence, citations) given the
suffix ``-k<i>``; literals (the evidence quotes, labels, dates) are kept verbatim, and the IRIs of
the ontology, the sources and the other vocabularies are shared by all copies. For query timing
this is the same as cloning every YAML record with an id suffix and rewriting its references (each
record becomes K records, each fact K facts, pointing to their own copies), without going through
the loader and the reasoner K times; the reasoner is linear (issue 13) and the inferred triples of
a copy are the copy of the inferred triples. The dumps hold no blank nodes (checked).

Each K runs in its own process, so that its peak memory (``ru_maxrss``) is its own. Per K it
prints the Oxigraph load time (the two named graphs, whose union is the default graph, as
``serge-kg query`` loads them), the peak memory, and per query the median time (of ``--runs``
runs, fewer when a query is slow at large K: at most ``--budget`` seconds per query) and the row
count, with parameters bound as ``serge-kg query`` binds them (their defaults). Then the slowest
queries per K, each query's fitted exponent (least-squares slope of log time on log K), and which
queries' answers grow with K. Parameters name copy 0 (``victor-serge``), so a query about one
person should keep its answer and its time as K grows.

    .venv/bin/python benchmarks/bench_scale.py [--k 1 4 16] [--runs 20] [--budget 3] [--only NAME ...] [--stages]

With ``--stages``, each K also builds from the records cloned K times (every record copied with an
id suffix, its references rewritten, quotes verbatim: :func:`cloned`), timing convert, reason and
validation beside the exports, with the fitted exponent of each.

Not a test: timings depend on the machine. Targets (issue 13): every saved query < 5 ms at K = 1,
< 10 ms at K = 16 for those whose answer does not grow with K; no exponent much above 1.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from serge_kg.namespaces import ASSERTED_GRAPH, ID, INFERRED_GRAPH
from serge_kg.paths import Paths, find_root
from serge_kg.pipeline.answer import QueryDataset, _StoreSubjects
from serge_kg.pipeline.build import BuildResult, derive, load_ontology, serialize_outputs
from serge_kg.pipeline.convert import convert
from serge_kg.pipeline.export import OxTriples
from serge_kg.pipeline.fingerprint import built_dumps
from serge_kg.pipeline.reason import infer
from serge_kg.pipeline.record_types import Dataset
from serge_kg.pipeline.records import load_dataset
from serge_kg.pipeline.validate import load_shapes, start_validation
from serge_kg.query.engines import names_its_dataset, with_values
from serge_kg.query.saved import bindings_for, list_queries

_ID_IRI = re.compile(rb"<(" + re.escape(str(ID).encode()) + rb"[^>]*)>")


def scaled(nt: bytes, k: int) -> bytes:
    """The N-Triples ``nt`` K times: copy 0 as is, copy i with every ID-namespace IRI suffixed ``-k<i>``."""
    if b"_:" in nt:
        raise SystemExit("the dumps hold blank nodes: cloning by IRI would share them between copies")
    parts = [nt]
    for i in range(1, k):
        suffix = f"-k{i}".encode()
        parts.append(_ID_IRI.sub(lambda m, s=suffix: b"<" + m.group(1) + s + b">", nt))  # type: ignore[misc]
    return b"".join(parts)


def _median_ms(store: ox.Store, text: str, runs: int, budget: float) -> tuple[float, int, int, str]:
    """Median time (ms) of running ``text`` and reading every row, the row count, the runs made and a
    digest of the answer (its rows as text, sorted)."""
    times: list[float] = []
    answer: list[str] = []
    start = time.perf_counter()
    while len(times) < runs and (len(times) < 3 or time.perf_counter() - start < budget):
        t0 = time.perf_counter()
        res = store.query(text, use_default_graph_as_union=not names_its_dataset(text))
        answer = [" ".join(str(t) for t in row) for row in res] if isinstance(res, ox.QuerySolutions) \
            else [str(bool(res))]
        times.append(time.perf_counter() - t0)
    digest = hashlib.blake2b("\n".join(sorted(answer)).encode(), digest_size=8).hexdigest()
    return statistics.median(times) * 1000, len(answer), len(times), digest


def cloned(dataset: Dataset, k: int) -> Dataset:
    """The records K times: copy i of every record has the id suffix ``-k<i>`` (none for copy 0), and
    every field value naming a record is rewritten to the copy's id; quotes and other text verbatim.
    The Wikidata, GeoNames and authority tables stay on copy 0 (their checks would refuse a QID or a
    geonameid shared by K records), so copies 1 .. K-1 have no links and no coordinates."""
    ids = set(dataset.records)

    def rewrite(value: Any, suffix: str) -> Any:
        if isinstance(value, str):
            return value + suffix if value in ids else value
        if isinstance(value, list):
            return [rewrite(v, suffix) for v in value]
        if isinstance(value, dict):
            return {key: rewrite(v, suffix) if key not in ("__line__", "__lines__") else v for key, v in value.items()}
        return value

    records = dict(dataset.records)
    for i in range(1, k):
        suffix = f"-k{i}"
        for rid, rec in dataset.records.items():
            data = rewrite(rec.data, suffix)
            data["id"] = rid + suffix
            records[rid + suffix] = replace(rec, id=rid + suffix, data=data)
    return replace(dataset, records=records)


def build_stages(paths: Paths, k: int) -> dict[str, float]:
    """Seconds of each build stage on the K-times records (load = reading the YAML once, then cloning):
    convert, reason (reasonable), SHACL + checks beside the serialised exports, as ``serge-kg build``."""
    times: dict[str, float] = {}
    t = time.perf_counter()
    dataset = cloned(load_dataset(paths.data), k)
    ontology = load_ontology(paths)
    times["load + clone"] = time.perf_counter() - t
    t = time.perf_counter()
    asserted = convert(dataset)
    derive(asserted, paths.queries)
    times["convert"] = time.perf_counter() - t
    t = time.perf_counter()
    sources = [URIRef(s.meta["revision_url"]) for s in dataset.sources.values()]
    inferred = infer(asserted, ontology, extra_subjects=sources)
    times["reason"] = time.perf_counter() - t
    t = time.perf_counter()
    result = BuildResult(dataset, ontology, asserted, inferred)
    triples = OxTriples()
    pending = start_validation(asserted, inferred, ontology, load_shapes(paths.shapes), paths.queries, triples)
    serialize_outputs(result, paths, triples)
    pending.report()
    times["validate + export"] = time.perf_counter() - t
    times["asserted triples"] = len(asserted)
    return times


def measure_one(k: int, runs: int, budget: float, only: list[str], stages: bool = False) -> dict[str, object]:
    """Load the K-times graph into Oxigraph and time every saved query on it (run in a child process)."""
    paths = Paths(find_root(Path.cwd()))
    dumps = built_dumps(paths, inferred=True)
    if dumps is None:
        raise SystemExit("build/ is missing or stale: run `serge-kg build` first")
    # the parameters as `serge-kg query` binds them: ids resolved against the built dataset (copy 0)
    ds = QueryDataset(paths)
    queries = [q for q in list_queries(paths.queries) if not only or q.name in only]
    texts = {q.name: with_values(q.text, bindings_for(q, {}, _StoreSubjects(ds.store))) for q in queries}
    asserted, inferred = (scaled(Path(p).read_bytes(), k) for p in dumps)
    del ds
    t0 = time.perf_counter()
    store = ox.Store()
    for nt, name in ((asserted, ASSERTED_GRAPH), (inferred, INFERRED_GRAPH)):
        store.bulk_load(nt, ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(name)))
    load = time.perf_counter() - t0
    triples = len(store)  # each once: the default graph is the union of the two named graphs
    del asserted, inferred
    timed = {}
    for name, text in texts.items():
        ms, rows, made, digest = _median_ms(store, text, runs, budget)
        timed[name] = {"ms": ms, "rows": rows, "runs": made, "answer": digest}
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    figures: dict[str, object] = {"k": k, "load_s": load, "triples": triples, "peak_mb": peak_mb, "queries": timed}
    if stages:
        del store
        figures["stages"] = build_stages(paths, k)
        figures["build_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def slope(ks: list[int], values: list[float]) -> float:
    """Least-squares slope of log(value) on log(K)."""
    xs, ys = [math.log(k) for k in ks], [math.log(max(v, 1e-6)) for v in values]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--k", type=int, nargs="+", default=[1, 4, 16], help="the sizes (copies of the graph)")
    ap.add_argument("--runs", type=int, default=20, help="runs per query (median reported)")
    ap.add_argument("--budget", type=float, default=3.0, help="at most this many seconds per query and K "
                                                               "(at least 3 runs)")
    ap.add_argument("--only", nargs="*", default=[], help="these saved queries only")
    ap.add_argument("--stages", action="store_true", help="also time the build's stages on the K-times records")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        print(json.dumps(measure_one(args.child, args.runs, args.budget, args.only, args.stages)))
        return
    figures = []
    for k in args.k:
        cmd = [sys.executable, __file__, "--child", str(k), "--runs", str(args.runs), "--budget", str(args.budget)]
        if args.only:
            cmd += ["--only", *args.only]
        if args.stages:
            cmd.append("--stages")
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        fig = json.loads(out)
        figures.append(fig)
        print(f"K = {k:>3}: {fig['triples']:>9,} triples in the default graph, Oxigraph load {fig['load_s']:.2f} s, "
              f"peak memory {fig['peak_mb']:.0f} MB "
              f"({fig['peak_mb'] * 1024 * 1024 / fig['triples']:.0f} B per default-graph triple, process total)")
        slowest = sorted(fig["queries"].items(), key=lambda kv: -kv[1]["ms"])[:5]
        print("        slowest: " + ", ".join(f"{n} {v['ms']:.1f} ms" for n, v in slowest))
        if "stages" in fig:
            st = dict(fig["stages"])
            n = st.pop("asserted triples")
            print(f"        build on {n:,.0f} asserted triples: " + ", ".join(f"{name} {v:.2f} s" for name, v in st.items())
                  + f"; peak memory {fig['build_peak_mb']:.0f} MB")
    ks = [f["k"] for f in figures]
    names = sorted(figures[0]["queries"])
    print()
    head = "".join(f"{'K=' + str(k) + ' ms':>12}" for k in ks)
    print(f"{'query':<40}{head}{'exponent':>10}{'rows':>16}  answer")
    over = []
    grown, summaries = [], []
    for name in names:
        ms = [f["queries"][name]["ms"] for f in figures]
        rows = [f["queries"][name]["rows"] for f in figures]
        exp = slope(ks, ms) if len(ks) > 1 else float("nan")
        same = len({f["queries"][name]["answer"] for f in figures}) == 1
        # an answer that keeps its rows but not their values counts or lists the whole graph (counts
        # per class, the most used citations): it cannot be cheaper than reading what it summarises
        kind = "same" if same else "grows with K" if rows[-1] > rows[0] else "summarises the whole graph"
        (grown if kind == "grows with K" else summaries if not same else []).append(name)
        cells = "".join(f"{v:>12.2f}" for v in ms)
        print(f"{name:<40}{cells}{exp:>10.2f}{str(rows[0]) + '->' + str(rows[-1]):>16}  {kind}")
        if ms[0] >= 5 or (same and ms[-1] >= 10):
            over.append(name)
    print()
    print(f"answers that grow with K ({len(grown)}): {', '.join(grown) or 'none'}")
    print(f"answers that keep their rows but summarise the whole graph ({len(summaries)}): "
          f"{', '.join(summaries) or 'none'}")
    if len(ks) > 1 and all("stages" in f for f in figures):
        print("build stages, fitted exponents: " + ", ".join(
            f"{name} {slope(ks, [f['stages'][name] for f in figures]):.2f}"
            for name in figures[0]["stages"] if name != "asserted triples"))
    print(f"above target (>= 5 ms at K = {ks[0]}, or >= 10 ms at K = {ks[-1]} with the same answer): "
          f"{', '.join(over) or 'none'}")


if __name__ == "__main__":
    main()
