"""The local library: one SQLite file holding entries, arXiv records, keys, links, sync state.

The schema is versioned with ``PRAGMA user_version`` and upgraded by the ordered
:data:`MIGRATIONS`. Every write is one transaction: an interrupted run never leaves a
half-written entry, and re-adding an entry (same arXiv id, or same normalised title)
adds nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Literal

from .arxiv_ids import parse_id
from .errors import EntryNotFound, LibraryError, LibraryMissing
from .models import Candidate, Entry, Link, Published, PublishedCheck, Record, Resolution, Status
from .text import normalise

MIGRATIONS: list[str] = [
    # 1: entries, records, links, citation keys
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
    );
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
    );
    CREATE INDEX entries_arxiv_id ON entries(arxiv_id);
    CREATE INDEX entries_status ON entries(status);
    CREATE TABLE links (
        entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        kind TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (entry_id, url)
    );
    CREATE TABLE citekeys (
        arxiv_id TEXT PRIMARY KEY REFERENCES records(arxiv_id),
        key TEXT NOT NULL UNIQUE,
        assigned_at TEXT NOT NULL
    );
    """,
    # 2: Zotero sync state, per Zotero library ("users/123", "groups/9")
    """
    CREATE TABLE zotero_items (
        zlibrary TEXT NOT NULL,
        arxiv_id TEXT NOT NULL REFERENCES records(arxiv_id),
        item_key TEXT NOT NULL,
        item_version INTEGER,
        synced_at TEXT NOT NULL,
        PRIMARY KEY (zlibrary, arxiv_id)
    );
    CREATE INDEX zotero_items_arxiv_id ON zotero_items(arxiv_id);
    CREATE TABLE zotero_children (
        zlibrary TEXT NOT NULL,
        parent_key TEXT NOT NULL,
        ref TEXT NOT NULL,                  -- a link URL, or 'note:comment'
        item_key TEXT NOT NULL,
        PRIMARY KEY (zlibrary, parent_key, ref)
    );
    """,
    # 3: drop what was written but never read (children are found by reading Zotero)
    """
    DROP TABLE zotero_children;
    ALTER TABLE entries DROP COLUMN hint_doi;
    ALTER TABLE zotero_items DROP COLUMN item_version;
    """,
    # 4: two-way-safe Zotero sync: what paper2bib last wrote, deletions, incremental state
    """
    ALTER TABLE zotero_items ADD COLUMN written TEXT;                    -- JSON of owned fields, NULL if only linked
    ALTER TABLE zotero_items ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE zotero_libraries (
        zlibrary TEXT PRIMARY KEY,
        version INTEGER NOT NULL,                                         -- the library version after the last sync
        collection TEXT,                                                  -- the collection it synced into
        collection_key TEXT,
        citation_key_field INTEGER NOT NULL,
        synced_at TEXT NOT NULL
    );
    CREATE TABLE zotero_links_made (
        zlibrary TEXT NOT NULL,
        arxiv_id TEXT NOT NULL,
        ref TEXT NOT NULL,                                                -- a link URL, or 'note:comment'
        PRIMARY KEY (zlibrary, arxiv_id, ref)
    );
    """,
    # 5: what each paper became (Semantic Scholar + DBLP)
    """
    CREATE TABLE published (
        arxiv_id TEXT PRIMARY KEY REFERENCES records(arxiv_id),
        status TEXT NOT NULL CHECK (status IN ('published', 'preprint', 'unknown')),
        data TEXT,                                                        -- JSON of the published version
        why TEXT NOT NULL,
        checked_at TEXT NOT NULL
    );
    """,
    # 6: what a .bib entry said: its citation key, authors, year, DOI, URL; why it is kept aside
    """
    ALTER TABLE entries ADD COLUMN bib_key TEXT;
    ALTER TABLE entries ADD COLUMN hint_authors TEXT;                       -- JSON list of names
    ALTER TABLE entries ADD COLUMN hint_year TEXT;
    ALTER TABLE entries ADD COLUMN hint_doi TEXT;
    ALTER TABLE entries ADD COLUMN hint_url TEXT;
    ALTER TABLE entries ADD COLUMN aside TEXT;                              -- why it is not sent to arXiv
    """,
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


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def fingerprint(entry: Entry) -> str:
    """What makes two digest entries the same entry: the arXiv id, else the title."""
    if entry.arxiv_id:
        return f"arxiv:{entry.arxiv_id}"
    return f"title:{normalise(entry.title)}"


