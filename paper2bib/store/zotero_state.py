"""Zotero state: which item each paper is in each Zotero library, and where syncs left off."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .connection import Connection


@dataclass(frozen=True)
class ZoteroLink:
    """A paper's item in a Zotero library, as the local library remembers it."""

    key: str
    written: dict[str, Any] | None  # the owned fields as paper2bib last wrote them; None for an item it only linked
    deleted: bool


@dataclass(frozen=True)
class ZoteroState:
    """Where the last sync of a Zotero library left off."""

    version: int
    collection: str | None
    collection_key: str | None
    citation_key_field: bool


class ZoteroStore(Connection):
    """What the syncs of a library into Zotero libraries remember."""

    def zotero_items(self, zlibrary: str) -> dict[str, str]:
        """arXiv id → the key of its item in ``zlibrary`` (``users/123``, ``groups/9``), deleted ones left out."""
        rows = self.db.execute(
            "SELECT arxiv_id, item_key FROM zotero_items WHERE zlibrary=? AND deleted=0", (zlibrary,)
        )
        return dict(rows.fetchall())

    def zotero_links(self, zlibrary: str) -> dict[str, ZoteroLink]:
        """arXiv id → its item in ``zlibrary``: key, what paper2bib last wrote, whether the user deleted it."""
        rows = self.db.execute(
            "SELECT arxiv_id, item_key, written, deleted FROM zotero_items WHERE zlibrary=?", (zlibrary,)
        )
        return {
            r["arxiv_id"]: ZoteroLink(
                r["item_key"], json.loads(r["written"]) if r["written"] else None, bool(r["deleted"])
            )
            for r in rows
        }

    def store_zotero_items(
        self, zlibrary: str, items: dict[str, str], written: dict[str, dict[str, Any]] | None = None
    ) -> None:
        """Record the Zotero item key of each arXiv id in ``zlibrary`` and, for items paper2bib
        wrote, the owned fields as written (``written``: arXiv id → fields)."""
        now = self.now()
        written = written or {}
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO zotero_items (zlibrary, arxiv_id, item_key, synced_at, written, deleted) VALUES (?,?,?,?,?,0)"
                " ON CONFLICT(zlibrary, arxiv_id) DO UPDATE SET item_key=excluded.item_key, synced_at=excluded.synced_at,"
                " written=COALESCE(excluded.written, zotero_items.written), deleted=0",
                [
                    (zlibrary, a, k, now, json.dumps(written[a], ensure_ascii=False) if a in written else None)
                    for a, k in items.items()
                ],
            )

    def mark_zotero_deleted(self, zlibrary: str, arxiv_ids: Iterable[str]) -> None:
        """The user deleted these items in Zotero: remember it, so no sync makes them again."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE zotero_items SET deleted=1 WHERE zlibrary=? AND arxiv_id=?", [(zlibrary, a) for a in arxiv_ids]
            )

    def zotero_state(self, zlibrary: str) -> ZoteroState | None:
        """Where the last sync of ``zlibrary`` left off, if there was one."""
        r = self.db.execute("SELECT * FROM zotero_libraries WHERE zlibrary=?", (zlibrary,)).fetchone()
        if r is None:
            return None
        return ZoteroState(r["version"], r["collection"], r["collection_key"], bool(r["citation_key_field"]))

    def store_zotero_state(self, zlibrary: str, state: ZoteroState) -> None:
        """Remember where this sync of ``zlibrary`` left off."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO zotero_libraries (zlibrary, version, collection, collection_key, citation_key_field, synced_at)"
                " VALUES (?,?,?,?,?,?) ON CONFLICT(zlibrary) DO UPDATE SET version=excluded.version,"
                " collection=excluded.collection, collection_key=excluded.collection_key,"
                " citation_key_field=excluded.citation_key_field, synced_at=excluded.synced_at",
                (
                    zlibrary,
                    state.version,
                    state.collection,
                    state.collection_key,
                    int(state.citation_key_field),
                    self.now(),
                ),
            )

    def zotero_links_made(self, zlibrary: str) -> set[tuple[str, str]]:
        """(arXiv id, link URL or 'note:comment') of every child paper2bib has made in ``zlibrary``."""
        rows = self.db.execute("SELECT arxiv_id, ref FROM zotero_links_made WHERE zlibrary=?", (zlibrary,))
        return {(r["arxiv_id"], r["ref"]) for r in rows}

    def store_zotero_links_made(self, zlibrary: str, made: Iterable[tuple[str, str]]) -> None:
        """Remember children made (or found) under papers' items: never added again."""
        with self.transaction() as db:
            db.executemany(
                "INSERT OR IGNORE INTO zotero_links_made (zlibrary, arxiv_id, ref) VALUES (?,?,?)",
                [(zlibrary, a, r) for a, r in made],
            )
