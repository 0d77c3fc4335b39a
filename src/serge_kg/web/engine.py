"""The endpoint's loaded graph: rdflib graphs for pages, a pool of query workers, bounded caches.

:class:`Engine` holds the rdflib graphs (pages, dumps) and a :class:`~serge_kg.web.pool.WorkerPool`
whose workers each hold an Oxigraph store (asserted and inferred triples in the default graph and as
two named graphs); :func:`encode` writes an outcome in a SPARQL results format or an RDF format.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.term import Node

from serge_kg.errors import SergeKGError
from serge_kg.paths import Paths
from serge_kg.pipeline.answer import new_graph
from serge_kg.pipeline.export import ASSERTED_GRAPH, INFERRED_GRAPH, OUTPUTS, describe_dataset, load_context, serialize
from serge_kg.pipeline.fingerprint import built_dumps
from serge_kg.pipeline.generation import read_manifest
from serge_kg.pipeline.ontology import load_ontology

from . import pages
from .guard import Guard, QueryRefused
from .pool import Limits, Part, WorkerPool, WorkerProcess
from .worker import CSV, HTML, JSON, JSONLD, NT, RDFXML, TSV, TURTLE, XML, Job, Outcome, Reply, encode

__all__ = ["CSV", "HTML", "JSON", "JSONLD", "NT", "RDFXML", "TSV", "TURTLE", "XML", "Engine", "Job", "Outcome", "Reply",
           "QueryRefused", "encode", "rdf_bytes"]

RESULT_TYPES = {JSON: JSON, "application/json": JSON, XML: XML, CSV: CSV, TSV: TSV}
RDF_TYPES = {TURTLE: TURTLE, "application/x-turtle": TURTLE, JSONLD: JSONLD, "application/json": JSONLD, NT: NT,
             RDFXML: RDFXML, "application/xml": RDFXML}
FORMAT_ALIASES = {"json": JSON, "xml": XML, "csv": CSV, "tsv": TSV, "ttl": TURTLE, "turtle": TURTLE,
                  "jsonld": JSONLD, "json-ld": JSONLD, "nt": NT, "ntriples": NT, "html": HTML, "rdf": RDFXML,
                  "rdfxml": RDFXML}
CACHE_SIZE = 32
log = logging.getLogger(__name__)


class Engine:
    """The loaded graph: rdflib graphs for pages, query workers, a bounded cache of serialisations."""

    def __init__(self, paths: Paths, max_rows: int, limits: Limits | None = None, max_query_bytes: int = 0,
                 extra_graphs: Mapping[str, bytes] | None = None, extra_allow: Iterable[str] = (),
                 wait: bool = True, spawned: Sequence[WorkerProcess] = ()) -> None:
        """Load the build of ``paths`` and start the query workers (``spawned``: ones already started,
        see :func:`~serge_kg.web.pool.spawn_workers`).

        ``extra_graphs`` (IRI -> N-Triples) are served as named graphs only, beside ours, and may be named
        by FROM / FROM NAMED / the dataset parameters, as may the IRIs of ``extra_allow`` (empty graphs):
        the W3C protocol tests use them for their own data. With ``wait`` False the query workers
        start in the background: call :meth:`started` before serving.
        """
        self.paths, self.max_rows = paths, max_rows
        self._lock = threading.Lock()
        manifest = read_manifest(paths.build)  # before loading: a build finishing meanwhile changes the digest
        dumps = built_dumps(paths, inferred=True)
        parts: list[Part] = []
        if dumps is not None and manifest is not None:
            # a current build: the workers load its N-Triples files themselves, and rdflib parses them
            # only when a page or a dump first needs the graphs (warm() does it once the server is up)
            self._dumps: tuple[Path, Path] | None = dumps
            parts = [(str(name), str(path), True) for name, path in zip((ASSERTED_GRAPH, INFERRED_GRAPH), dumps)]
            # the files' digests, checked against the manifest just now, stand for their triples
            identity = [manifest["files"][path.name].encode() for path in dumps]
        else:  # no current build: built in memory now (the pipeline loaded only then)
            from serge_kg.pipeline.build import load_graphs

            asserted, inferred = load_graphs(paths, inferred=True)
            self._dumps = None
            made = [g.serialize(format="nt", encoding="utf-8") for g in (asserted, inferred)]
            parts = [(str(name), nt, True) for name, nt in zip((ASSERTED_GRAPH, INFERRED_GRAPH), made)]
            identity = made
        self._ontology_lock = threading.Lock()
        if self._dumps is None:
            self._set(asserted, inferred)
        self.context = load_context(paths.context)
        for iri, nt in (extra_graphs or {}).items():
            parts.append((iri, nt, False))
            identity += [iri.encode(), nt]
        # the build generation it was started on, and a digest of exactly the triples served (a stale
        # build/ is rebuilt in memory, and a build may land while loading): ETags name both
        digest = hashlib.blake2b(b"\0".join(identity), digest_size=6).hexdigest()
        self.generation = f"{manifest.get('generation') if manifest else 'unbuilt'}.{digest}"
        self.allow = frozenset({str(ASSERTED_GRAPH), str(INFERRED_GRAPH), *(extra_graphs or {}), *extra_allow})
        self.guard = Guard(self.allow, **({"max_bytes": max_query_bytes} if max_query_bytes else {}))
        self.pool = WorkerPool(parts, limits, wait=wait, spawned=spawned)
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self.pinned = threading.Event()  # set once later workers are given the bytes, not the files
        if self._dumps is not None:
            # the first workers read the files; a worker started later (a replacement) must load the
            # same triples even if a new build has replaced the files meanwhile: their bytes are kept,
            # read off the start-up's critical path
            threading.Thread(target=self._pin, args=(parts, identity), name="serge-kg pin dumps", daemon=True).start()
        else:
            self.pinned.set()

    def _pin(self, parts: list[Part], digests: list[bytes]) -> None:
        try:
            kept = [(iri, Path(source).read_bytes() if isinstance(source, str) else source, in_default)
                    for iri, source, in_default in parts]
            if [hashlib.sha256(data).hexdigest().encode() for _, data, _ in kept[:len(digests)]] != digests:
                log.warning("build/ changed while the server started: its query workers may serve different "
                            "builds; restart `serge-kg serve` to serve the new one")
            self.pool.pin(kept)
        except OSError as exc:
            log.warning("could not keep the build's dumps for later query workers (%s); they will read build/", exc)
        finally:
            self.pinned.set()

    @property
    def ontology(self) -> Graph:
        """The ontology (rdflib; parsed on first use: a current build has already checked it)."""
        if "ontology" not in self.__dict__:
            with self._ontology_lock:
                if "ontology" not in self.__dict__:
                    self.__dict__["ontology"] = load_ontology(self.paths)
        return self.__dict__["ontology"]  # type: ignore[no-any-return]

    def _set(self, asserted: Graph, inferred: Graph) -> None:
        # "labels" is set last: its presence says the three are there
        self.__dict__.update(asserted=asserted, inferred=inferred)
        self.__dict__["labels"] = pages.label_index(asserted, self.ontology)

    def _load(self) -> None:
        with self._lock:
            if "labels" not in self.__dict__ and self._dumps is not None:
                # the bytes the workers were given, once kept, so that pages show the same triples
                self.pinned.wait(30)
                asserted, inferred = (new_graph().parse(data=source, format="nt") if isinstance(source, bytes)
                                      else new_graph().parse(source, format="nt")
                                      for _, source, _ in self.pool.parts[:2])
                self._set(asserted, inferred)

    @property
    def asserted(self) -> Graph:
        """The asserted triples (rdflib, for pages and dumps; parsed on first use)."""
        if "labels" not in self.__dict__:
            self._load()
        return self.__dict__["asserted"]  # type: ignore[no-any-return]

    @property
    def inferred(self) -> Graph:
        """The OWL-RL inferred triples (rdflib; parsed on first use)."""
        if "labels" not in self.__dict__:
            self._load()
        return self.__dict__["inferred"]  # type: ignore[no-any-return]

    @property
    def labels(self) -> dict[Node, str]:
        """Labels of the graph's IRIs, for HTML results (made on first use)."""
        if "labels" not in self.__dict__:
            self._load()
        return self.__dict__["labels"]  # type: ignore[no-any-return]

    def warm(self) -> None:
        """Parse the rdflib graphs now (a server calls it once it listens)."""
        self._load()

    def started(self) -> None:
        """Wait for the first query workers (they start while the caller sets up the rest).

        :raises QueryExecutionError: if none could start.
        """
        self.pool.wait_started()

    def execute(self, job: Job) -> Reply:
        """Run a query in a worker (blocking: call it from a thread).

        :raises QueryRefused: 400 if it does not parse or cannot be evaluated, 503/500 (see the pool).
        """
        return self.pool.run(job)

    def cached(self, key: str, make: Callable[[], bytes]) -> bytes:
        """A serialisation made once and kept (dumps, VoID), at most :data:`CACHE_SIZE` of them."""
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        data = make()
        with self._lock:
            self._cache[key] = data
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return data

    def dump(self, name: str) -> bytes:
        """One file of ``build/`` (see :data:`serge_kg.pipeline.OUTPUTS`), made from the loaded graphs."""
        fmt, with_inferred = OUTPUTS[name]
        if fmt.endswith("-inferred-only"):
            return self.cached(name, lambda: serialize(fmt.split("-")[0], self.inferred))
        return self.cached(name, lambda: serialize(fmt, self.asserted, self.inferred if with_inferred else None,
                                                   self.context))

    def void(self, base: str, media: str) -> bytes:
        """The VoID/DCAT description, with dump links under ``base`` (the configured public base)."""
        def make() -> bytes:
            from serge_kg.sources.text import load_sources
            try:
                sources = [s.meta for s in load_sources(self.paths.data / "sources").values()]
            except SergeKGError:
                sources = []
            graph = describe_dataset(self.asserted, self.inferred, sources, dump_base=f"{base}/dumps/")
            return rdf_bytes(graph, media, self.context)
        return self.cached(f"void {base} {media}", make)

    def close(self) -> None:
        """Stop the query workers."""
        self.pool.close()


def rdf_bytes(graph: Graph, media: str, context: dict[str, Any]) -> bytes:
    """A graph in one RDF syntax (JSON-LD compacted with the local context)."""
    if media == RDFXML:
        return graph.serialize(format="pretty-xml", encoding="utf-8")
    if media == JSONLD:
        return graph.serialize(format="json-ld", context=context, auto_compact=True, encoding="utf-8")
    return graph.serialize(format="nt" if media == NT else "turtle", encoding="utf-8")
