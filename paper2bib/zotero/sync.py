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
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx2

from ..config import Settings
from ..errors import ConfigError, ZoteroError
from ..library import Library, ZoteroState
from ..links import not_a_web_link
from ..models import Paper
from .client import MAX_WRITE, WriteUncertain, ZoteroClient
from .items import (
    COMMENT_MARKER,
    OWNED_FIELDS,
    arxiv_ids_of,
    comment_note,
    link_attachment,
    merge_owned,
    owned_fields,
    zotero_item,
)

log = logging.getLogger(__name__)
Echo = Callable[[str], None]
ROUNDS = 6  # tries for one batch whose outcome keeps being uncertain


@dataclass
class Plan:
    """What a sync will do: papers to create, papers whose item exists (linked), updates to send."""

    create: list[Paper] = field(default_factory=list)
    link: list[tuple[Paper, str]] = field(default_factory=list)
    add_to_collection: list[str] = field(default_factory=list)  # arXiv ids
    refresh: list[str] = field(default_factory=list)  # arXiv ids whose owned fields change
    kept: list[str] = field(default_factory=list)  # "2307.06175: title edited in Zotero, kept"
    deleted: list[Paper] = field(default_factory=list)  # deleted in Zotero: not made again


@dataclass
class Report:
    created: int = 0
    linked: int = 0
    updated: int = 0
    refreshed: int = 0
    children: int = 0
    kept: list[str] = field(default_factory=list)
    not_recreated: int = 0
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
    """Syncs one local library into one Zotero library.

    :param recreate_deleted: make again the items the user deleted in Zotero (by default
        a deleted item stays deleted).
    """

    def __init__(self, lib: Library, zc: ZoteroClient, recreate_deleted: bool = False):
        self.lib, self.zc = lib, zc
        self.index: dict[str, dict] = {}  # arXiv id → Zotero item data (top-level)
        self.by_key: dict[str, dict] = {}  # item key → item data (top-level)
        self.child_refs: dict[str, set[str]] = {}  # parent key → refs (URLs, "note:comment")
        self.trashed: set[str] = set()  # keys of items seen in the trash
        self.links = lib.zotero_links(zc.library)
        self.recreate_deleted = recreate_deleted
        # arXiv id → the item key an earlier sync made or linked: preferred over look-alike items
        self.known = {a: link.key for a, link in self.links.items() if not link.deleted or recreate_deleted}
        self.written_here: set[int] = set()
        self.deleted = {a for a, link in self.links.items() if link.deleted and not recreate_deleted}
        self.made = lib.zotero_links_made(zc.library)  # children made (or found) before: never re-added
        self.failed: list[str] = []
        self.collection_key: str | None = None
        self.with_ck = True
        self._type_fields: dict[str, set[str]] = {}

    # ------------------------------------------------------------------ reading Zotero
    def _absorb(self, items: list[dict]) -> None:
        """Index items (as the API returns them) by arXiv id and by parent."""
        for it in sorted(items, key=lambda x: (x["data"].get("dateAdded") or "", x["key"])):
            data = it["data"]
            if data.get("deleted"):
                self.trashed.add(it["key"])
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
            self.by_key[data["key"]] = data
            self.trashed.discard(data["key"])
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
                # the library moved on since it was read: catch up, so the next try is based on it
                self._absorb(self.zc.all_items(since=self.zc.version))
                continue
            if answer.get("successful"):
                return next(iter(answer["successful"].values()))["key"]
            raise ZoteroError(f"Zotero refused to create the collection {name!r}: {answer.get('failed')}")
        raise ZoteroError(f"could not create the collection {name!r}; run the sync again")

    # ------------------------------------------------------------------ reading and planning
    def _read(self, papers: list[Paper], collection: str | None, dry_run: bool) -> bool:
        """Read what is needed of Zotero; True when only what changed since the last sync was read.

        Incremental when the last sync of this library knew every paper and used the same
        collection: ``?since=`` and ``/deleted?since=`` (2 requests when nothing changed).
        Otherwise everything is read. Items the user deleted (or put in the trash) since are
        remembered as deleted, and not made again.
        """
        state = self.lib.zotero_state(self.zc.library)
        unknown = any(p.record.arxiv_id not in self.known and p.record.arxiv_id not in self.deleted for p in papers)
        if state is not None and not unknown and state.collection == collection:
            self._absorb(self.zc.all_items(since=state.version))
            gone_items, gone_collections = self.zc.deleted_since(state.version)
            gone = gone_items | self.trashed
            self.with_ck = state.citation_key_field
            self.collection_key = state.collection_key if state.collection_key not in gone_collections else None
            incremental = True
        else:
            self._absorb(self.zc.all_items())
            gone = {k for k in self.known.values() if k not in self.by_key}
            self.with_ck = "citationKey" in self.zc.item_type_fields("preprint")
            incremental = False
        if collection and not self.collection_key:
            self.collection_key = self._collection_key(collection, dry_run)
        newly = [a for a, k in self.known.items() if k in gone and not self.recreate_deleted]
        for a in newly:
            del self.known[a]
            self.deleted.add(a)
        if newly and not dry_run:
            self.lib.mark_zotero_deleted(self.zc.library, newly)
        if not incremental:  # children there now count as made: a later removal is the user's
            present = {(a, ref) for a, k in self.known.items() for ref in self.child_refs.get(k, set())}
            self.made |= present
            if present and not dry_run:
                self.lib.store_zotero_links_made(self.zc.library, present)
        return incremental

    def _current(self, aid: str) -> dict | None:
        """Zotero's data of the item of ``aid``, as last read."""
        key = self.known.get(aid)
        return self.by_key.get(key) if key else self.index.get(aid)

    def _update_for(self, paper: Paper) -> tuple[dict | None, list[str], dict | None]:
        """The update a paper's existing item needs: (object to send or None, fields kept for the
        user, the owned fields as written after it). Only items paper2bib made are refreshed."""
        aid = paper.record.arxiv_id
        current = self._current(aid)
        if current is None:
            return None, [], None
        changes: dict = {}
        kept: list[str] = []
        written = self.links[aid].written if aid in self.links else None
        new_written = None
        if written is not None and self.known.get(aid) == current.get("key"):
            desired = owned_fields(zotero_item(paper, [], self.with_ck))
            changes, kept, new_written = merge_owned(current, written, desired)
        if self.collection_key and self.collection_key not in (current.get("collections") or []):
            changes["collections"] = [*(current.get("collections") or []), self.collection_key]
        if not changes:
            return None, kept, new_written
        if changes.get("itemType", current.get("itemType")) != current.get("itemType"):
            return self._retyped(paper, current, changes, kept), kept, new_written
        return {**current, **changes}, kept, new_written

    def _retyped(self, paper: Paper, current: dict, changes: dict, kept: list[str]) -> dict:
        """The full item of a new type (a preprint now published): paper2bib's fields of that
        type, the user's own fields (tags, relations, collections, kept edits) where valid."""
        new = zotero_item(paper, changes.get("collections") or current.get("collections") or [], self.with_ck)
        valid = self._fields_of(new["itemType"])
        out = {k: v for k, v in new.items() if k in valid or k in ("itemType", "creators", "tags", "collections")}
        out.update({k: current[k] for k in kept if k in current and k in valid})
        out.update({"key": current["key"], "version": current["version"], "extra": changes.get("extra", new["extra"])})
        out["tags"] = current.get("tags") or new["tags"]
        out["relations"] = current.get("relations") or {}
        return out

    def _fields_of(self, item_type: str) -> set[str]:
        if item_type not in self._type_fields:
            self._type_fields[item_type] = self.zc.item_type_fields(item_type)
        return self._type_fields[item_type]

    def plan(self, papers: list[Paper], incremental: bool) -> Plan:
        """What to create, what exists (and what of it to update), what stays deleted."""
        plan = Plan()
        for paper in papers:
            aid = paper.record.arxiv_id
            if aid in self.deleted:
                plan.deleted.append(paper)
                continue
            current = self._current(aid)
            if current is None and not (incremental and aid in self.known):
                plan.create.append(paper)
                continue
            plan.link.append((paper, current["key"] if current else self.known[aid]))
            if current is None:  # unchanged in Zotero since the last sync: read only if it needs a refresh
                if self._needs_refresh(paper):
                    plan.refresh.append(aid)
                continue
            update, kept, _ = self._update_for(paper)
            plan.kept.extend(f"{aid}: {f} edited in Zotero, kept" for f in kept)
            if update is not None:
                if update.get("collections") != (current.get("collections") or []):
                    plan.add_to_collection.append(aid)
                if any(update.get(f) != current.get(f) for f in OWNED_FIELDS):
                    plan.refresh.append(aid)
        return plan

    def _needs_refresh(self, paper: Paper) -> bool:
        """Whether what paper2bib would write now differs from what it last wrote."""
        link = self.links.get(paper.record.arxiv_id)
        return bool(
            link and link.written is not None and owned_fields(zotero_item(paper, [], self.with_ck)) != link.written
        )

    def _children_for(self, paper: Paper, parent: str) -> list[tuple[str, str, dict]]:
        """Child links and the comment note a paper's item lacks; never one made before (and
        perhaps removed by the user since)."""
        aid, have = paper.record.arxiv_id, self.child_refs.get(parent, set())

        def wanted(ref: str) -> bool:
            return ref not in have and (aid, ref) not in self.made

        out = [
            (aid, link.url, link_attachment(link, parent))
            for link in paper.links
            if not_a_web_link(link.url) is None and wanted(link.url)
        ]
        if paper.record.comment and wanted("note:comment"):
            out.append((aid, "note:comment", comment_note(paper.record.comment, parent)))
        return out

    # ------------------------------------------------------------------ writing
    def _replace(
        self,
        aid: str,
        item: dict,
        updated: Callable[[str], str | None],
        update_of: Callable[[str], dict | None],
    ) -> str | None:
        """PUT one retyped item; after a conflict or a lost answer, re-read, re-merge, try again.
        The item key once Zotero holds the update, else None (reported as not done)."""
        for _ in range(ROUNDS):
            try:
                if self.zc.replace_item(item):
                    return item["key"]
            except WriteUncertain:
                pass
            self._absorb(self.zc.items_by_key([item["key"]]))  # changed meanwhile, or perhaps written
            if key := updated(aid):
                return key
            item = update_of(aid) or {}
        self.failed.append(f"{aid}: its new item type could not be written")
        return None

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
        self.written_here = set()  # confirmed by this run's own answers (not found after a re-read)
        for start in range(0, len(objects), MAX_WRITE):
            pending = list(range(start, min(start + MAX_WRITE, len(objects))))
            for round_ in range(ROUNDS):
                # what a re-read showed is there already (made by another sync) is not sent
                for i in pending:
                    if key := find(ids[i]):
                        done[i] = key
                pending = [i for i in pending if i not in done]
                if not pending:
                    break
                seen = self.zc.version
                based = self.zc.has_read and not any("key" in objects[i] for i in pending)
                try:
                    answer = self.zc.create_items([objects[i] for i in pending])
                except WriteUncertain as e:
                    log.warning(
                        "Zotero: a write's outcome is unknown (%s); checking what arrived before writing again", e
                    )
                    self.zc.service.sleep(min(2**round_, 30) * self.zc.wait)
                    self._absorb(self.zc.all_items(since=seen))
                    still = []
                    for i in pending:
                        key = find(ids[i])
                        if key:
                            done[i] = key
                            # a creation sent on version ``seen`` that went through made exactly
                            # version seen + 1: an item of that version is this run's
                            if based and not e.refused and (self.by_key.get(key) or {}).get("version") == seen + 1:
                                self.written_here.add(i)
                        else:
                            still.append(i)
                    pending = still
                    continue
                for pos, obj in (answer.get("successful") or {}).items():
                    done[pending[int(pos)]] = obj["key"]
                    self.written_here.add(pending[int(pos)])
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
        incremental = self._read(papers, collection, dry_run)
        plan = self.plan(papers, incremental)
        unread = [self.known[a] for a in plan.refresh if self._current(a) is None]
        if unread:  # unchanged in Zotero, but paper2bib has something new for them: read them first
            for i in range(0, len(unread), MAX_WRITE):
                self._absorb(self.zc.items_by_key(unread[i : i + MAX_WRITE]))
            plan = self.plan(papers, incremental)
        zlib = self.zc.library
        by_id = {p.record.arxiv_id: p for p in papers}
        report.kept, report.not_recreated, report.linked = plan.kept, len(plan.deleted), len(plan.link)

        if dry_run:
            if collection and not self.collection_key:
                out(f"would create collection {collection!r}")
            for p in plan.create:
                out(f"would create {p.record.arxiv_id} {p.key}: {p.record.title}")
            for p, key in plan.link:
                out(f"would link   {p.record.arxiv_id} {p.key} to existing item {key}")
            for aid in plan.add_to_collection:
                out(f"would add    {aid} to collection {collection!r}")
            for aid in plan.refresh:
                out(f"would update {aid} from arXiv")
            report.children = sum(len(self._children_for(p, k)) for p, k in plan.link) + sum(
                len(self._children_for(p, "new")) for p in plan.create
            )
            out(f"would create {report.children} child links and notes")
            report.created, report.updated, report.refreshed = (
                len(plan.create),
                len(plan.add_to_collection),
                len(plan.refresh),
            )
            return report

        self.lib.store_zotero_items(zlib, {p.record.arxiv_id: k for p, k in plan.link})

        # update existing items: collection membership, and paper2bib's own fields where the user left them
        upd_ids = list(dict.fromkeys([*plan.add_to_collection, *plan.refresh]))
        written: dict[str, dict] = {}

        def update_of(aid: str) -> dict | None:
            update, _, new_written = self._update_for(by_id[aid])
            if new_written is not None:
                written[aid] = new_written
            return update

        updates = [update_of(aid) or {} for aid in upd_ids]
        for p, _key in plan.link:  # kept fields: remember what was offered, so it is reported once
            if p.record.arxiv_id not in upd_ids and self._current(p.record.arxiv_id) is not None:
                update_of(p.record.arxiv_id)
        offered = {a: w for a, w in written.items() if a not in upd_ids}
        if offered:
            self.lib.store_zotero_items(zlib, {a: self.known[a] for a in offered}, written=offered)

        def updated(aid: str) -> str | None:
            return (self._current(aid) or {}).get("key") if update_of(aid) is None else None

        # a new item type (a preprint now published) is a PUT of the whole item, one by one
        retyped = {
            aid
            for aid, u in zip(upd_ids, updates)
            if u and u.get("itemType") != (self._current(aid) or {}).get("itemType")
        }
        done: dict[str, str] = {}
        for aid, update in zip(upd_ids, updates):
            if aid in retyped and (replaced := self._replace(aid, update, updated, update_of)):
                done[aid] = replaced
        same = [i for i, aid in enumerate(upd_ids) if aid not in retyped]
        batch = self._write(
            [updates[i] for i in same], [upd_ids[i] for i in same], updated, rebuild=lambda aid: update_of(aid) or {}
        )
        done.update({upd_ids[same[j]]: k for j, k in batch.items()})
        self.lib.store_zotero_items(zlib, done, written={a: written[a] for a in done if a in written})
        report.updated = len(done.keys() & set(plan.add_to_collection))
        report.refreshed = len(done.keys() & set(plan.refresh))

        # create what is missing
        new_objects = [
            zotero_item(p, [self.collection_key] if self.collection_key else [], self.with_ck) for p in plan.create
        ]
        new_ids = [p.record.arxiv_id for p in plan.create]
        created = self._write(new_objects, new_ids, lambda aid: (self.index.get(aid) or {}).get("key"))
        self.lib.store_zotero_items(
            zlib,
            {new_ids[i]: k for i, k in created.items()},
            written={new_ids[i]: owned_fields(new_objects[i]) for i in created},
        )
        for i, k in created.items():
            self.known[new_ids[i]] = k
        # only what this run's own writes made: items another sync made meanwhile were linked
        report.created = len(created.keys() & self.written_here)
        report.linked += len(created.keys() - self.written_here)

        # children: links and the arXiv comment, under every paper now in Zotero
        parents = {p.record.arxiv_id: k for p, k in plan.link} | {new_ids[i]: k for i, k in created.items()}
        children = [c for aid, key in parents.items() for c in self._children_for(by_id[aid], key)]
        child_ids = [f"{aid} {ref}" for aid, ref, _ in children]

        def child_there(cid: str) -> str | None:
            aid, ref = cid.split(" ", 1)
            return parents[aid] if ref in self.child_refs.get(parents[aid], set()) else None

        made = self._write([c for _, _, c in children], child_ids, child_there)
        self.lib.store_zotero_links_made(zlib, [(children[i][0], children[i][1]) for i in made])
        report.children = len(made)
        report.failed = self.failed
        if not self.failed:
            self.lib.store_zotero_state(
                zlib, ZoteroState(self.zc.version, collection, self.collection_key, self.with_ck)
            )
        return report
