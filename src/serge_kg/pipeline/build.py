"""The build, stage by stage: load records -> convert -> derive shortcuts -> reason -> validate -> export.

Each stage is timed; ``progress`` (if given) is told when a stage starts, so the CLI can show it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Graph, URIRef

from serge_kg.namespaces import SK
from serge_kg.paths import Paths
from serge_kg.progress import Progress
from serge_kg.query.engines import run_rdflib
from serge_kg.query.saved import list_queries

from .convert import convert, new_graph
from .export import OUTPUTS, OxTriples, describe_dataset, load_context, serialize
from .fingerprint import built_dumps, input_fingerprint
from .generation import write_generation, write_violations
from .ontology import load_ontology
from .reason import infer
from .records import Dataset, load_dataset
from .validate import Report, load_shapes, start_validation


@dataclass
class BuildResult:
    """Everything one build produced."""

    dataset: Dataset
    ontology: Graph
    asserted: Graph
    inferred: Graph
    report: Report | None = None
    timings: dict[str, float] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)

    def class_counts(self) -> dict[str, int]:
        """Number of instances of each of our classes in the asserted graph."""
        counts: dict[str, int] = {}
        for cls in set(self.asserted.objects(None, RDF.type)):
            if str(cls).startswith(str(SK._NS)):
                counts[str(cls).rsplit("#", 1)[1]] = len(set(self.asserted.subjects(RDF.type, cls)))
        return dict(sorted(counts.items()))


def derive(graph: Graph, queries_dir: Path) -> int:
    """Add the shortcut triples of ``queries/construct/*.rq`` (e.g. birth date on the person) to ``graph``."""
    added = 0
    for q in list_queries(queries_dir, "construct"):
        res = run_rdflib(q, graph, {})
        for t in res.graph or ():
            if t not in graph:
                graph.add(t)
                added += 1
    return added


def build(paths: Paths, *, reason: bool = True, validate: bool = True, write: bool = True,
          progress: Progress | None = None, reasoner: str = "reasonable") -> BuildResult:
    """Run the pipeline; with ``write``, put every export and a report into ``build/`` as one generation.

    ``reasoner`` is ``reasonable`` (fast) or ``owlrl`` (the reference); both give the same triples.

    Nothing is written unless every earlier stage succeeded; data that does not conform writes only
    ``build/violations.json`` and leaves the last generation as it was.
    """
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}

    def stage(name: str) -> float:
        say(name)
        return time.perf_counter()

    t = stage("load records")
    fingerprint = input_fingerprint(paths) if write else None  # before reading: what this build is built from
    dataset = load_dataset(paths.data)
    ontology = load_ontology(paths)
    timings["load"] = time.perf_counter() - t

    t = stage("convert to RDF")
    asserted = convert(dataset)
    derive(asserted, paths.queries)
    timings["convert"] = time.perf_counter() - t

    inferred = new_graph()
    if reason:
        t = stage("reason (OWL-RL)")
        sources = [s.meta["revision_url"] for s in dataset.sources.values()]
        inferred = infer(asserted, ontology, extra_subjects=[URIRef(u) for u in sources], reasoner=reasoner)
        timings["reason"] = time.perf_counter() - t
    result = BuildResult(dataset, ontology, asserted, inferred, timings=timings)
    triples = OxTriples()  # each graph converted to Oxigraph terms once, for the check queries and every dump

    meta = {"inputs": fingerprint, "reasoned": reason, "reasoner": reasoner if reason else None}
    if not validate:
        if write:
            t = stage("export")
            result.outputs = write_outputs(result, paths, meta, triples)
            timings["export"] = time.perf_counter() - t
        return result

    # SHACL runs in a second process while this one runs the check queries and serialises the exports,
    # which are written only if the data conforms
    t = stage("validate (SHACL + checks) and export, side by side" if write else "validate (SHACL + checks)")
    pending = start_validation(asserted, inferred, ontology, load_shapes(paths.shapes), paths.queries, triples)
    blobs = serialize_outputs(result, paths, triples) if write else {}
    result.report = pending.report()
    timings["validate + export" if write else "validate"] = time.perf_counter() - t  # side by side: one figure
    if write and not result.report.conforms:
        result.outputs = [write_violations(paths.build, _report(result))]
    elif write:
        t = time.perf_counter()
        result.outputs = _write(result, paths, blobs, meta)
        timings["write"] = time.perf_counter() - t
    return result


def write_outputs(result: BuildResult, paths: Paths, meta: dict[str, object] | None = None,
                  triples: OxTriples | None = None) -> list[Path]:
    """Serialise every output into ``build/`` (atomically) and return the paths written.

    :param meta: more fields for the manifest (see :func:`~.generation.write_generation`).
    :param triples: the graphs' Oxigraph terms if already converted (each graph is converted once for all dumps).
    """
    return _write(result, paths, serialize_outputs(result, paths, triples), meta)


def serialize_outputs(result: BuildResult, paths: Paths, triples: OxTriples | None = None) -> dict[str, bytes]:
    """Every dump and the VoID description, by file name (the report comes last, with the validation)."""
    context = load_context(paths.context)
    blobs: dict[str, bytes] = {}
    triples = triples or OxTriples()
    for name, (fmt, with_inferred) in OUTPUTS.items():
        if fmt.endswith("-inferred-only"):
            blobs[name] = serialize(fmt.split("-")[0], result.inferred, triples=triples)
        else:
            blobs[name] = serialize(fmt, result.asserted, result.inferred if with_inferred else None, context,
                                    triples=triples)
    sources = [s.meta for s in result.dataset.sources.values()]
    if result.dataset.geonames and result.dataset.geonames_source:
        sources.append(result.dataset.geonames_source)  # attributed in VoID as a source of the graph
    blobs["void.ttl"] = serialize("turtle", describe_dataset(result.asserted, result.inferred, sources))
    return blobs


def _write(result: BuildResult, paths: Paths, blobs: dict[str, bytes], meta: dict[str, object] | None) -> list[Path]:
    blobs = {**blobs, "report.json": (json.dumps(_report(result), indent=2, sort_keys=True) + "\n").encode()}
    return write_generation(paths.build, blobs, meta)


def _report(result: BuildResult) -> dict[str, object]:
    return {
        "conforms": result.report.conforms if result.report else None,
        "violations": result.report.violations if result.report else [],
        "asserted_triples": len(result.asserted),
        "inferred_triples": len(result.inferred),
        "records": len(result.dataset.records),
        "classes": result.class_counts(),
    }


def load_graphs(paths: Paths, inferred: bool = False, progress: Progress | None = None) -> tuple[Graph, Graph]:
    """The asserted (and, if asked, inferred) graphs: from ``build/`` when its generation was built from
    the current inputs (and reasoned, if the inferred are asked for), otherwise rebuilt in memory
    (without writing or validating).

    :raises BuildStateError: if ``build/`` holds files of different generations.
    """
    dumps = built_dumps(paths, inferred)
    if dumps is not None:
        asserted = new_graph().parse(dumps[0], format="nt")
        extra = new_graph().parse(dumps[1], format="nt") if inferred else new_graph()
        return asserted, extra
    result = build(paths, reason=inferred, validate=False, write=False, progress=progress)
    return result.asserted, result.inferred
