"""Serialisations of the graph: Turtle, N-Triples, JSON-LD (local context), TriG, N-Quads; VoID/DCAT.

Turtle and N-Triples are deterministic (sorted), so the same data gives byte-identical files and a
diff of the output is a review of the data change. Files are written atomically (temporary file,
then rename), so a failed run never leaves a half-written export, with the mode a plain ``open``
would give (0644 under the usual umask 022).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import DCAT, DCTERMS, FOAF, RDF, RDFS, VOID, XSD, Graph, Literal, URIRef

from serge_kg.errors import ExportError
from serge_kg.formats import FORMATS
from serge_kg.namespaces import (
    ASSERTED_GRAPH,
    BASE,
    DATA_LICENSE,
    DATASET_IRI,
    ID,
    INFERRED_GRAPH,
    ONTOLOGY_IRI,
    PREFIXES,
    SK,
)
from serge_kg.query.engines import ox_triples

# The dump files of build/ (and /dumps/), by what they hold: "asserted" or "inferred" triples only,
# or "both": the asserted and inferred triples as the two named graphs (TriG, N-Quads).
DUMPS: dict[str, tuple[str, str]] = {
    "serge.ttl": ("turtle", "asserted"),
    "serge.nt": ("ntriples", "asserted"),
    "serge.jsonld": ("jsonld", "asserted"),
    "serge-inferred.ttl": ("turtle", "inferred"),
    "serge-inferred.nt": ("ntriples", "inferred"),
    "serge.trig": ("trig", "both"),
    "serge.nq": ("nquads", "both"),
}
# the same files as the build writes them: name -> (serialisation, include the inferred triples)
OUTPUTS: dict[str, tuple[str, bool]] = {
    name: (f"{fmt}-inferred-only" if part == "inferred" else fmt, part != "asserted")
    for name, (fmt, part) in DUMPS.items()
}

DUMP_CONTENTS = {"asserted": "the asserted triples only", "inferred": "the OWL-RL inferred triples only",
                 "both": "the asserted and the inferred triples, as the named graphs "
                         f"<{ASSERTED_GRAPH}> and <{INFERRED_GRAPH}>"}


def load_context(path: Path) -> dict[str, Any]:
    """The JSON-LD context object of ``ontology/context.jsonld``.

    :raises ExportError: if the file is missing or not JSON.
    """
    try:
        return json.loads(path.read_text(encoding="utf-8"))["@context"]
    except (OSError, ValueError, KeyError) as exc:
        raise ExportError(f"{path}: cannot read the JSON-LD context: {exc}") from exc


def _sort_key(t: ox.Triple) -> tuple[str, str, str]:
    return (str(t.subject), str(t.predicate), str(t.object))


def _convert(graph: Graph) -> list[ox.Triple]:
    """The graph as Oxigraph triples, sorted so that every serialisation is deterministic."""
    triples = ox_triples(graph)
    triples.sort(key=_sort_key)
    return triples


class OxTriples:
    """Each graph's triples converted to Oxigraph terms and sorted once, shared by every serialisation
    of one build (the graphs must not change while it is in use)."""

    def __init__(self) -> None:
        self._done: dict[int, tuple[Graph, list[ox.Triple]]] = {}

    def __call__(self, graph: Graph) -> list[ox.Triple]:
        hit = self._done.get(id(graph))
        if hit is None or hit[0] is not graph:  # the graph is kept, so its id cannot be reused meanwhile
            hit = self._done[id(graph)] = (graph, _convert(graph))
        return hit[1]


def _ox_quads(asserted: Graph, inferred: Graph | None, triples: OxTriples) -> list[ox.Quad]:
    quads = []
    for g, name in ((asserted, ASSERTED_GRAPH), (inferred, INFERRED_GRAPH)):
        if g is not None:
            graph_name = ox.NamedNode(str(name))
            quads += [ox.Quad(t.subject, t.predicate, t.object, graph_name) for t in triples(g)]
    return quads


def _merged(asserted: Graph, inferred: Graph, triples: OxTriples) -> list[ox.Triple]:
    """The union of both graphs' triples (each once), sorted."""
    return sorted(set(triples(asserted)) | set(triples(inferred)), key=_sort_key)


def _sorted_lines(data: bytes) -> bytes:
    lines = sorted(set(line for line in data.decode("utf-8").splitlines() if line.strip()))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _canonical(node: Any) -> Any:
    """JSON-LD with every array sorted (rdflib emits values in hash order), for byte-stable output."""
    if isinstance(node, dict):
        return {k: (v if k == "@context" else _canonical(v)) for k, v in node.items()}
    if isinstance(node, list):
        items = [_canonical(v) for v in node]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return node


