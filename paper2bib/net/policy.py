"""When to ask a service again, and for how long to wait (pure).

One policy serves every service: which failures are transient, exponential backoff with
jitter for 5xx and timeouts, ``Retry-After`` / ``RateLimit`` honoured only on 429 and 503
and only up to :attr:`RetryPolicy.max_wait` (a longer announced wait means "down, ask
later"), and a budget of seconds per request after which it is abandoned.
"""

from __future__ import annotations

import email.utils
import re
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass

#: answers worth asking again: the server may answer differently in a moment
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
#: answers whose ``Retry-After``/``RateLimit`` header is a wait the server asks for
ANNOUNCING_STATUSES = frozenset({429, 503})


@dataclass(frozen=True)
class Failure:
    """One failed attempt: what happened, in a few words, and whether asking again may help."""

    what: str
    status: int | None = None
    announced: float | None = None  # the wait a 429/503 asked for, in seconds
    transient: bool = True


@dataclass(frozen=True)
class RetryPolicy:
    """How one request is retried.

    :param attempts: tries at most.
    :param backoff: the first backoff step in seconds (doubled on each retry, up to ``max_backoff``).
    :param jitter: each backoff is stretched by up to this fraction at random, so that
        clients that failed together do not retry together.
    :param max_wait: the longest wait a service may announce; a longer one gives up at once.
    :param give_up_after: seconds one request may take in all, attempts and waits included.
    :param deadline: seconds one exchange (connect, headers, body) may take.
    """

    attempts: int = 4
    backoff: float = 1.0
    max_backoff: float = 30.0
    jitter: float = 0.1
    max_wait: float = 60.0
    give_up_after: float = 30.0
    deadline: float = 20.0

    def backoff_for(self, attempt: int, rand: float = 0.0) -> float:
        """The wait after failed attempt number ``attempt`` (1-based), ``rand`` in [0, 1)."""
        base = min(self.backoff * 2 ** (attempt - 1), self.max_backoff)
        return base * (1 + self.jitter * rand)

    def next_wait(self, attempt: int, failure: Failure, spent: float, rand: float = 0.0) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or None to give up now.

        ``spent`` is the seconds the request has taken so far.
        """
        if not failure.transient or attempt >= self.attempts:
            return None
        if failure.announced is not None:
            if failure.announced > self.max_wait:
                return None
            wait = max(failure.announced, 0.0)
        else:
            wait = self.backoff_for(attempt, rand)
        if spent + wait >= self.give_up_after:
            return None
        return wait

    def deadline_within(self, spent: float) -> float:
        """The deadline of the next exchange: never past the request's whole budget."""
        return max(min(self.deadline, self.give_up_after - spent), 0.1)


_RATELIMIT_RESET = re.compile(r"(?:^|[;,])\s*t\s*=\s*(\d+(?:\.\d+)?)")


def http_failure(status: int, announced: float | None) -> Failure:
    """The failure of an answer with ``status``, naming the wait it asks for (if any)."""
    asks = f", asking to wait {announced:,.0f} s" if announced is not None and announced >= 1 else ""
    return Failure(f"HTTP {status}{asks}", status, announced)


def announced_wait(status: int, headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds a 429/503 asks to wait: ``Retry-After`` (seconds or an HTTP date), else the
    reset ``t=`` of an IETF ``RateLimit`` header. Other statuses announce nothing: a 500's
    ``RateLimit`` header describes the quota window, not a wait."""
    if status not in ANNOUNCING_STATUSES:
        return None
    value = (headers.get("Retry-After") or "").strip()
    if value:
        if re.fullmatch(r"\d+(\.\d+)?", value):
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            when = None
        if when is not None and when.tzinfo is not None:
            return max(when.timestamp() - (time.time() if now is None else now), 0.0)
    m = _RATELIMIT_RESET.search(headers.get("RateLimit") or "")
    return float(m.group(1)) if m else None


def connection_failure(error: BaseException) -> str:
    """What went wrong with a connection, from the exception and what it was raised from:
    refused (nothing listens there), the host unknown, reset (the other side hung up), or
    failed (anything else)."""
    seen: set[int] = set()
    e: BaseException | None = error
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        text = f"{type(e).__name__} {e}".lower()
        if isinstance(e, ConnectionRefusedError) or "connection refused" in text or "errno 111" in text:
            return "connection refused: nothing listens at that address"
        if isinstance(e, socket.gaierror) or "name or service not known" in text or "nodename nor servname" in text:
            return "host not found: check the URL, or whether this machine is online"
        if isinstance(e, ConnectionResetError) or "connection reset" in text or "remotedisconnected" in text:
            return "connection reset by the other side"
        e = e.__cause__ or e.__context__ or (e.args[0] if e.args and isinstance(e.args[0], BaseException) else None)
    return "connection failed"
