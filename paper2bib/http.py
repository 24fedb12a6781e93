"""What every outside service gets from paper2bib's HTTP: a whole-request deadline and a size cap.

A socket timeout bounds each read, not the request: a server that trickles a byte every
few seconds would hold the tool for ever. Here the whole exchange — connect, headers,
body — runs in a worker thread that is abandoned when the deadline passes, and a body
larger than the cap is refused while it is read, before it fills memory.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import requests

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
