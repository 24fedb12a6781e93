"""Syncing the library's resolved papers into a Zotero library: idempotent and safe to re-run.

1. Read the Zotero library once (every item, paginated) and index it by the arXiv ids
   items name in ``archiveID``, ``extra``, ``url`` or ``DOI`` — items made by hand or with
   the Connector included. A paper already there is *linked*, never duplicated; missing
   collection membership and missing child links are added.
2. Create what is missing, 50 objects a request, and store each item key in the local
   library as soon as Zotero confirms it.
3. A write whose answer is lost (dropped connection, 5xx) may have been committed: before
   writing again, read what changed since the library version seen before the write
   (``?since=``) and drop what is already there. Rate limits are waited out and retried.

The local library records ``zlibrary`` → item keys; a second sync finds everything in
place and writes nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx2

from ..config import Settings
from ..errors import ConfigError, ZoteroError
from ..library import Library
from ..models import Paper
from .client import MAX_WRITE, WriteUncertain, ZoteroClient
from .items import COMMENT_MARKER, arxiv_ids_of, comment_note, link_attachment, preprint

log = logging.getLogger(__name__)
Echo = Callable[[str], None]
ROUNDS = 6  # tries for one batch whose outcome keeps being uncertain


@dataclass
class Plan:
    """What a sync will do: papers to create, to link to existing items, to add to the collection."""

    create: list[Paper] = field(default_factory=list)
    link: list[tuple[Paper, str]] = field(default_factory=list)
    add_to_collection: list[tuple[Paper, dict]] = field(default_factory=list)


@dataclass
class Report:
    created: int = 0
    linked: int = 0
    updated: int = 0
    children: int = 0
    failed: list[str] = field(default_factory=list)


def make_client(settings: Settings, transport: httpx2.BaseTransport | None = None, wait: float = 1.0) -> ZoteroClient:
    """A :class:`ZoteroClient` from settings, or a clear error naming what is missing.

    ``transport`` and ``wait`` (the first backoff step) are for tests and special setups.
    """
    missing = [
        name
        for name, value in (
            ("ZOTERO_API_KEY", settings.zotero_api_key),
            ("ZOTERO_LIBRARY_ID", settings.zotero_library_id),
        )
        if not value
    ]
    if missing:
        raise ConfigError(
            f"Zotero credentials missing: set {' and '.join(missing)} (and ZOTERO_LIBRARY_TYPE=user|group), "
            "or [zotero] api_key / library_id in the config file"
        )
    return ZoteroClient(
        settings.zotero_library_id,  # type: ignore[arg-type]
        settings.zotero_library_type,
        settings.zotero_api_key,  # type: ignore[arg-type]
        url=settings.zotero_url,
        transport=transport,
        wait=wait,
    )


class Syncer:
    """Syncs one local library into one Zotero library."""

    def __init__(self, lib: Library, zc: ZoteroClient):
        self.lib, self.zc = lib, zc
        self.index: dict[str, dict] = {}  # arXiv id → Zotero item data (top-level)
        self.child_refs: dict[str, set[str]] = {}  # parent key → refs (URLs, "note:comment")
        # arXiv id → the item key an earlier sync made: preferred over look-alike items
        self.known = lib.zotero_items(zc.library)
        self.failed: list[str] = []

    # ------------------------------------------------------------------ reading Zotero
    def _absorb(self, items: list[dict]) -> None:
        """Index items (as the API returns them) by arXiv id and by parent."""
        for it in sorted(items, key=lambda x: (x["data"].get("dateAdded") or "", x["key"])):
            data = it["data"]
            if data.get("deleted"):
                continue
            parent = data.get("parentItem")
            if parent:
                refs = self.child_refs.setdefault(parent, set())
                if data.get("itemType") == "attachment" and data.get("url"):
                    refs.add(data["url"])
                elif data.get("itemType") == "note" and COMMENT_MARKER in (data.get("note") or ""):
                    refs.add("note:comment")
                continue
            if data.get("itemType") in ("attachment", "note", "annotation"):
                continue
            for aid in arxiv_ids_of(data):
                current = self.index.get(aid)
                # the item we made before wins; otherwise the oldest (sorted above)
                if current is None or (self.known.get(aid) == data["key"] and current["key"] != data["key"]):
                    self.index[aid] = data
                elif current["key"] == data["key"]:
                    self.index[aid] = data  # a newer version of the same item

    def _find_collection(self, name: str) -> str | None:
        for c in self.zc.collections():
            if c["data"].get("name") == name and not c["data"].get("deleted"):
                return c["key"]
        return None

    def _collection_key(self, name: str, dry_run: bool) -> str | None:
        """The key of the collection ``name``, created if missing (not in a dry run)."""
        key = self._find_collection(name)
        if key or dry_run:
            return key
        for _ in range(ROUNDS):
            try:
                answer = self.zc.create_collection(name)
            except WriteUncertain:  # it may exist now: look before creating again
                key = self._find_collection(name)
                if key:
                    return key
                continue
            if answer.get("successful"):
                return next(iter(answer["successful"].values()))["key"]
            raise ZoteroError(f"Zotero refused to create the collection {name!r}: {answer.get('failed')}")
        raise ZoteroError(f"could not create the collection {name!r}; run the sync again")

    # ------------------------------------------------------------------ planning
    def plan(self, papers: list[Paper], collection_key: str | None) -> Plan:
        plan = Plan()
        for paper in papers:
            existing = self.index.get(paper.record.arxiv_id)
            if existing is None:
                plan.create.append(paper)
                continue
            plan.link.append((paper, existing["key"]))
            if collection_key and collection_key not in (existing.get("collections") or []):
                plan.add_to_collection.append((paper, existing))
        return plan

    def _children_for(self, paper: Paper, parent: str) -> list[tuple[str, str, dict]]:
        have = self.child_refs.get(parent, set())
        out = [
            (paper.record.arxiv_id, link.url, link_attachment(link, parent))
            for link in paper.links
            if link.url not in have
        ]
        if paper.record.comment and "note:comment" not in have:
            out.append((paper.record.arxiv_id, "note:comment", comment_note(paper.record.comment, parent)))
        return out

    # ------------------------------------------------------------------ writing
    def _write(
        self,
        objects: list[dict],
        ids: list[str],
        find: Callable[[str], str | None],
        rebuild: Callable[[str], dict] | None = None,
    ) -> dict[int, str]:
        """Write ``objects`` in batches of 50; return index → item key for those now in Zotero.

        ``find(id)`` says whether an object is already in place after a re-read. An update
        refused with 412 (the item changed since it was read) is rebuilt from a fresh read
        with ``rebuild(id)`` and sent again. Objects Zotero rejects are reported in ``self.failed``.
        """
        done: dict[int, str] = {}
        for start in range(0, len(objects), MAX_WRITE):
            pending = list(range(start, min(start + MAX_WRITE, len(objects))))
            for round_ in range(ROUNDS):
                # what a re-read showed is there already (made by another sync) is not sent
                for i in [i for i in pending if find(ids[i])]:
                    done[i] = find(ids[i])  # type: ignore[assignment]
                pending = [i for i in pending if i not in done]
                if not pending:
                    break
                seen = self.zc.version
                try:
                    answer = self.zc.create_items([objects[i] for i in pending])
                except WriteUncertain as e:
                    log.warning(
                        "Zotero: a write's outcome is unknown (%s); checking what arrived before writing again", e
                    )
                    time.sleep(min(2**round_, 30) * self.zc.wait)
                    self._absorb(self.zc.all_items(since=seen))
                    still = []
                    for i in pending:
                        key = find(ids[i])
                        if key:
                            done[i] = key
                        else:
                            still.append(i)
                    pending = still
                    continue
                for pos, obj in (answer.get("successful") or {}).items():
                    done[pending[int(pos)]] = obj["key"]
                for pos, key in (answer.get("unchanged") or {}).items():
                    done[pending[int(pos)]] = key
                self._absorb(list((answer.get("successful") or {}).values()))
                conflicts = []
                for pos, err in (answer.get("failed") or {}).items():
                    i = pending[int(pos)]
                    if err.get("code") == 412 and rebuild and round_ < ROUNDS - 1:
                        conflicts.append(i)
                    else:
                        self.failed.append(f"{ids[i]}: {err.get('message', err)} (HTTP {err.get('code', '?')})")
                if conflicts and rebuild:  # changed in Zotero since we read it: read it again, rebuild, resend
                    self._absorb(self.zc.items_by_key([objects[i]["key"] for i in conflicts]))
                    for i in conflicts:
                        objects[i] = rebuild(ids[i])
                pending = [i for i in conflicts if not find(ids[i])]
            if pending:
                self.failed.extend(f"{ids[i]}: the write could not be confirmed" for i in pending)
        return done

    def run(self, papers: list[Paper], collection: str | None, dry_run: bool, out: Echo) -> Report:
        """Sync ``papers`` (into ``collection``); ``out`` gets a dry run's plan, line by line."""
        report = Report()
        self._absorb(self.zc.all_items())
        collection_key = self._collection_key(collection, dry_run) if collection else None
        with_ck = "citationKey" in self.zc.item_type_fields("preprint")
        plan = self.plan(papers, collection_key)
        zlib = self.zc.library

        if dry_run:
            if collection and not collection_key:
                out(f"would create collection {collection!r}")
            for p in plan.create:
                out(f"would create {p.record.arxiv_id} {p.key}: {p.record.title}")
            for p, key in plan.link:
                out(f"would link   {p.record.arxiv_id} {p.key} to existing item {key}")
            for p, _ in plan.add_to_collection:
                out(f"would add    {p.record.arxiv_id} to collection {collection!r}")
            n_children = sum(len(self._children_for(p, k)) for p, k in plan.link) + sum(
                len(p.links) + bool(p.record.comment) for p in plan.create
            )
            out(f"would create {n_children} child links and notes")
            report.created, report.linked, report.updated = (
                len(plan.create),
                len(plan.link),
                len(plan.add_to_collection),
            )
            return report

        # link what exists
        self.lib.store_zotero_items(zlib, {p.record.arxiv_id: k for p, k in plan.link})
        report.linked = len(plan.link)

        # add existing items to the collection: full data back, so no field is lost
        def with_collection(aid: str) -> dict:
            data = self.index[aid]
            return {**data, "collections": [*(data.get("collections") or []), collection_key]}

        upd_ids = [p.record.arxiv_id for p, _ in plan.add_to_collection]
        updates = [with_collection(aid) for aid in upd_ids]

        def in_collection(aid: str) -> str | None:
            item = self.index.get(aid)
            return item["key"] if item and collection_key in (item.get("collections") or []) else None

        report.updated = len(self._write(updates, upd_ids, in_collection, rebuild=with_collection))

        # create what is missing
        new_objects = [preprint(p, [collection_key] if collection_key else [], with_ck) for p in plan.create]
        new_ids = [p.record.arxiv_id for p in plan.create]
        created = self._write(new_objects, new_ids, lambda aid: (self.index.get(aid) or {}).get("key"))
        self.lib.store_zotero_items(zlib, {new_ids[i]: k for i, k in created.items()})
        report.created = len(created)

        # children: links and the arXiv comment, under every paper now in Zotero
        parents = {p.record.arxiv_id: k for p, k in plan.link} | {new_ids[i]: k for i, k in created.items()}
        by_id = {p.record.arxiv_id: p for p in papers}
        children = [c for aid, key in parents.items() for c in self._children_for(by_id[aid], key)]
        child_ids = [f"{aid} {ref}" for aid, ref, _ in children]

        def child_there(cid: str) -> str | None:
            aid, ref = cid.split(" ", 1)
            return parents[aid] if ref in self.child_refs.get(parents[aid], set()) else None

        report.children = len(self._write([c for _, _, c in children], child_ids, child_there))
        report.failed = self.failed
        return report
