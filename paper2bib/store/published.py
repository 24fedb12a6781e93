"""Published versions: what each paper became, as Semantic Scholar and DBLP said, and when."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict
from datetime import timedelta

from ..models import Published, PublishedCheck
from .connection import Connection, id_list, stamp


class PublishedStore(Connection):
    """The publication look-ups of a library."""

    def published(self, arxiv_ids: Iterable[str] | None = None) -> dict[str, PublishedCheck]:
        """What the last look-up found each paper became (all papers, or those of ``arxiv_ids``)."""
        sql, args = "SELECT * FROM published", []
        if arxiv_ids is not None:
            sql += " WHERE arxiv_id IN (SELECT value FROM json_each(?))"
            args.append(id_list(arxiv_ids))
        out = {}
        for r in self.db.execute(sql, args):
            data = json.loads(r["data"]) if r["data"] else None
            version = Published(**{**data, "authors": tuple(data["authors"])}) if data else None
            out[r["arxiv_id"]] = PublishedCheck(r["status"], version, r["why"])
        return out

    def published_due(self, arxiv_ids: Iterable[str], recheck_after: timedelta) -> list[str]:
        """The papers of ``arxiv_ids`` to ask about now, in order: never checked, "unknown" (a
        service was down), or a preprint last checked longer than ``recheck_after`` ago."""
        cutoff = stamp(self.clock() - recheck_after)
        rows = self.db.execute(
            "SELECT w.value FROM json_each(?) w LEFT JOIN published p ON p.arxiv_id = w.value"
            " WHERE p.arxiv_id IS NULL OR NOT (p.status = 'published' OR (p.status = 'preprint' AND p.checked_at > ?))"
            " ORDER BY w.key",
            (id_list(arxiv_ids), cutoff),
        )
        return [r[0] for r in rows]

    def store_published(self, checks: dict[str, PublishedCheck]) -> None:
        """Store what look-ups found, each with the time it was checked."""
        now = self.now()
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO published (arxiv_id, status, data, why, checked_at) VALUES (?,?,?,?,?)"
                " ON CONFLICT(arxiv_id) DO UPDATE SET status=excluded.status, data=excluded.data, why=excluded.why,"
                " checked_at=excluded.checked_at",
                [
                    (
                        a,
                        c.status,
                        json.dumps(asdict(c.version), ensure_ascii=False) if c.version else None,
                        c.why,
                        now,
                    )
                    for a, c in checks.items()
                ],
            )
