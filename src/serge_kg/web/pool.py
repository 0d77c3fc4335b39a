"""The pool of query workers: a deadline with a real kill, a memory cap, a crash boundary, bounded admission.

Each query runs in a worker process (:mod:`serge_kg.web.worker`). The time limit counts from the
request's arrival, waiting included, so every request is answered by its deadline. At the deadline the
worker is killed
(SIGKILL: its CPU and memory are freed at once) and replaced; a worker that dies (a segfault in the
engine, the memory cap) answers that one request with 500/503 and is replaced. A query still running
after ``grow_after`` seconds counts as slow; after ``slow_after`` seconds its worker's priority is
lowered, so the queries beside it keep their latency, and that worker is replaced once it answers
(priority cannot be raised back). At most
``max_workers`` queries run and ``queue`` more wait; beyond that the pool answers 503 with
``Retry-After``. While slow queries run or requests wait, the pool grows (up to ``max_workers``) to keep ``spare``
workers beyond the slow ones, so a burst of slow queries does not hold up the fast ones; a worker beyond
``workers`` that has been idle for ``idle_ttl`` seconds is stopped. Under fast queries alone the pool
keeps its ``workers``: no worker is started or stopped per request.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from serge_kg.errors import QueryExecutionError

from .guard import QueryRefused
from .worker import Job, Reply

Part = tuple[str, bytes | str, bool]
"""One graph for the workers: its IRI, its N-Triples (bytes, or the path of a file of the current
build, loaded without re-validating its terms) and whether it is part of the default graph."""


@dataclass(frozen=True)
class Limits:
    """How much a query and the pool may take."""

    timeout: float = 10.0  # seconds a query may run
    memory_mb: int = 1024  # address space of one worker
    workers: int = 2  # workers started with the pool
    max_workers: int = 12  # workers at most (queries running at once)
    spare: int = 2  # workers kept beside the slow queries while the pool may grow
    queue: int = 32  # requests that may wait for a worker; more are answered 503
    grow_after: float = 0.25  # seconds after which a running query counts as slow: the pool grows beside it
    slow_after: float = 1.0  # seconds after which a running query's worker is deprioritised
    idle_ttl: float = 30.0  # seconds an extra worker (beyond ``workers``) may stay idle
    wait: float = 10.0  # seconds a request may wait for a free worker


class WorkerProcess:
    """One worker process (a fresh interpreter, never a fork of the threaded server) and its socket.

    It starts at once and waits for its data (:meth:`load`), so that a server can start its workers
    before it has loaded anything itself; closed before then, it exits quietly."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        self.proc = subprocess.Popen([sys.executable, "-m", "serge_kg.web.worker", str(theirs.fileno())],
                                     pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, close_fds=True)
        theirs.close()
        self.conn = Connection(ours.detach())
        self.isolated = False
        self.last_used = time.monotonic()

    def load(self, parts: Sequence[Part], memory_mb: int) -> None:
        """Send the worker its data (see :func:`serge_kg.web.worker.serve`) and its memory cap."""
        try:
            self.conn.send((list(parts), memory_mb * 1024 * 1024))
        except OSError:
            pass  # it died at once: wait_ready says so

    def wait_ready(self, timeout: float) -> bool:
        try:
            if self.conn.poll(timeout):
                msg = self.conn.recv()
                self.isolated = bool(msg[2])
                return True
        except (EOFError, OSError):
            pass
        self.kill()
        return False

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.proc.kill()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass
        self.conn.close()


def spawn_workers(n: int) -> list[WorkerProcess]:
    """``n`` worker processes started now, waiting for their data (give them to :class:`WorkerPool`)."""
    return [WorkerProcess() for _ in range(n)]


