"""The DBLP client: records by key (``/rec/<key>.bib``) and title searches (``/search/publ/api``).

DBLP sits behind a bot wall: a challenge page (HTML, status 200) instead of the answer is
treated as "ask again later", never as an answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import requests

from ..http import PoliteClient, ServiceUnavailable


def _challenge(resp: requests.Response) -> str | None:
    if resp.status_code == 200 and "text/html" in resp.headers.get("Content-Type", ""):
        return "a bot-challenge page instead of the answer"
    return None


@dataclass
class DblpClient:
    """DBLP, politely: at least ``delay`` seconds between requests, ``Retry-After`` honoured."""

    url: str = "https://dblp.org"
    delay: float = 1.0
    timeout: float = 30.0
    attempts: int = 6
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def __post_init__(self) -> None:
        self._http = PoliteClient(
            "DBLP", self.url, self.delay, self.timeout, self.attempts, 300.0, {}, self.sleep, transient=_challenge
        )

    @property
    def requests_made(self) -> int:
        return self._http.requests_made

    def record_bibtex(self, key: str) -> str | None:
        """DBLP's BibTeX of record ``key`` (None if DBLP has no such record)."""
        resp = self._http.request("GET", f"/rec/{quote(key)}.bib", f"record {key}")
        if resp.status_code == 404:
            return None
        if resp.status_code != 200:
            raise ServiceUnavailable(f"DBLP: record {key} answered HTTP {resp.status_code}")
        return resp.text

    def search(self, title: str, hits: int = 10) -> dict[str, Any]:
        """DBLP's JSON answer to a publication search for ``title``."""
        words = " ".join(w for w in title.replace("-", " ").split() if any(c.isalnum() for c in w))
        resp = self._http.request("GET", f"/search/publ/api?q={quote(words)}&format=json&h={hits}", "title search")
        try:
            data = resp.json()
        except ValueError:
            raise ServiceUnavailable("DBLP: the search answer is not JSON") from None
        return data if isinstance(data, dict) else {}
