"""Reliability: concurrent runs, hung servers, cut-short output, refused overwrites, clear errors.

Several of these start real processes (``python -m paper2bib``) on the seed library, as
a user running two commands at once would; none needs the network.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import bibtexparser
import httpx2
import pytest
from click.testing import CliRunner
from filelock import FileLock

from conftest import DATA, ROOT, run_sync
from paper2bib.cli import main
from paper2bib.config import load_settings
from paper2bib.errors import ArxivQueryError, ZoteroError
from paper2bib.models import Entry, Record
from paper2bib.resolver.queries import title_terms, word_terms
from paper2bib.resolver.resolve import Resolver
from paper2bib.services import Services
from paper2bib.store import MIGRATIONS, Library
from paper2bib.zotero.client import ZoteroClient, content_write_token


def _cli(*args: str, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(
        [sys.executable, "-m", "paper2bib", *args],
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        timeout=120,
        **kw,
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- concurrency
def test_concurrent_exports_never_share_or_lose_a_key(seed_library):
    with sqlite3.connect(seed_library) as db:
        db.execute("DELETE FROM citekeys")  # every export must assign keys, all at once
    with ThreadPoolExecutor(6) as pool:
        runs = list(pool.map(lambda _: _cli("export"), range(6)))
    assert all(r.returncode == 0 for r in runs), [r.stderr for r in runs]
    exports = [{e["eprint"]: e["ID"] for e in bibtexparser.loads(r.stdout.decode()).entries} for r in runs]
    assert all(e == exports[0] for e in exports)  # every process saw the same keys
    assert len(exports[0]) == 89 == len(set(exports[0].values()))
    with sqlite3.connect(seed_library) as db:
        assert dict(db.execute("SELECT arxiv_id, key FROM citekeys")) == exports[0]


def test_concurrent_processes_create_one_library(tmp_path):
    path = tmp_path / "new" / "library.sqlite"
    code = f"from paper2bib.store import Library; Library({str(path)!r}).close()"
    procs = [subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, cwd=ROOT) for _ in range(12)]
    errors = [p.communicate(timeout=60)[1].decode() for p in procs]
    assert all(p.returncode == 0 for p in procs), errors
    with Library(path) as lib:
        assert lib.schema_version == len(MIGRATIONS)


def test_a_second_sync_waits_for_the_first(tmp_path, monkeypatch):
    settings = load_settings({"zotero_api_key": "k", "zotero_library_id": "1001", "zotero_library_type": "user"})
    said: list[str] = []
    zc = ZoteroClient("1001", "user", "k", url="http://127.0.0.1:9")  # never reached: the lock is held
    with FileLock(f"{settings.library}.zotero-users-1001.lock"), Library(settings.library) as lib:
        with pytest.raises(ZoteroError, match="held the lock"):
            run_sync(Services(settings, library=lib, sync_lock_wait=0.5, zotero_client=zc), echo=said.append)
    assert said == ["waiting for another sync of Zotero users/1001 from this library to finish …"]
    assert zc.requests == 0


def test_write_tokens_derive_from_what_is_written():
    def token(body: bytes, version: str = "7") -> str:
        req = httpx2.Request(
            "POST",
            "https://api.zotero.org/users/1/items",
            content=body,
            headers={"Zotero-Write-Token": os.urandom(16).hex(), "If-Unmodified-Since-Version": version},
        )
        content_write_token(req)
        return req.headers["Zotero-Write-Token"]

    assert token(b"[1]") == token(b"[1]")  # the same write, from any process, counts once
    assert len({token(b"[1]"), token(b"[2]"), token(b"[1]", "8")}) == 3
    assert len(token(b"[1]")) == 32


# ---------------------------------------------------------------- hung and hostile servers
class _Trickle(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            for _ in range(100):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.3)
        except OSError:
            pass


def test_a_trickling_zotero_is_abandoned_within_the_deadline():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        zc = ZoteroClient(
            "1", "user", "k", url=f"http://127.0.0.1:{server.server_address[1]}", attempts=2, wait=0.01, deadline=1.0
        )
        start = time.monotonic()
        with pytest.raises(ZoteroError, match="timed out"):
            zc.all_items()
        assert time.monotonic() - start < 4
    finally:
        server.shutdown()
        server.server_close()


class _RejectingClient:
    """An arXiv client whose searches are refused (HTTP 414) when they name ``bad``."""

    page_size = 200

    def __init__(self) -> None:
        self.queries: list[str] = []

    def search(self, query: str, max_results: int | None = None) -> list[Record]:
        self.queries.append(query)
        if "bad" in query:
            raise ArxivQueryError("arXiv rejected the query (HTTP 414)")
        return [Record("1605.08386", 1, "Heat-bath random walks with Markov bases", ("A B",), "x", "2016-05-26")]


def test_an_entry_arxiv_cannot_search_for_is_marked_not_fatal():
    entries = [
        Entry(title="Heat-bath random walks with Markov bases"),
        Entry(title="A bad title"),
        Entry(title="Another one"),
    ]
    client = _RejectingClient()
    out = Resolver(client).resolve(entries)  # type: ignore[arg-type]
    assert [r.status for r in out] == ["resolved", "unresolved", "unresolved"]
    assert "arXiv cannot search for this entry" in out[1].why and "HTTP 414" in out[1].why
    # the batch, then each entry alone, then the word search for the one still open
    assert len(client.queries) == 5 and "bad" not in client.queries[-1]


def test_a_huge_paragraph_makes_a_bounded_query():
    huge = "word " * 14_000
    assert len(title_terms(huge) or "") < 300
    assert len(word_terms(huge + ": " + huge) or "") < 300


# ---------------------------------------------------------------- output
def test_output_cut_short_by_a_file_size_limit_is_an_error(seed_library, tmp_path):
    out = tmp_path / "refs.bib"
    assert _cli("export").returncode == 0  # keys assigned: the limited run writes only its output

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (60_000, 60_000))

    with out.open("wb") as f:
        result = _cli("export", "--abstract", stdout=f, stderr=subprocess.PIPE, preexec_fn=limit)
    assert result.returncode == 1
    assert b"the output was cut short" in result.stderr and b"89 papers" not in result.stderr


def test_closed_stdout_is_an_error(seed_library):
    result = subprocess.run(
        f"{sys.executable} -m paper2bib export >&-",
        shell=True,
        capture_output=True,
        cwd=ROOT,
        env=os.environ,
        timeout=60,
    )
    assert result.returncode == 1 and b"stdout" in result.stderr and b"Traceback" not in result.stderr


def test_a_planted_link_never_redirects_the_write(seed_library, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    for name in ("refs.bib.part", ".refs.bib.part"):
        (tmp_path / name).symlink_to(victim)
    result = CliRunner().invoke(main, ["export", "-o", str(tmp_path / "refs.bib")])
    assert result.exit_code == 0, result.stderr
    assert victim.read_text() == "keep me"
    assert (tmp_path / "refs.bib").read_text().count("@misc{") == 89


def test_export_refuses_to_overwrite_the_library_or_an_input(seed_library, tmp_path):
    before = _digest(seed_library)
    over_lib = CliRunner().invoke(main, ["export", "-o", str(seed_library)])
    assert over_lib.exit_code == 2 and "over the library" in over_lib.stderr
    assert _digest(seed_library) == before
    listing = tmp_path / "in.txt"
    listing.write_text("2409.19256\n")
    over_input = CliRunner().invoke(main, ["export", str(listing), "-o", str(listing)])
    assert over_input.exit_code == 2 and "over the input" in over_input.stderr
    assert listing.read_text() == "2409.19256\n"


def test_output_into_a_missing_folder_is_one_clear_line(seed_library, tmp_path):
    result = CliRunner().invoke(main, ["export", "-o", str(tmp_path / "nowhere" / "refs.bib")])
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and "does not exist" in result.stderr


# ---------------------------------------------------------------- damaged and refused libraries
def test_a_corrupted_library_is_refused_untouched(seed_library):
    data = bytearray(seed_library.read_bytes())
    data[4096 * 3 : 4096 * 3 + 64] = b"\xff" * 64  # a damaged page
    seed_library.write_bytes(bytes(data))
    before = _digest(seed_library)
    result = CliRunner().invoke(main, ["list"])
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "damaged" in result.stderr or "malformed" in result.stderr
    assert _digest(seed_library) == before


def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path, monkeypatch):
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE notes (x)")
    before = _digest(other)
    result = CliRunner().invoke(main, ["list", "--library", str(other)])
    assert result.exit_code == 1 and "not a paper2bib library" in result.stderr
    assert _digest(other) == before and not Path(str(other) + "-wal").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files")
def test_a_read_only_library_is_a_clear_error(seed_library):  # pragma: no cover - CI runs as root
    seed_library.chmod(0o444)
    result = CliRunner().invoke(main, ["export"])
    assert result.exit_code == 1 and "writable" in result.stderr


def test_absurd_versions_from_arxiv_are_ignored_not_fatal():
    from paper2bib.resolver.feed import parse_feed

    feed = (
        (DATA / "arxiv-feed-1605.08386.xml")
        .read_bytes()
        .replace(b"1605.08386v1</id>", b"1605.08386v" + b"9" * 30 + b"</id>")
    )
    assert parse_feed(feed).records == ()


def test_cli_has_no_internal_errors_for_a_damaged_config(tmp_path, monkeypatch):
    cfg = tmp_path / "c.toml"
    cfg.write_bytes(b"\x00\xff\xfe binary")
    monkeypatch.setenv("PAPER2BIB_CONFIG", str(cfg))
    result = CliRunner().invoke(main, ["list"])
    assert result.exit_code == 2 and "internal error" not in result.stderr


def test_delay_of_infinity_is_refused(monkeypatch):
    monkeypatch.setenv("PAPER2BIB_ARXIV_DELAY", "inf")
    result = CliRunner().invoke(main, ["list"])
    assert result.exit_code == 2 and "PAPER2BIB_ARXIV_DELAY" in result.stderr and "finite" in result.stderr


# ---------------------------------------------------------------- concurrent Zotero syncs
def _sync_into(
    zotero, library: Path, collection: str = "Seed", key_format: str = "{auth}{year}{title}"
) -> tuple[int, list[str]]:
    settings = load_settings(
        {
            "library": str(library),
            "zotero_api_key": "k",
            "zotero_library_id": "1",
            "zotero_library_type": "user",
            "key_format": key_format,
        }
    )
    said: list[str] = []
    with Library(library) as lib:
        svc = Services(settings, library=lib, zotero_transport=zotero, zotero_wait=0.01)
        code = run_sync(svc, collection=collection, echo=said.append)
    return code, said


@pytest.mark.parametrize("same_library", [True, False], ids=["one-local-library", "two-local-libraries"])
def test_two_syncs_at_once_make_each_paper_and_the_collection_once(seed_library, tmp_path, same_library):
    from minizotero import MiniZotero

    zotero = MiniZotero(write_delay=0.05)
    second = seed_library if same_library else tmp_path / "other.sqlite"
    if not same_library:
        shutil.copy(seed_library, second)
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda lib: _sync_into(zotero, lib), [seed_library, second]))
    assert [code for code, _ in results] == [0, 0], results
    archive_ids = [d["archiveID"] for d in zotero.preprints()]
    assert len(archive_ids) == 89 == len(set(archive_ids))
    assert len(zotero.collections) == 1
    assert all(d["collections"] == list(zotero.collections) for d in zotero.preprints())


@pytest.mark.parametrize("trial", range(8))
def test_two_library_files_syncing_at_once_never_duplicate_and_count_only_their_own(seed_library, tmp_path, trial):
    """A laptop's and a desktop's library (the same papers, other citation keys: writes that
    differ) synced at once into one Zotero that pages its answers and refuses some writes with
    412: every paper once, and the two summaries' "created" add up to 89."""
    from minizotero import MiniZotero

    zotero = MiniZotero(write_delay=0.01 * (trial % 3), page_size=7 + trial, refuse_every=3 + trial % 4)
    desktop = tmp_path / "desktop.sqlite"
    shutil.copy(seed_library, desktop)
    jobs = [(seed_library, "{auth}{year}{title}"), (desktop, "{auth}_{year}")]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda job: _sync_into(zotero, job[0], key_format=job[1]), jobs))
    assert [code for code, _ in results] == [0, 0], results
    archive_ids = [d["archiveID"] for d in zotero.preprints()]
    assert len(archive_ids) == 89 == len(set(archive_ids))
    created = [int(re.search(r"; (\d+) were created", said[-1]).group(1)) for _, said in results]
    assert sum(created) == 89, [said[-1] for _, said in results]
    assert len(zotero.collections) == 1


