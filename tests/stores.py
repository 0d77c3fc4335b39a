"""Real triple stores for the tests, as fixtures to import, on 127.0.0.1 with scratch storage:
``oxigraph serve`` (from the ``oxigraph`` PyPI package of the test extras) and Virtuoso 7 (Debian
``virtuoso-opensource-7``, which ``tasks.py test`` installs). A missing server skips its tests,
except under ``CI=true``, where it fails. Also :class:`Served`, our app under uvicorn."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from serge_kg.paths import Paths
from serge_kg.pipeline.build import BuildResult

START_TIMEOUT = 60.0
VIRTUOSO_INI = """[Database]
DatabaseFile = virtuoso.db
ErrorLogFile = virtuoso.log
LockFile = virtuoso.lck
TransactionFile = virtuoso.trx
xa_persistent_file = virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = virtuoso-temp.db
TransactionFile = virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 0
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {vsp}
ServerThreads = 4
MaxClientConnections = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
"""


@dataclass(frozen=True)
class Store:
    """A running store: its SPARQL query URL, Graph Store URL and credentials."""

    name: str
    query_url: str
    store_url: str
    auth: tuple[str, str] | None = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def missing(what: str) -> None:
    """Skip (or, under CI=true, fail) a test whose server is not installed."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {what} is not installed (python3 tasks.py test installs it)")
    pytest.skip(f"{what} is not installed (python3 tasks.py test installs it when it can)")


def oxigraph_binary() -> str | None:
    """The ``oxigraph`` server CLI: next to this Python, or on PATH."""
    local = Path(sys.executable).parent / "oxigraph"
    return str(local) if local.exists() else shutil.which("oxigraph")


def wait_until_up(proc: subprocess.Popen[bytes], url: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            detail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            proc.kill()
            raise RuntimeError(f"{proc.args[0]} did not start within {START_TIMEOUT:g} s: {detail}")
        time.sleep(0.2)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """``oxigraph serve`` on a free port, storing in a scratch folder."""
    binary = oxigraph_binary()
    if binary is None:
        missing("the Oxigraph server CLI (pip install oxigraph)")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = [str(binary), "serve", "--location", str(tmp_path_factory.mktemp("oxidb")), "--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(proc, url + "/query")
        yield Store("oxigraph", url + "/query", url + "/store")
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Virtuoso 7 on free ports with a scratch database (user dba, password dba: it lives for one run)."""
    binary = shutil.which("virtuoso-t")
    vsp = Path("/var/lib/virtuoso-opensource-7/vsp")
    if binary is None:
        missing("Virtuoso (Debian package virtuoso-opensource-7)")
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port = free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(sql_port=free_port(), http_port=http_port, vsp=vsp))
    proc = subprocess.Popen([str(binary), "+foreground", "+configfile", "virtuoso.ini"], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{http_port}"
    try:
        wait_until_up(proc, url + "/sparql", folder / "virtuoso.log")
        yield Store("virtuoso", url + "/sparql", url + "/sparql-graph-crud-auth", ("dba", "dba"))
    finally:
        stop(proc)


@pytest.fixture(scope="session")
def full_paths(full_built: BuildResult) -> Paths:
    """The project folder of ``full_built`` (its build/ is written)."""
    return Paths(full_built.outputs[0].parent.parent)


class Served:
    """An app under uvicorn on 127.0.0.1 in a background thread."""

    def __init__(self, app: object) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="off"))  # type: ignore[arg-type]
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        engine = getattr(getattr(self.server.config.app, "state", None), "engine", None)
        if engine is not None:  # our app: stop its query workers (lifespan is off under this runner)
            engine.close()
