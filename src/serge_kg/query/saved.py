"""Saved SPARQL queries: load ``queries/**/*.rq`` with their headers and bind their parameters.

A query file starts with grlc-style header lines (``#+ summary: ...``) holding YAML: ``summary``,
``description``, ``tags``, ``params``, ``unbound``, ``columns``, ``lists``, ``inferred``, ``inline``
and ``engine``; then its own ``PREFIX`` lines: a saved query is standalone SPARQL and runs as written,
with no predeclared prefix. A parameter ``person`` is the variable ``?_person`` in the query; it is
bound (``initBindings`` on rdflib, an inline ``VALUES`` block on Oxigraph), never pasted into the
text. ``unbound`` says what a query with parameters returns run as written, its parameters unbound
(as on any store without our binding).

``inferred: true`` says that the query needs the OWL-RL inferred triples (it asks with aligned
terms such as ``wdt:P569``), which the default graph holds; it gives nothing on the asserted graph
alone. ``lists`` maps a column that joins several values (``GROUP_CONCAT``) to its separator: SPARQL
leaves the order of the joined values unspecified, so stores may join them in different orders, and
the tests compare such a column as a set. ``inline: true`` asks for bound IRI parameters to be written
in place of their variable as well (:mod:`serge_kg.query.inline`), for a query whose ``UNION``,
``OPTIONAL`` or sub-``SELECT`` Oxigraph would otherwise run for every value. ``engine: rdflib`` names the engine a query needs when the
other cannot run it well (the federated query: rdflib sends Wikidata one bound request per row,
Oxigraph an unbound one); ``serge-kg query`` uses it unless ``--engine`` is given. The two engines
that run them, rdflib (the reference) and pyoxigraph, are in :mod:`serge_kg.query.engines`.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from rdflib import XSD, Graph, Literal, URIRef
from rdflib.term import Node

from serge_kg.errors import QueryFileError, QueryParameterError
from serge_kg.formats import ENGINES
from serge_kg.namespaces import ID, PREFIXES
from serge_kg.schema import KIND_DIRS

from .lexer import TooDeep, check_depth

# libyaml's safe loader where PyYAML has it: the headers of every saved query are read at start-up
_HEADER_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

PARAM_TYPES = ("iri", "string", "date", "integer")
INLINE_HEADER = re.compile(r"^#\+ inline: true[ \t]*$", re.M)
"""The header line ``#+ inline: true``, as the binding (:func:`.engines.with_values`) finds it in the text."""


@dataclass(frozen=True)
class Param:
    """A declared query parameter."""

    name: str
    type: str
    description: str = ""
    default: str | None = None


