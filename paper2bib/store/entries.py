"""Entries: what digests listed, how each resolved, and the links they carry."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ..arxiv_ids import parse_id
from ..errors import EntryNotFound, LibraryError
from ..models import Candidate, Entry, Link, Record, Resolution, Status
from ..text import normalise
from .connection import Connection, id_list
from .records import put_records


def fingerprint(entry: Entry) -> str:
    """What makes two digest entries the same entry: the arXiv id, else the title."""
    if entry.arxiv_id:
        return f"arxiv:{entry.arxiv_id}"
    return f"title:{normalise(entry.title)}"


@dataclass(frozen=True)
class StoredEntry:
    """An entry as the library holds it, with its resolution and what hangs off it."""

    id: int
    digest_title: str | None
    abstract: str | None
    hint_id: str | None  # the id the digest cites, if any
    hint_version: int | None
    source: str
    position: int
    status: Status | Literal["pending"]
    score: float | None
    why: str | None
    candidates: tuple[Candidate, ...]
    resolved_id: str | None  # the arXiv paper the entry resolved to
    resolved_version: int | None
    pinned: bool
    links: tuple[Link, ...]
    citekey: str | None
    zotero_key: str | None
    bib_key: str | None = None  # the key the user's .bib gave it
    authors: tuple[str, ...] = ()
    aside: str | None = None
    year: str | None = None  # the year and DOI the digest gives, if it does
    doi: str | None = None
    dblp_checked: bool = False  # DBLP was searched for it (it is not on arXiv)

    def as_entry(self) -> Entry:
        """The entry as the resolver takes it; a pinned entry is looked up by its pinned id alone."""
        return Entry(
            title=self.digest_title,
            abstract=None if self.pinned else self.abstract,
            arxiv_id=self.resolved_id if self.pinned else self.hint_id,
            version=self.resolved_version if self.pinned else self.hint_version,
            links=self.links,
            source=self.source,
            position=self.position,
            key=self.bib_key,
            authors=self.authors,
            aside=self.aside,
            year=self.year,
            doi=self.doi,
        )


class EntryStore(Connection):
    """The entries of a library."""

    def add_entries(self, entries: Iterable[Entry]) -> list[tuple[int, bool]]:
        """Store entries not yet in the library; return ``(entry id, was new)`` for each."""
        out: list[tuple[int, bool]] = []
        now = self.now()
        with self.transaction() as db:
            for e in entries:
                fp = fingerprint(e)
                row = db.execute("SELECT id FROM entries WHERE fingerprint = ?", (fp,)).fetchone()
                if row:
                    if e.key:  # the paper is in the user's .bib now: it keeps that key from here on
                        db.execute("UPDATE entries SET bib_key = ? WHERE id = ?", (e.key, row[0]))
                    out.append((row[0], False))
                    continue
                cur = db.execute(
                    "INSERT INTO entries (fingerprint, digest_title, abstract, hint_id, hint_version,"
                    " source, position, added_at, bib_key, hint_authors, hint_year, hint_doi, hint_url, aside)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        fp,
                        e.title,
                        e.abstract,
                        e.arxiv_id,
                        e.version,
                        e.source,
                        e.position,
                        now,
                        e.key,
                        json.dumps(list(e.authors), ensure_ascii=False) if e.authors else None,
                        e.year,
                        e.doi,
                        e.url,
                        e.aside,
                    ),
                )
                entry_id = int(cur.lastrowid or 0)
                db.executemany(
                    "INSERT OR IGNORE INTO links (entry_id, url, kind, position) VALUES (?,?,?,?)",
                    [(entry_id, link.url, link.kind, i) for i, link in enumerate(e.links)],
                )
                out.append((entry_id, True))
        return out

    def save_resolutions(self, results: Iterable[tuple[int, Resolution]], records: Iterable[Record] = ()) -> None:
        """Store records and the resolutions that point at them, in one transaction."""
        now = self.now()
        with self.transaction() as db:
            put_records(db, records, now)
            db.executemany(
                "UPDATE entries SET status=?, score=?, why=?, candidates=?, arxiv_id=?, version=?, resolved_at=?"
                " WHERE id=? AND pinned=0",
                [
                    (
                        r.status,
                        r.score,
                        r.why,
                        json.dumps([c.to_json() for c in r.candidates]),
                        r.arxiv_id,
                        r.version,
                        now,
                        entry_id,
                    )
                    for entry_id, r in results
                ],
            )

    def mark_dblp_checked(self, entry_ids: Iterable[int]) -> None:
        """Remember that DBLP was searched for these entries (not asked again on the next run)."""
        now = self.now()
        with self.transaction() as db:
            db.executemany("UPDATE entries SET dblp_checked_at = ? WHERE id = ?", [(now, i) for i in entry_ids])

    def pin(self, entry_id: int, record: Record, version: int | None = None) -> None:
        """Settle an entry by hand: it points at ``record`` (at ``version``, default the
        latest) and no re-resolution moves it."""
        if version is None or version > record.version:
            version = record.version
        with self.transaction() as db:
            put_records(db, [record], self.now())
            row = db.execute("SELECT arxiv_id FROM entries WHERE id=?", (entry_id,)).fetchone()
            cur = db.execute(
                "UPDATE entries SET status='resolved', score=1.0, why=?, arxiv_id=?, version=?, pinned=1, resolved_at=?"
                " WHERE id=?",
                ("pinned by hand", record.arxiv_id, version, self.now(), entry_id),
            )
            if cur.rowcount != 1:
                raise LibraryError(f"no entry {entry_id} in the library")
            old = row["arxiv_id"] if row else None
            if old and old != record.arxiv_id:
                # the key moves with the entry: the old paper keeps it only if another entry still cites it
                db.execute(
                    "UPDATE citekeys SET arxiv_id = ? WHERE arxiv_id = ?"
                    " AND NOT EXISTS (SELECT 1 FROM entries WHERE arxiv_id = ?)"
                    " AND NOT EXISTS (SELECT 1 FROM citekeys WHERE arxiv_id = ?)",
                    (record.arxiv_id, old, old, record.arxiv_id),
                )

    def find_entries(self, ref: str) -> list[StoredEntry]:
        """The entries ``ref`` names: an entry number, an arXiv id (cited or resolved to), a
        citation key (as exported, or from the user's .bib), or an exact title."""
        if ref.isdigit():
            return self.entries([int(ref)])
        parsed = parse_id(ref)
        ident = parsed.arxiv_id if parsed else None
        rows = self.db.execute(
            "SELECT id FROM entries WHERE (?1 IS NOT NULL AND (arxiv_id = ?1 OR hint_id = ?1)) OR bib_key = ?2"
            " OR (?1 IS NULL AND arxiv_id IN (SELECT arxiv_id FROM citekeys WHERE key = ?2))",
            (ident, ref),
        ).fetchall()
        if rows:
            return self.entries([r["id"] for r in rows])
        try:
            return [self.find_entry(ref)]
        except EntryNotFound:
            return []

    def remove_entries(self, entry_ids: list[int]) -> None:
        """Delete entries (their links with them). Papers' records and keys stay: added again,
        a paper gets its old key back."""
        with self.transaction() as db:
            db.execute("DELETE FROM links WHERE entry_id IN (SELECT value FROM json_each(?))", (id_list(entry_ids),))
            db.execute("DELETE FROM entries WHERE id IN (SELECT value FROM json_each(?))", (id_list(entry_ids),))

    _ENTRY_SELECT = (
        "SELECT e.*, k.key AS citekey,"
        " (SELECT z.item_key FROM zotero_items z WHERE z.arxiv_id = e.arxiv_id ORDER BY z.synced_at DESC LIMIT 1)"
        " AS zotero_key"
        " FROM entries e LEFT JOIN citekeys k ON k.arxiv_id = e.arxiv_id"
    )

    def entries(self, ids: Iterable[int] | None = None, status: str | None = None) -> list[StoredEntry]:
        """Stored entries in the order they were added (or in the order of ``ids``), optionally by status."""
        where, args = [], []
        if ids is not None:
            ids = list(dict.fromkeys(ids))
            where.append("e.id IN (SELECT value FROM json_each(?))")
            args.append(id_list(ids))
        if status:
            where.append("e.status = ?")
            args.append(status)
        clause = " WHERE " + " AND ".join(where) if where else ""
        rows = self.db.execute(self._ENTRY_SELECT + clause + " ORDER BY e.id", args).fetchall()
        links: dict[int, list[Link]] = {}
        link_rows = self.db.execute(
            "SELECT entry_id, url, kind FROM links WHERE entry_id IN (SELECT e.id FROM entries e" + clause + ")"
            " ORDER BY entry_id, position",
            args,
        )
        for row in link_rows:
            links.setdefault(row["entry_id"], []).append(Link(row["url"], row["kind"]))
        out = [self._stored(r, tuple(links.get(r["id"], ()))) for r in rows]
        if ids is not None:
            by_id = {e.id: e for e in out}
            out = [by_id[i] for i in ids if i in by_id]
        return out

    def status_counts(self, ids: Iterable[int] | None = None) -> dict[str, int]:
        """How many entries (all, or those of ``ids``) have each status, counted in SQL."""
        sql, args = "SELECT status, count(*) AS n FROM entries", []
        if ids is not None:
            sql += " WHERE id IN (SELECT value FROM json_each(?))"
            args.append(id_list(ids))
        return {r["status"]: r["n"] for r in self.db.execute(sql + " GROUP BY status", args)}

    @staticmethod
    def _stored(r: sqlite3.Row, links: tuple[Link, ...]) -> StoredEntry:
        return StoredEntry(
            id=r["id"],
            digest_title=r["digest_title"],
            abstract=r["abstract"],
            hint_id=r["hint_id"],
            hint_version=r["hint_version"],
            source=r["source"],
            position=r["position"],
            status=r["status"],
            score=r["score"],
            why=r["why"],
            candidates=tuple(Candidate(**c) for c in json.loads(r["candidates"] or "[]")),
            resolved_id=r["arxiv_id"],
            resolved_version=r["version"],
            pinned=bool(r["pinned"]),
            links=links,
            citekey=r["citekey"],
            zotero_key=r["zotero_key"],
            bib_key=r["bib_key"],
            authors=tuple(json.loads(r["hint_authors"] or "[]")),
            aside=r["aside"],
            year=r["hint_year"],
            doi=r["hint_doi"],
            dblp_checked=r["dblp_checked_at"] is not None,
        )

    def find_entry(self, ref: str) -> StoredEntry:
        """An entry by its number (as ``list`` shows it) or by its exact (normalised) title."""
        if ref.isdigit():
            found = self.entries([int(ref)])
            if found:
                return found[0]
            raise EntryNotFound(f"no entry {ref} in the library (see paper2bib list)")
        want = normalise(ref)
        # a title entry is found by its fingerprint (a unique index); an id entry by its digest title
        rows = self.db.execute(
            "SELECT id FROM entries WHERE fingerprint = ? OR (fingerprint LIKE 'arxiv:%' AND normalise(digest_title) = ?)",
            (f"title:{want}", want),
        )
        matches = [r["id"] for r in rows]
        if len(matches) == 1:
            return self.entries(matches)[0]
        if not matches:
            raise EntryNotFound(f"no entry titled {ref!r} in the library (see paper2bib list)")
        raise EntryNotFound(f"{len(matches)} entries are titled {ref!r}; name one by number (see paper2bib list)")
