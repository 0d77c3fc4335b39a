"""The warm-up waits until no request is in flight, or until its deadline; a stop cancels it."""

from __future__ import annotations

import threading
import time
from collections.abc import Coroutine
from typing import Any

import pytest

from serge_kg.web.warmup import Activity, ActivityMiddleware, when_quiet


def test_it_runs_once_the_server_has_been_quiet() -> None:
    activity, ran = Activity(), threading.Event()
    when_quiet(activity, ran.set, threading.Event(), quiet=0.05, at_most=30)
    assert ran.wait(5)


def test_it_waits_while_a_request_is_in_flight_until_its_deadline() -> None:
    activity, ran = Activity(), threading.Event()
    activity.active = 1
    started = time.monotonic()
    when_quiet(activity, ran.set, threading.Event(), quiet=0.05, at_most=0.5)
    assert not ran.wait(0.3)  # a request is in flight: not yet
    assert ran.wait(5) and time.monotonic() - started >= 0.5  # the deadline: under load too


def test_a_stop_before_it_runs_cancels_it() -> None:
    activity, ran, stop = Activity(), threading.Event(), threading.Event()
    activity.active = 1
    thread = when_quiet(activity, ran.set, stop, quiet=0.05, at_most=30)
    stop.set()
    thread.join(5)
    assert not thread.is_alive() and not ran.is_set()


def test_the_middleware_counts_http_requests_in_flight() -> None:
    activity = Activity()
    seen: list[int] = []

    async def app(scope: dict, receive: object, send: object) -> None:
        seen.append(activity.active)

    def run(call: Coroutine[Any, Any, None]) -> None:
        # driven by hand, not by asyncio.run: the suite may already run an event loop (the browser tests)
        with pytest.raises(StopIteration):
            call.send(None)

    middleware = ActivityMiddleware(app, activity)
    before = activity.last
    run(middleware({"type": "http"}, None, None))
    run(middleware({"type": "lifespan"}, None, None))
    assert seen == [1, 0] and activity.active == 0 and activity.last >= before
