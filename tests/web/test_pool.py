"""The worker pool: a real kill at the deadline, a memory cap, a crash boundary, bounded admission."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from serge_kg.web.guard import QueryRefused
from serge_kg.web.pool import Limits, WorkerPool, spawn_workers
from serge_kg.web.worker import HTML, NT, Job

pytestmark = pytest.mark.server

DATA = b"".join(f"<http://e/s{i}> <http://e/p{i % 7}> \"{i}\" .\n".encode() for i in range(400))
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?f ?c ?i LIMIT 1"


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    p = WorkerPool([("http://e/g", DATA, True)], Limits(timeout=1.0, memory_mb=600, workers=2, wait=60))
    yield p
    p.close()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as fh:  # a zombie is dead too
        return fh.read().split(")")[-1].split()[0] != "Z"


def test_answers_in_every_format(pool: WorkerPool) -> None:
    reply = pool.run(Job("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert reply.status == 200 and b'"400"' in reply.body
    reply = pool.run(Job("CONSTRUCT WHERE { ?s ?p ?o }", rdf_media=NT, max_rows=3))
    assert reply.truncated and len(reply.body.splitlines()) == 3
    reply = pool.run(Job("SELECT * WHERE { ?s ?p ?o } LIMIT 2", results_media=HTML))
    assert reply.outcome is not None and len(reply.outcome.rows) == 2
    with pytest.raises(QueryRefused) as refused:
        pool.run(Job("SELECT * WHERE { ?s ?p "))
    assert refused.value.status == 400


def test_deadline_kills_the_worker(pool: WorkerPool) -> None:
    before = set(pool.pids())
    with pytest.raises(QueryRefused) as refused:
        pool.run(Job(SLOW))
    assert refused.value.status == 503 and "time limit of 1 s" in str(refused.value)
    killed = before - set(pool.pids())
    assert killed and not any(alive(pid) for pid in killed)  # really gone: its CPU and memory are free
    assert pool.run(Job("ASK { ?s ?p ?o }")).body.startswith(b'{"head"')


def test_a_crash_answers_that_request_and_the_pool_goes_on(pool: WorkerPool) -> None:
    deep = "SELECT * WHERE " + "{" * 3000 + "}" * 3000  # segfaults Oxigraph's parser (the guard stops it first)
    with pytest.raises(QueryRefused) as refused:
        pool.run(Job(deep))
    assert refused.value.status == 500 and "crashed" in str(refused.value)
    assert pool.run(Job("ASK { ?s ?p ?o }")).status == 200


def test_memory_cap(pool: WorkerPool) -> None:
    with pytest.raises(QueryRefused) as refused:
        pool.run(Job(HUNGRY))
    assert refused.value.status == 503
    assert "memory" in str(refused.value) or "time limit" in str(refused.value)
    assert pool.run(Job("ASK { ?s ?p ?o }")).status == 200


def test_full_queue_is_503_with_retry_after() -> None:
    small = WorkerPool([("http://e/g", DATA, True)],
                       Limits(timeout=2.0, workers=1, max_workers=1, spare=0, queue=1, wait=60))
    try:
        errors: list[QueryRefused] = []

        def slow() -> None:
            try:
                small.run(Job(SLOW))
            except QueryRefused as exc:
                errors.append(exc)
        threads = [threading.Thread(target=slow) for _ in range(2)]
        for t in threads:
            t.start()
        while small.stats()["admitted"] < 2:
            threading.Event().wait(0.01)
        with pytest.raises(QueryRefused) as refused:
            small.run(Job("ASK {}"))
        assert refused.value.status == 503 and refused.value.headers == {"Retry-After": "1"}
        for t in threads:
            t.join(30)
        assert [e.status for e in errors] == [503, 503]  # both hit the deadline, one after the other
        assert small.run(Job("ASK {}")).status == 200
    finally:
        small.close()


def test_close_stops_every_worker() -> None:
    p = WorkerPool([("http://e/g", DATA, True)], Limits(workers=2))
    pids = p.pids()
    p.close()
    assert pids and not any(alive(pid) for pid in pids)
    with pytest.raises(QueryRefused):
        p.run(Job("ASK {}"))


def test_workers_started_before_the_data_are_used_and_the_extra_ones_stopped() -> None:
    early = spawn_workers(3)
    pids = [w.proc.pid for w in early]
    p = WorkerPool([("http://e/g", DATA, True)], Limits(workers=2), spawned=early)
    try:
        assert sorted(p.pids()) == sorted(pids[:2])  # the first two serve; none was started anew
        assert not alive(pids[2])
        assert b'"400"' in p.run(Job("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")).body
    finally:
        p.close()


def test_a_worker_closed_before_its_data_came_exits_quietly() -> None:
    ours, theirs = socket.socketpair()  # as WorkerProcess starts one, with its stderr kept here
    proc = subprocess.Popen([sys.executable, "-m", "serge_kg.web.worker", str(theirs.fileno())],
                            pass_fds=(theirs.fileno(),), stderr=subprocess.PIPE)
    theirs.close()
    ours.close()  # the server gave up (say its build failed) before sending the data
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and err == b""


def test_the_default_graph_is_the_union_of_the_graphs_in_it_only() -> None:
    a = b"<http://e/a> <http://e/p> <http://e/o> .\n"
    x = b"<http://e/x> <http://e/p> <http://e/o> .\n"
    p = WorkerPool([("http://e/g", a, True), ("http://e/extra", x, False)], Limits(workers=1))
    try:
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        assert b'"1"' in p.run(Job(count)).body  # the extra graph is not in the default graph
        assert b'"1"' in p.run(Job(count.replace("WHERE", "FROM <http://e/extra> WHERE"))).body
        assert b'"2"' in p.run(Job("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")).body
        assert b'"1"' in p.run(Job(count, default_graph=("http://e/extra",))).body
    finally:
        p.close()
