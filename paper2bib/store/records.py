"""arXiv records: the metadata of every paper an entry resolved to."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime

from ..models import Record
from .connection import Connection, id_list, stamp


def put_records(db: sqlite3.Connection, records: Iterable[Record], now: str) -> None:
    """Insert ``records``, or bring the stored ones up to date (inside the caller's transaction)."""
    db.executemany(
        "INSERT INTO records (arxiv_id, version, title, authors, summary, published, updated, primary_category,"
        " categories, comment, journal_ref, doi, fetched_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT(arxiv_id) DO UPDATE SET version=excluded.version, title=excluded.title,"
        " authors=excluded.authors, summary=excluded.summary, published=excluded.published,"
        " updated=excluded.updated, primary_category=excluded.primary_category,"
        " categories=excluded.categories, comment=excluded.comment, journal_ref=excluded.journal_ref,"
        " doi=excluded.doi, fetched_at=excluded.fetched_at",
        [
            (
                r.arxiv_id,
                r.version,
                r.title,
                json.dumps(list(r.authors), ensure_ascii=False),
                r.summary,
                r.published,
                r.updated,
                r.primary_category,
                json.dumps(list(r.categories)),
                r.comment,
                r.journal_ref,
                r.doi,
                now,
            )
            for r in records
        ],
    )


class RecordStore(Connection):
    """The arXiv records of a library."""

    def records(self, arxiv_ids: Iterable[str] | None = None) -> dict[str, Record]:
        """Stored records by arXiv id (all of them, or those of ``arxiv_ids``)."""
        sql = "SELECT * FROM records"
        args: list[str] = []
        if arxiv_ids is not None:
            sql += " WHERE arxiv_id IN (SELECT value FROM json_each(?))"
            args.append(id_list(arxiv_ids))
        return {
            r["arxiv_id"]: Record(
                arxiv_id=r["arxiv_id"],
                version=r["version"],
                title=r["title"],
                authors=tuple(json.loads(r["authors"])),
                summary=r["summary"],
                published=r["published"],
                updated=r["updated"],
                primary_category=r["primary_category"],
                categories=tuple(json.loads(r["categories"])),
                comment=r["comment"],
                journal_ref=r["journal_ref"],
                doi=r["doi"],
            )
            for r in self.db.execute(sql, args)
        }

    def fetched_at(self, arxiv_ids: Iterable[str]) -> dict[str, str]:
        """When each record of ``arxiv_ids`` was last fetched from arXiv (UTC, ISO 8601)."""
        rows = self.db.execute(
            "SELECT arxiv_id, fetched_at FROM records WHERE arxiv_id IN (SELECT value FROM json_each(?))",
            (id_list(arxiv_ids),),
        )
        return {r[0]: r[1] for r in rows}

    def fetched_before(self, arxiv_ids: Iterable[str], moment: datetime) -> list[str]:
        """The records of ``arxiv_ids`` (in order) last fetched before ``moment``."""
        rows = self.db.execute(
            "SELECT w.value FROM json_each(?) w JOIN records r ON r.arxiv_id = w.value WHERE r.fetched_at < ?"
            " ORDER BY w.key",
            (id_list(arxiv_ids), stamp(moment)),
        )
        return [r[0] for r in rows]

    def store_revised(self, records: Iterable[Record]) -> None:
        """Store records fetched again: each replaces the stored one, and the entries that
        cite no version of their own follow the new version (a pinned or cited version stays)."""
        records = list(records)
        with self.transaction() as db:
            put_records(db, records, self.now())
            db.executemany(
                "UPDATE entries SET version = ? WHERE arxiv_id = ? AND hint_version IS NULL AND pinned = 0",
                [(r.version, r.arxiv_id) for r in records],
            )