@dataclass
class SavedQuery:
    """A ``.rq`` file: its text and parsed header."""

    name: str
    path: Path
    text: str
    summary: str
    description: str = ""
    tags: list[str] = field(default_factory=list)
    params: list[Param] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    inferred: bool = False  # needs the OWL-RL inferred graph (header ``inferred: true``)
    engine: str | None = None  # engine the query is written for (header ``engine: rdflib``), if any
    lists: dict[str, str] = field(default_factory=dict)  # column -> separator of its GROUP_CONCAT
    unbound: str = ""  # what the query returns with its parameters unbound (header ``unbound``)
    inline: bool = False  # bound IRIs also replace their variable (header ``inline: true``)

    @cached_property
    def prepared(self) -> Any:
        """The rdflib-prepared form (parsed once)."""
        # imported here: rdflib's SPARQL grammar costs ~0.1 s to build, and a query run on Oxigraph never needs it
        from rdflib.plugins.sparql import prepareQuery

        try:
            return prepareQuery(self.text)  # no predeclared prefixes: the file must run as written
        except Exception as exc:  # rdflib raises pyparsing errors of several kinds
            raise QueryFileError(f"{self.path}: does not parse as SPARQL: {exc}") from exc

    @property
    def ordered(self) -> bool:
        """Whether the query fixes the order of its rows (ORDER BY)."""
        return bool(re.search(r"\bORDER\s+BY\b", _strip_comments(self.text), re.I))

    @property
    def form(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE."""
        return str(self.prepared.algebra.name).replace("Query", "").upper()


def _strip_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def parse_query_file(path: Path, name: str | None = None) -> SavedQuery:
    """Read a ``.rq`` file and its header.

    :raises QueryFileError: if the header is not YAML, has no summary, or the file is unreadable.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryFileError(f"{path}: cannot read query: {exc}") from exc
    try:
        check_depth(text)
    except TooDeep as exc:  # Oxigraph's parser would overflow its stack and take the process with it
        raise QueryFileError(f"{path}: {exc}") from None
    header = "\n".join(line[3:] if line.startswith("#+ ") else line[2:]
                       for line in text.splitlines() if line.startswith("#+"))
    try:
        meta = yaml.load(header, Loader=_HEADER_LOADER) or {}  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise QueryFileError(f"{path}: the '#+' header is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict) or not meta.get("summary"):
        raise QueryFileError(f"{path}: header needs '#+ summary: ...' (see queries/README.md)")
    params = []
    for p in meta.get("params") or []:
        if not isinstance(p, dict) or "name" not in p or p.get("type", "string") not in PARAM_TYPES:
            raise QueryFileError(f"{path}: bad parameter declaration {p!r} "
                                 f"(allowed: {{name, type: {'|'.join(PARAM_TYPES)}, description, default}})")
        params.append(Param(p["name"], p.get("type", "string"), p.get("description", ""),
                            None if p.get("default") is None else str(p["default"])))
    inferred = meta.get("inferred", False)
    if not isinstance(inferred, bool):
        raise QueryFileError(f"{path}: header 'inferred' must be true or false, not {inferred!r}")
    inline = meta.get("inline", False)
    if not isinstance(inline, bool) or (inline and not INLINE_HEADER.search(text)):
        raise QueryFileError(f"{path}: header 'inline' must be the line '#+ inline: true' (or left out), "
                             f"not {inline!r}")
    engine = meta.get("engine")
    if engine is not None and engine not in ENGINES:
        raise QueryFileError(f"{path}: header 'engine' must be one of {', '.join(ENGINES)}, not {engine!r}")
    columns = [str(c) for c in meta.get("columns") or []]
    lists = meta.get("lists") or {}
    if not isinstance(lists, dict) or not all(c in columns and isinstance(sep, str) and sep
                                              for c, sep in lists.items()):
        raise QueryFileError(f"{path}: header 'lists' must map declared columns to their separator, "
                             f"like {{titles: \" | \"}}, not {lists!r}")
    return SavedQuery(name or path.stem, path, text, str(meta["summary"]), str(meta.get("description", "")).strip(),
                      list(meta.get("tags") or []), params, columns, inferred, engine, dict(lists),
                      str(meta.get("unbound") or ""), inline=inline)


VIEWS = "views"  # the queries the timeline, map, network and bibliography pages draw from: saved queries too


def list_queries(folder: Path, sub: str = "") -> list[SavedQuery]:
    """The saved queries directly in ``folder/sub``, sorted by name; for ``sub=""`` the reports and the views'.

    :raises QueryFileError: if a view query has the name of a report (names are one namespace).
    """
    found = [parse_query_file(p) for p in sorted((folder / sub).glob("*.rq"))]
    if sub == "":
        views = [parse_query_file(p) for p in sorted((folder / VIEWS).glob("*.rq"))]
        if clash := {q.name for q in found} & {q.name for q in views}:
            raise QueryFileError(f"{folder / VIEWS}: view queries named like reports: {', '.join(sorted(clash))}")
        found = sorted(found + views, key=lambda q: q.name)
    return found


def find_query(folder: Path, name_or_file: str) -> SavedQuery:
    """A saved query by name (``life-timeline``) or by path to a ``.rq`` file.

    :raises QueryFileError: naming the queries that exist, if there is no such query.
    """
    path = Path(name_or_file)
    if path.suffix == ".rq" and path.exists():
        return parse_query_file(path)
    for candidate in (folder / f"{name_or_file}.rq", folder / VIEWS / f"{name_or_file}.rq",
                      folder / "checks" / f"{name_or_file}.rq"):
        if candidate.exists():
            return parse_query_file(candidate)
    names = [q.name for q in list_queries(folder)]
    near = difflib.get_close_matches(name_or_file, names, n=3, cutoff=0.5)
    hint = f"did you mean {' or '.join(near)}? " if near else ""
    raise QueryFileError(f"no saved query '{name_or_file}' ({hint}known: {', '.join(names)}); "
                         "or give a path to a .rq file")


def coerce_param(param: Param, value: str) -> Node:
    """Turn a command-line value into an RDF term of the parameter's type.

    An ``iri`` may be a full IRI, a prefixed name (``skid:person/victor-serge``) or a bare record id
    (``victor-serge``, resolved by :func:`resolve_id`).

    :raises QueryParameterError: if the value has the wrong form.
    """
    if param.type == "iri":
        if re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", value):
            return URIRef(value)
        prefix, sep, local = value.partition(":")
        if sep and prefix in PREFIXES:
            if not re.fullmatch(r"[^\s<>\"{}|\\^`%]*", local):
                raise QueryParameterError(f"parameter '{param.name}': '{value[:200]}' is not a usable prefixed name "
                                          "(no spaces, percent signs, <>\"{}|\\^` in the local part)")
            return URIRef(PREFIXES[prefix] + local)
        if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9-]+)?", value):
            return URIRef(ID[value]) if "/" in value else Literal(value)  # bare id: resolved later
        raise QueryParameterError(f"parameter '{param.name}': '{value}' is not an IRI, prefixed name or record id")
    if param.type == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise QueryParameterError(f"parameter '{param.name}': '{value}' is not an integer")
        return Literal(int(value))
    if param.type == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise QueryParameterError(f"parameter '{param.name}': '{value}' is not a date (YYYY-MM-DD)")
        return Literal(value, datatype=XSD.date)
    return Literal(value)


