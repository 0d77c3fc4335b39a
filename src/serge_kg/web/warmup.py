"""When the server prepares its pages: once it is quiet, so that the first answers do not wait for it.

Parsing the graphs for the pages takes a few tenths of a second of CPU in the server's own process;
run while a request is being answered, it holds the interpreter's lock and delays that answer by as
much. :class:`Activity` (an ASGI middleware) counts the requests in flight, and :func:`when_quiet`
runs the warm-up once none has been in flight for a moment, or after ``at_most`` seconds whatever
the load. A page asked for before then prepares what it needs itself.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

QUIET = 0.3  # seconds without a request in flight before warming up
AT_MOST = 5.0  # seconds after which the warm-up runs even under load


class Activity:
    """Requests in flight and when the last one ended (shared by the middleware and the warm-up)."""

    def __init__(self) -> None:
        self.active = 0
        self.last = time.monotonic()

    def quiet_for(self) -> float:
        """Seconds since the last request ended (0 while one is in flight)."""
        return 0.0 if self.active else time.monotonic() - self.last


class ActivityMiddleware:
    """An ASGI middleware recording HTTP requests in :class:`Activity`."""

    def __init__(self, app: Any, activity: Activity) -> None:
        self.app, self.activity = app, activity

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.activity.active += 1  # the event loop's thread only: no lock needed
        try:
            await self.app(scope, receive, send)
        finally:
            self.activity.active -= 1
            self.activity.last = time.monotonic()


def when_quiet(activity: Activity, job: Callable[[], None], stop: threading.Event, quiet: float = QUIET,
               at_most: float = AT_MOST) -> threading.Thread:
    """Run ``job`` in a daemon thread once ``activity`` has been quiet for ``quiet`` seconds (or after
    ``at_most``); not at all if ``stop`` is set first."""
    def wait_then_run() -> None:
        deadline = time.monotonic() + at_most
        activity.last = max(activity.last, time.monotonic())  # count the quiet from now
        while not stop.is_set():
            left = quiet - activity.quiet_for()
            if left <= 0 or time.monotonic() >= deadline:
                job()
                return
            stop.wait(min(max(left, 0.02), max(0.0, deadline - time.monotonic())))

    thread = threading.Thread(target=wait_then_run, name="warm-pages", daemon=True)
    thread.start()
    return thread