def test_items_made_during_a_paged_read_are_never_created_again(seed_library):
    """Another client creates the papers while this sync reads the library page by page,
    newest first: they land on a page already read. The read counts as of its first page, so
    the creation is refused (412), the library read again, and the papers linked."""
    from minizotero import MiniZotero

    with Library(seed_library) as lib:
        ids = sorted(lib.records())

    def another_client_creates_everything(zotero: MiniZotero) -> None:
        zotero.add([{"itemType": "preprint", "archiveID": f"arXiv:{a}", "title": a} for a in ids])

    zotero = MiniZotero(page_size=10, between_pages=another_client_creates_everything)
    zotero.add([{"itemType": "journalArticle", "title": f"Unrelated {i}"} for i in range(30)])
    code, said = _sync_into(zotero, seed_library)
    assert code == 0, said
    archive_ids = [d["archiveID"] for d in zotero.preprints()]
    assert len(archive_ids) == 89 == len(set(archive_ids))
    assert "; 0 were created, 89 linked" in said[-1]


def test_items_another_sync_made_meanwhile_are_linked_not_sent_again(seed_library):
    from minizotero import MiniZotero

    with Library(seed_library) as lib:
        ids = sorted(lib.records())

    def another_sync_creates_everything(zotero: MiniZotero) -> None:
        zotero.add(
            [
                {"itemType": "preprint", "archiveID": f"arXiv:{a}", "title": a, "collections": list(zotero.collections)}
                for a in ids
            ]
        )

    zotero = MiniZotero(before_first_item_write=another_sync_creates_everything)
    code, said = _sync_into(zotero, seed_library)
    assert code == 0, said
    archive_ids = [d["archiveID"] for d in zotero.preprints()]
    assert len(archive_ids) == 89 == len(set(archive_ids))
    assert "0 were created, 89 linked" in said[-1] or "89 were created" in said[-1]


