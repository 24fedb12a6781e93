"""``paper2bib list``: the library's entries with what each resolved to and became."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import PublishedCheck, Record
from ..services import Services
from ..store import StoredEntry


@dataclass(frozen=True)
class Listed:
    """One entry as ``list`` shows it: the entry, its paper's record (if resolved), its publication check."""

    entry: StoredEntry
    record: Record | None
    check: PublishedCheck | None
    fetched_at: str | None = None  # when the record was last fetched from arXiv


def list_entries(svc: Services, status: str | None = None) -> list[Listed]:
    """The stored entries (of one ``status``, or all) in the order they were added."""
    lib = svc.store
    entries = lib.entries(status=status)
    records = lib.records({e.resolved_id for e in entries if e.resolved_id})
    checks = lib.published(records)
    fetched = lib.fetched_at(records)
    return [Listed(e, records.get(a := e.resolved_id or ""), checks.get(a), fetched.get(a)) for e in entries]
