"""The arXiv API client: one polite connection, batched look-ups, retries with tenacity.

Built on the ``arxiv`` package (its URL format, feed parser and rate limiting), with:

* a configurable endpoint, delay, timeout and a User-Agent that names a contact;
* retries of 429 (honouring ``Retry-After``), 5xx, timeouts, dropped connections,
  malformed XML and "empty pages" (a feed that claims results but holds none), with
  exponential backoff starting at the configured delay, bounded in attempts and time;
* request counting, so callers and benchmarks can see what a run cost.
"""

from __future__ import annotations

import html
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import arxiv
import requests
import tenacity
from lxml import etree

from .. import __version__
from ..arxiv_ids import clean_doi, is_arxiv_id, is_category
from ..errors import ArxivQueryError, ArxivUnavailable
from ..http import BoundedSession, ResponseTooLarge
from ..models import Record

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
ID_BATCH = 100  # arXiv's own advice for id_list look-ups


class EmptyPage(Exception):
    """A page that should hold results holds none (arXiv does this under load)."""


class MalformedFeed(Exception):
    """The response was not an Atom feed."""


class _Session(BoundedSession):
    """The arXiv session: a feed lxml could only read by dropping text is repaired or
    refused here, before the ``arxiv`` package parses it."""

    def finish(self, resp: requests.Response, body: bytes) -> bytes:
        return repair_feed(body) if resp.status_code == 200 else body


_HEADER_LINK = re.compile(rb"<link\b[^>]*?/>")


def repair_feed(content: bytes) -> bytes:
    """An Atom answer that an XML parser reads without loss, or the answer unchanged.

    arXiv echoes the query in the feed's own ``<link href>`` without escaping its
    quotes; lxml's recovery then silently drops text further on (``&`` in titles).
    The feed-level links carry nothing paper2bib reads, so they are removed; an answer
    still malformed is left for the caller to reject.
    """
    if _well_formed(content):
        return content
    head, sep, rest = content.partition(b"<entry>")
    repaired = _HEADER_LINK.sub(b"", head) + sep + rest
    return repaired if _well_formed(repaired) else content


def _well_formed(content: bytes) -> bool:
    try:
        etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True, recover=False))
    except etree.XMLSyntaxError:
        return False
    return True


class _Client(arxiv.Client):
    """``arxiv.Client`` whose page fetches are retried one by one, and raise on malformed
    or unexpectedly empty feeds."""

    retrying: Callable[[], tenacity.Retrying]

    def _parse_feed(self, url: str, first_page: bool = True, _try_index: int = 0):
        return self.retrying()(self._parse_page, url, first_page)

    def _parse_page(self, url: str, first_page: bool):
        feed = super()._parse_feed(url, first_page=first_page, _try_index=self.num_retries)
        resp = getattr(self._session, "last_response", None)
        if feed.malformed or (
            resp is not None and (b"totalResults>" not in resp.content or not _well_formed(resp.content))
        ):
            # a truncated answer can still parse (lxml recovers): every real feed has totalResults
            raise MalformedFeed(str(feed.error or "no totalResults in the answer"))
        if not feed.results and feed.header.total_results > feed.header.start_index:
            raise EmptyPage(url)
        return feed


def _date(dt) -> str:
    return dt.strftime("%Y-%m-%d")


MAX_VERSION = 10_000  # arXiv's most revised papers have a few dozen versions


def record_from_result(r: arxiv.Result) -> Record | None:
    """A :class:`Record` from an ``arxiv.Result`` (the latest version's metadata).

    The answer is untrusted: an entry whose id or version is not arXiv's syntax is
    dropped (None, with a warning); a category or DOI that is not one is left out.
    """
    short = r.get_short_id()
    ident, _, ver = short.rpartition("v")
    if not ident or not ver.isdigit():
        ident, ver = short, "1"
    if not is_arxiv_id(ident) or not 1 <= int(ver) <= MAX_VERSION:
        log.warning("arXiv answered with an entry whose id is not an arXiv id (%.80r); ignored", short)
        return None
    return Record(
        arxiv_id=ident,
        version=int(ver),
        title=" ".join(r.title.split()),
        authors=tuple(a.name for a in r.authors),
        summary=" ".join(r.summary.split()),
        published=_date(r.published),
        updated=_date(r.updated),
        primary_category=r.primary_category if is_category(r.primary_category) else None,
        categories=tuple(c for c in r.categories if is_category(c)),
        comment=" ".join(r.comment.split()) if r.comment else None,
        journal_ref=" ".join(r.journal_ref.split()) if r.journal_ref else None,
        doi=clean_doi(r.doi),
    )