@dataclass(frozen=True)
class ZoteroLink:
    """A paper's item in a Zotero library, as the local library remembers it."""

    key: str
    written: dict | None  # the owned fields as paper2bib last wrote them; None for an item it only linked
    deleted: bool


@dataclass(frozen=True)
class ZoteroState:
    """Where the last sync of a Zotero library left off."""

    version: int
    collection: str | None
    collection_key: str | None
    citation_key_field: bool


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
        )

    def to_json(self, record: Record | None = None, check: PublishedCheck | None = None) -> dict:
        """The ``list --json`` form; ``check`` is what the publication look-up found."""
        return {
            "entry": self.id,
            "digest_title": self.digest_title,
            "title": record.title if record else None,
            "arxiv_id": self.resolved_id,
            "version": self.resolved_version,
            "status": self.status,
            "score": None if self.score is None else round(self.score, 3),
            "why": self.why,
            "candidates": [c.to_json() for c in self.candidates],
            "citekey": self.citekey,
            "links": [link.to_json() for link in self.links],
            "zotero_key": self.zotero_key,
            "pinned": self.pinned,
            "journal_ref": (record.journal_ref or record.journal_doi) if record and record.is_published else None,
            "published": {**check.version.to_json(), "why": check.why} if check and check.version else None,
            "publication_check": check.why if check else None,
        }


