"""A Zotero Web API client on pyzotero, fed by the network layer's policy and breaker.

pyzotero builds the requests and reads the answers; every exchange goes through
:class:`BoundedTransport`, which bounds it (deadline, size cap after decompression,
redirects kept on the host — pyzotero would otherwise follow one to a ``file:`` address)
and turns 429, 5xx, timeouts and dropped connections into failed attempts before pyzotero
sees them. ``Backoff``/``Retry-After`` are taken out of the answers too: the policy waits
them out (up to a minute; longer is "down, ask later"), never pyzotero's own sleep.
Everything else becomes :class:`ZoteroError` with a message a user can act on. The API
key is never part of a message.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx2
from pyzotero import zotero
from pyzotero import zotero_errors as ze

from ..errors import WriteUncertain, ZoteroError, ZoteroUnavailable
from ..net import (
    Breaker,
    Failed,
    Failure,
    RedirectRefused,
    ResponseTooLarge,
    RetryPolicy,
    Service,
    announced_wait,
    connection_failure,
)
from ..net.bounded import DeadlineExceeded, decompress_capped, read_capped, redirect_target, run_with_deadline
from ..net.policy import TRANSIENT_STATUSES, http_failure

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_WRITE = 50
POLICY = RetryPolicy(attempts=6, deadline=30.0, give_up_after=60.0, max_wait=60.0)
_WAIT_HEADERS = ("Backoff", "Retry-After")


class BoundedTransport(httpx2.BaseTransport):
    """Wraps a transport: each exchange finishes within ``deadline`` seconds, stays under the
    size cap once decompressed, and never leaves the host it was sent to. 429/5xx answers,
    timeouts and lost connections raise :class:`~paper2bib.net.Failed`; a ``Backoff`` asked
    for in an answer is handed to ``hold`` (the service waits it out before its next request)."""

    def __init__(self, inner: httpx2.BaseTransport, deadline: float, hold: Callable[[float], None] = lambda s: None):
        self.inner, self.deadline, self.hold = inner, deadline, hold

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.headers["Accept-Encoding"] = "gzip, deflate"

        def exchange() -> tuple[httpx2.Response, httpx2.Headers]:
            resp = self.inner.handle_request(request)
            try:
                body = read_capped(resp.stream)  # type: ignore[arg-type]
            finally:
                resp.close()
            headers = httpx2.Headers(resp.headers)
            body = decompress_capped(body, headers.get("Content-Encoding", ""))
            for name in ("Content-Encoding", "Content-Length", *_WAIT_HEADERS):
                headers.pop(name, None)
            return httpx2.Response(resp.status_code, headers=headers, content=body, request=request), resp.headers

        try:
            resp, raw_headers = run_with_deadline(exchange, self.deadline)
        except (DeadlineExceeded, httpx2.TimeoutException):
            raise Failed(Failure("timed out")) from None
        except httpx2.TransportError as e:
            raise Failed(Failure(connection_failure(e))) from None
        except (ResponseTooLarge, ValueError) as e:
            raise Failed(Failure(str(e), transient=False)) from None
        status = resp.status_code
        if status in TRANSIENT_STATUSES:
            announced = announced_wait(status, raw_headers)
            if announced is None and status == 429 and (b := raw_headers.get("Backoff", "")).isdigit():
                announced = float(b)
            raise Failed(http_failure(status, announced))
        if (b := raw_headers.get("Backoff", "").strip()).isdigit():
            self.hold(float(b))
        ctype = resp.headers.get("Content-Type", "")
        if 200 <= status < 300 and resp.content and "json" not in ctype:
            # every call paper2bib makes asks for JSON; pyzotero would read XML as an Atom feed
            what = ctype.split(";")[0].strip() or "no content type"
            raise Failed(Failure(f"Zotero answered with something that is not JSON ({what[:60]})", transient=False))
        if 300 <= status < 400 and "Location" in resp.headers:
            try:
                redirect_target(str(request.url), resp.headers["Location"])
            except RedirectRefused as e:
                raise Failed(Failure(f"Zotero answered with {e}", transient=False)) from None
        return resp

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
    :param clock: ``sleep``: injected time (tests).
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
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        policy = RetryPolicy(
            attempts=attempts, backoff=wait, deadline=deadline, give_up_after=max(POLICY.give_up_after, 2 * deadline)
        )
        self.service = Service(
            "Zotero",
            url.rstrip("/"),
            ZoteroUnavailable,
            policy,
            0.0,
            Breaker(threshold=attempts),
            clock=clock,
            sleep=sleep,
        )
        self.http = httpx2.Client(
            transport=BoundedTransport(transport or httpx2.HTTPTransport(), deadline, self.service.hold),
            timeout=min(deadline, 30.0),
            follow_redirects=True,  # on the same host only: BoundedTransport refuses the others
            event_hooks={"request": [content_write_token, self._count], "response": [self._note_status]},
        )
        self.last_status = 0
        self.zot = zotero.Zotero(library_id, library_type, api_key, client=self.http)
        self.zot.endpoint = url.rstrip("/")
        self.library = f"{library_type}s/{library_id}"
        self.wait = wait
        self.version = 0  # the library version of the last answer
        self.has_read = False  # whether self.version comes from an answer (a new library's is 0)
        self._versions: list[int] = []  # Last-Modified-Version of each answer of the running call
        self.requests = 0
        self.writes = 0
        self.on_request: Callable[[int], None] | None = None  # progress: told of every request sent

    def __repr__(self) -> str:
        return f"ZoteroClient({self.library!r}, {self.service.url!r})"

    # ------------------------------------------------------------------ plumbing
    def _count(self, request: httpx2.Request) -> None:
        """Every request sent, pages and retries included, is counted here, where it is sent."""
        self.requests += 1
        if request.method != "GET":
            self.writes += 1
        if self.on_request:
            self.on_request(1)

    def _note_status(self, response: httpx2.Response) -> None:
        self.last_status = response.status_code
        v = response.headers.get("Last-Modified-Version", "")
        if v.isdigit() and response.status_code < 300:
            self._versions.append(int(v))

    def _track(self, versions: list[int], advance: bool) -> None:
        """Move ``self.version`` — the library version everything up to which has been read —
        after a call that saw ``versions``.

        A read of several pages counts as of its first page: a page later reporting a newer
        version means the library changed during the read, and what changed may sit on pages
        already read; the next creation, sent with the older version, then gets a 412 and a
        re-read instead of a duplicate. A write moves it only when it was made on exactly the
        version read (``advance``): a write of changed items alone may follow someone
        else's creations, which this client has not seen.
        """
        if versions and advance:
            self.version = max(self.version, min(versions))
            self.has_read = True

    def _call(self, what: str, fn: Callable[[], T], write: bool = False, advance: bool = False) -> T:
        """Run one API call under the policy. A write is retried as is only when rate-limited
        (refused before any work was done); any other failed attempt of a write raises
        :class:`WriteUncertain`: the server may have committed it."""

        def attempt(deadline: float) -> T:
            self.last_status = 0
            self._versions = []
            try:
                out = fn()
            except Failed as e:
                if write and e.failure.status != 429:
                    raise WriteUncertain(f"Zotero: {what}: {e.failure.what}") from None
                raise
            except json.JSONDecodeError:
                raise ZoteroError(f"Zotero at {self.service.url}: {what}: the answer is not JSON") from None
            except ze.PreConditionFailedError:
                if write:  # the library changed since it was read, or this very write was already made
                    raise WriteUncertain(
                        "the Zotero library changed since it was read (HTTP 412)", refused=True
                    ) from None
                raise ZoteroError(f"Zotero: {what} failed (HTTP 412)") from None
            except ze.UserNotAuthorisedError as e:
                said = _response_text(e)
                if "invalid key" in said.lower():  # Zotero's answer to a key it does not know
                    raise ZoteroError(
                        f"Zotero does not know this API key ({said}): check ZOTERO_API_KEY"
                        " (keys are made at https://www.zotero.org/settings/keys)"
                    ) from None
                need = "write" if write else "read"
                raise ZoteroError(
                    f"Zotero refused the API key for {self.library} ({said}): "
                    f"the key needs {need} access to this library"
                ) from None
            except ze.PyZoteroError as e:
                raise ZoteroError(f"Zotero: {what} failed (HTTP {self.last_status}: {_first_line(e)})") from None
            except (ZoteroError, httpx2.HTTPError):
                raise
            except Exception as e:  # pyzotero reading an answer that is not Zotero's
                raise ZoteroError(
                    f"Zotero at {self.service.url}: the answer to {what} could not be read ({type(e).__name__}); "
                    "check the Zotero URL"
                ) from None
            self._track(self._versions, advance=bool(advance))
            return out

        return self.service.call(attempt, what)

    # ------------------------------------------------------------------ reads
    def all_items(self, since: int | None = None) -> list[dict]:
        """Every item (children too), or those modified after library version ``since``."""
        params: dict[str, Any] = {"limit": 100}
        if since is not None:
            params["since"] = since
        # a read of every item (changed since ``since``): the one read that moves the version
        return _objects(
            self._call("reading items", lambda: self.zot.everything(self.zot.items(**params)), advance=True), "items"
        )

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
        return self._call(
            "writing items",
            lambda: self.zot.create_items(items, last_modified=base),
            write=True,
            advance=base is not None,
        )

    def replace_item(self, item: dict) -> bool:
        """PUT one full item (``key`` and ``version`` in it): how an item changes its type.

        pyzotero's ``update_item`` PATCHes, which keeps the fields the new type does not have;
        the PUT goes through the same client, with pyzotero's headers.
        True when Zotero took it; False on 412 (changed since it was read: re-read it);
        raises :class:`WriteUncertain` when the outcome is unknown.
        """
        url = f"{self.zot.endpoint}/{self.library}/items/{item['key']}"

        def put() -> int:
            headers = {**self.zot.default_headers(), "If-Unmodified-Since-Version": str(item["version"])}
            resp = self.http.request("PUT", url, json=item, headers=headers)
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
            advance=base is not None,
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
