"""Bounds on one exchange, whatever the server does: a whole-exchange deadline, a size cap on
the answer (after decompression), and redirects kept on the service's own host.

A socket timeout bounds each read, not the exchange: a server that trickles a byte every
few seconds would hold the tool for ever. Here the whole exchange — connect, headers,
body — runs in a worker thread that is abandoned when the deadline passes, and a body
larger than the cap is refused while it is read, before it fills memory.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterable
from typing import TypeVar
from urllib.parse import urljoin, urlsplit

T = TypeVar("T")

#: The largest answer any service may send (an arXiv page of 2,000 records is ~6 MB).
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
#: the redirects one request may follow (on its own host only)
MAX_REDIRECTS = 5


class DeadlineExceeded(TimeoutError):
    """The exchange did not finish within its deadline."""


class ResponseTooLarge(Exception):
    """The answer is larger than the cap."""

    def __init__(self, limit: int):
        super().__init__(f"the answer is larger than {limit:,} bytes")
        self.limit = limit


class RedirectRefused(Exception):
    """A redirect that leaves the service's host or scheme family (``file:``, another host)."""


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


def decompress_capped(body: bytes, encoding: str, limit: int | None = None) -> bytes:
    """``body`` decoded from its ``Content-Encoding`` (gzip, deflate or identity), never
    expanding past ``limit``: a small gzip bomb is refused, not inflated into memory."""
    limit = MAX_RESPONSE_BYTES if limit is None else limit
    codings = [c.strip().lower() for c in encoding.split(",") if c.strip() and c.strip().lower() != "identity"]
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip"):
            wbits = 16 + zlib.MAX_WBITS
        elif coding == "deflate":
            wbits = zlib.MAX_WBITS if body[:1] == b"\x78" else -zlib.MAX_WBITS
        else:
            raise ValueError(f"an answer in an encoding paper2bib did not ask for ({coding})")
        d = zlib.decompressobj(wbits)
        try:
            out = d.decompress(body, limit + 1)
        except zlib.error as e:
            raise ValueError(f"a corrupt {coding} answer ({e})") from None
        if len(out) > limit or d.unconsumed_tail:
            raise ResponseTooLarge(limit)
        body = out
    return body


def redirect_target(current: str, location: str) -> str:
    """Where a redirect from ``current`` to ``location`` leads, if it stays on the same host
    over http(s); else :class:`RedirectRefused` (credentials never follow a redirect off-host)."""
    target = urljoin(current, location)
    a, b = urlsplit(current), urlsplit(target)
    if b.scheme not in ("http", "https"):
        raise RedirectRefused(f"a redirect to a {b.scheme or 'relative'}: address, not followed")
    if (b.hostname or "").lower() != (a.hostname or "").lower() or b.username or b.password:
        raise RedirectRefused(f"a redirect to another host ({b.hostname}), not followed")
    if a.scheme == "https" and b.scheme != "https":
        raise RedirectRefused("a redirect from https to http, not followed")
    return target
