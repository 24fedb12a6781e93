"""The library's SQL schema and its migrations.

The schema is versioned with ``PRAGMA user_version``; :data:`MIGRATIONS` holds, for each
version, the statements that bring the one before it up to date. A database that is not
a paper2bib library, or one newer than this version knows, is refused untouched.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import LibraryError

MIGRATIONS: list[list[str]] = [
    # 1: entries, records, links, citation keys
    [
        """
        CREATE TABLE records (
            arxiv_id TEXT PRIMARY KEY,
            version INTEGER NOT NULL,
            title TEXT NOT NULL,
            authors TEXT NOT NULL,              -- JSON list of names
            summary TEXT NOT NULL,
            published TEXT NOT NULL,            -- first version, YYYY-MM-DD
            updated TEXT,
            primary_category TEXT,
            categories TEXT NOT NULL,           -- JSON list
            comment TEXT,
            journal_ref TEXT,
            doi TEXT,
            fetched_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            fingerprint TEXT NOT NULL UNIQUE,   -- arxiv:<id> or title:<normalised title>
            digest_title TEXT,
            abstract TEXT,
            hint_id TEXT,
            hint_version INTEGER,
            hint_doi TEXT,
            source TEXT NOT NULL,
            position INTEGER NOT NULL,
            added_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'resolved', 'ambiguous', 'unresolved')),
            score REAL,
            why TEXT,
            candidates TEXT,                    -- JSON list of Candidate
            arxiv_id TEXT REFERENCES records(arxiv_id),
            version INTEGER,
            pinned INTEGER NOT NULL DEFAULT 0,
            resolved_at TEXT
        )
        """,
        "CREATE INDEX entries_arxiv_id ON entries(arxiv_id)",
        "CREATE INDEX entries_status ON entries(status)",
        """
        CREATE TABLE links (
            entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            kind TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (entry_id, url)
        )
        """,
        """
        CREATE TABLE citekeys (
            arxiv_id TEXT PRIMARY KEY REFERENCES records(arxiv_id),
            key TEXT NOT NULL UNIQUE,
            assigned_at TEXT NOT NULL
        )
        """,
    ],
    # 2: Zotero sync state, per Zotero library ("users/123", "groups/9")
    [
        """
        CREATE TABLE zotero_items (
            zlibrary TEXT NOT NULL,
            arxiv_id TEXT NOT NULL REFERENCES records(arxiv_id),
            item_key TEXT NOT NULL,
            item_version INTEGER,
            synced_at TEXT NOT NULL,
            PRIMARY KEY (zlibrary, arxiv_id)
        )
        """,
        "CREATE INDEX zotero_items_arxiv_id ON zotero_items(arxiv_id)",
        """
        CREATE TABLE zotero_children (
            zlibrary TEXT NOT NULL,
            parent_key TEXT NOT NULL,
            ref TEXT NOT NULL,                  -- a link URL, or 'note:comment'
            item_key TEXT NOT NULL,
            PRIMARY KEY (zlibrary, parent_key, ref)
        )
        """,
    ],
    # 3: drop what was written but never read (children are found by reading Zotero)
    [
        "DROP TABLE zotero_children",
        "ALTER TABLE entries DROP COLUMN hint_doi",
        "ALTER TABLE zotero_items DROP COLUMN item_version",
    ],
    # 4: two-way-safe Zotero sync: what paper2bib last wrote, deletions, incremental state
    [
        "ALTER TABLE zotero_items ADD COLUMN written TEXT",
        """
        -- JSON of owned fields, NULL if only linked
        ALTER TABLE zotero_items ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0
        """,
        """
        CREATE TABLE zotero_libraries (
            zlibrary TEXT PRIMARY KEY,
            version INTEGER NOT NULL,                                         -- the library version after the last sync
            collection TEXT,                                                  -- the collection it synced into
            collection_key TEXT,
            citation_key_field INTEGER NOT NULL,
            synced_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE zotero_links_made (
            zlibrary TEXT NOT NULL,
            arxiv_id TEXT NOT NULL,
            ref TEXT NOT NULL,                                                -- a link URL, or 'note:comment'
            PRIMARY KEY (zlibrary, arxiv_id, ref)
        )
        """,
    ],
    # 5: what each paper became (Semantic Scholar + DBLP)
    [
        """
        CREATE TABLE published (
            arxiv_id TEXT PRIMARY KEY REFERENCES records(arxiv_id),
            status TEXT NOT NULL CHECK (status IN ('published', 'preprint', 'unknown')),
            data TEXT,                                                        -- JSON of the published version
            why TEXT NOT NULL,
            checked_at TEXT NOT NULL
        )
        """,
    ],
    # 6: what a .bib entry said: its citation key, authors, year, DOI, URL; why it is kept aside
    [
        "ALTER TABLE entries ADD COLUMN bib_key TEXT",
        "ALTER TABLE entries ADD COLUMN hint_authors TEXT",
        """
        -- JSON list of names
        ALTER TABLE entries ADD COLUMN hint_year TEXT
        """,
        "ALTER TABLE entries ADD COLUMN hint_doi TEXT",
        "ALTER TABLE entries ADD COLUMN hint_url TEXT",
        "ALTER TABLE entries ADD COLUMN aside TEXT",
        "-- why it is not sent to arXiv",
    ],
    # 7: when DBLP was searched for an entry arXiv does not have (a published-only paper)
    ["ALTER TABLE entries ADD COLUMN dblp_checked_at TEXT"],
]


def describe_db_error(e: sqlite3.DatabaseError) -> str:
    """What an SQLite error means for the user, and what to do."""
    text = str(e)
    if "malformed" in text or "not a database" in text:
        return f"{text}; the file is damaged: restore it from a backup, or move it away to start a new library"
    if "readonly" in text or "read-only" in text:
        return f"{text}; make the file and its folder writable"
    if "disk" in text and "full" in text:
        return f"{text}; free some space and run the same command again"
    return text


def check_foreign(db: sqlite3.Connection, path: Path) -> None:
    """Refuse, untouched, a database that is not ours or is newer than this version knows."""
    # one statement, one snapshot: another process may be creating this library right now
    version, tables = db.execute(
        "SELECT (SELECT user_version FROM pragma_user_version),"
        " (SELECT count(*) FROM sqlite_master WHERE type = 'table')"
    ).fetchone()
    if version > len(MIGRATIONS):
        raise LibraryError(
            f"{path}: library schema {version} is newer than this paper2bib knows ({len(MIGRATIONS)}); upgrade paper2bib"
        )
    if version == 0 and tables:
        raise LibraryError(f"{path}: an SQLite file that is not a paper2bib library; it was left as it is")
    (check,) = db.execute("PRAGMA quick_check(1)").fetchone()
    if check != "ok":
        raise sqlite3.DatabaseError(f"database disk image is malformed ({check})")


def schema_version(db: sqlite3.Connection) -> int:
    """The schema version of the open database."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection) -> None:
    """Bring the schema up to date; safe when several processes open a new library at once.

    ``db`` must not be inside a transaction (autocommit mode)."""
    if schema_version(db) == len(MIGRATIONS):
        return
    db.execute("BEGIN IMMEDIATE")  # one process migrates, the others wait
    try:
        version = schema_version(db)  # read again, under the lock
        for statements in MIGRATIONS[version:]:
            for statement in statements:
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