@pytest.mark.parametrize(
    "status, body, message",
    [
        (
            200,
            "<html>garbage</html>",
            r"reading items failed \(Zotero answered with something that is not JSON \(text/html\)\)",
        ),
        (500, "An error occurred", r"reading items failed \(HTTP 500; \d+ tries in \d+ s\); try again later"),
        (404, "Not found", r"reading items failed \(HTTP 404"),
    ],
)
def test_a_bad_zotero_answer_is_one_clear_error(status, body, message):
    calls = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        calls.append(request)
        return httpx2.Response(status, text=body, headers={"Content-Type": "text/html"})

    zc = ZoteroClient("1", "user", "k", transport=httpx2.MockTransport(answer), attempts=3, wait=0.001)
    with pytest.raises(ZoteroError, match=message):
        zc.all_items()
    assert len(calls) == (3 if status == 500 else 1)  # only a server error is worth trying again
    assert zc.requests == len(calls)


@pytest.mark.parametrize("args", [["add", "v.txt"], ["pin", "1", "2409.19256v99999999999999999999999"]])
def test_absurd_version_numbers_are_a_clear_error(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "v.txt").write_text("2409.19256v99999999999999999999999\n")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "internal error" not in result.stderr and result.stderr.count("\n") == 1


def test_a_child_link_the_user_deleted_is_not_added_again(seed_library):
    from minizotero import MiniZotero

    zotero = MiniZotero()
    assert _sync_into(zotero, seed_library)[0] == 0
    verl = next(k for k, d in zotero.items.items() if d.get("url") == "https://github.com/volcengine/verl")
    zotero.delete(verl)
    posts = zotero.posts
    for _ in range(2):  # incremental and, with another collection, a full read: neither brings it back
        code, said = _sync_into(zotero, seed_library, collection="Other" if _ else "Seed")
        assert code == 0, said
    assert not any(d.get("url") == "https://github.com/volcengine/verl" for d in zotero.items.values())
    assert zotero.posts == posts + 3  # only the new collection and its 89 members (2 batches) were written


