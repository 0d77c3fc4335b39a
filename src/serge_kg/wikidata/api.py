"""A small, polite HTTP client for the two read-only Wikidata services serge-kg uses.

* ``wbsearchentities`` on the Action API (``<site>/w/api.php``): items whose label or alias matches
  a name, for ``serge-kg link candidates``;
* ``Special:EntityData`` (``<site>/wiki/Special:EntityData/Q….json``): one item's labels, aliases
  and statements, for ``serge-kg link verify``. A merged item answers with a redirect to the item it
  was merged into; the redirect is followed and reported.

Wikimedia's API etiquette is followed: one request at a time, an optional pause between requests, a
descriptive User-Agent, ``maxlag`` on Action API calls, and retries with exponential back-off on
connection errors, timeouts, HTTP 429 and 5xx (and ``maxlag`` errors), honouring ``Retry-After``
up to a cap. The base URL is injectable (``--api`` or ``$SERGE_KG_WIKIDATA_API``) so that tests
can point the client at a local replay server.
"""

from __future__ import annotations

import email.utils
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from serge_kg import __version__
from serge_kg.errors import LinkingError

DEFAULT_API = "https://www.wikidata.org/w/api.php"
"""The Wikidata Action API; the entity data pages live on the same site."""
ENV_API = "SERGE_KG_WIKIDATA_API"
"""Environment variable that overrides :data:`DEFAULT_API` (a site root or its ``/w/api.php``)."""
API_PATH = "/w/api.php"
ENTITY_DATA_PATH = "/wiki/Special:EntityData/"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
USER_AGENT = (f"serge-kg/{__version__} (https://github.com/serge-kg/serge-kg; linked-data knowledge graph "
              f"of Victor Serge) httpx/{httpx.__version__}")
"""Sent with every request, as Wikimedia's User-Agent policy asks: tool/version (contact) library/version."""


class WikidataUnavailable(LinkingError):
    """Wikidata could not be reached, or kept failing (timeouts, 429, 5xx) after every retry."""

    def __init__(self, url: str, problem: str, attempts: int) -> None:
        self.url, self.problem, self.attempts = url, problem, attempts
        super().__init__(f"cannot reach Wikidata at {url}: {problem} (after {attempts} attempt"
                         f"{'s' if attempts != 1 else ''})")


@dataclass(frozen=True)
class Endpoints:
    """The two URLs the client calls, derived from one site URL."""

    api: str
    entity_data: str

    @classmethod
    def from_url(cls, url: str | None = None) -> Endpoints:
        """Endpoints for ``url`` (a site root such as ``https://www.wikidata.org`` or its ``/w/api.php``);
        without ``url``, ``$SERGE_KG_WIKIDATA_API`` or else :data:`DEFAULT_API`.

        >>> Endpoints.from_url("http://127.0.0.1:8080/w/api.php").entity_data
        'http://127.0.0.1:8080/wiki/Special:EntityData/'
        >>> Endpoints.from_url("http://127.0.0.1:8080/").api
        'http://127.0.0.1:8080/w/api.php'
        """
        url = (url or os.environ.get(ENV_API) or DEFAULT_API).strip()
        if not url.startswith(("http://", "https://")):
            raise LinkingError(f"'{url}' is not an http(s) URL of a Wikidata site or of its /w/api.php")
        if url.endswith(API_PATH):
            site = url[: -len(API_PATH)]
        elif url.endswith("/api.php"):
            site = url[: -len("/api.php")]
        else:
            site = url.rstrip("/")
        return cls(site + API_PATH, site + ENTITY_DATA_PATH)


@dataclass(frozen=True)
class SearchHit:
    """One item from ``wbsearchentities``: id, label, description and what the search matched."""

    qid: str
    label: str
    description: str
    match_type: str  # "label", "alias", "entityId" ...
    match_text: str
    rank: int  # 0 for the API's first result


@dataclass(frozen=True)
class EntityData:
    """What ``Special:EntityData/<qid>.json`` answered: the item (after any redirect) and the raw body."""

    requested: str
    qid: str
    entity: dict[str, Any]
    body: bytes

    @property
    def redirected(self) -> bool:
        """True when the requested QID was merged into (redirects to) another item."""
        return self.qid != self.requested


