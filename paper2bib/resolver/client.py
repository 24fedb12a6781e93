"""The arXiv API client: one polite connection, batched look-ups, bounded retries.

It speaks the arXiv query API (``search_query`` / ``id_list``, paged by ``start`` and
``max_results``) through the network layer (:mod:`paper2bib.net`) and reads the Atom
answers with :mod:`paper2bib.resolver.feed`. It used to drive the ``arxiv`` package, whose
public interface offers no way to give it a session, a deadline, a size cap or a retry
policy: that took overriding its private parts, so it was dropped (see the README).

* a configurable endpoint, delay, timeout and a User-Agent that names a contact;
* retries of 429 (honouring ``Retry-After``), 5xx, timeouts, dropped connections,
  malformed answers and "empty pages" (a feed that claims results but holds none), with
  exponential backoff starting at the configured delay, within ``give_up_after`` seconds;
* request counting, so callers and benchmarks can see what a run cost.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

from requests.adapters import BaseAdapter

from .. import __version__
from ..errors import ArxivQueryError, ArxivUnavailable
from ..models import Record
from ..net import Answer, Breaker, Failed, Failure, HttpService, RetryPolicy
from .feed import Feed, MalformedFeed, parse_feed

log = logging.getLogger(__name__)

ID_BATCH = 100  # arXiv's own advice for id_list look-ups


@dataclass
class ArxivClient:
    """Talks to the arXiv query API.

    :param url: the query endpoint (``https://export.arxiv.org/api/query`` or a mirror).
    :param delay: seconds between requests (arXiv asks for 3); also the first backoff step.
    :param contact: an e-mail address put in the User-Agent, as arXiv asks of API users.
    :param timeout: seconds one exchange may take.
    :param give_up_after: seconds one request may take in all, retries included.
    :param attempts: tries per request at most.
    :param page_size: results per page (arXiv allows up to 2000).
    :param backoff_floor: the smallest first backoff step, whatever the delay (1 s).
    :param adapter: a ``requests`` transport adapter (tests inject faults); ``clock``/``sleep`` likewise.
    """

    url: str = "https://export.arxiv.org/api/query"
    delay: float = 3.0
    contact: str | None = None
    timeout: float = 20.0
    give_up_after: float = 25.0
    attempts: int = 6
    page_size: int = 200
    backoff_floor: float = 1.0
    adapter: BaseAdapter | None = field(default=None, repr=False)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)

    def __post_init__(self) -> None:
        ua = f"paper2bib/{__version__} (+https://pypi.org/project/paper2bib/"
        ua += f"; mailto:{self.contact})" if self.contact else ")"
        policy = RetryPolicy(
            attempts=self.attempts,
            backoff=max(self.delay, self.backoff_floor),
            max_backoff=60.0,
            jitter=0.0,
            max_wait=60.0,
            give_up_after=self.give_up_after,
            deadline=self.timeout,
        )
        self.http = HttpService(
            "arXiv", self.url.split("?")[0], ArxivUnavailable, policy, self.delay, {"User-Agent": ua},
            adapter=self.adapter, clock=self.clock, sleep=self.sleep,
            breaker=Breaker(threshold=self.attempts),  # arXiv is needed: every request gets its whole schedule
        )  # fmt: skip

    @property
    def requests_made(self) -> int:
        """HTTP requests sent so far, retries included."""
        return self.http.requests

    def _page(self, query: str, ids: list[str], start: int) -> Feed:
        """One page of results, retried while arXiv answers with an error, a malformed or an empty page."""
        args = {
            "search_query": query,
            "id_list": ",".join(ids),
            "sortBy": "relevance",
            "sortOrder": "descending",
            "start": str(start),
            "max_results": str(self.page_size),
        }

        def read(answer: Answer) -> Feed:
            if answer.status == 400:
                raise ArxivQueryError(f"arXiv rejected the query (HTTP 400): {query or ','.join(ids)}")
            if answer.status != 200:
                raise Failed(Failure(f"HTTP {answer.status}", answer.status, transient=False))
            try:
                feed = parse_feed(answer.body)
            except MalformedFeed as e:
                raise Failed(Failure(str(e))) from None
            if not feed.entries and feed.total > feed.start:
                raise Failed(Failure("an empty page"))  # arXiv does this under load
            return feed

        return self.http.read("GET", "?" + urlencode(args), "query", read)

    def _results(self, query: str, ids: list[str], max_results: int | None) -> list[Record]:
        out: list[Record] = []
        start = 0
        while True:
            feed = self._page(query, ids, start)
            if feed.echo:
                log.info("arXiv read the query as: %s", feed.echo)
            out.extend(feed.records)
            start += feed.entries
            if not feed.entries or start >= feed.total or (max_results is not None and start >= max_results):
                break
        return out[:max_results] if max_results is not None else out

    # ------------------------------------------------------------------ look-ups
    def search(self, query: str, max_results: int | None = None) -> list[Record]:
        """Records matching an arXiv search query (all pages, up to ``max_results``)."""
        return self._results(query, [], max_results)

    def fetch_batches(self, arxiv_ids: Iterable[str]) -> Iterator[tuple[list[str], dict[str, Record]]]:
        """``(ids asked, records found)`` per ``id_list`` request of :data:`ID_BATCH` ids;
        ids arXiv does not know are absent from the records."""
        ids = list(dict.fromkeys(arxiv_ids))
        for i in range(0, len(ids), ID_BATCH):
            chunk = ids[i : i + ID_BATCH]
            yield chunk, {r.arxiv_id: r for r in self._results("", chunk, len(chunk))}

    def fetch(self, arxiv_ids: Iterable[str]) -> dict[str, Record]:
        """Records by id (``id_list`` batches of 100); ids arXiv does not know are absent."""
        return {a: rec for _, found in self.fetch_batches(arxiv_ids) for a, rec in found.items()}
