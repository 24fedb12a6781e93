"""The local library: one SQLite file holding entries, arXiv records, citation keys,
published versions and Zotero sync state, one module per aggregate.

Every write is one transaction: an interrupted run never leaves a half-written entry,
and re-adding an entry (same arXiv id, or same normalised title) adds nothing.
"""

from __future__ import annotations

from .connection import Clock, utc_now
from .entries import EntryStore, StoredEntry, fingerprint
from .keys import KeyStore
from .published import PublishedStore
from .records import RecordStore
from .schema import MIGRATIONS, describe_db_error
from .zotero_state import ZoteroLink, ZoteroState, ZoteroStore


class Library(EntryStore, RecordStore, KeyStore, PublishedStore, ZoteroStore):
    """A paper2bib library file. Use as a context manager, or call :meth:`close`."""

    def __enter__(self) -> Library:
        return self


__all__ = [
    "MIGRATIONS",
    "Clock",
    "Library",
    "StoredEntry",
    "ZoteroLink",
    "ZoteroState",
    "describe_db_error",
    "fingerprint",
    "utc_now",
]
