"""What every outside service gets from paper2bib's HTTP: a whole-request deadline and a size cap.

A socket timeout bounds each read, not the request: a server that trickles a byte every
few seconds would hold the tool for ever. Here the whole exchange — connect, headers,
body — runs in a worker thread that is abandoned when the deadline passes, and a body
larger than the cap is refused while it is read, before it fills memory.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import requests
import tenacity

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The largest answer any service may send (an arXiv page of 2,000 records is ~6 MB).
MAX_RESPONSE_BYTES = 64 * 1024 * 1024


class DeadlineExceeded(TimeoutError):
    """The exchange did not finish within its deadline."""


class ResponseTooLarge(Exception):
    """The answer is larger than :data:`MAX_RESPONSE_BYTES`."""

    def __init__(self, limit: int):
        super().__init__(f"the answer is larger than {limit:,} bytes")
        self.limit = limit


def run_with_deadline(fn: Callable[[], T], seconds: float) -> T:
    """``fn()``, or :class:`DeadlineExceeded` if it has not returned within ``seconds``.

    ``fn`` runs in a daemon thread; on time-out it is left to finish or fail on its own
    (its socket times out in the end) and its result is discarded.
    """
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["result"] = fn()
        except BaseException as e:  # handed to the caller's thread
            box["error"] = e

    worker = threading.Thread(target=work, name="paper2bib-http", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise DeadlineExceeded(f"no complete answer within {seconds:g} s")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["result"]  # type: ignore[return-value]


def read_capped(chunks: Iterable[bytes], limit: int | None = None) -> bytes:
    """The body from ``chunks``, or :class:`ResponseTooLarge` as soon as it passes ``limit``
    (default :data:`MAX_RESPONSE_BYTES`)."""
    limit = MAX_RESPONSE_BYTES if limit is None else limit
    body = bytearray()
    for chunk in chunks:
        body += chunk
        if len(body) > limit:
            raise ResponseTooLarge(limit)
    return bytes(body)


class BoundedSession(requests.Session):
    """A ``requests`` session whose every exchange is bounded, counted and kept.

    It sets the User-Agent, streams each answer under the size cap, abandons an exchange
    that has not finished — headers and body — within ``deadline`` seconds (raising
    ``requests.Timeout``), counts requests (retries included) and keeps the last response.
    Subclasses may rewrite a body in :meth:`finish`.
    """

    def __init__(self, user_agent: str, timeout: float, deadline: float):
        super().__init__()
        self.user_agent, self.timeout, self.deadline = user_agent, timeout, deadline
        self.last_response: requests.Response | None = None
        self.requests_made = 0

    def finish(self, resp: requests.Response, body: bytes) -> bytes:
        """The body to keep for ``resp`` (as received, unless a subclass repairs it)."""
        return body

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        headers: dict[str, Any] = {
            k: v for k, v in dict(kwargs.pop("headers", None) or {}).items() if k.lower() != "user-agent"
        }
        headers["User-Agent"] = self.user_agent
        kwargs.setdefault("timeout", self.timeout)
        kwargs["stream"] = True
        self.requests_made += 1
        self.last_response = None

        def exchange() -> requests.Response:
            kwargs["headers"] = headers
            as_text = [v.decode() if isinstance(v, bytes) else v for v in (method, url)]
            resp = super(BoundedSession, self).request(as_text[0], as_text[1], *args, **kwargs)
            try:
                body = read_capped(resp.iter_content(64 * 1024))
            finally:
                resp.close()
            resp._content = self.finish(resp, body)
            return resp

        try:
            resp = run_with_deadline(exchange, self.deadline)
        except DeadlineExceeded as e:
            raise requests.Timeout(str(e)) from None
        self.last_response = resp
        return resp


class Transient(Exception):
    """An answer worth asking again (429, 5xx, a challenge page), with the wait it asks for."""

    def __init__(self, status: int, wait: float | None, what: str = ""):
        super().__init__(what or f"HTTP {status}")
        self.status, self.wait = status, wait


def announced_wait(resp: requests.Response) -> float | None:
    """Seconds a 429/503 asks to wait: ``Retry-After``, or the ``t=`` of a ``RateLimit`` header."""
    value = resp.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    m = re.search(r"(?:^|;)\s*t=(\d+(?:\.\d+)?)", resp.headers.get("RateLimit", ""))
    return float(m.group(1)) if m else None


@dataclass
class PoliteClient:
    """One outside service over a :class:`BoundedSession`: a delay between requests, retries of
    429 (waiting what the service announces, else backing off), 5xx, timeouts and dropped
    connections, with one line on stderr for each wait. ``transient(resp)`` may name other
    answers worth asking again (a bot-challenge page served with status 200)."""

    name: str
    url: str
    delay: float = 1.0
    timeout: float = 30.0
    attempts: int = 6
    max_wait: float = 300.0
    headers: dict[str, str] = field(default_factory=dict)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    transient: Callable[[requests.Response], str | None] = field(default=lambda r: None, repr=False)

    def __post_init__(self) -> None:
        from . import __version__

        self.session = BoundedSession(f"paper2bib/{__version__}", self.timeout, deadline=self.timeout)
        self.session.headers.update(self.headers)
        self._last = 0.0

    @property
    def requests_made(self) -> int:
        return self.session.requests_made

    def _once(self, method: str, url: str, kwargs: dict[str, Any]) -> requests.Response:
        gap = self.delay - (time.monotonic() - self._last)
        if gap > 0:
            self.sleep(gap)
        self._last = time.monotonic()
        resp = self.session.request(method, url, **kwargs)
        if resp.status_code in (429, 500, 502, 503, 504):
            raise Transient(resp.status_code, announced_wait(resp))
        why = self.transient(resp)
        if why:
            raise Transient(resp.status_code, None, why)
        return resp

    def _wait(self, state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, Transient) and exc.wait is not None:
            return min(exc.wait, self.max_wait)
        return min(max(self.delay, 1.0) * 2 ** (state.attempt_number - 1), 60.0)

    def request(self, method: str, path: str, what: str, **kwargs: Any) -> requests.Response:
        """``method`` ``path`` (under the base URL), retried; raises ``ServiceUnavailable``."""
        url = self.url.rstrip("/") + path

        def before_sleep(state: tenacity.RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0
            if isinstance(exc, Transient) and exc.status == 429:
                asked = " as its answer asks" if exc.wait is not None else ""
                log.warning("%s: rate limit reached; waiting %.0f s%s", self.name, wait, asked)
            else:
                log.warning("%s: %s: %s; retrying in %.0f s", self.name, what, describe(exc), wait)

        try:
            return tenacity.Retrying(
                retry=tenacity.retry_if_exception_type((Transient, requests.ConnectionError, requests.Timeout)),
                wait=self._wait,
                stop=tenacity.stop_after_attempt(self.attempts),
                sleep=self.sleep,
                before_sleep=before_sleep,
                reraise=True,
            )(self._once, method, url, kwargs)
        except (Transient, requests.RequestException, ResponseTooLarge) as e:
            raise ServiceUnavailable(
                f"{self.name} at {self.url}: {what} failed ({describe(e)}); try again later"
            ) from None


class ServiceUnavailable(Exception):
    """A service stayed unreachable or kept failing: "unknown, ask later"."""


def describe(exc: BaseException | None) -> str:
    if isinstance(exc, Transient):
        return str(exc)
    if isinstance(exc, requests.Timeout):
        return "timed out"
    if isinstance(exc, requests.ConnectionError):
        return "connection failed"
    if isinstance(exc, ResponseTooLarge):
        return str(exc)
    return type(exc).__name__ if exc else "unknown error"