def test_a_preprint_now_published_changes_type_in_zotero_keeping_the_users_fields(seed_library):
    from minizotero import MiniZotero
    from paper2bib.models import Published, PublishedCheck

    zotero = MiniZotero()
    assert _sync_into(zotero, seed_library)[0] == 0
    item = next(d for d in zotero.preprints() if d["archiveID"] == "arXiv:2307.06175")
    item["tags"] = [*item["tags"], {"tag": "to read"}]  # the user's own tag
    iclr = Published(
        "inproceedings",
        "Learning Decentralized Partially Observable Mean Field Control for Artificial Collective Behavior",
        ("Kai Cui", "Sascha Hauck", "Christian Fabian", "Heinz Koeppl"),
        "ICLR 2024",
        2024,
        "conf/iclr/0001HFK24",
        publisher="OpenReview.net",
    )
    with Library(seed_library) as lib:
        lib.store_published({"2307.06175": PublishedCheck("published", iclr, "ICLR 2024")})
    code, said = _sync_into(zotero, seed_library)
    assert code == 0 and "1 was brought up to date (1 retyped: published since the last sync)," in said[0], said
    now = zotero.items[item["key"]]  # the same item, now of the published type
    assert now["itemType"] == "conferencePaper" and now["proceedingsTitle"] == "ICLR 2024"
    assert "archiveID" not in now and "repository" not in now  # not fields of a conference paper
    assert now["extra"].startswith("arXiv:2307.06175") and {"tag": "to read"} in now["tags"]
    assert zotero.puts == 1
    puts = zotero.puts
    assert _sync_into(zotero, seed_library)[0] == 0 and zotero.puts == puts  # and it stays so


