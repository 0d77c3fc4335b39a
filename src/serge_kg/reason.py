"""OWL-RL closure of the asserted graph plus the ontology, kept as a SEPARATE inferred graph.

We run owlrl's OWL-RL rules without its one-time datatype pass (rules dt-eq / dt-diff), which compares
every pair of distinct literals and dominates the run time on larger graphs; none of our rules depends
on literal equality, and ``tests/test_reason.py`` checks that both give the same triples on our data.
The inferred graph keeps only triples about our own resources and sources: no literal subjects, no
``x owl:sameAs x``, none of owlrl's axioms about the RDF/OWL vocabularies.
"""

from __future__ import annotations

from collections.abc import Iterable

from owlrl import DeductiveClosure
from owlrl.OWLRL import OWLRL_Semantics
from rdflib import OWL, Graph, Literal, URIRef
from rdflib.term import Node

from .convert import new_graph
from .namespaces import BASE


class LeanOWLRLSemantics(OWLRL_Semantics):
    """OWL-RL without the literal-pair datatype rules (see module docstring)."""

    def one_time_rules(self) -> None:
        """Only cls-thing, cls-nothing1 and prp-ap; not dt-types*, dt-eq, dt-diff."""
        self._one_time_rules_misc()


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
        work.add(t)
    for t in ontology:
        work.add(t)
    semantics = OWLRL_Semantics if full else LeanOWLRLSemantics
    DeductiveClosure(semantics, rdfs_closure=False, axiomatic_triples=False,
                     datatype_axioms=False).expand(work)
    allowed = set(extra_subjects)
    inferred = new_graph()
    for t in work:
        if t not in asserted and t not in ontology and _keep(t, allowed):
            inferred.add(t)
    return inferred
