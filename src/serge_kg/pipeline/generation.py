"""One build generation in ``build/``: written as a whole, named by a manifest, checked by every reader.

A build writes its files into a fresh hidden folder, moves them into ``build/`` and only then replaces
``build/manifest.json``, which names the generation and the SHA-256 of each file. A reader
(``serge-kg query``, ``serve``, ``export``) checks every file against the manifest, so a build killed
half-way is refused instead of read as a mix of two generations. Builds hold a lock on
``build/.lock``; each one first removes what an interrupted build left behind.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from serge_kg.errors import BuildStateError, ExportError

MANIFEST = "manifest.json"
VIOLATIONS = "violations.json"


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


@contextmanager
def locked(build: Path) -> Iterator[None]:
    """Hold the build lock (one writer at a time) and clean what an interrupted build left."""
    try:
        build.mkdir(parents=True, exist_ok=True)
        fh = open(build / ".lock", "a+b")
    except OSError as exc:
        raise ExportError(f"{build}: cannot write: {exc}") from exc
    with fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        clean_stale(build)
        yield


def clean_stale(build: Path) -> list[Path]:
    """Remove the temporaries of interrupted builds (``.gen-*`` folders, ``.*.tmp`` files)."""
    gone = []
    for p in build.glob(".gen-*"):
        shutil.rmtree(p, ignore_errors=True)
        gone.append(p)
    for p in build.glob(".*.tmp"):
        p.unlink(missing_ok=True)
        gone.append(p)
    return gone


def write_generation(build: Path, blobs: dict[str, bytes], meta: dict[str, Any] | None = None) -> list[Path]:
    """Write ``blobs`` as one generation of ``build/`` (see the module docstring); the paths written.

    :param meta: more fields for the manifest (the inputs' fingerprint, whether the build reasoned).
    """
    from .export import write_atomic  # here, not at the top: the no-op build check must not load rdflib
    generation = f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{os.getpid()}-{time.monotonic_ns() % 10**9}"
    with locked(build):
        fresh = build / f".gen-{generation}"
        try:
            fresh.mkdir()
            for name, data in blobs.items():
                _fsync_write(fresh / name, data)
            manifest = {"generation": generation, **(meta or {}),
                        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(blobs.items())}}
            for name in blobs:
                os.replace(fresh / name, build / name)
        except OSError as exc:
            raise ExportError(f"{build}: cannot write the build: {exc}") from exc
        finally:
            shutil.rmtree(fresh, ignore_errors=True)
        write_atomic(build / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode())
        (build / VIOLATIONS).unlink(missing_ok=True)
    return [build / name for name in blobs] + [build / MANIFEST]


def write_violations(build: Path, report: dict[str, Any]) -> Path:
    """Write only the violation report of a build that does not conform; the last generation stays."""
    from .export import write_atomic
    with locked(build):
        path = build / VIOLATIONS
        write_atomic(path, (json.dumps(report, indent=2, sort_keys=True) + "\n").encode())
    return path


def clear_violations(build: Path) -> None:
    """Remove the violation report of a failed build (the inputs are back to those of the generation)."""
    if (build / VIOLATIONS).exists():
        with locked(build):
            (build / VIOLATIONS).unlink(missing_ok=True)


def read_manifest(build: Path) -> dict[str, Any] | None:
    """The manifest of the generation in ``build/`` (None if there is no build).

    :raises BuildStateError: if it cannot be read.
    """
    path = build / MANIFEST
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
            raise ValueError("no 'files' mapping")
        return manifest
    except (OSError, ValueError) as exc:
        raise BuildStateError(f"{path}: unreadable build manifest ({exc}); run `serge-kg build` again") from exc


def check_generation(build: Path, needed: tuple[str, ...] = (), only_needed: bool = False) -> dict[str, Any] | None:
    """The manifest, after checking that every file it names (and every ``needed`` one) is of its generation.

    With ``only_needed``, only the ``needed`` files are checked: a reader that opens two dumps need
    not hash the other eight (a cold ``serge-kg query`` spent 10 ms on them).

    :raises BuildStateError: if a file is missing or from another generation.
    """
    manifest = read_manifest(build)
    if manifest is None:
        return None
    files: dict[str, str] = manifest["files"]
    for name in sorted(set(needed) if only_needed else set(files) | set(needed)):
        path = build / name
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            digest = None
        if name not in files or digest != files[name]:
            raise BuildStateError(f"{path} is not part of build generation {manifest.get('generation')} "
                                  "(an interrupted or mixed build); run `serge-kg build` again")
    return manifest
