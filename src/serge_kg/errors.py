"""Typed errors. The library raises them; only ``cli.py`` prints them and picks the exit code.

Exit codes (documented in the README and ``serge-kg --help``):
``0`` ok, ``1`` the data does not conform (SHACL or a violation query), ``2`` input or tool error.
"""

from __future__ import annotations


class SergeKGError(Exception):
    """Base class of every error serge-kg raises on purpose."""

    exit_code = 2


class RecordError(SergeKGError):
    """A curated record is malformed: says file, line, record, field, what is wrong and what is allowed."""

    def __init__(self, file: str, line: int | None, record: str | None, field: str | None,
                 problem: str, allowed: str | None = None) -> None:
        self.file, self.line, self.record, self.field = file, line, record, field
        self.problem, self.allowed = problem, allowed
        where = file + (f":{line}" if line else "")
        what = ", ".join(p for p in (f"record '{record}'" if record else "",
                                     f"field '{field}'" if field else "") if p)
        msg = f"{where}: {what + ': ' if what else ''}{problem}"
        if allowed:
            msg += f" (allowed: {allowed})"
        super().__init__(msg)


class RecordErrors(SergeKGError):
    """Several record errors found in one pass, so a curator can fix them all at once."""

    def __init__(self, errors: list[RecordError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class ProjectNotFoundError(SergeKGError):
    """No project folder (with ontology/serge.ttl and data/) at or above the given one."""


class SourceError(SergeKGError):
    """A source document is missing or is not byte-for-byte the one recorded in sources.yaml."""


class QueryFileError(SergeKGError):
    """A saved query is missing, has a bad header, or does not parse."""


class QueryExecutionError(SergeKGError):
    """An engine failed to run a query."""


class QueryParameterError(SergeKGError):
    """A query parameter is unknown, missing, or has the wrong form."""


class ShapeLoadError(SergeKGError):
    """The ontology or the SHACL shapes graph cannot be loaded."""


class ExportError(SergeKGError):
    """An export could not be written."""


class BuildStateError(SergeKGError):
    """``build/`` holds parts of different builds (an interrupted or tampered build): readers refuse it."""


class NonConformingError(SergeKGError):
    """The data does not conform to the shapes or a violation query returned rows."""

    exit_code = 1

    def __init__(self, violations: list[str]) -> None:
        self.violations = violations
        super().__init__(f"{len(violations)} violation(s):\n" + "\n".join(violations))


class LinkingError(SergeKGError):
    """Wikidata linking input (decisions.csv) or the Wikidata API answered something unusable."""


class DateError(ValueError):
    """A string is not a usable EDTF date (a ValueError: callers of the date helpers catch either).

    Defined here rather than in :mod:`serge_kg.dates` so that rendering dates in words
    (:mod:`serge_kg.datewords`) does not import the ``edtf`` parser, a tenth of a cold query's time."""
