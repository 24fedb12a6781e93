"""Syncing the library's resolved papers into a Zotero library: idempotent and safe to re-run.

Three steps, one module each:

1. **index** (:mod:`.index`): read the Zotero library once (every item, paginated; or only
   what changed since the last sync) and index it by the arXiv ids items name in
   ``archiveID``, ``extra``, ``url`` or ``DOI`` — items made by hand or with the Connector
   included. A paper already there is *linked*, never duplicated.
2. **plan** (:mod:`.plan`): decide, without writing, what to create, link, update, retype,
   and what stays deleted. A dry run stops here and returns the plan.
3. **apply** (:mod:`.apply`): write it, 50 objects a request, storing each item key in the
   local library as soon as Zotero confirms it.

The local library records ``zlibrary`` → item keys; a second sync finds everything in
place and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..models import Paper
from ..store import Library, ZoteroState
from .apply import Writer
from .client import MAX_WRITE, ZoteroClient
from .index import ZoteroIndex
from .items import owned_fields, zotero_item
from .plan import Plan, Target, Update, children_for, is_retype, make_plan, retyped, update_for


@dataclass
class Report:
    """What a sync did (or, in a dry run, would do)."""

    plan: Plan
    created: int = 0
    linked: int = 0
    updated: int = 0
    refreshed: int = 0
    retyped: int = 0  # of those refreshed: items given their published type
    children: int = 0
    failed: list[str] = field(default_factory=list)

    @property
    def not_recreated(self) -> int:
        return len(self.plan.deleted)


class Syncer:
    """Syncs one local library into one Zotero library.

    :param recreate_deleted: make again the items the user deleted in Zotero (by default
        a deleted item stays deleted).
    """

    def __init__(self, lib: Library, zc: ZoteroClient, recreate_deleted: bool = False):
        self.lib, self.zc, self.zlib = lib, zc, zc.library
        self.links = lib.zotero_links(self.zlib)
        self.recreate_deleted = recreate_deleted
        self.index = ZoteroIndex(
            {a: link.key for a, link in self.links.items() if not link.deleted or recreate_deleted}
        )
        self.deleted = {a for a, link in self.links.items() if link.deleted and not recreate_deleted}
        self.made = lib.zotero_links_made(self.zlib)  # children made (or found) before: never re-added
        self.writer = Writer(zc, self.index)
        self.target = Target(None, None, True)
        self._type_fields: dict[str, set[str]] = {}

    # ------------------------------------------------------------------ index
    def read(self, papers: Sequence[Paper], collection: str | None, dry_run: bool) -> bool:
        """Read what is needed of Zotero; True when only what changed since the last sync was read.

        Incremental when the last sync of this library knew every paper and used the same
        collection: ``?since=`` and ``/deleted?since=`` (2 requests when nothing changed).
        Otherwise everything is read. Items the user deleted (or put in the trash) since are
        remembered as deleted, and not made again.
        """
        state = self.lib.zotero_state(self.zlib)
        known = self.index.known
        unknown = any(p.record.arxiv_id not in known and p.record.arxiv_id not in self.deleted for p in papers)
        collection_key = None
        if state is not None and not unknown and state.collection == collection:
            self.index.absorb(self.zc.all_items(since=state.version))
            gone_items, gone_collections = self.zc.deleted_since(state.version)
            gone = gone_items | self.index.trashed
            with_ck = state.citation_key_field
            collection_key = state.collection_key if state.collection_key not in gone_collections else None
            incremental = True
        else:
            self.index.absorb(self.zc.all_items())
            gone = {k for k in known.values() if k not in self.index.by_key}
            with_ck = "citationKey" in self.zc.item_type_fields("preprint")
            incremental = False
        if collection and not collection_key:
            collection_key = self.writer.find_collection(collection)
        self.target = Target(collection, collection_key, with_ck)
        self._forget_deleted([a for a, k in known.items() if k in gone and not self.recreate_deleted], dry_run)
        if not incremental:  # children there now count as made: a later removal is the user's
            present = {(a, ref) for a, k in known.items() for ref in self.index.child_refs.get(k, set())}
            self.made |= present
            if present and not dry_run:
                self.lib.store_zotero_links_made(self.zlib, present)
        return incremental

    def _forget_deleted(self, newly: list[str], dry_run: bool) -> None:
        for a in newly:
            del self.index.known[a]
            self.deleted.add(a)
        if newly and not dry_run:
            self.lib.mark_zotero_deleted(self.zlib, newly)

    # ------------------------------------------------------------------ plan
    def plan(self, papers: Sequence[Paper], incremental: bool) -> Plan:
        """What this sync will do (see :func:`.plan.make_plan`); unchanged items that paper2bib
        has something new for are read first."""
        plan = make_plan(papers, self.index, self.links, self.deleted, self.made, self.target, incremental)
        unread = [self.index.known[a] for a in plan.refresh if self.index.current(a) is None]
        if unread:
            for i in range(0, len(unread), MAX_WRITE):
                self.index.absorb(self.zc.items_by_key(unread[i : i + MAX_WRITE]))
            plan = make_plan(papers, self.index, self.links, self.deleted, self.made, self.target, incremental)
        return plan

    # ------------------------------------------------------------------ apply
    def run(self, papers: Sequence[Paper], collection: str | None, dry_run: bool) -> Report:
        """Sync ``papers`` (into ``collection``): index, plan, and unless ``dry_run``, apply."""
        incremental = self.read(papers, collection, dry_run)
        if collection and not self.target.collection_key and not dry_run:
            self.target = Target(collection, self.writer.create_collection(collection), self.target.with_ck)
        plan = self.plan(papers, incremental)
        report = Report(plan, linked=len(plan.first_linked))
        if dry_run:
            report.created, report.updated, report.refreshed = (
                len(plan.create),
                len(plan.add_to_collection),
                len(plan.refresh),
            )
            report.children = plan.children
            report.retyped = len(plan.retype)
            return report
        by_id = {p.record.arxiv_id: p for p in papers}
        self.lib.store_zotero_items(self.zlib, {p.record.arxiv_id: k for p, k in plan.link})
        done = self._update(plan, by_id)
        report.updated = len(done.keys() & set(plan.add_to_collection))
        report.refreshed = len(done.keys() & set(plan.refresh))
        report.retyped = len(done.keys() & {a for a, _, _ in plan.retype})
        created, here = self._create(plan)
        # only what this run's own writes made: items another sync made meanwhile were linked
        report.created = len(created.keys() & here)
        report.linked += len(created.keys() - here)
        report.children = self._children(plan, created, by_id)
        report.failed = self.writer.failed
        if not report.failed:
            state = ZoteroState(self.zc.version, collection, self.target.collection_key, self.target.with_ck)
            self.lib.store_zotero_state(self.zlib, state)
        return report

    def _update_of(self, paper: Paper) -> Update | None:
        return update_for(paper, self.index, self.links.get(paper.record.arxiv_id), self.target)

    def _update(self, plan: Plan, by_id: dict[str, Paper]) -> dict[str, str]:
        """Update existing items — collection membership, and paper2bib's own fields where the
        user left them; returns arXiv id → item key of those updated."""
        upd_ids = list(dict.fromkeys([*plan.add_to_collection, *plan.refresh]))
        written: dict[str, dict[str, Any]] = {}

        def update_of(aid: str) -> dict[str, Any] | None:
            update = self._update_of(by_id[aid])
            if update is None:
                return None
            if update.written is not None:
                written[aid] = update.written
            current = self.index.current(aid) or {}
            if update.item is not None and is_retype(update, current):
                return retyped(
                    by_id[aid], current, update, self._fields_of(update.item["itemType"]), self.target.with_ck
                )
            return update.item

        def updated(aid: str) -> str | None:
            return (self.index.current(aid) or {}).get("key") if update_of(aid) is None else None

        updates = [update_of(aid) or {} for aid in upd_ids]
        self._remember_offered(plan, upd_ids, update_of, written)
        done: dict[str, str] = {}
        same = []
        for i, (aid, update) in enumerate(zip(upd_ids, updates)):
            if update and update.get("itemType") != (self.index.current(aid) or {}).get("itemType"):
                # a new item type (a preprint now published) is a PUT of the whole item, one by one
                if replaced := self.writer.replace(aid, update, updated, update_of):
                    done[aid] = replaced
            else:
                same.append(i)
        batch = self.writer.write(
            [updates[i] for i in same], [upd_ids[i] for i in same], updated, rebuild=lambda aid: update_of(aid) or {}
        )
        done.update({upd_ids[same[j]]: k for j, k in batch.items()})
        self.lib.store_zotero_items(self.zlib, done, written={a: written[a] for a in done if a in written})
        return done

    def _remember_offered(
        self,
        plan: Plan,
        upd_ids: list[str],
        update_of: Callable[[str], dict[str, Any] | None],
        written: dict[str, dict[str, Any]],
    ) -> None:
        """Kept fields: remember what was offered, so an edit kept is reported once."""
        for p, _key in plan.link:
            if p.record.arxiv_id not in upd_ids and self.index.current(p.record.arxiv_id) is not None:
                update_of(p.record.arxiv_id)
        offered = {a: w for a, w in written.items() if a not in upd_ids}
        if offered:
            self.lib.store_zotero_items(self.zlib, {a: self.index.known[a] for a in offered}, written=offered)

    def _fields_of(self, item_type: str) -> set[str]:
        if item_type not in self._type_fields:
            self._type_fields[item_type] = self.zc.item_type_fields(item_type)
        return self._type_fields[item_type]

    def _create(self, plan: Plan) -> tuple[dict[str, str], set[str]]:
        """Create what is missing; returns arXiv id → key of those now in Zotero, and the ids
        this run's own writes made."""
        collections = [self.target.collection_key] if self.target.collection_key else []
        objects = [zotero_item(p, collections, self.target.with_ck) for p in plan.create]
        ids = [p.record.arxiv_id for p in plan.create]
        created = self.writer.write(objects, ids, self.index.key_of)
        self.lib.store_zotero_items(
            self.zlib,
            {ids[i]: k for i, k in created.items()},
            written={ids[i]: owned_fields(objects[i]) for i in created},
        )
        for i, k in created.items():
            self.index.known[ids[i]] = k
        return {ids[i]: k for i, k in created.items()}, {ids[i] for i in self.writer.written_here & created.keys()}

    def _children(self, plan: Plan, created: dict[str, str], by_id: dict[str, Paper]) -> int:
        """Links and the arXiv comment under every paper now in Zotero; returns how many were made."""
        parents = {p.record.arxiv_id: k for p, k in plan.link} | created
        children = [c for aid, key in parents.items() for c in children_for(by_id[aid], key, self.index, self.made)]

        def child_there(cid: str) -> str | None:
            aid, ref = cid.split(" ", 1)
            return parents[aid] if ref in self.index.child_refs.get(parents[aid], set()) else None

        made = self.writer.write([c for _, _, c in children], [f"{aid} {ref}" for aid, ref, _ in children], child_there)
        self.lib.store_zotero_links_made(self.zlib, [(children[i][0], children[i][1]) for i in made])
        return len(made)
