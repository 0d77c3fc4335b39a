"""OWL-RL closure of the asserted graph plus the ontology, kept as a SEPARATE inferred graph.

We run owlrl's OWL-RL rules without its one-time datatype pass (rules dt-eq / dt-diff), which compares
every pair of distinct literals and dominates the run time on larger graphs; none of our rules depends
on literal equality, and ``tests/test_reason.py`` checks that both give the same triples on our data.
``owl:sameAs`` links to Wikidata items are left out of the reasoning input: with them, OWL-RL's
equality rules would copy every fact onto the Wikidata IRIs (and the filter below would drop them).
The inferred graph keeps only triples about our own resources and sources: no literal subjects, no
``x owl:sameAs x``, none of owlrl's axioms about the RDF/OWL vocabularies.

Two reasoners give that graph, triple for triple (``tests/pipeline/test_reason.py`` checks it on the
real data and on a scaled copy): ``reasonable`` (a Rust OWL 2 RL reasoner, the build's default, 3-4x
faster) and owlrl (pure Python, the reference). ``reasonable`` types every simple literal
``xsd:string`` (mapped back here to the input's literal) and leaves out most triples about ontology
terms, which depend on the ontology alone: those come from owlrl's closure of the ontology, computed
once per ontology.
"""

from __future__ import annotations

import hashlib
import types
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import owlrl.Closure
import owlrl.OWLRL
from owlrl import DeductiveClosure
from owlrl.OWLRL import OWLRL_Semantics
from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from serge_kg.errors import BuildStateError
from serge_kg.formats import REASONERS
from serge_kg.namespaces import BASE

from .convert import new_graph


class LeanOWLRLSemantics(OWLRL_Semantics):
    """OWL-RL without the literal-pair datatype rules, and without the equality rules when they
    cannot fire (see module docstring)."""

    _equality_possible = True

    def one_time_rules(self) -> None:
        """Only cls-thing, cls-nothing1 and prp-ap; not dt-types*, dt-eq, dt-diff."""
        self._one_time_rules_misc()
        # eq-* rules need an owl:sameAs triple; none is in the input (links to Wikidata are kept out
        # of reasoning) and none can be derived without functional / inverse-functional properties,
        # owl:hasKey or max-cardinality-1 restrictions, which the ontology does not use.
        self._equality_possible = any(True for _ in self.graph.triples((None, OWL.sameAs, None))) or any(
            True for kind in (OWL.FunctionalProperty, OWL.InverseFunctionalProperty)
            for _ in self.graph.triples((None, RDF.type, kind))) or any(
            True for _ in self.graph.triples((None, OWL.hasKey, None)))

    def _equality(self, t: tuple[Node, Node, Node], cycle_num: int) -> None:
        if self._equality_possible:
            super()._equality(t, cycle_num)


class _Terms(types.SimpleNamespace):
    """Pre-resolved terms of one namespace, falling back to the real namespace for anything else."""

    def __init__(self, ns: type) -> None:
        names = {n for klass in ns.__mro__ for n in getattr(klass, "__annotations__", {})}
        super().__init__(**{n: ns[n] for n in names if not n.startswith("_")})
        object.__setattr__(self, "_ns", ns)

    def __getattr__(self, name: str) -> URIRef:
        return getattr(object.__getattribute__(self, "_ns"), name)

    def __getitem__(self, name: str) -> URIRef:
        return object.__getattribute__(self, "_ns")[name]

    def __contains__(self, term: object) -> bool:
        return term in object.__getattribute__(self, "_ns")


def _resolved(ns: type) -> _Terms:
    """A namespace whose terms are plain attributes (rdflib resolves ``OWL.sameAs`` through a slow
    metaclass ``__getattr__``; owlrl looks terms up millions of times)."""
    return _Terms(ns)


@contextmanager
def _fast_vocabulary() -> Iterator[None]:
    """Give owlrl's rule modules pre-resolved OWL/RDF/RDFS terms for the duration of a closure."""
    modules = (owlrl.OWLRL, owlrl.Closure)
    saved = [(m, {k: getattr(m, k) for k in ("OWL", "RDF", "RDFS") if hasattr(m, k)}) for m in modules]
    fast = {"OWL": _resolved(OWL), "RDF": _resolved(RDF), "RDFS": _resolved(RDFS)}
    try:
        for m, old in saved:
            for k in old:
                setattr(m, k, fast[k])
        yield
    finally:
        for m, old in saved:
            for k, v in old.items():
                setattr(m, k, v)


