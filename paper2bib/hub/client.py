"""The Hugging Face Hub papers API client: daily pages, papers, collections.

``requests`` and ``tenacity``, as for arXiv: the few GET endpoints paper2bib reads need no
SDK, and one retry policy and one bounded session serve every service. The Hub sends no
``Retry-After``: a 429 is waited out for the seconds its ``RateLimit: "api";r=…;t=…``
header announces, with one line on stderr. Pages are followed through ``Link: rel="next"``
to the end, at 100 items a request, always against the configured base URL.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from ..errors import HubError, HubUnavailable
from ..http import PoliteClient, ServiceUnavailable
from ..links import urlsplit

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
PAGE_SIZE = 100  # the Hub's largest ``limit``


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
        headers = {"Accept": "application/json"} | ({"Authorization": f"Bearer {self.token}"} if self.token else {})
        self._http = PoliteClient(
            "Hugging Face", self.url, self.delay, self.timeout, self.attempts, self.max_wait, headers, self.sleep
        )

    @property
    def requests_made(self) -> int:
        """HTTP requests sent so far, retries and pages included."""
        return self._http.requests_made

    def _get(self, path: str, what: str) -> requests.Response:
        try:
            return self._http.request("GET", path, what)
        except ServiceUnavailable as e:
            raise HubUnavailable(str(e)) from None

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
