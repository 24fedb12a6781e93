"""The SQLite library: migrations, idempotent adds, atomic writes, stable keys."""

from __future__ import annotations

import sqlite3

import pytest

from conftest import record_from_json
from paper2bib.errors import LibraryError
from paper2bib.models import Entry, Link, Resolution
from paper2bib.store import MIGRATIONS, Library


def test_new_library_is_at_the_latest_schema(tmp_path):
    with Library(tmp_path / "lib.sqlite") as lib:
        assert lib.schema_version == len(MIGRATIONS)


def test_migrates_an_old_library_without_losing_entries(tmp_path):
    path = tmp_path / "lib.sqlite"
    db = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO entries (fingerprint, digest_title, source, position, added_at) VALUES ('title:x', 'X', 'f', 0, 'now')"
    )
    db.commit()
    db.close()
    with Library(path) as lib:
        assert lib.schema_version == len(MIGRATIONS)
        assert [e.digest_title for e in lib.entries()] == ["X"]
        assert lib.zotero_items("users/1") == {}


def test_refuses_a_newer_schema(tmp_path):
    path = tmp_path / "lib.sqlite"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    db.close()
    with pytest.raises(LibraryError, match="newer"):
        Library(path)


def test_refuses_a_file_that_is_not_a_library(tmp_path):
    path = tmp_path / "lib.sqlite"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(LibraryError, match="not a usable"):
        Library(path)


def test_adding_the_same_entries_twice_adds_nothing(tmp_path):
    entries = [
        Entry(title="A Paper", abstract="Abstract.", links=(Link("https://github.com/a/b", "code"),)),
        Entry(title=None, arxiv_id="2409.19256"),
        Entry(title="a   PAPER"),  # same normalised title as the first
    ]
    with Library(tmp_path / "lib.sqlite") as lib:
        first = lib.add_entries(entries)
        assert [new for _, new in first] == [True, True, False]
        second = lib.add_entries(entries)
        assert [new for _, new in second] == [False, False, False]
        assert len(lib.entries()) == 2
        assert lib.entries()[0].links == (Link("https://github.com/a/b", "code"),)


def test_a_failed_write_leaves_nothing_half_written(tmp_path, seed_records):
    rec = record_from_json(seed_records[0])
    with Library(tmp_path / "lib.sqlite") as lib:
        ((eid, _),) = lib.add_entries([Entry(title="T")])
        bad = Resolution("resolved", 1.0, "does-not-exist", 1, "x")  # violates the foreign key
        with pytest.raises(sqlite3.IntegrityError):
            lib.save_resolutions([(eid, Resolution("resolved", 1.0, rec.arxiv_id, 1, "ok")), (eid, bad)], [rec])
        (entry,) = lib.entries()
        assert entry.status == "pending" and entry.resolved_id is None
        assert lib.records() == {}


def test_pinned_entries_are_not_moved_by_resolution(tmp_path, seed_records):
    a, b = record_from_json(seed_records[0]), record_from_json(seed_records[1])
    with Library(tmp_path / "lib.sqlite") as lib:
        ((eid, _),) = lib.add_entries([Entry(title="T")])
        lib.pin(eid, a)
        lib.save_resolutions([(eid, Resolution("resolved", 0.9, b.arxiv_id, 1, "auto"))], [b])
        (entry,) = lib.entries()
        assert entry.resolved_id == a.arxiv_id and entry.pinned and entry.why == "pinned by hand"


def test_citation_keys_never_change_once_stored(tmp_path):
    with Library(tmp_path / "lib.sqlite") as lib:
        lib.add_entries([Entry(title="T")])
        lib.db.execute(
            "INSERT INTO records (arxiv_id, version, title, authors, summary, published, categories, fetched_at)"
            " VALUES ('2409.19256', 1, 't', '[]', '', '2024-09-28', '[]', 'now')"
        )
        assert lib.claim_citekeys(lambda existing: {"2409.19256": "sheng2024hybridflow"}) == {
            "2409.19256": "sheng2024hybridflow"
        }
        assert lib.claim_citekeys(lambda existing: {}) == {"2409.19256": "sheng2024hybridflow"}
        assert lib.citekeys() == {"2409.19256": "sheng2024hybridflow"}


def test_find_entry_by_number_or_title(tmp_path):
    with Library(tmp_path / "lib.sqlite") as lib:
        lib.add_entries([Entry(title="Gemma Technical Report"), Entry(title="Attention Is All You Need")])
        assert lib.find_entry("2").digest_title == "Attention Is All You Need"
        assert lib.find_entry("gemma technical report").id == 1
        with pytest.raises(LibraryError, match="no entry"):
            lib.find_entry("99")
        with pytest.raises(LibraryError, match="no entry titled"):
            lib.find_entry("Nothing like it")
