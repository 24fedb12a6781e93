"""A Zotero Web API client on pyzotero: retries, library versions, precise errors.

pyzotero does the HTTP (and waits out ``Backoff``/``Retry-After`` before the next
request); this layer retries what is worth retrying with tenacity — 429, 5xx, timeouts,
dropped connections — and turns the rest into :class:`ZoteroError` with a message a user
can act on. The API key is never part of a message.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import httpx2
import tenacity
from pyzotero import zotero
from pyzotero import zotero_errors as ze

from ..errors import ZoteroError
from ..http import DeadlineExceeded, read_capped, run_with_deadline

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_WRITE = 50


class _HTTPFailure(Exception):
    """A failed answer, with its HTTP status as the response gave it (not parsed from a message)."""

    def __init__(self, status: int, detail: str = ""):
        super().__init__(f"HTTP {status}" + (f": {detail}" if detail else ""))
        self.status, self.detail = status, detail


class WriteUncertain(Exception):
    """A write whose outcome is unknown: the server may have committed it (answer lost, 5xx).

    Retrying blindly could duplicate items; the caller must re-read the library first.
    """


RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def _rate_limited(exc: BaseException) -> bool:
    """Refused before any work was done: safe to send again as is."""
    return isinstance(exc, (ze.TooManyRequestsError, ze.TooManyRetriesError)) or (
        isinstance(exc, _HTTPFailure) and exc.status == 429
    )


def _retryable(exc: BaseException) -> bool:
    if _rate_limited(exc) or isinstance(exc, httpx2.TransportError):
        return True
    return isinstance(exc, _HTTPFailure) and exc.status in RETRY_STATUSES


class BoundedTransport(httpx2.BaseTransport):
    """Wraps a transport: each exchange must finish within ``deadline`` seconds and stay
    under the response size cap (see :mod:`paper2bib.http`)."""

    def __init__(self, inner: httpx2.BaseTransport, deadline: float):
        self.inner, self.deadline = inner, deadline

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        def exchange() -> httpx2.Response:
            resp = self.inner.handle_request(request)
            try:
                body = read_capped(resp.stream)  # type: ignore[arg-type]
            finally:
                resp.close()
            return httpx2.Response(resp.status_code, headers=resp.headers, content=body, request=request)

        try:
            return run_with_deadline(exchange, self.deadline)
        except DeadlineExceeded as e:
            raise httpx2.ReadTimeout(str(e), request=request) from None

    def close(self) -> None:
        self.inner.close()


def content_write_token(request: httpx2.Request) -> None:
    """Make a write's ``Zotero-Write-Token`` a digest of what it writes and where.

    pyzotero sends a random token; a token derived from the URL, the library version the
    write is based on and the body makes the same write from two processes — or the
    same write resent after a lost answer — count once: Zotero refuses the second (412).
    """
    if "Zotero-Write-Token" in request.headers:
        basis = b"\n".join(
            [
                request.method.encode(),
                str(request.url).encode(),
                request.headers.get("If-Unmodified-Since-Version", "").encode(),
                request.content,
            ]
        )
        request.headers["Zotero-Write-Token"] = hashlib.sha256(basis).hexdigest()[:32]


class ZoteroClient:
    """One Zotero library (``users/<id>`` or ``groups/<id>``) through pyzotero.

    :param transport: the ``httpx2`` transport to send requests with (tests pass one that
        injects faults); every exchange is bounded by ``deadline`` seconds in all.
    :param attempts: tries per request at most; :param wait: first backoff step in seconds.
    """

    def __init__(
        self,
        library_id: str,
        library_type: str,
        api_key: str,
        url: str = "https://api.zotero.org",
        transport: httpx2.BaseTransport | None = None,
        attempts: int = 6,
        wait: float = 1.0,
        deadline: float = 30.0,
    ):
        client = httpx2.Client(
            transport=BoundedTransport(transport or httpx2.HTTPTransport(), deadline),
            timeout=min(deadline, 30.0),
            follow_redirects=True,
            event_hooks={"request": [content_write_token, self._count], "response": [self._note_status]},
        )
        self.last_status = 0
        self.zot = zotero.Zotero(library_id, library_type, api_key, client=client)
        self.zot.endpoint = url.rstrip("/")
        self.library = f"{library_type}s/{library_id}"
        self.attempts = attempts
        self.wait = wait
        self.version = 0  # the library version of the last answer
        self.has_read = False  # whether self.version comes from an answer (a new library's is 0)
        self.requests = 0
        self.writes = 0

    # ------------------------------------------------------------------ plumbing
    def _count(self, request: httpx2.Request) -> None:
        """Every request sent, pages and retries included, is counted here, where it is sent."""
        self.requests += 1
        if request.method != "GET":
            self.writes += 1

    def _note_status(self, response: httpx2.Response) -> None:
        self.last_status = response.status_code

    def _track(self) -> None:
        resp = self.zot.request
        if resp is not None:
            v = resp.headers.get("Last-Modified-Version")
            if v and v.isdigit():
                self.version = max(self.version, int(v))
                self.has_read = True

    def _call(self, what: str, fn: Callable[[], T], write: bool = False) -> T:
        """Run one API call with retries. A write is retried as is only when rate-limited;
        any other transient failure of a write raises :class:`WriteUncertain`."""

        def once() -> T:
            self.last_status = 0
            try:
                out = fn()
            except json.JSONDecodeError:
                # pyzotero hands back a 429/5xx body on writes instead of raising; a 200
                # whose body is not JSON is a garbled answer
                raise _HTTPFailure(self.last_status, "the answer is not JSON") from None
            except (
                ze.PreConditionFailedError,
                ze.UserNotAuthorisedError,
                ze.TooManyRequestsError,
                ze.TooManyRetriesError,
            ):
                raise
            except ze.PyZoteroError as e:
                raise _HTTPFailure(self.last_status, _first_line(e)) from None
            self._track()
            return out

        def before_sleep(state: tenacity.RetryCallState) -> None:
            log.warning(
                "Zotero: %s: %s; retrying", what, _describe(state.outcome.exception() if state.outcome else None)
            )

        try:
            return tenacity.Retrying(
                retry=tenacity.retry_if_exception(_rate_limited if write else _retryable),
                wait=tenacity.wait_exponential(multiplier=self.wait, max=30),
                stop=tenacity.stop_after_attempt(self.attempts),
                before_sleep=before_sleep,
                reraise=True,
            )(once)
        except ze.PreConditionFailedError:
            if write:  # the library changed since it was read, or this very write was already made
                raise WriteUncertain("the Zotero library changed since it was read (HTTP 412)") from None
            raise ZoteroError(f"Zotero: {what} failed (HTTP 412)") from None
        except ze.UserNotAuthorisedError as e:
            need = "write" if write else "read"
            detail = _response_text(e)
            raise ZoteroError(
                f"Zotero refused the API key for {self.library} ({detail}): the key needs {need} access to this library"
            ) from None
        except Exception as e:
            if write and _retryable(e) and not _rate_limited(e):
                raise WriteUncertain(_describe(e)) from None
            if isinstance(e, _HTTPFailure) and not _retryable(e):
                raise ZoteroError(f"Zotero: {what} failed ({e})") from None
            if isinstance(e, (ze.PyZoteroError, httpx2.HTTPError, _HTTPFailure)):
                raise ZoteroError(f"Zotero: {what} failed ({_describe(e)}); try again later") from None
            raise

    # ------------------------------------------------------------------ reads
    def all_items(self, since: int | None = None) -> list[dict]:
        """Every item (children too), or those modified after library version ``since``."""
        params: dict[str, Any] = {"limit": 100}
        if since is not None:
            params["since"] = since
        return _objects(self._call("reading items", lambda: self.zot.everything(self.zot.items(**params))), "items")

    def items_by_key(self, keys: list[str]) -> list[dict]:
        """The current state of up to 50 items, by key."""
        return _objects(
            self._call("reading items", lambda: self.zot.everything(self.zot.items(itemKey=",".join(keys), limit=100))),
            "items",
        )

    def deleted_since(self, version: int) -> tuple[set[str], set[str]]:
        """Keys of the items and of the collections deleted after library version ``version``."""
        data = self._call("reading deletions", lambda: self.zot.deleted(since=version))
        if not isinstance(data, dict):
            raise ZoteroError("Zotero: reading deletions failed (the answer is not a list of deletions)")
        return set(data.get("items") or []), set(data.get("collections") or [])

    def collections(self) -> list[dict]:
        return _objects(
            self._call("reading collections", lambda: self.zot.everything(self.zot.collections(limit=100))),
            "collections",
        )

    def item_type_fields(self, item_type: str) -> set[str]:
        rows = self._call("reading the item schema", lambda: self.zot.item_type_fields(item_type))
        if not isinstance(rows, list):
            raise ZoteroError("Zotero: reading the item schema failed (the answer is not a list of fields)")
        return {r["field"] for r in rows if isinstance(r, dict) and "field" in r}

    # ------------------------------------------------------------------ writes
    def create_items(self, items: list[dict]) -> dict:
        """POST at most 50 items (new ones, or updates carrying ``key`` and ``version``).

        Returns Zotero's answer (``successful``/``unchanged``/``failed`` by index).
        Raises :class:`WriteUncertain` when the outcome is unknown.
        """
        assert len(items) <= MAX_WRITE
        # new objects are created only on the library as last read: a concurrent creation
        # elsewhere makes this a 412, and the caller re-reads before writing again
        base = self.version if self.has_read and not any("key" in o for o in items) else None
        return self._call("writing items", lambda: self.zot.create_items(items, last_modified=base), write=True)

    def replace_item(self, item: dict) -> bool:
        """PUT one full item (``key`` and ``version`` in it): how an item changes its type.

        True when Zotero took it; False on 412 (changed since it was read: re-read it);
        raises :class:`WriteUncertain` when the outcome is unknown.
        """
        url = f"{self.zot.endpoint}/{self.library}/items/{item['key']}"

        def put() -> int:
            resp = self.zot._send("PUT", url, json=item, headers={"If-Unmodified-Since-Version": str(item["version"])})
            self.zot.request = resp
            if resp.status_code in (429, 500, 502, 503, 504):
                raise _HTTPFailure(resp.status_code)
            return resp.status_code

        status = self._call("replacing an item", put, write=True)
        if status == 412:
            return False
        if status not in (200, 204):
            raise ZoteroError(f"Zotero: replacing item {item['key']} failed (HTTP {status})")
        return True

    def create_collection(self, name: str) -> dict:
        """POST one collection; raises :class:`WriteUncertain` when the outcome is unknown."""
        base = self.version if self.has_read else None
        return self._call(
            "creating a collection",
            lambda: self.zot.create_collections([{"name": name}], last_modified=base),
            write=True,
        )


def _objects(answer: object, what: str) -> list[dict]:
    """``answer`` if it is a list of Zotero objects (each with a ``key`` and a ``data`` dict)."""
    if isinstance(answer, list) and all(
        isinstance(o, dict) and isinstance(o.get("data"), dict) and "key" in o for o in answer
    ):
        return answer
    raise ZoteroError(f"Zotero: reading {what} failed (the answer is not a list of {what}); check the Zotero URL")


def _response_text(exc: BaseException) -> str:
    text = str(exc)
    for line in text.splitlines():
        if line.startswith("Response:"):
            return line[len("Response:") :].strip() or "403"
    return "403"


def _first_line(exc: BaseException) -> str:
    lines = [ln for ln in str(exc).splitlines() if ln.strip()]
    return "; ".join(lines[:4]) if lines else type(exc).__name__


def _describe(exc: BaseException | None) -> str:
    if isinstance(exc, httpx2.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx2.TransportError):
        return "connection lost"
    if isinstance(exc, _HTTPFailure):
        return f"HTTP {exc.status}"
    if isinstance(exc, ze.PyZoteroError):
        return type(exc).__name__
    return str(exc) if exc else "unknown"
