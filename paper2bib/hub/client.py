"""The Hugging Face Hub papers API client: daily pages, papers, collections.

``requests`` and ``tenacity``, as for arXiv: the few GET endpoints paper2bib reads need no
SDK, and one retry policy and one bounded session serve every service. The Hub sends no
``Retry-After``: a 429 is waited out for the seconds its ``RateLimit: "api";r=…;t=…``
header announces, with one line on stderr. Pages are followed through ``Link: rel="next"``
to the end, at 100 items a request, always against the configured base URL.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
import tenacity

from .. import __version__
from ..errors import HubError, HubUnavailable
from ..http import BoundedSession, ResponseTooLarge
from ..links import urlsplit

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
PAGE_SIZE = 100  # the Hub's largest ``limit``


class _Transient(Exception):
    """A 429 or 5xx answer: worth asking again."""

    def __init__(self, status: int, wait: float | None):
        super().__init__(f"HTTP {status}")
        self.status, self.wait = status, wait


def rate_limit_wait(header: str | None) -> float | None:
    """Seconds until the Hub's rate-limit window resets, from ``RateLimit: "api";r=0;t=37``."""
    m = re.search(r"(?:^|;)\s*t=(\d+(?:\.\d+)?)", header or "")
    return float(m.group(1)) if m else None


@dataclass
class HubClient:
    """Talks to the Hub's papers API.

    :param url: the Hub (``https://huggingface.co`` or a mirror).
    :param delay: seconds between requests; also the first backoff step (at least 1 s).
    :param token: an access token (``HF_TOKEN``), sent as a bearer token when given.
    :param timeout: seconds an exchange may take in all.
    :param attempts: tries per request; :param max_wait: the longest rate-limit wait honoured.
    """

    url: str = "https://huggingface.co"
    delay: float = 0.5
    token: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    attempts: int = 6
    max_wait: float = 300.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def __post_init__(self) -> None:
        self._session = BoundedSession(f"paper2bib/{__version__}", self.timeout, deadline=self.timeout)
        if self.token:
            self._session.headers["Authorization"] = f"Bearer {self.token}"
        self._last = 0.0

    @property
    def requests_made(self) -> int:
        """HTTP requests sent so far, retries and pages included."""
        return self._session.requests_made

    # ------------------------------------------------------------------ plumbing
    def _url(self, path_and_query: str) -> str:
        return self.url.rstrip("/") + path_and_query

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Transient) and exc.status == 429 and exc.wait is not None:
            return min(exc.wait, self.max_wait)
        return min(max(self.delay, 1.0) * 2 ** (state.attempt_number - 1), 60.0)

    def _get_once(self, url: str) -> requests.Response:
        gap = self.delay - (time.monotonic() - self._last)
        if gap > 0:
            self.sleep(gap)
        self._last = time.monotonic()
        resp = self._session.get(url, headers={"Accept": "application/json"})
        if resp.status_code in RETRY_STATUSES:
            raise _Transient(resp.status_code, rate_limit_wait(resp.headers.get("RateLimit")))
        return resp

    def _get(self, url: str, what: str) -> requests.Response:
        def before_sleep(state: tenacity.RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0
            if isinstance(exc, _Transient) and exc.status == 429:
                log.warning("Hugging Face rate limit reached; waiting %.0f s as its RateLimit header says", wait)
            else:
                log.warning("Hugging Face: %s: %s; retrying in %.0f s", what, _describe(exc), wait)

        try:
            return tenacity.Retrying(
                retry=tenacity.retry_if_exception_type((_Transient, requests.ConnectionError, requests.Timeout)),
                wait=self._wait,
                stop=tenacity.stop_after_attempt(self.attempts),
                sleep=self.sleep,
                before_sleep=before_sleep,
                reraise=True,
            )(self._get_once, url)
        except (_Transient, requests.RequestException) as e:
            raise HubUnavailable(
                f"Hugging Face at {self.url}: {what} failed ({_describe(e)}); try again later"
            ) from None
        except ResponseTooLarge as e:
            raise HubUnavailable(f"Hugging Face at {self.url}: {what}: {e}") from None

    def _json(self, resp: requests.Response, what: str) -> Any:
        if resp.status_code == 404:
            raise HubError(f"Hugging Face has no {what}")
        try:
            data = resp.json()
        except ValueError:
            raise HubUnavailable(f"Hugging Face at {self.url}: {what}: the answer is not JSON") from None
        if resp.status_code != 200:
            message = data.get("error") if isinstance(data, dict) else None
            raise HubError(f"Hugging Face refused {what}: {message or f'HTTP {resp.status_code}'}")
        return data

    def _next(self, resp: requests.Response) -> str | None:
        """The next page, against our base URL (the Hub's Link names its own host)."""
        nxt = resp.links.get("next", {}).get("url")
        if not nxt:
            return None
        parts = urlsplit(nxt)
        return self._url(parts.path + ("?" + parts.query if parts.query else ""))

    # ------------------------------------------------------------------ look-ups
    def daily_papers(self, kind: str, value: str) -> list[dict[str, Any]]:
        """Every item of a day (``date``), week or month of daily papers, all pages."""
        what = f"daily papers for {value}"
        url: str | None = self._url(f"/api/daily_papers?{kind}={value}&limit={PAGE_SIZE}")
        items: list[dict[str, Any]] = []
        while url:
            resp = self._get(url, what)
            page = self._json(resp, what)
            if not isinstance(page, list):
                raise HubUnavailable(f"Hugging Face at {self.url}: {what}: the answer is not a list")
            items.extend(i for i in page if isinstance(i, dict))
            url = self._next(resp) if page else None
        return items

    def _object(self, path: str, what: str) -> dict[str, Any]:
        data = self._json(self._get(self._url(path), what), what)
        if not isinstance(data, dict):
            raise HubUnavailable(f"Hugging Face at {self.url}: {what}: the answer is not one")
        return data

    def paper(self, arxiv_id: str) -> dict[str, Any]:
        """The Hub's paper object for ``arxiv_id``."""
        return self._object(f"/api/papers/{arxiv_id}", f"paper {arxiv_id}")

    def collection(self, slug: str) -> dict[str, Any]:
        """The collection ``<namespace>/<slug>``."""
        return self._object(f"/api/collections/{slug}", f"collection {slug}")


def _describe(exc: BaseException | None) -> str:
    if isinstance(exc, _Transient):
        return str(exc)
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    return type(exc).__name__ if exc else "unknown error"
