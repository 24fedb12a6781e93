"""A small in-process Zotero Web API (an ``httpx2`` transport) for tests that a cassette
cannot hold: two syncs running at the same time, whose requests interleave differently
on every run.

It keeps only what those tests exercise of Zotero's documented write semantics: library
versions (``Last-Modified-Version``, ``since=``), ``If-Unmodified-Since-Version`` (412 when
the library changed), ``Zotero-Write-Token`` (412 when reused), 50 objects a write with
``successful``/``failed`` maps, item and collection keys.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from urllib.parse import parse_qs

import httpx2


class MiniZotero(httpx2.BaseTransport):
    def __init__(
        self,
        write_delay: float = 0.0,
        before_first_item_write=None,
        page_size: int = 100,
        refuse_every: int = 0,
        between_pages=None,
    ) -> None:
        self.lock = threading.Lock()
        self.version = 0  # a new library, as Zotero reports it
        self.items: dict[str, dict] = {}
        self.collections: dict[str, dict] = {}
        self.tokens: set[str] = set()
        self.deleted: dict[str, int] = {}  # key → library version of its deletion
        self.write_delay = write_delay  # widens the window in which syncs can race
        self.before_first_item_write = before_first_item_write  # another client's writes, at that moment
        self.posts = 0
        self.puts = 0
        self.page_size = page_size  # items a read answers with at most; the rest behind Link: rel="next"
        self.refuse_every = refuse_every  # every Nth write: 412 as if someone else had just written
        self.between_pages = between_pages  # another client's writes while a paged read is under way

    def _answer(self, request: httpx2.Request, status: int, body: object, **headers: str) -> httpx2.Response:
        headers = {"Last-Modified-Version": str(self.version), **headers}
        if isinstance(body, str):
            return httpx2.Response(status, headers=headers, text=body, request=request)
        return httpx2.Response(status, headers=headers, json=body, request=request)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        path = request.url.path
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        if path.endswith("/deleted"):
            since = int(query.get("since", 0))
            with self.lock:
                gone = [k for k, v in self.deleted.items() if v > since]
            return self._answer(request, 200, {"items": gone, "collections": [], "searches": [], "tags": []})
        if path.endswith("/itemTypeFields"):
            common = ["title", "abstractNote", "date", "url", "extra", "libraryCatalog", "DOI", "citationKey", "pages"]
            by_type = {
                "preprint": ["repository", "archiveID"],
                "conferencePaper": ["proceedingsTitle", "conferenceName", "publisher"],
                "journalArticle": ["publicationTitle", "volume", "issue"],
            }
            return self._answer(
                request, 200, [{"field": f} for f in common + by_type.get(query.get("itemType", ""), [])]
            )
        kind = "collections" if "/collections" in path else "items"
        store = self.collections if kind == "collections" else self.items
        if request.method == "PUT":  # one whole item, by key
            key = path.rsplit("/", 1)[-1]
            with self.lock:
                current = self.items.get(key)
                base = request.headers.get("If-Unmodified-Since-Version")
                if current is None or (base is not None and int(base) != current["version"]):
                    return self._answer(request, 412, "Item has been modified since specified version")
                self.version += 1
                self.items[key] = {**json.loads(request.content), "key": key, "version": self.version}
                self.puts += 1
            return httpx2.Response(204, headers={"Last-Modified-Version": str(self.version)}, request=request)
        if request.method == "GET":
            if int(query.get("start", 0)) > 0 and self.between_pages and store is self.items:
                hook, self.between_pages = self.between_pages, None
                hook(self)
            with self.lock:
                since = int(query.get("since", 0))
                keys = set(query["itemKey"].split(",")) if "itemKey" in query else None
                rows = [
                    {"key": k, "version": d["version"], "data": d}
                    # newest first, as Zotero sorts by dateModified: what changes during a paged
                    # read lands on pages already read
                    for k, d in sorted(store.items(), key=lambda kv: (-kv[1]["version"], kv[0]))
                    if d["version"] > since and (keys is None or k in keys)
                ]
            start, limit = int(query.get("start", 0)), min(int(query.get("limit", 100)), self.page_size)
            page = rows[start : start + limit]
            extra = {"Total-Results": str(len(rows))}
            if start + limit < len(rows):
                nxt = request.url.copy_merge_params({"start": str(start + limit), "limit": str(limit)})
                extra["Link"] = f'<{nxt}>; rel="next"'
            return self._answer(request, 200, page, **extra)
        return self._write(request, store)

    def _write(self, request: httpx2.Request, store: dict[str, dict]) -> httpx2.Response:
        objects = json.loads(request.content)
        if self.before_first_item_write and store is self.items:
            hook, self.before_first_item_write = self.before_first_item_write, None
            hook(self)
        time.sleep(self.write_delay)
        with self.lock:
            self.posts += 1
            token = request.headers.get("Zotero-Write-Token")
            base = request.headers.get("If-Unmodified-Since-Version")
            if token and token in self.tokens:
                return self._answer(request, 412, "Write token already used")
            if self.refuse_every and self.posts % self.refuse_every == 0:
                return self._answer(request, 412, "Library has been modified since specified version")
            if base is not None and int(base) != self.version:
                return self._answer(
                    request,
                    412,
                    f"Library has been modified since specified version (expected {base}, found {self.version})",
                )
            if token:
                self.tokens.add(token)
            self.version += 1
            result: dict[str, dict] = {"successful": {}, "success": {}, "unchanged": {}, "failed": {}}
            for i, obj in enumerate(objects):
                key = obj.get("key") or secrets.token_hex(4).upper()
                current = store.get(key)
                if current and "version" in obj and obj["version"] != current["version"]:
                    result["failed"][str(i)] = {"code": 412, "message": "Item has been modified"}
                    continue
                data = {**(current or {}), **obj, "key": key, "version": self.version}
                store[key] = data
                result["successful"][str(i)] = {"key": key, "version": self.version, "data": data}
                result["success"][str(i)] = key
            return self._answer(request, 200, result)

    def add(self, objects: list[dict]) -> None:
        """Items made by someone else (another sync, the user): a new library version."""
        with self.lock:
            self.version += 1
            for obj in objects:
                key = secrets.token_hex(4).upper()
                self.items[key] = {**obj, "key": key, "version": self.version}

    def delete(self, key: str) -> None:
        """The user deletes an item (a new library version; ``/deleted`` reports it)."""
        with self.lock:
            self.version += 1
            del self.items[key]
            self.deleted[key] = self.version

    def preprints(self) -> list[dict]:
        return [d for d in self.items.values() if d.get("itemType") == "preprint"]
