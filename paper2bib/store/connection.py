"""The open SQLite file under every part of the store: opening, refusing, transactions, time."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from ..errors import LibraryError, LibraryMissing
from ..text import normalise
from .schema import check_foreign, describe_db_error, migrate, schema_version

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(timezone.utc)


def stamp(moment: datetime) -> str:
    """``moment`` as the library stores times: ``2026-12-04T19:52:28Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def id_list(values: Iterable[object]) -> str:
    """``values`` as the JSON array a ``json_each(?)`` filter reads."""
    return json.dumps(list(dict.fromkeys(values)))


class Connection:
    """One open library file. Use as a context manager, or call :meth:`close`.

    :param clock: the time stored with every write (tests pass a fixed one).
    """

    def __init__(self, path: str | Path, create: bool = True, clock: Clock = utc_now, make_folders: bool = True):
        """Open the library at ``path``; with ``create`` false a missing one is an error, and
        with ``make_folders`` false so is a missing folder to create it in.

        A file that is not a paper2bib library, or one of a newer schema, is refused
        before anything is written to it.
        """
        self.path = Path(path)
        self.clock = clock
        memory = str(path) == ":memory:"
        if not memory and not self.path.exists():
            if not create:
                raise LibraryMissing(f"no library at {path}: add papers first (paper2bib add FILE), or check --library")
            if not make_folders and not self.path.parent.is_dir():
                raise LibraryMissing(
                    f"{path}: the folder {self.path.parent} does not exist: create it first, or check"
                    " --library / PAPER2BIB_LIBRARY (only the default library's folder is made for you)"
                )
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise LibraryError(f"{path}: cannot create the library's folder ({e.strerror or e})") from None
        try:
            self.db = sqlite3.connect(str(path), isolation_level=None, timeout=30)
            self.db.row_factory = sqlite3.Row
            # titles are compared as the resolver compares them, inside SQL
            self.db.create_function(
                "normalise", 1, lambda s: normalise(s) if s is not None else None, deterministic=True
            )
            self.db.execute("PRAGMA busy_timeout = 30000")
            check_foreign(self.db, self.path)
            self.db.execute("PRAGMA foreign_keys = ON")
            if not memory:
                self.db.execute("PRAGMA journal_mode = WAL")
            migrate(self.db)
        except LibraryError:
            self.db.close()
            raise
        except sqlite3.DatabaseError as e:
            raise LibraryError(f"{path}: not a usable paper2bib library ({describe_db_error(e)})") from None
        except OSError as e:
            raise LibraryError(f"{path}: cannot open library ({e.strerror or e})") from None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file; everything written is already committed."""
        self.db.close()

    def now(self) -> str:
        """The current time as stored."""
        return stamp(self.clock())

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

    @property
    def schema_version(self) -> int:
        """The schema version of the file (the number of migrations applied)."""
        return schema_version(self.db)
