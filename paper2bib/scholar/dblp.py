"""The DBLP client: records by key (``/rec/<key>.bib``) and title searches answered in BibTeX.

DBLP sits behind a bot wall: a challenge page (HTML, status 200) instead of the answer is
a failed attempt — asked again, and counted by the circuit breaker — never an answer.
A search asks for ``format=bib``: the hits come with their whole records, so a paper found
by its title costs one request, not one plus one per hit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from requests.adapters import BaseAdapter

from ..errors import DblpUnavailable
from ..net import Answer, HttpService, RetryPolicy

POLICY = RetryPolicy(attempts=4, deadline=10.0, give_up_after=20.0, max_wait=60.0)


def challenge(answer: Answer) -> str | None:
    """Why ``answer`` is DBLP's bot wall rather than what was asked (None if it is an answer)."""
    if answer.status == 200 and "text/html" in answer.headers.get("Content-Type", ""):
        return "a bot-challenge page instead of the answer"
    return None


def search_words(title: str) -> str:
    """A title as DBLP's search reads it: words only (every word must match)."""
    return " ".join(w for w in title.replace("-", " ").split() if any(c.isalnum() for c in w))


@dataclass
class DblpClient:
    """DBLP, politely: at least ``delay`` seconds between requests, ``Retry-After`` honoured."""

    url: str = "https://dblp.org"
    delay: float = 1.0
    policy: RetryPolicy = POLICY
    adapter: BaseAdapter | None = field(default=None, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def __post_init__(self) -> None:
        self.http = HttpService(
            "DBLP", self.url, DblpUnavailable, self.policy, self.delay, {"Accept": "text/x-bibtex, application/x-bibtex, */*"},
            challenge=challenge, adapter=self.adapter, clock=self.clock, sleep=self.sleep,
        )  # fmt: skip

    @property
    def requests_made(self) -> int:
        return self.http.requests

    def _bibtex(self, answer: Answer, what: str) -> str | None:
        if answer.status == 404:
            return None
        if answer.status != 200:
            raise DblpUnavailable(f"DBLP at {self.url}: {what} answered HTTP {answer.status}")
        return answer.text

    def record_bibtex(self, key: str) -> str | None:
        """DBLP's BibTeX of record ``key`` (None if DBLP has no such record)."""
        what = f"record {key}"
        return self._bibtex(self.http.request("GET", f"/rec/{quote(key)}.bib", what), what)

    def search_bibtex(self, title: str, hits: int = 10) -> str:
        """The BibTeX of the first ``hits`` records a publication search for ``title`` finds."""
        q = quote(search_words(title))
        return (
            self._bibtex(
                self.http.request("GET", f"/search/publ/api?q={q}&format=bib&h={hits}", "title search"), "title search"
            )
            or ""
        )
