"""Validation: pyshacl against ``ontology/shapes.ttl`` plus the violation queries in ``queries/checks/``.

A check query is named ``<name>-violation.rq``; every row it returns is one violation. The build runs
the checks on Oxigraph (the terms it converts once for the dumps anyway); every saved query gives the
same rows on both engines, and ``tests/pipeline/test_validate.py`` checks it for these.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import warnings
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import RDF, SH, Graph, Literal
from rdflib.term import Node

from serge_kg.errors import ShapeLoadError
from serge_kg.query.engines import run_oxigraph, run_rdflib
from serge_kg.query.saved import list_queries

from .export import OxTriples


@dataclass
class Report:
    """The outcome of validation: conforming or not, with one readable line per violation."""

    shacl_conforms: bool
    violations: list[str] = field(default_factory=list)
    checks_run: int = 0

    @property
    def conforms(self) -> bool:
        return self.shacl_conforms and not self.violations


def load_shapes(path: Path) -> Graph:
    """Parse the shapes graph.

    :raises ShapeLoadError: if it is missing or not Turtle.
    """
    try:
        return Graph().parse(path, format="turtle")
    except Exception as exc:  # rdflib's Turtle parser raises many types (IndexError on a cut-off file)
        raise ShapeLoadError(f"{path}: cannot load SHACL shapes: {exc}") from exc


def _short(node: Node | None, graph: Graph) -> str:
    if node is None:
        return "-"
    if isinstance(node, Literal):
        return repr(str(node))
    try:
        return graph.namespace_manager.normalizeUri(node)  # type: ignore[arg-type]
    except Exception:
        return str(node)


def shacl_violations(data: Graph, shapes: Graph, ontology: Graph | None = None) -> tuple[bool, list[str]]:
    """Run pyshacl (no extra inference: the data already holds its closure when that matters).

    ``data`` is validated in place (pyshacl mixes the ontology into it rather than into a copy: a third
    of the validation time), so callers pass a graph made for the purpose.
    """
    conforms, results, _ = shacl_validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                          abort_on_first=False, allow_warnings=True, advanced=True,
                                          inplace=True)
    lines = []
    for res in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(res, SH.resultSeverity)
        if severity != SH.Violation:
            continue
        focus = _short(results.value(res, SH.focusNode), data)
        path = _short(results.value(res, SH.resultPath), data)
        msg = results.value(res, SH.resultMessage)
        value = results.value(res, SH.value)
        lines.append(f"SHACL {focus} {path}: {msg}" + (f" (value {_short(value, data)})" if value is not None else ""))
    return bool(conforms), sorted(lines)


def check_violations(graph: Graph, queries_dir: Path, store: ox.Store | None = None) -> tuple[int, list[str]]:
    """Run every ``queries/checks/*-violation.rq`` (on ``store``, the same triples in Oxigraph, if given,
    else on rdflib); each row becomes a line."""
    lines: list[str] = []
    checks = [q for q in list_queries(queries_dir, "checks") if q.name.endswith("-violation")]
    if not checks:  # without them "conforms" would be a claim nobody checked
        raise ShapeLoadError(f"{queries_dir / 'checks'}: no check queries (*-violation.rq); the build needs "
                             "them to validate the data (restore queries/checks/ from the repository)")
    for q in checks:
        res = run_oxigraph(q, store, {}) if store is not None else run_rdflib(q, graph, {})
        for row in res.rows:
            cells = ", ".join(f"{c}={_short(v, graph)}" for c, v in zip(res.columns, row))
            lines.append(f"CHECK {q.name}: {q.summary} [{cells}]")
    return len(checks), lines


def _union(asserted: Graph, inferred: Graph) -> Graph:
    union = Graph()
    for g in (asserted, inferred):
        for t in g:
            union.add(t)
    for prefix, ns in asserted.namespaces():
        union.bind(prefix, ns)
    return union


def _shacl_child(conn: Connection, asserted: Graph, inferred: Graph, shapes: Graph, ontology: Graph) -> None:
    """In the forked process: validate, send (conforms, lines) or the error's text back, and exit."""
    try:
        conn.send(("ok", shacl_violations(_union(asserted, inferred), shapes, ontology)))
    except BaseException as exc:  # noqa: BLE001 - whatever fails here is reported by the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class PendingValidation:
    """Validation started by :func:`start_validation`: SHACL runs beside the caller's other work (in a
    forked process, where the platform forks), the check queries run here; :meth:`report` waits for both."""

    def __init__(self, asserted: Graph, inferred: Graph, ontology: Graph, shapes: Graph, queries_dir: Path,
                 triples: OxTriples | None) -> None:
        self._graphs = (asserted, inferred, shapes, ontology)
        self._queries_dir, self._triples = queries_dir, triples or OxTriples()
        self._process: BaseProcess | None = None
        if "fork" in mp.get_all_start_methods() and (os.cpu_count() or 1) > 1:
            # forked, the child sees the graphs without copying or pickling them; pyshacl is pure Python,
            # so a thread would not run beside the exports
            ctx = mp.get_context("fork")
            self._conn, child_conn = ctx.Pipe(duplex=False)
            self._process = ctx.Process(target=_shacl_child, args=(child_conn, *self._graphs), daemon=True)
            with warnings.catch_warnings():  # Python 3.12+ warns on fork with threads; the child runs no Oxigraph
                warnings.simplefilter("ignore", DeprecationWarning)
                self._process.start()
            child_conn.close()

    def report(self) -> Report:
        """Wait for SHACL and run the check queries.

        :raises ShapeLoadError: if SHACL validation itself failed (not: found violations).
        """
        asserted, inferred = self._graphs[:2]
        try:
            store = ox.Store()
            store.bulk_extend([ox.Quad(t.subject, t.predicate, t.object)
                               for g in (asserted, inferred) for t in self._triples(g)])
            n, check_lines = check_violations(asserted, self._queries_dir, store)
        except BaseException:
            if self._process is not None:  # no stray process validating for nobody
                self._process.kill()
                self._process.join()
                self._conn.close()
            raise
        conforms, lines = self._shacl()
        return Report(conforms, lines + check_lines, n)

    def _shacl(self) -> tuple[bool, list[str]]:
        """SHACL's outcome: from the forked process, or run here."""
        asserted, inferred, shapes, ontology = self._graphs
        if self._process is None:
            try:
                return shacl_violations(_union(asserted, inferred), shapes, ontology)
            except Exception as exc:  # pyshacl raises many types for shapes it cannot use
                raise ShapeLoadError(f"SHACL validation could not run: {type(exc).__name__}: {exc}") from exc
        try:
            status, value = self._conn.recv()
        except EOFError:
            status, value = "error", f"the validating process ended with exit code {self._process.exitcode}"
        finally:
            self._process.join()
            self._conn.close()
        if status != "ok":
            raise ShapeLoadError(f"SHACL validation could not run: {value}")
        return value  # type: ignore[no-any-return]


def start_validation(asserted: Graph, inferred: Graph, ontology: Graph, shapes: Graph, queries_dir: Path,
                     triples: OxTriples | None = None) -> PendingValidation:
    """Start validating asserted + inferred data against the shapes and the check queries (the graphs
    must not change until :meth:`PendingValidation.report`)."""
    return PendingValidation(asserted, inferred, ontology, shapes, queries_dir, triples)


def validate_graph(asserted: Graph, inferred: Graph, ontology: Graph, shapes: Graph, queries_dir: Path,
                   triples: OxTriples | None = None) -> Report:
    """Validate asserted + inferred data against the shapes and the check queries.

    :param triples: the graphs' Oxigraph terms, shared with the exports (see :class:`~.export.OxTriples`).
    """
    return start_validation(asserted, inferred, ontology, shapes, queries_dir, triples).report()