class WorkerPool:
    """Worker processes over one dataset, given as :data:`Part` s: (graph IRI, N-Triples bytes or the
    path of a trusted N-Triples file, whether the graph is part of the default graph)."""

    def __init__(self, parts: Sequence[Part], limits: Limits | None = None,
                 wait: bool = True, spawned: Sequence[WorkerProcess] = ()) -> None:
        """Start the first workers; with ``wait`` False, return at once (call :meth:`wait_started`
        before serving: the caller's own start-up then overlaps the workers'). Workers already
        started by :func:`spawn_workers` are used first (the pool owns them from now on)."""
        self.limits = limits or Limits()
        self.parts = list(parts)
        self._idle: list[WorkerProcess] = []  # a stack: the most recently used on top, the oldest at [0]
        self._waiters: deque[list[WorkerProcess]] = deque()  # requests waiting, first come first served
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._total = 0  # workers alive or starting
        self._admitted = 0  # requests running or waiting
        self._closed = False
        self._busy = 0  # workers running a query
        self._slow = 0  # of which running longer than slow_after
        self.replaced = 0  # workers killed or lost and replaced (deadline, crash, memory, priority)
        self.isolated = False
        self._procs: set[WorkerProcess] = set()
        first = max(1, self.limits.workers)
        for extra in spawned[first:]:
            extra.kill()
        early = list(spawned[:first])
        self._starters = [self._spawn_async(early.pop(0) if early else None) for _ in range(first)]
        if wait:
            self.wait_started()

    def wait_started(self) -> None:
        """Wait until the first workers are ready.

        :raises QueryExecutionError: if none could start.
        """
        for t in self._starters:
            t.join()
        if not self._idle:
            raise QueryExecutionError(f"no query worker could start ({sys.executable} -m serge_kg.web.worker); "
                                      "check that serge-kg is installed in that interpreter")

    def pin(self, parts: Sequence[Part]) -> None:
        """What workers started from now on load (the same triples, held in memory: see the Engine)."""
        self.parts = list(parts)

    # -- workers -------------------------------------------------------------------------------------
    def _start_one(self, worker: WorkerProcess | None = None) -> None:
        worker = worker or WorkerProcess()
        worker.load(self.parts, self.limits.memory_mb)
        with self._lock:
            self._procs.add(worker)
        if worker.wait_ready(60) and not self._closed:
            self.isolated = worker.isolated
            self._give(worker)
            return
        worker.kill()
        with self._lock:
            self._procs.discard(worker)
            self._total -= 1

    def _spawn_async(self, worker: WorkerProcess | None = None) -> threading.Thread:
        with self._lock:
            self._total += 1
        t = threading.Thread(target=self._start_one, args=(worker,), daemon=True, name="serge-kg worker start")
        t.start()
        return t

    def _retire(self, worker: WorkerProcess, replace: bool = True) -> None:
        worker.kill()
        with self._lock:
            self._procs.discard(worker)
            self._total -= 1
            self.replaced += 1
            need = replace and not self._closed and self._total < self.limits.workers
        if need:
            self._spawn_async()

    def _top_up(self) -> None:
        """Grow to ``spare`` workers beyond the slow queries, and beyond the busy ones while requests wait
        (at least ``workers``, at most ``max_workers``)."""
        with self._lock:
            need = self._slow + self.limits.spare
            if self._waiters:
                need = max(need, self._busy + len(self._waiters))
            target = min(self.limits.max_workers, max(self.limits.workers, need))
            grow = not self._closed and self._total < target
        if grow:
            self._spawn_async()

    def _give(self, worker: WorkerProcess) -> None:
        """A free worker: to the request that has waited longest, else onto the idle stack."""
        with self._cond:
            if self._waiters:
                self._waiters.popleft().append(worker)
                self._cond.notify_all()
            else:
                self._idle.append(worker)

    def _reap(self) -> None:
        """Stop the extra workers (beyond ``workers``) idle for longer than ``idle_ttl``."""
        now = time.monotonic()
        stale: list[WorkerProcess] = []
        with self._lock:
            while (self._idle and self._total - len(stale) > self.limits.workers
                   and now - self._idle[0].last_used > self.limits.idle_ttl):
                stale.append(self._idle.pop(0))
        for w in stale:
            self._retire(w, replace=False)

    # -- queries -------------------------------------------------------------------------------------
    def run(self, job: Job) -> Reply:
        """Run ``job`` in a worker (blocking: call it from a thread).

        :raises QueryRefused: 503 (with Retry-After) when the pool is full or the deadline passed,
            503 when the worker hit its memory cap, 500 when the engine crashed on the query.
        """
        busy = {"Retry-After": "1"}
        with self._lock:
            if self._closed:
                raise QueryRefused(503, "the endpoint is shutting down", busy)
            if self._admitted >= self.limits.max_workers + self.limits.queue:
                raise QueryRefused(503, f"the endpoint is busy ({self._admitted} queries running or waiting); "
                                        "retry in a moment", busy)
            self._admitted += 1
        try:
            started = time.monotonic()
            deadline = started + self.limits.timeout  # the time limit counts from arrival, waiting included
            worker = self._take(min(deadline, started + self.limits.wait))
            if worker is None:
                waited = time.monotonic() - started
                raise QueryRefused(503, f"no query worker became free within {waited:.3g} s (time limit "
                                        f"{self.limits.timeout:g} s); retry in a moment", busy)
            return self._call(worker, job, deadline)
        finally:
            with self._lock:
                self._admitted -= 1

    def _take(self, until: float) -> WorkerProcess | None:
        """A live worker, first come first served (a request that just finished cannot jump the queue)."""
        while True:
            self._top_up()
            with self._cond:
                if self._idle and not self._waiters:
                    worker = self._idle.pop()
                else:
                    slot: list[WorkerProcess] = []
                    self._waiters.append(slot)
                    self._cond.release()
                    try:
                        self._top_up()  # a request waits: the pool may grow
                    finally:
                        self._cond.acquire()
                    while not slot:
                        remaining = until - time.monotonic()
                        if remaining <= 0:
                            self._waiters.remove(slot)
                            return None
                        self._cond.wait(min(remaining, 0.5))
                    worker = slot[0]
                self._busy += 1
            if worker.alive():
                return worker
            with self._lock:
                self._busy -= 1
            self._retire(worker)

    def _call(self, worker: WorkerProcess, job: Job, deadline: float) -> Reply:
        demoted = slow = False
        keep = False
        try:
            try:
                worker.conn.send(job)
                started = time.monotonic()
                while True:
                    now = time.monotonic()
                    if now >= deadline:
                        raise QueryRefused(503, f"the query ran longer than the time limit of "
                                                f"{self.limits.timeout:g} s and was stopped; narrow it down or "
                                                "add a LIMIT")
                    step = self.limits.slow_after if slow else self.limits.grow_after
                    until = deadline if demoted else min(deadline, started + step)
                    if worker.conn.poll(max(0.0, until - now)):
                        break
                    ran = time.monotonic() - started
                    if not slow and ran >= self.limits.grow_after:
                        slow = True
                        with self._lock:
                            self._slow += 1
                        self._top_up()
                    if not demoted and ran >= self.limits.slow_after:
                        _lower_priority(worker.proc.pid)
                        demoted = True
                reply: Reply = worker.conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                raise _lost(worker, self.limits.memory_mb) from None
            if reply.status != 200 and reply.recycle:
                raise QueryRefused(reply.status, reply.message)
            keep = not demoted
            if reply.status != 200:
                raise QueryRefused(reply.status, reply.message)
            return reply
        finally:
            with self._lock:
                self._busy -= 1
                self._slow -= slow
            if keep and not self._closed:
                worker.last_used = time.monotonic()
                self._give(worker)
                self._reap()
            else:
                self._retire(worker)

    # -- state ---------------------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """Workers alive, idle and busy; requests admitted; workers replaced so far."""
        with self._lock:
            return {"workers": self._total, "idle": len(self._idle), "busy": self._busy,
                    "admitted": self._admitted, "replaced": self.replaced, "isolated": self.isolated}

    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        with self._lock:
            return [w.proc.pid for w in self._procs if w.alive()]

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            self._closed = True
            workers = list(self._procs)
            self._procs.clear()
        for w in workers:
            w.kill()


def _lower_priority(pid: int | None) -> bool:
    try:
        os.setpriority(os.PRIO_PROCESS, pid or 0, 15)
        return True
    except OSError:
        return False


def _lost(worker: WorkerProcess, memory_mb: int) -> QueryRefused:
    try:
        code = worker.proc.wait(2)
    except subprocess.TimeoutExpired:
        code = None
    if code in (-signal.SIGSEGV, -signal.SIGBUS, -signal.SIGILL):
        return QueryRefused(500, f"the query engine crashed on this query (signal {-code}); the endpoint is "
                                 "still up: simplify the query")
    if code == -signal.SIGABRT:
        return QueryRefused(503, f"the query needed more memory than a worker may use ({memory_mb} MB) and was "
                                 "stopped; narrow it down or add a LIMIT")
    return QueryRefused(503, "the query worker stopped (it ran out of memory or was killed) while running "
                             "this query; narrow it down")