def serialize(fmt: str, asserted: Graph, inferred: Graph | None = None,
              context: dict[str, Any] | None = None, *, triples: OxTriples | None = None) -> bytes:
    """One serialisation. For triple formats, ``inferred`` (if given) is merged in; for TriG and
    N-Quads, asserted and inferred triples go to two named graphs.

    :param triples: converted triples shared with other serialisations of the same graphs (see :class:`OxTriples`).
    :raises ExportError: for an unknown format.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format '{fmt}' (allowed: {', '.join(FORMATS)})")
    triples = triples or OxTriples()
    if fmt == "trig":
        return ox.serialize(_ox_quads(asserted, inferred, triples), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    if fmt == "nquads":
        return _sorted_lines(ox.serialize(_ox_quads(asserted, inferred, triples), format=ox.RdfFormat.N_QUADS))
    if fmt in ("ntriples", "turtle"):
        sorted_triples = triples(asserted) if inferred is None else _merged(asserted, inferred, triples)
        if fmt == "ntriples":
            return _sorted_lines(ox.serialize(sorted_triples, format=ox.RdfFormat.N_TRIPLES))
        return ox.serialize(sorted_triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    graph = asserted
    if inferred is not None:
        graph = Graph()
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns, replace=True)
        for g in (asserted, inferred):
            for t in g:
                graph.add(t)
    data = _canonical(json.loads(graph.serialize(format="json-ld", context=context or {}, auto_compact=True)))
    if isinstance(data, dict) and context:
        data["@context"] = context  # the local context, inline: no remote fetch needed to expand
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename.

    :raises ExportError: if the folder cannot be written.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file 0600, whatever the umask
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ExportError(f"{path}: cannot write: {exc}") from exc


def _umask() -> int:
    """The process umask, read without changing it where Linux allows (os.umask can only set it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def describe_dataset(asserted: Graph, inferred: Graph, sources: list[dict[str, str]],
                     dump_base: str = BASE + "dumps/") -> Graph:
    """A VoID + DCAT description: licence, sources, triple counts, class partitions, example resources."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns, replace=True)
    d = DATASET_IRI
    g.add((d, RDF.type, VOID.Dataset))
    g.add((d, RDF.type, DCAT.Dataset))
    g.add((d, DCTERMS.title, Literal("serge-kg: a knowledge graph of Victor Serge (1890-1947)", lang="en")))
    g.add((d, DCTERMS.description, Literal(
        "People, organizations, places, works, translations and events of Victor Serge's life, each fact "
        "with a verbatim quote from its source and the scholarly citation the source gives.", lang="en")))
    g.add((d, DCTERMS.license, DATA_LICENSE))
    g.add((d, VOID.uriSpace, Literal(str(ID))))
    g.add((d, VOID.vocabulary, URIRef(str(SK._NS))))
    g.add((d, DCTERMS.conformsTo, ONTOLOGY_IRI))
    g.add((d, VOID.triples, Literal(len(asserted) + len(inferred), datatype=XSD.integer)))
    g.add((d, VOID.entities, Literal(len(set(asserted.subjects(RDF.type, None))), datatype=XSD.integer)))
    g.add((d, VOID.exampleResource, ID["person/victor-serge"]))
    g.add((d, VOID.sparqlEndpoint, URIRef(BASE + "sparql")))
    for src in sources:
        g.add((d, DCTERMS.source, URIRef(src["revision_url"])))
        g.add((URIRef(src["revision_url"]), DCTERMS.title, Literal(src["title"])))
        g.add((URIRef(src["revision_url"]), DCTERMS.license, URIRef(src["licence"])))
        g.add((URIRef(src["revision_url"]), DCTERMS.bibliographicCitation, Literal(src["attribution"].strip())))
    for part, graph, label in ((ASSERTED_GRAPH, asserted, "asserted"), (INFERRED_GRAPH, inferred, "inferred")):
        g.add((d, VOID.subset, part))
        g.add((part, RDF.type, VOID.Dataset))
        g.add((part, RDFS.label, Literal(f"{label} triples", lang="en")))
        g.add((part, VOID.triples, Literal(len(graph), datatype=XSD.integer)))
    for cls in sorted(set(asserted.objects(None, RDF.type))):
        if not str(cls).startswith(str(SK._NS)):
            continue
        part = URIRef(f"{d}/class/{str(cls).rsplit('#', 1)[1]}")
        g.add((d, VOID.classPartition, part))
        g.add((part, VOID["class"], cls))
        g.add((part, VOID.entities, Literal(len(set(asserted.subjects(RDF.type, cls))), datatype=XSD.integer)))
    # each dump is a data dump of the part it holds: the asserted or the inferred subset, or the whole
    for name, (fmt, holds) in DUMPS.items():
        dist = URIRef(f"{dump_base}{name}")
        part = {"asserted": ASSERTED_GRAPH, "inferred": INFERRED_GRAPH, "both": d}[holds]
        g.add((d, DCAT.distribution, dist))
        g.add((part, VOID.dataDump, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, dist))
        g.add((dist, DCAT.mediaType, Literal(FORMATS[fmt][1])))
        g.add((dist, DCTERMS.format, Literal(fmt)))
        g.add((dist, DCTERMS.description, Literal(f"{FORMATS[fmt][1]}: {DUMP_CONTENTS[holds]}", lang="en")))
        triples = {"asserted": len(asserted), "inferred": len(inferred), "both": len(asserted) + len(inferred)}[holds]
        g.add((dist, VOID.triples, Literal(triples, datatype=XSD.integer)))
    g.add((d, FOAF.homepage, URIRef(BASE)))
    return g