def _numbers(summary: str) -> dict[str, int]:
    """The counts of a sync's summary line, by what they count."""
    found = re.findall(
        r"(\d+) (?:would be|were) created|(\d+) linked|(\d+) added to the collection|(\d+) child|(\d+) (?:would be|were) brought",
        summary,
    )
    keys = ("created", "linked", "collection", "children", "refreshed")
    return {k: int(next(g for g in groups if g)) for k, groups in zip(keys, found)}


def test_the_dry_run_says_what_the_real_run_then_does(seed_library, tmp_path):
    """The dry run prints the plan the real run applies: the same counts, first sync and later
    ones, into a collection that does not exist yet."""
    from minizotero import MiniZotero

    zotero = MiniZotero()
    settings = load_settings(
        {"library": str(seed_library), "zotero_api_key": "k", "zotero_library_id": "1", "zotero_library_type": "user"}
    )

    def sync(collection: str, dry_run: bool) -> tuple[list[str], list[str]]:
        said, out = [], []
        with Library(seed_library) as lib:
            svc = Services(settings, library=lib, zotero_transport=zotero, zotero_wait=0.01)
            assert run_sync(svc, echo=said.append, out=out.append, collection=collection, dry_run=dry_run) == 0
        return said, out

    for collection in ("Seed", "Reading group"):  # the second: 89 items exist, to be added to a new collection
        writes = zotero.posts
        said, plan = sync(collection, dry_run=True)
        assert zotero.posts == writes  # the dry run writes nothing
        assert f"would create collection {collection!r}" in plan
        done, _ = sync(collection, dry_run=False)
        assert _numbers(said[0]) == _numbers(done[0]), (said[0], done[0])
        assert sum(line.startswith("would add ") for line in plan) == _numbers(done[0])["collection"]
    assert _numbers(done[0])["collection"] == 89


def test_after_a_sync_a_dry_run_plans_nothing_and_the_summary_counts_this_run(seed_library):
    from conftest import run_sync
    from minizotero import MiniZotero

    zotero = MiniZotero()
    zotero.add([{"itemType": "preprint", "archiveID": "arXiv:2409.19256", "title": "HybridFlow (the user's)"}])
    code, said = _sync_into(zotero, seed_library)
    assert code == 0 and "; 88 were created, 1 linked to existing items" in said[-1]  # the user's own item
    settings = load_settings(
        {"library": str(seed_library), "zotero_api_key": "k", "zotero_library_id": "1", "zotero_library_type": "user"}
    )
    said, outs = [], []
    with Library(seed_library) as lib:
        svc = Services(settings, library=lib, zotero_transport=zotero, zotero_wait=0.01)
        code = run_sync(svc, collection="Seed", echo=said.append, out=outs.append, dry_run=True)
    assert code == 0 and outs == ["would create 0 child links and notes"], outs
    assert "0 would be created, 0 linked to existing items" in said[-1] and "89 unchanged" in said[-1], said
