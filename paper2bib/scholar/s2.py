"""The Semantic Scholar Graph API client: what each arXiv paper became, 500 papers a request."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..http import PoliteClient, ServiceUnavailable

BATCH = 500  # the batch endpoint's limit
FIELDS = "title,authors,year,venue,publicationVenue,journal,externalIds,publicationTypes,publicationDate"


@dataclass
class S2Client:
    """``POST /graph/v1/paper/batch`` with ``ARXIV:<id>`` ids.

    :param api_key: sent as ``x-api-key`` (``SEMANTIC_SCHOLAR_API_KEY``); with a key, keep ≥ 1 s between requests.
    """

    url: str = "https://api.semanticscholar.org"
    delay: float = 1.0
    api_key: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    attempts: int = 6
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def __post_init__(self) -> None:
        headers = {"x-api-key": self.api_key} if self.api_key else {}
        self._http = PoliteClient(
            "Semantic Scholar", self.url, self.delay, self.timeout, self.attempts, 300.0, headers, self.sleep
        )

    @property
    def requests_made(self) -> int:
        return self._http.requests_made

    def papers(self, arxiv_ids: Iterable[str]) -> dict[str, dict[str, Any] | None]:
        """arXiv id → Semantic Scholar's record (None: unknown to it). Raises ``ServiceUnavailable``."""
        ids = list(dict.fromkeys(arxiv_ids))
        out: dict[str, dict[str, Any] | None] = {}
        for i in range(0, len(ids), BATCH):
            chunk = ids[i : i + BATCH]
            resp = self._http.request(
                "POST",
                f"/graph/v1/paper/batch?fields={FIELDS}",
                "paper batch",
                json={"ids": [f"ARXIV:{a}" for a in chunk]},
            )
            try:
                answer = resp.json()
            except ValueError:
                raise ServiceUnavailable("Semantic Scholar: the answer is not JSON") from None
            if resp.status_code != 200 or not isinstance(answer, list) or len(answer) != len(chunk):
                raise ServiceUnavailable(f"Semantic Scholar: paper batch answered HTTP {resp.status_code}")
            out.update({a: (p if isinstance(p, dict) else None) for a, p in zip(chunk, answer)})
        return out