@dataclass
class ArxivClient:
    """Talks to the arXiv query API.

    :param url: the query endpoint (``https://export.arxiv.org/api/query`` or a mirror).
    :param delay: seconds between requests (arXiv asks for 3); also the first backoff step.
    :param contact: an e-mail address put in the User-Agent, as arXiv asks of API users.
    :param timeout: seconds to wait for a connection or an answer.
    :param give_up_after: seconds of consecutive failures after which a request is abandoned.
    :param attempts: tries per request at most.
    :param page_size: results per page (arXiv allows up to 2000).
    :param backoff_floor: the smallest first backoff step, whatever the delay (1 s).
    """

    url: str = "https://export.arxiv.org/api/query"
    delay: float = 3.0
    contact: str | None = None
    timeout: float = 20.0
    give_up_after: float = 25.0
    attempts: int = 6
    page_size: int = 200
    backoff_floor: float = 1.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)

    def __post_init__(self) -> None:
        ua = f"paper2bib/{__version__} (+https://pypi.org/project/paper2bib/"
        ua += f"; mailto:{self.contact})" if self.contact else ")"
        self._session = _Session(ua, self.timeout, deadline=self.timeout)
        self._client = _Client(page_size=self.page_size, delay_seconds=self.delay, num_retries=0)
        self._client.query_url_format = self.url.split("?")[0] + "?{}"
        self._client._session = self._session
        self._client.retrying = self._retrying

    @property
    def requests_made(self) -> int:
        """HTTP requests sent so far, retries included."""
        return self._session.requests_made

    # ------------------------------------------------------------------ retry policy
    def _wait(self, state: tenacity.RetryCallState) -> float:
        backoff = max(self.delay, self.backoff_floor) * 2 ** (state.attempt_number - 1)
        retry_after = 0.0
        resp = self._session.last_response
        if resp is not None and resp.status_code in (429, 503):
            value = resp.headers.get("Retry-After", "")
            if value.strip().isdigit():
                retry_after = float(value)
        return min(max(backoff, retry_after), 60.0)

    @staticmethod
    def _retryable(exc: BaseException) -> bool:
        if isinstance(exc, arxiv.HTTPError):
            return exc.status in RETRY_STATUSES
        return isinstance(
            exc, (EmptyPage, MalformedFeed, arxiv.UnexpectedEmptyPageError, requests.ConnectionError, requests.Timeout)
        )

    def _retrying(self) -> tenacity.Retrying:
        """The retry policy of one page fetch."""
        started = self.clock()

        def stop(state: tenacity.RetryCallState) -> bool:
            """After ``attempts`` tries, or when the next wait would pass ``give_up_after``."""
            spent = self.clock() - started
            return state.attempt_number >= self.attempts or spent + self._wait(state) >= self.give_up_after

        return tenacity.Retrying(
            retry=tenacity.retry_if_exception(self._retryable),
            wait=self._wait,
            stop=stop,
            sleep=self.sleep,
            before_sleep=lambda s: log.warning(
                "arXiv: %s; retrying in %.0f s",
                _describe(s.outcome.exception() if s.outcome else None),
                s.next_action.sleep if s.next_action else 0,
            ),
            reraise=True,
        )

    def _run(self, search: arxiv.Search) -> list[arxiv.Result]:
        try:
            return list(self._client.results(search))
        except ResponseTooLarge as e:
            raise ArxivUnavailable(f"refused the answer of arXiv at {self.url}: {e}") from None
        except arxiv.HTTPError as e:
            if e.status in RETRY_STATUSES:
                raise ArxivUnavailable(f"arXiv keeps failing ({_describe(e)}); try again later") from None
            raise ArxivQueryError(
                f"arXiv rejected the query (HTTP {e.status}): {search.query or search.id_list}"
            ) from None
        except (EmptyPage, MalformedFeed, arxiv.UnexpectedEmptyPageError, requests.RequestException) as e:
            raise ArxivUnavailable(f"cannot reach arXiv at {self.url} ({_describe(e)}); try again later") from None

    # ------------------------------------------------------------------ look-ups
    def search(self, query: str, max_results: int | None = None) -> list[Record]:
        """Records matching an arXiv search query (all pages, up to ``max_results``)."""
        search = arxiv.Search(query=query, max_results=max_results)
        results = self._run(search)
        resp = self._session.last_response
        if resp is not None:  # arXiv echoes the query as it parsed it: shown with -v
            echo = re.search(rb"<title>(arXiv Query:[^<]*)</title>", resp.content[:4000])
            if echo:
                log.info("arXiv read the query as: %s", html.unescape(echo.group(1).decode("utf-8", "replace")))
        return [rec for r in results if not _is_error(r) and (rec := record_from_result(r))]

    def fetch_batches(self, arxiv_ids: Iterable[str]) -> Iterator[tuple[list[str], dict[str, Record]]]:
        """``(ids asked, records found)`` per ``id_list`` request of :data:`ID_BATCH` ids;
        ids arXiv does not know are absent from the records."""
        ids = list(dict.fromkeys(arxiv_ids))
        for i in range(0, len(ids), ID_BATCH):
            chunk = ids[i : i + ID_BATCH]
            found: dict[str, Record] = {}
            for r in self._run(arxiv.Search(id_list=chunk, max_results=len(chunk))):
                if not _is_error(r) and (rec := record_from_result(r)):
                    found[rec.arxiv_id] = rec
            yield chunk, found

    def fetch(self, arxiv_ids: Iterable[str]) -> dict[str, Record]:
        """Records by id (``id_list`` batches of 100); ids arXiv does not know are absent."""
        return {a: rec for _, found in self.fetch_batches(arxiv_ids) for a, rec in found.items()}


def _is_error(r: arxiv.Result) -> bool:
    return "/api/errors" in r.entry_id


def _describe(exc: BaseException | None) -> str:
    if isinstance(exc, arxiv.HTTPError):
        return f"HTTP {exc.status}"
    if isinstance(exc, EmptyPage):
        return "an empty page"
    if isinstance(exc, MalformedFeed):
        return "a malformed answer"
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    return type(exc).__name__ if exc else "unknown error"
