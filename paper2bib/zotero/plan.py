"""What a sync will do, decided from what was read, without writing anything: papers to
create, items to link, update or retype, papers that stay deleted, and why.

Pure functions: the dry run prints this plan, and the real run applies it, so the two
cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..links import not_a_web_link
from ..models import Paper
from ..store import ZoteroLink
from .index import ZoteroIndex
from .items import OWNED_FIELDS, comment_note, link_attachment, merge_owned, owned_fields, zotero_item


@dataclass(frozen=True)
class Target:
    """Where a sync writes: the collection (its key, None if it is still to be made) and
    whether the library's item types have a ``citationKey`` field."""

    collection: str | None
    collection_key: str | None
    with_ck: bool


#: stands for the key of a collection still to be made, while planning
NEW_COLLECTION = "(new collection)"


@dataclass
class Plan:
    """What a sync will do, paper by paper."""

    create: list[Paper] = field(default_factory=list)
    link: list[tuple[Paper, str]] = field(default_factory=list)  # papers whose item exists, with its key
    first_linked: list[str] = field(default_factory=list)  # arXiv ids of items no sync made or linked before
    add_to_collection: list[str] = field(default_factory=list)  # arXiv ids
    refresh: list[str] = field(default_factory=list)  # arXiv ids whose owned fields change
    retype: list[tuple[str, str, str]] = field(default_factory=list)  # (arXiv id, old type, new type): published now
    kept: list[tuple[str, str]] = field(default_factory=list)  # (arXiv id, field edited in Zotero and kept)
    deleted: list[Paper] = field(default_factory=list)  # deleted in Zotero: not made again
    children: int = 0  # child links and notes to make
    new_collection: str | None = None  # a collection to create


@dataclass(frozen=True)
class Update:
    """The update an existing item needs."""

    item: dict[str, Any] | None  # the whole item as it should be (None: nothing to send)
    changes: dict[str, Any]  # what differs from Zotero's current data
    kept: list[str]  # owned fields the user edited in Zotero, kept
    written: dict[str, Any] | None  # the owned fields as written after it (None: an item paper2bib only linked)


def update_for(paper: Paper, index: ZoteroIndex, link: ZoteroLink | None, target: Target) -> Update | None:
    """The update ``paper``'s existing item needs (None when it has no item read). Only
    items paper2bib made get their owned fields refreshed; any gets the collection."""
    aid = paper.record.arxiv_id
    current = index.current(aid)
    if current is None:
        return None
    changes: dict[str, Any] = {}
    kept: list[str] = []
    new_written = None
    if link is not None and link.written is not None and index.known.get(aid) == current.get("key"):
        desired = owned_fields(zotero_item(paper, [], target.with_ck))
        changes, kept, new_written = merge_owned(current, link.written, desired)
    if target.collection_key and target.collection_key not in (current.get("collections") or []):
        changes["collections"] = [*(current.get("collections") or []), target.collection_key]
    return Update({**current, **changes} if changes else None, changes, kept, new_written)


def is_retype(update: Update, current: dict[str, Any]) -> bool:
    """Whether the update gives the item a new type (a preprint now published)."""
    return update.changes.get("itemType", current.get("itemType")) != current.get("itemType")


def retyped(paper: Paper, current: dict[str, Any], update: Update, valid: set[str], with_ck: bool) -> dict[str, Any]:
    """The full item of a new type: paper2bib's fields valid for that type (``valid``), the
    user's own (tags, relations, collections, kept edits) where valid."""
    changes = update.changes
    new = zotero_item(paper, changes.get("collections") or current.get("collections") or [], with_ck)
    out = {k: v for k, v in new.items() if k in valid or k in ("itemType", "creators", "tags", "collections")}
    out.update({k: current[k] for k in update.kept if k in current and k in valid})
    out.update({"key": current["key"], "version": current["version"], "extra": changes.get("extra", new["extra"])})
    out["tags"] = current.get("tags") or new["tags"]
    out["relations"] = current.get("relations") or {}
    return out


def needs_refresh(paper: Paper, link: ZoteroLink | None, with_ck: bool) -> bool:
    """Whether what paper2bib would write now differs from what it last wrote."""
    return bool(link and link.written is not None and owned_fields(zotero_item(paper, [], with_ck)) != link.written)


def children_for(
    paper: Paper, parent: str, index: ZoteroIndex, made: set[tuple[str, str]]
) -> list[tuple[str, str, dict[str, Any]]]:
    """(arXiv id, ref, object) of the child links and comment note a paper's item lacks;
    never one made before (and perhaps removed by the user since)."""
    aid, have = paper.record.arxiv_id, index.child_refs.get(parent, set())

    def wanted(ref: str) -> bool:
        return ref not in have and (aid, ref) not in made

    out = [
        (aid, link.url, link_attachment(link, parent))
        for link in paper.links
        if not_a_web_link(link.url) is None and wanted(link.url)
    ]
    if paper.record.comment and wanted("note:comment"):
        out.append((aid, "note:comment", comment_note(paper.record.comment, parent)))
    return out


def make_plan(
    papers: Sequence[Paper],
    index: ZoteroIndex,
    links: dict[str, ZoteroLink],
    deleted: set[str],
    made: set[tuple[str, str]],
    target: Target,
    incremental: bool,
) -> Plan:
    """What to create, what exists (and what of it to update), what stays deleted.

    In an ``incremental`` sync an item unchanged since the last sync was not read: it is
    linked, and refreshed only if what paper2bib would write changed."""
    plan = Plan()
    if target.collection and not target.collection_key:
        plan.new_collection = target.collection
        target = replace(target, collection_key=NEW_COLLECTION)  # every item is to be added to it
    for paper in papers:
        aid = paper.record.arxiv_id
        if aid in deleted:
            plan.deleted.append(paper)
            continue
        current = index.current(aid)
        if current is None and not (incremental and aid in index.known):
            plan.create.append(paper)
            plan.children += len(children_for(paper, "new", index, made))
            continue
        key = current["key"] if current else index.known[aid]
        plan.link.append((paper, key))
        if aid not in index.known:  # found in Zotero, not made or linked by an earlier sync
            plan.first_linked.append(aid)
        plan.children += len(children_for(paper, key, index, made))
        if current is None:
            if needs_refresh(paper, links.get(aid), target.with_ck):
                plan.refresh.append(aid)
            continue
        update = update_for(paper, index, links.get(aid), target)
        assert update is not None  # the item was read
        plan.kept.extend((aid, f) for f in update.kept)
        if update.item is not None:
            if update.item.get("collections") != (current.get("collections") or []):
                plan.add_to_collection.append(aid)
            if any(update.item.get(f) != current.get(f) for f in OWNED_FIELDS):
                plan.refresh.append(aid)
            if is_retype(update, current):
                plan.retype.append((aid, str(current.get("itemType")), str(update.changes["itemType"])))
    return plan
