#!/usr/bin/env python3
"""owlrl (the build's reasoner) against ``reasonable`` (a Rust OWL 2 RL reasoner on PyPI): time and parity.

Run:  .venv/bin/pip install reasonable==0.4.4 && .venv/bin/python benchmarks/bench_reason.py [--repeat 3]
Not a test and not a dependency: it says whether `reasonable` could replace owlrl in the build. It
compares the inferred graph the build keeps (reason.infer) with reasonable's closure of the same input,
after mapping reasonable's literals back to the input's (it types every simple literal xsd:string)
and taking the triples about ontology terms from owlrl's closure of the ontology alone (computed once
per ontology; reasonable leaves most of them out). Parity means both difference counts are 0.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from rdflib import OWL, XSD, Graph, Literal, URIRef

from serge_kg.paths import Paths, find_root
from serge_kg.pipeline.build import build
from serge_kg.pipeline.reason import _keep, infer


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (median reported)")
    args = ap.parse_args()
    try:
        import reasonable
    except ImportError:
        print("reasonable is not installed: .venv/bin/pip install reasonable==0.4.4", file=sys.stderr)
        return 2
    paths = Paths(find_root(Path.cwd()))
    result = build(paths, reason=False, validate=False, write=False)
    asserted, ontology = result.asserted, result.ontology
    sources = [URIRef(s.meta["revision_url"]) for s in result.dataset.sources.values()]

    owl_t, rs_t, schema_t = [], [], []
    for _ in range(args.repeat):
        t = time.process_time()
        reference = infer(asserted, ontology, extra_subjects=sources)
        owl_t.append(time.process_time() - t)
        t = time.process_time()
        work = Graph()
        for triple in asserted:
            if triple[1] != OWL.sameAs:
                work.add(triple)
        for triple in ontology:
            work.add(triple)
        reasoner = reasonable.PyReasoner()
        reasoner.from_graph(work)
        closure = reasoner.reason()
        rs_t.append(time.process_time() - t)
        t = time.process_time()
        schema = infer(Graph(), ontology, extra_subjects=sources)
        schema_t.append(time.process_time() - t)

    forms: dict[tuple[str, str | None, str], set[Literal]] = {}
    for _, _, o in work:
        if isinstance(o, Literal):
            forms.setdefault((str(o), o.language, str(o.datatype or XSD.string)), set()).add(o)

    def back(term: object) -> object:
        if isinstance(term, Literal):
            found = forms.get((str(term), term.language, str(term.datatype or XSD.string)))
            if found and len(found) == 1:
                return next(iter(found))
        return term

    terms = set(ontology.subjects())
    allowed = set(sources)
    instance = {(s, p, back(o)) for s, p, o in closure if s not in terms}
    kept = {t for t in instance if t not in asserted and t not in ontology and _keep(t, allowed)} | set(schema)
    ref = set(reference)
    only_owlrl, only_reasonable = ref - kept, kept - ref
    m = statistics.median
    print(f"input: {len(asserted)} asserted + {len(ontology)} ontology triples; median CPU s of {args.repeat} runs")
    print(f"{'reasoner':<44}{'s':>8}{'ratio':>8}")
    print(f"{'owlrl (lean OWL-RL, the build)':<44}{m(owl_t):>8.3f}{1:>8.2f}")
    print(f"{'reasonable 0.4.4 (incl. graph copy)':<44}{m(rs_t):>8.3f}{m(rs_t) / m(owl_t):>8.2f}")
    print(f"{'owlrl on the ontology alone (cacheable)':<44}{m(schema_t):>8.3f}")
    print(f"\ninferred triples: owlrl {len(ref)}, reasonable + ontology closure {len(kept)}")
    print(f"only in owlrl: {len(only_owlrl)}; only in reasonable: {len(only_reasonable)}")
    for label, diff in (("owlrl", only_owlrl), ("reasonable", only_reasonable)):
        for triple in sorted(diff)[:40]:
            print(f"  only {label}: {' '.join(t.n3() for t in triple)}")
    print("parity:", "yes" if not only_owlrl and not only_reasonable else "NO (keep owlrl)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
