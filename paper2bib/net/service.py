"""One outside service in one run: politeness delay, retries, a circuit breaker, counting.

:class:`Service` is the retry engine every client uses, whatever its HTTP library (the
Zotero client feeds pyzotero's calls through it); :class:`HttpService` adds the ``requests``
transport every other client uses. An attempt reports a failure by raising :class:`Failed`;
the :class:`~paper2bib.net.policy.RetryPolicy` decides whether and when to try again, the
:class:`~paper2bib.net.breaker.Breaker` whether the service is down for the rest of the run.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import requests
import tenacity
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import parse_header_links

from .. import __version__
from ..errors import ServiceUnavailable
from .bounded import (
    MAX_REDIRECTS,
    DeadlineExceeded,
    RedirectRefused,
    ResponseTooLarge,
    read_capped,
    redirect_target,
    run_with_deadline,
)
from .breaker import Breaker
from .policy import TRANSIENT_STATUSES, Failure, RetryPolicy, announced_wait, connection_failure, http_failure

log = logging.getLogger(__name__)
T = TypeVar("T")

#: waits at least this long are said on stderr; shorter ones only with -v
LOUD_WAIT = 3.0
USER_AGENT = f"paper2bib/{__version__} (+https://pypi.org/project/paper2bib/)"


class Failed(Exception):
    """Raised by an attempt that failed; carries the :class:`Failure`."""

    def __init__(self, failure: Failure):
        super().__init__(failure.what)
        self.failure = failure
        self.wait: float | None = None
        self.decided = False


@dataclass
class Service:
    """The retry engine of one service for one run.

    :param name: the service as users know it ("DBLP").
    :param url: its base URL (named in every error).
    :param error: the :class:`ServiceUnavailable` subclass raised when it fails.
    :param delay: seconds between the starts of two requests (politeness).
    """

    name: str
    url: str
    error: type[ServiceUnavailable] = ServiceUnavailable
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    delay: float = 1.0
    breaker: Breaker = field(default_factory=Breaker)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    rand: Callable[[], float] = field(default=random.random, repr=False)
    requests: int = 0

    def __post_init__(self) -> None:
        self._last: float | None = None
        self._hold_until = 0.0

    def down(self) -> ServiceUnavailable:
        """The error of a request not sent because the service is down for this run."""
        return self.error(f"{self.name} at {self.url} is down for this run ({self.breaker.reason}); not asked")

    def hold(self, seconds: float) -> None:
        """Make the next request wait ``seconds`` (a ``Backoff`` the service asked for), at
        most the policy's ``max_wait``."""
        seconds = min(seconds, self.policy.max_wait)
        if seconds >= LOUD_WAIT:
            log.warning("%s asks to slow down: the next request waits %.0f s", self.name, seconds)
        self._hold_until = max(self._hold_until, self.clock() + seconds)

    def polite(self) -> None:
        """Wait what is left of the delay since the previous request started (and of a hold)."""
        now = self.clock()
        gap = max(self.delay - (now - self._last) if self._last is not None else 0.0, self._hold_until - now)
        if gap > 0:
            self.sleep(gap)
            now = self.clock()
        self._last = now

    def call(self, attempt: Callable[[float], T], what: str) -> T:
        """``attempt(deadline)``, retried by the policy while it raises :class:`Failed`.

        Raises ``self.error`` when the request gives up (which opens the breaker) or when
        the breaker is already open, without a request.
        """
        if self.breaker.is_open:
            raise self.down()
        started = self.clock()
        tries = 0

        def once() -> T:
            nonlocal tries
            tries += 1
            self.polite()
            out = attempt(self.policy.deadline_within(self.clock() - started))
            self.breaker.success()
            return out

        def decide(state: tenacity.RetryCallState) -> Failed:
            """The failed attempt, with the wait before the next one (None: give up), decided once."""
            exc = state.outcome.exception() if state.outcome else None
            assert isinstance(exc, Failed)
            if not exc.decided:
                exc.decided = True
                if exc.failure.status != 429:  # a rate limit says the service is up: waited out within the budget
                    self.breaker.failure(exc.failure.what)
                if not self.breaker.is_open:
                    spent = self.clock() - started
                    exc.wait = self.policy.next_wait(state.attempt_number, exc.failure, spent, self.rand())
            return exc

        def stop(state: tenacity.RetryCallState) -> bool:
            return decide(state).wait is None

        def wait(state: tenacity.RetryCallState) -> float:
            return decide(state).wait or 0.0

        def before_sleep(state: tenacity.RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            seconds = state.next_action.sleep if state.next_action else 0.0
            level = logging.WARNING if seconds >= LOUD_WAIT else logging.INFO
            log.log(level, "%s: %s: %s; waiting %.0f s", self.name, what, exc, seconds)

        try:
            return tenacity.Retrying(
                retry=tenacity.retry_if_exception_type(Failed),
                stop=stop,
                wait=wait,
                sleep=self.sleep,
                before_sleep=before_sleep,
                reraise=True,
            )(once)
        except Failed as e:
            self.breaker.trip(e.failure.what)  # the breaker was closed when this request began
            # the caller reports the failure in its own line; -v tells when the breaker opened
            log.info("%s is not answering (%s): not asked again in this run", self.name, e.failure.what)
            raise self.error(
                gave_up(f"{self.name} at {self.url}", what, e.failure, tries, self.clock() - started)
            ) from None


def gave_up(service: str, what: str, failure: Failure, tries: int, seconds: float) -> str:
    """One line for a request given up: what failed, how (timed out, refused, host not found,
    reset, an HTTP status, an answer that is not what the service gives), how long it was
    tried, and what to do."""
    spent = f"; {tries} tries in {seconds:.0f} s" if tries > 1 else ""
    if failure.what.startswith("timed out"):
        return f"{service}: {what} timed out (no complete answer{spent}); it is slow or unreachable: try again later"
    if failure.what.startswith("connection refused"):
        return f"{service}: {what} failed ({failure.what}{spent}); check the URL, or try again later"
    advice = "try again later" if failure.transient else "check the URL"
    return f"{service}: {what} failed ({failure.what}{spent}); {advice}"


@dataclass(frozen=True)
class Answer:
    """A complete HTTP answer: status, headers and the whole (capped) body."""

    status: int
    headers: CaseInsensitiveDict
    body: bytes
    url: str

    @property
    def text(self) -> str:
        """The body as text, in the charset the answer names (UTF-8 if none)."""
        ctype = self.headers.get("Content-Type", "")
        charset = next((p.split("=", 1)[1].strip(" \"'") for p in ctype.split(";") if "charset=" in p), "utf-8")
        try:
            return self.body.decode(charset, "replace")
        except LookupError:
            return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body as JSON; ``ValueError`` if it is not."""
        return json.loads(self.body)

    @property
    def links(self) -> dict[str, str]:
        """``rel`` → URL from the ``Link`` header."""
        out = {}
        for link in parse_header_links(self.headers.get("Link", "")):
            if link.get("rel") and link.get("url"):
                out[link["rel"]] = link["url"]
        return out


class HttpService(Service):
    """A :class:`Service` over ``requests``: every exchange bounded (deadline, size cap,
    same-host redirects), 429/5xx and timeouts retried, answers returned whole.

    :param headers: sent with every request (credentials among them never leave the host:
        redirects to another host are not followed).
    :param challenge: names an answer that is a transient failure although its status is
        200 (DBLP's bot-challenge page), or returns None.
    :param adapter: a ``requests`` transport adapter to send with (tests inject faults).
    :param breaker: when the service counts as down (default: 3 failed attempts in a row).
    """

    def __init__(
        self,
        name: str,
        url: str,
        error: type[ServiceUnavailable],
        policy: RetryPolicy,
        delay: float,
        headers: Mapping[str, str] | None = None,
        challenge: Callable[[Answer], str | None] | None = None,
        adapter: BaseAdapter | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        breaker: Breaker | None = None,
    ):
        super().__init__(name, url, error, policy, delay, breaker or Breaker(), clock=clock, sleep=sleep)
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate", **(headers or {})})
        if adapter is not None:
            self.session.mount("http://", adapter)
            self.session.mount("https://", adapter)
        self.challenge = challenge

    def __repr__(self) -> str:  # headers may hold credentials
        return f"HttpService({self.name!r}, {self.url!r})"

    def request(self, method: str, path: str, what: str, **kwargs: Any) -> Answer:
        """``method`` ``path`` (under the base URL) with retries; an :class:`Answer` of any
        non-transient status. Raises ``self.error`` when the service fails or is down."""
        return self.read(method, path, what, lambda answer: answer, **kwargs)

    def read(self, method: str, path: str, what: str, read: Callable[[Answer], T], **kwargs: Any) -> T:
        """``read(answer)`` of ``method`` ``path``, in the same retry loop: ``read`` may raise
        :class:`Failed` for an answer that is not usable (a truncated feed, an empty page)."""
        url = self.url.rstrip("/") + path

        def attempt(deadline: float) -> T:
            try:
                answer = run_with_deadline(lambda: self._exchange(method, url, deadline, kwargs), deadline)
            except DeadlineExceeded:
                raise Failed(Failure(f"timed out after {deadline:.0f} s")) from None
            except requests.Timeout:
                raise Failed(Failure("timed out")) from None
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as e:
                raise Failed(Failure(connection_failure(e))) from None
            except (ResponseTooLarge, RedirectRefused) as e:
                raise Failed(Failure(str(e), transient=False)) from None
            except requests.RequestException as e:
                raise Failed(Failure(f"the request failed ({type(e).__name__})", transient=False)) from None
            if answer.status in TRANSIENT_STATUSES:
                raise Failed(http_failure(answer.status, announced_wait(answer.status, answer.headers)))
            why = self.challenge(answer) if self.challenge else None
            if why:
                raise Failed(Failure(why))
            return read(answer)

        return self.call(attempt, what)

    def _exchange(self, method: str, url: str, deadline: float, kwargs: dict[str, Any]) -> Answer:
        for _ in range(MAX_REDIRECTS + 1):
            self.requests += 1
            resp = self.session.request(
                method, url, allow_redirects=False, stream=True, timeout=(min(deadline, 10.0), deadline), **kwargs
            )
            try:
                body = read_capped(resp.iter_content(64 * 1024))
            finally:
                resp.close()
            location = resp.headers.get("Location")
            if resp.status_code in (301, 302, 303, 307, 308) and location:
                url = redirect_target(url, location)
                if resp.status_code == 303:
                    method, kwargs = "GET", {k: v for k, v in kwargs.items() if k not in ("json", "data")}
                continue
            return Answer(resp.status_code, CaseInsensitiveDict(resp.headers), body, url)
        raise RedirectRefused(f"more than {MAX_REDIRECTS} redirects")
