"""The Hugging Face Hub papers API client: daily pages, papers, collections.

The network layer (:mod:`paper2bib.net`), as for every service: the few GET endpoints
paper2bib reads need no SDK. The Hub sends no ``Retry-After``: a 429 is waited out for the
seconds its ``RateLimit: "api";r=…;t=…`` header announces (up to a minute; longer is
"down, ask later"). A 500's ``RateLimit`` header describes the quota window, not a wait,
and is not waited out. Pages are followed through ``Link: rel="next"``
to the end, at 100 items a request, always against the configured base URL.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from requests.adapters import BaseAdapter

from ..errors import HubError, HubUnavailable
from ..links import urlsplit
from ..net import Answer, HttpService, RetryPolicy

PAGE_SIZE = 100  # the Hub's largest ``limit``


@dataclass
class HubClient:
    """Talks to the Hub's papers API.

    :param url: the Hub (``https://huggingface.co`` or a mirror).
    :param delay: seconds between requests; also the first backoff step (at least 1 s).
    :param token: an access token (``HF_TOKEN``), sent as a bearer token when given.
    :param timeout: seconds an exchange may take in all.
    :param attempts: tries per request; :param max_wait: the longest rate-limit wait honoured.
    :param adapter: a ``requests`` transport adapter (tests inject faults); ``clock``/``sleep`` likewise.
    """

    url: str = "https://huggingface.co"
    delay: float = 0.5
    token: str | None = field(default=None, repr=False)
    timeout: float = 15.0
    attempts: int = 4
    max_wait: float = 60.0
    adapter: BaseAdapter | None = field(default=None, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def __post_init__(self) -> None:
        headers = {"Accept": "application/json"} | ({"Authorization": f"Bearer {self.token}"} if self.token else {})
        policy = RetryPolicy(
            attempts=self.attempts, deadline=self.timeout, give_up_after=max(25.0, self.timeout), max_wait=self.max_wait
        )
        self.http = HttpService(
            "Hugging Face", self.url, HubUnavailable, policy, self.delay, headers,
            adapter=self.adapter, clock=self.clock, sleep=self.sleep,
        )  # fmt: skip

    @property
    def requests_made(self) -> int:
        """HTTP requests sent so far, retries and pages included."""
        return self.http.requests

    def _get(self, path: str, what: str) -> Answer:
        return self.http.request("GET", path, what)

    def _json(self, resp: Answer, what: str) -> Any:
        if resp.status == 404:
            raise HubError(f"Hugging Face has no {what}")
        try:
            data = resp.json()
        except ValueError:
            raise HubUnavailable(f"Hugging Face at {self.url}: {what}: the answer is not JSON") from None
        if resp.status != 200:
            message = data.get("error") if isinstance(data, dict) else None
            raise HubError(f"Hugging Face refused {what}: {str(message or f'HTTP {resp.status}')[:200]}")
        return data

    def _next(self, resp: Answer) -> str | None:
        """The next page, against our base URL (the Hub's Link names its own host)."""
        nxt = resp.links.get("next")
        if not nxt:
            return None
        parts = urlsplit(nxt)
        return parts.path + ("?" + parts.query if parts.query else "")

    # ------------------------------------------------------------------ look-ups
    def daily_papers(self, kind: str, value: str) -> list[dict[str, Any]]:
        """Every item of a day (``date``), week or month of daily papers, all pages."""
        what = f"daily papers for {value}"
        url: str | None = f"/api/daily_papers?{kind}={value}&limit={PAGE_SIZE}"
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
        data = self._json(self._get(path, what), what)
        if not isinstance(data, dict):
            raise HubUnavailable(f"Hugging Face at {self.url}: {what}: the answer is not one")
        return data

    def paper(self, arxiv_id: str) -> dict[str, Any]:
        """The Hub's paper object for ``arxiv_id``."""
        return self._object(f"/api/papers/{arxiv_id}", f"paper {arxiv_id}")

    def collection(self, slug: str) -> dict[str, Any]:
        """The collection ``<namespace>/<slug>``."""
        return self._object(f"/api/collections/{slug}", f"collection {slug}")
