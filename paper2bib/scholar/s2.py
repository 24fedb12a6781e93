"""The Semantic Scholar Graph API client: what each arXiv paper became, 500 papers a request."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from requests.adapters import BaseAdapter

from ..errors import S2Unavailable
from ..net import HttpService, RetryPolicy

BATCH = 500  # the batch endpoint's limit
FIELDS = "title,authors,year,venue,publicationVenue,journal,externalIds,publicationTypes,publicationDate"
#: an optional service: a hung one costs at most ``give_up_after`` seconds, once per run
POLICY = RetryPolicy(attempts=4, deadline=15.0, give_up_after=25.0, max_wait=60.0)


@dataclass
class S2Client:
    """``POST /graph/v1/paper/batch`` with ``ARXIV:<id>`` ids.

    :param api_key: sent as ``x-api-key`` (``SEMANTIC_SCHOLAR_API_KEY``); with a key, keep ≥ 1 s between requests.
    :param adapter: a ``requests`` transport adapter (tests inject faults); ``clock``/``sleep`` likewise.
    """

    url: str = "https://api.semanticscholar.org"
    delay: float = 1.0
    api_key: str | None = field(default=None, repr=False)
    policy: RetryPolicy = POLICY
    adapter: BaseAdapter | None = field(default=None, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def __post_init__(self) -> None:
        headers = {"x-api-key": self.api_key} if self.api_key else {}
        self.http = HttpService(
            "Semantic Scholar", self.url, S2Unavailable, self.policy, self.delay, headers,
            adapter=self.adapter, clock=self.clock, sleep=self.sleep,
        )  # fmt: skip

    @property
    def requests_made(self) -> int:
        return self.http.requests

    def papers(self, arxiv_ids: Iterable[str]) -> dict[str, dict[str, Any] | None]:
        """arXiv id → Semantic Scholar's record (None: unknown to it). Raises ``S2Unavailable``."""
        ids = list(dict.fromkeys(arxiv_ids))
        out: dict[str, dict[str, Any] | None] = {}
        for i in range(0, len(ids), BATCH):
            chunk = ids[i : i + BATCH]
            answer = self.http.request(
                "POST",
                f"/graph/v1/paper/batch?fields={FIELDS}",
                "paper batch",
                json={"ids": [f"ARXIV:{a}" for a in chunk]},
            )
            if answer.status != 200:
                raise S2Unavailable(f"Semantic Scholar at {self.url}: paper batch answered HTTP {answer.status}")
            try:
                data = answer.json()
            except ValueError:
                raise S2Unavailable(f"Semantic Scholar at {self.url}: the answer is not JSON") from None
            if not isinstance(data, list) or len(data) != len(chunk):
                raise S2Unavailable(f"Semantic Scholar at {self.url}: the answer is not one record per paper")
            out.update({a: (p if isinstance(p, dict) else None) for a, p in zip(chunk, data)})
        return out