def _keep(triple: tuple[Node, Node, Node], allowed_subjects: set[URIRef]) -> bool:
    s, p, o = triple
    if isinstance(s, Literal) or (p == OWL.sameAs and s == o):
        return False
    return isinstance(s, URIRef) and (str(s).startswith(BASE) or s in allowed_subjects)


def _premises(asserted: Graph, ontology: Graph) -> Graph:
    """What the reasoners start from: the asserted triples without links to Wikidata, and the ontology."""
    work = Graph()
    for t in asserted:
        if t[1] != OWL.sameAs:  # links to Wikidata are identifiers, not premises (see docstring)
            work.add(t)
    for t in ontology:
        work.add(t)
    return work


def infer(asserted: Graph, ontology: Graph, full: bool = False,
          extra_subjects: Iterable[URIRef] = (), reasoner: str = "reasonable") -> Graph:
    """The triples OWL-RL entails from ``asserted`` + ``ontology`` that neither already contains.

    :param full: use owlrl's complete OWL-RL semantics, datatype pass included (slow; for comparison).
    :param extra_subjects: non-project IRIs whose inferred triples are kept (the source documents).
    :param reasoner: ``reasonable`` or ``owlrl`` (the reference; always with ``full``).
    :raises BuildStateError: if the reasoner is not one of :data:`~serge_kg.formats.REASONERS`.
    """
    if reasoner not in REASONERS:
        raise BuildStateError(f"unknown reasoner {reasoner!r} (allowed: {', '.join(REASONERS)})")
    allowed = set(extra_subjects)
    if reasoner == "reasonable" and not full:
        return _infer_reasonable(asserted, ontology, allowed)
    work = _premises(asserted, ontology)
    semantics = OWLRL_Semantics if full else LeanOWLRLSemantics
    with _fast_vocabulary():
        DeductiveClosure(semantics, rdfs_closure=False, axiomatic_triples=False,
                         datatype_axioms=False).expand(work)
    inferred = new_graph()
    for t in work:
        if t not in asserted and t not in ontology and _keep(t, allowed):
            inferred.add(t)
    return inferred


def _infer_reasonable(asserted: Graph, ontology: Graph, allowed: set[URIRef]) -> Graph:
    import reasonable  # a compiled extension: loaded only by a build that reasons

    # the premises as a list, not a Graph: reasonable copies them anyway
    work = [t for t in asserted if t[1] != OWL.sameAs] + list(ontology)
    # reasonable returns every simple literal as xsd:string: map each back to the input's literal
    forms: dict[tuple[str, str | None, str], set[Literal]] = {}
    for _, _, o in work:
        if isinstance(o, Literal):
            forms.setdefault((str(o), o.language, str(o.datatype or XSD.string)), set()).add(o)
    engine = reasonable.PyReasoner()
    engine.from_graph(work)
    terms = set(ontology.subjects())
    inferred = new_graph()
    for s, p, o in engine.reason():
        if s in terms:  # about the ontology alone: from owlrl's closure of it, below
            continue
        if isinstance(o, Literal):
            found = forms.get((str(o), o.language, str(o.datatype or XSD.string)))
            o = next(iter(found)) if found and len(found) == 1 else o
        t = (s, p, o)
        if t not in asserted and t not in ontology and _keep(t, allowed):
            inferred.add(t)
    for t in _ontology_closure(ontology):
        inferred.add(t)
    return inferred


_ONTOLOGY_CLOSURES: dict[str, Graph] = {}


def _ontology_closure(ontology: Graph) -> Graph:
    """owlrl's inferred triples from the ontology alone, once per ontology (keyed by its content)."""
    key = hashlib.sha256(b"\n".join(sorted(ontology.serialize(format="nt", encoding="utf-8").splitlines())))
    found = _ONTOLOGY_CLOSURES.get(key.hexdigest())
    if found is None:
        if len(_ONTOLOGY_CLOSURES) >= 4:  # bounded: a long-lived process may see edited ontologies
            _ONTOLOGY_CLOSURES.clear()
        found = _ONTOLOGY_CLOSURES[key.hexdigest()] = infer(Graph(), ontology, reasoner="owlrl")
    return found