def parse_entity_body(requested: str, body: bytes) -> EntityData:
    """The item in a ``Special:EntityData`` JSON body (``{"entities": {"Q…": {…}}}``).

    The key and the item's ``id`` are the QID the data belongs to: after a merge, not the one asked for.

    :raises LinkingError: if the body is not entity data.
    """
    try:
        doc = json.loads(body)
        entities = doc["entities"]
        if requested in entities:
            entity = entities[requested]
        else:
            (entity,) = entities.values()
        qid = str(entity.get("id") or requested)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise LinkingError(f"the entity data for {requested} is not Wikidata entity JSON: {exc!r}") from exc
    if not isinstance(entity, dict):
        raise LinkingError(f"the entity data for {requested} is not Wikidata entity JSON")
    return EntityData(requested, qid, entity, body)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class WikidataClient:
    """Read-only Wikidata client: ``search`` (wbsearchentities) and ``entity`` (Special:EntityData).

    ``retries`` more attempts are made after a connection error, a timeout, HTTP 429/5xx or a
    ``maxlag`` error, waiting ``backoff`` seconds, then twice as long each time, or what
    ``Retry-After`` says; never more than ``max_wait`` seconds. ``pause`` seconds separate
    consecutive requests. ``timeout`` applies to connecting, reading and writing alike.
    """

    def __init__(self, url: str | None = None, *, timeout: float = 10.0, retries: int = 3, backoff: float = 1.0,
                 max_wait: float = 30.0, pause: float = 0.0, maxlag: int | None = 5,
                 transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if retries < 0 or timeout <= 0 or backoff < 0 or pause < 0:
            raise LinkingError("timeout must be > 0; retries, back-off and pause must be >= 0")
        self.endpoints = Endpoints.from_url(url)
        self.retries, self.backoff, self.max_wait, self.pause, self.maxlag = retries, backoff, max_wait, pause, maxlag
        self._sleep = sleep
        self._last = 0.0
        self._http = httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=True, transport=transport,
                                  headers={"User-Agent": USER_AGENT, "Accept": "application/json"})

    def __enter__(self) -> WikidataClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    # requests -------------------------------------------------------------------------------
    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self._sleep(min(seconds, self.max_wait))

    def _get(self, url: str, params: dict[str, str] | None = None, *, api: bool = False) -> httpx.Response:
        """GET with retries; returns the first answer that is not retryable (it may be a 4xx).

        :raises WikidataUnavailable: when every attempt failed.
        """
        problem = ""
        delay: float | None = None
        attempt = 0
        for attempt in range(1, self.retries + 2):
            if attempt > 1:
                self._wait(delay if delay is not None else self.backoff * 2 ** (attempt - 2))
            since = time.monotonic() - self._last
            if self.pause and since < self.pause:
                self._sleep(self.pause - since)
            delay = None
            try:
                reply = self._http.get(url, params=params)
            except httpx.TransportError as exc:  # connect errors, timeouts, broken connections
                problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                continue
            finally:
                self._last = time.monotonic()
            if reply.status_code in RETRY_STATUS:
                problem = f"HTTP {reply.status_code} {reply.reason_phrase}".rstrip()
                delay = _retry_after(reply.headers.get("Retry-After"))
                continue
            if api and reply.status_code == 200 and self._is_maxlag(reply):
                problem = "the servers are lagged (maxlag)"
                delay = _retry_after(reply.headers.get("Retry-After")) or max(self.backoff, 1.0)
                continue
            return reply
        raise WikidataUnavailable(url, problem, attempt)

    @staticmethod
    def _is_maxlag(reply: httpx.Response) -> bool:
        if "MediaWiki-API-Error" in reply.headers:
            return reply.headers["MediaWiki-API-Error"] == "maxlag"
        try:
            doc = reply.json()
        except ValueError:
            return False
        return isinstance(doc, dict) and isinstance(doc.get("error"), dict) and doc["error"].get("code") == "maxlag"

    # the two calls ----------------------------------------------------------------------------
    def search(self, text: str, *, language: str = "en", limit: int = 5) -> list[SearchHit]:
        """Items whose label or alias matches ``text``, in the API's order (``wbsearchentities``).

        :raises LinkingError: on an API error or an answer that is not the expected JSON.
        :raises WikidataUnavailable: when Wikidata cannot be reached.
        """
        params = {"action": "wbsearchentities", "search": text, "language": language, "uselang": language,
                  "type": "item", "limit": str(limit), "format": "json"}
        if self.maxlag is not None:
            params["maxlag"] = str(self.maxlag)
        url = self.endpoints.api
        reply = self._get(url, params, api=True)
        if reply.status_code != 200:
            raise LinkingError(f"{url}: wbsearchentities for {text!r} answered HTTP {reply.status_code}: "
                               f"{reply.text[:200].strip()}")
        try:
            doc = reply.json()
        except ValueError as exc:
            raise LinkingError(f"{url}: wbsearchentities for {text!r} did not answer JSON "
                               f"(Content-Type {reply.headers.get('Content-Type')!r})") from exc
        if not isinstance(doc, dict):
            raise LinkingError(f"{url}: wbsearchentities for {text!r} answered unexpected JSON")
        if "error" in doc:
            err = doc["error"] if isinstance(doc["error"], dict) else {}
            raise LinkingError(f"{url}: wbsearchentities for {text!r} failed: {err.get('code', '?')}: "
                               f"{err.get('info', '')}")
        hits = []
        for rank, item in enumerate(doc.get("search") or []):
            if not isinstance(item, dict) or not item.get("id"):
                continue
            match = item.get("match") if isinstance(item.get("match"), dict) else {}
            display = item.get("display") if isinstance(item.get("display"), dict) else {}

            def shown(key: str) -> str:  # top-level field, else the display form (a fallback language)
                value = display.get(key)
                return str(item.get(key) or (value.get("value", "") if isinstance(value, dict) else ""))
            hits.append(SearchHit(str(item["id"]), shown("label"), shown("description"),
                                  str(match.get("type", "")), str(match.get("text", "")), rank))
        return hits

    def entity(self, qid: str) -> EntityData | None:
        """The item ``qid`` from ``Special:EntityData/<qid>.json``, following a merge redirect;
        None if Wikidata has no such item (HTTP 404: deleted, or never existed).

        :raises LinkingError: on another HTTP error or a body that is not entity JSON.
        :raises WikidataUnavailable: when Wikidata cannot be reached.
        """
        url = f"{self.endpoints.entity_data}{qid}.json"
        reply = self._get(url)
        if reply.status_code == 404:
            return None
        if reply.status_code != 200:
            raise LinkingError(f"{url}: answered HTTP {reply.status_code}: {reply.text[:200].strip()}")
        return parse_entity_body(qid, reply.content)
