"""OWL-RL closure of the asserted graph plus the ontology, kept as a SEPARATE inferred graph.

We run owlrl's OWL-RL rules without its one-time datatype pass (rules dt-eq / dt-diff), which compares
every pair of distinct literals and dominates the run time on larger graphs; none of our rules depends
on literal equality, and ``tests/test_reason.py`` checks that both give the same triples on our data.
``owl:sameAs`` links to Wikidata items are left out of the reasoning input: with them, OWL-RL's
equality rules would copy every fact onto the Wikidata IRIs (and the filter below would drop them).
The inferred graph keeps only triples about our own resources and sources: no literal subjects, no
``x owl:sameAs x``, none of owlrl's axioms about the RDF/OWL vocabularies.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import owlrl.Closure
import owlrl.OWLRL
from owlrl import DeductiveClosure
from owlrl.OWLRL import OWLRL_Semantics
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef
from rdflib.term import Node

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


def infer(asserted: Graph, ontology: Graph, full: bool = False,
          extra_subjects: Iterable[URIRef] = ()) -> Graph:
    """The triples OWL-RL entails from ``asserted`` + ``ontology`` that neither already contains.

    :param full: use owlrl's complete OWL-RL semantics, datatype pass included (slow; for comparison).
    :param extra_subjects: non-project IRIs whose inferred triples are kept (the source documents).
    """
    work = Graph()
    for t in asserted:
        if t[1] != OWL.sameAs:  # links to Wikidata are identifiers, not premises (see docstring)
            work.add(t)
    for t in ontology:
        work.add(t)
    semantics = OWLRL_Semantics if full else LeanOWLRLSemantics
    with _fast_vocabulary():
        DeductiveClosure(semantics, rdfs_closure=False, axiomatic_triples=False,
                         datatype_axioms=False).expand(work)
    allowed = set(extra_subjects)
    inferred = new_graph()
    for t in work:
        if t not in asserted and t not in ontology and _keep(t, allowed):
            inferred.add(t)
    return inferred