class Library:
    """A paper2bib library file. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: str | Path, create: bool = True):
        """Open the library at ``path``; with ``create`` false a missing one is an error.

        A file that is not a paper2bib library, or one of a newer schema, is refused
        before anything is written to it.
        """
        self.path = Path(path)
        memory = str(path) == ":memory:"
        if not memory and not self.path.exists():
            if not create:
                raise LibraryMissing(f"no library at {path}: add papers first (paper2bib add FILE), or check --library")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise LibraryError(f"{path}: cannot create the library's folder ({e.strerror or e})") from None
        try:
            self.db = sqlite3.connect(str(path), isolation_level=None, timeout=30)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA busy_timeout = 30000")
            self._check_foreign()
            self.db.execute("PRAGMA foreign_keys = ON")
            if not memory:
                self.db.execute("PRAGMA journal_mode = WAL")
            self._migrate()
        except LibraryError:
            self.db.close()
            raise
        except sqlite3.DatabaseError as e:
            raise LibraryError(f"{path}: not a usable paper2bib library ({describe_db_error(e)})") from None
        except OSError as e:
            raise LibraryError(f"{path}: cannot open library ({e.strerror or e})") from None

    def _check_foreign(self) -> None:
        """Refuse, untouched, a database that is not ours or is newer than this version knows."""
        # one statement, one snapshot: another process may be creating this library right now
        version, tables = self.db.execute(
            "SELECT (SELECT user_version FROM pragma_user_version),"
            " (SELECT count(*) FROM sqlite_master WHERE type = 'table')"
        ).fetchone()
        if version > len(MIGRATIONS):
            raise LibraryError(
                f"{self.path}: library schema {version} is newer than this paper2bib knows ({len(MIGRATIONS)}); upgrade paper2bib"
            )
        if version == 0 and tables:
            raise LibraryError(f"{self.path}: an SQLite file that is not a paper2bib library; it was left as it is")
        (check,) = self.db.execute("PRAGMA quick_check(1)").fetchone()
        if check != "ok":
            raise sqlite3.DatabaseError(f"database disk image is malformed ({check})")

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write: everything inside commits together or not at all."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    def _migrate(self) -> None:
        """Bring the schema up to date; safe when several processes open a new library at once."""
        if self.schema_version == len(MIGRATIONS):
            return
        with self.transaction() as db:  # BEGIN IMMEDIATE: one process migrates, the others wait
            (version,) = db.execute("PRAGMA user_version").fetchone()  # read again, under the lock
            for n in range(version, len(MIGRATIONS)):
                for statement in MIGRATIONS[n].split(";"):
                    if statement.strip():
                        db.execute(statement)
            db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")

    @property
    def schema_version(self) -> int:
        return self.db.execute("PRAGMA user_version").fetchone()[0]

    # ------------------------------------------------------------------ entries
    def add_entries(self, entries: Iterable[Entry]) -> list[tuple[int, bool]]:
        """Store entries not yet in the library; return ``(entry id, was new)`` for each."""
        out: list[tuple[int, bool]] = []
        now = _now()
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
        now = _now()
        with self.transaction() as db:
            self._put_records(db, records, now)
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

    def pin(self, entry_id: int, record: Record, version: int | None = None) -> None:
        """Settle an entry by hand: it points at ``record`` (at ``version``, default the
        latest) and no re-resolution moves it."""
        if version is None or version > record.version:
            version = record.version
        with self.transaction() as db:
            self._put_records(db, [record], _now())
            row = db.execute("SELECT arxiv_id FROM entries WHERE id=?", (entry_id,)).fetchone()
            cur = db.execute(
                "UPDATE entries SET status='resolved', score=1.0, why=?, arxiv_id=?, version=?, pinned=1, resolved_at=?"
                " WHERE id=?",
                ("pinned by hand", record.arxiv_id, version, _now(), entry_id),
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

    def find_entries(self, ref: str, keys: dict[str, str] | None = None) -> list[StoredEntry]:
        """The entries ``ref`` names: an entry number, an arXiv id (cited or resolved to), a
        citation key (as exported, or from the user's .bib), or an exact title."""
        if ref.isdigit():
            return self.entries([int(ref)])
        keys = self.citekeys_by_key() if keys is None else keys
        parsed = parse_id(ref)
        ident = parsed.arxiv_id if parsed else keys.get(ref)
        rows = self.db.execute(
            "SELECT id FROM entries WHERE (? IS NOT NULL AND (arxiv_id = ? OR hint_id = ?)) OR bib_key = ?",
            (ident, ident, ident, ref),
        ).fetchall()
        if rows:
            return self.entries([r["id"] for r in rows])
        try:
            return [self.find_entry(ref)]
        except EntryNotFound:
            return []

    def citekeys_by_key(self) -> dict[str, str]:
        """Every stored citation key and the arXiv id it names."""
        return {k: a for a, k in self.citekeys().items()}

    def remove_entries(self, entry_ids: list[int]) -> None:
        """Delete entries (their links with them). Papers' records and keys stay: added again,
        a paper gets its old key back."""
        with self.transaction() as db:
            db.execute("DELETE FROM links WHERE entry_id IN (SELECT value FROM json_each(?))", (json.dumps(entry_ids),))
            db.execute("DELETE FROM entries WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(entry_ids),))

    @staticmethod
    def _put_records(db: sqlite3.Connection, records: Iterable[Record], now: str) -> None:
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
            args.append(json.dumps(ids))
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
            args.append(json.dumps(list(dict.fromkeys(ids))))
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
            "SELECT id, digest_title FROM entries WHERE fingerprint = ? OR (fingerprint LIKE 'arxiv:%' AND digest_title IS NOT NULL)",
            (f"title:{want}",),
        )
        matches = [r["id"] for r in rows if normalise(r["digest_title"]) == want]
        if len(matches) == 1:
            return self.entries(matches)[0]
        if not matches:
            raise EntryNotFound(f"no entry titled {ref!r} in the library (see paper2bib list)")
        raise EntryNotFound(f"{len(matches)} entries are titled {ref!r}; name one by number (see paper2bib list)")

    # ------------------------------------------------------------------ records
    def records(self, arxiv_ids: Iterable[str] | None = None) -> dict[str, Record]:
        """Stored records by arXiv id (all of them, or those of ``arxiv_ids``)."""
        sql = "SELECT * FROM records"
        args: list[str] = []
        if arxiv_ids is not None:
            sql += " WHERE arxiv_id IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(list(arxiv_ids)))
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

    # ------------------------------------------------------------------ citation keys
    def citekeys(self) -> dict[str, str]:
        """Every stored citation key, by arXiv id."""
        return dict(self.db.execute("SELECT arxiv_id, key FROM citekeys"))

    def claim_citekeys(
        self, assign: Callable[[dict[str, str]], dict[str, str]], drop: Iterable[str] = ()
    ) -> dict[str, str]:
        """Assign and store new keys in one transaction; return every key by arXiv id.

        ``assign(existing)`` gets the stored keys and returns the new ones. Holding the
        write lock from reading to storing means two processes can never give one key
        to two papers, nor two keys to one paper. A key once stored never changes,
        except that the keys of ``drop`` (``export --rekey``) are made anew.
        """
        with self.transaction() as db:
            db.execute(
                "DELETE FROM citekeys WHERE arxiv_id IN (SELECT value FROM json_each(?))", (json.dumps(list(drop)),)
            )
            existing: dict[str, str] = dict(db.execute("SELECT arxiv_id, key FROM citekeys"))
            new = assign(existing)
            db.executemany(
                "INSERT INTO citekeys (arxiv_id, key, assigned_at) VALUES (?,?,?)",
                [(a, k, _now()) for a, k in new.items() if a not in existing],
            )
        return {**existing, **new}

    # ------------------------------------------------------------------ published versions
    def published(self, arxiv_ids: Iterable[str] | None = None) -> dict[str, PublishedCheck]:
        """What the last look-up found each paper became (all papers, or those of ``arxiv_ids``)."""
        sql, args = "SELECT * FROM published", []
        if arxiv_ids is not None:
            sql += " WHERE arxiv_id IN (SELECT value FROM json_each(?))"
            args.append(json.dumps(list(arxiv_ids)))
        out = {}
        for r in self.db.execute(sql, args):
            data = json.loads(r["data"]) if r["data"] else None
            version = Published(**{**data, "authors": tuple(data["authors"])}) if data else None
            out[r["arxiv_id"]] = PublishedCheck(r["status"], version, r["why"])
        return out

    def published_due(self, arxiv_ids: Iterable[str], recheck_after: timedelta) -> list[str]:
        """The papers of ``arxiv_ids`` to ask about now, in order: never checked, "unknown" (a
        service was down), or a preprint last checked longer than ``recheck_after`` ago."""
        ids = list(dict.fromkeys(arxiv_ids))
        cutoff = (datetime.now(timezone.utc) - recheck_after).strftime("%Y-%m-%dT%H:%M:%SZ")
        settled = {
            r[0]
            for r in self.db.execute(
                "SELECT arxiv_id FROM published WHERE arxiv_id IN (SELECT value FROM json_each(?))"
                " AND (status = 'published' OR (status = 'preprint' AND checked_at > ?))",
                (json.dumps(ids), cutoff),
            )
        }
        return [a for a in ids if a not in settled]

    def store_published(self, checks: dict[str, PublishedCheck]) -> None:
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
                        _now(),
                    )
                    for a, c in checks.items()
                ],
            )

    # ------------------------------------------------------------------ Zotero state
    def zotero_items(self, zlibrary: str) -> dict[str, str]:
        """arXiv id → the key of its item in ``zlibrary`` (``users/123``, ``groups/9``), deleted ones left out."""
        return {a: link.key for a, link in self.zotero_links(zlibrary).items() if not link.deleted}

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

    def store_zotero_items(self, zlibrary: str, items: dict[str, str], written: dict[str, dict] | None = None) -> None:
        """Record the Zotero item key of each arXiv id in ``zlibrary`` and, for items paper2bib
        wrote, the owned fields as written (``written``: arXiv id → fields)."""
        now = _now()
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
                    _now(),
                ),
            )

    def zotero_links_made(self, zlibrary: str) -> set[tuple[str, str]]:
        """(arXiv id, link URL or 'note:comment') of every child paper2bib has made in ``zlibrary``."""
        rows = self.db.execute("SELECT arxiv_id, ref FROM zotero_links_made WHERE zlibrary=?", (zlibrary,))
        return {(r["arxiv_id"], r["ref"]) for r in rows}

    def store_zotero_links_made(self, zlibrary: str, made: Iterable[tuple[str, str]]) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT OR IGNORE INTO zotero_links_made (zlibrary, arxiv_id, ref) VALUES (?,?,?)",
                [(zlibrary, a, r) for a, r in made],
            )