def resolve_id(graph: Graph, slug: str) -> URIRef:
    """The entity IRI ``.../id/<kind>/<slug>`` present in ``graph``.

    :raises QueryParameterError: if no entity has that id.
    """
    kinds = tuple(KIND_DIRS.values())
    for kind in kinds:
        iri = URIRef(ID[f"{kind}/{slug}"])
        if (iri, None, None) in graph:
            return iri
    ids = {str(s)[len(str(ID)):].split("/", 1)[-1] for s in set(graph.subjects())
           if str(s).startswith(str(ID)) and str(s)[len(str(ID)):].split("/", 1)[0] in kinds}
    near = difflib.get_close_matches(slug, sorted(ids), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(near)}?" if near else "; `serge-kg search TEXT` finds ids by name"
    raise QueryParameterError(f"no entity with id '{slug}' in the graph{hint}")


def bindings_for(query: SavedQuery, values: dict[str, str], graph: Graph) -> dict[str, Node]:
    """Parameter values (strings) -> bound terms keyed by variable name, defaults applied.

    :raises QueryParameterError: for an unknown or missing parameter.
    """
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(values) - set(declared))
    if unknown:
        raise QueryParameterError(f"query '{query.name}' has no parameter {unknown} "
                                  f"(declared: {', '.join(declared) or 'none'})")
    out: dict[str, Node] = {}
    for name, param in declared.items():
        raw = values.get(name, param.default)
        if raw is None:
            raise QueryParameterError(f"query '{query.name}' needs --param {name}=... ({param.description})")
        term = coerce_param(param, raw)
        if param.type == "iri" and isinstance(term, Literal):
            term = resolve_id(graph, str(term))
        out[f"_{name}"] = term
    return out
