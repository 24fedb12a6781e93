"""Zotero sync cost: requests, writes and seconds, first sync, second sync and an update pass.

    python benchmarks/zotero_sync.py [--shared ../shared] [--faults] [--preload 20000]

The 89 are the seed listing (resolved against the arXiv stand-in); the 1,000 are synthetic
papers with a code link each. Both are synced into a fresh Zotero stand-in, twice (the
second sync must make no write), then 10 papers get a new title locally (a new arXiv
version) and a third sync must update exactly those, and a fourth write nothing.
``--preload N`` starts the Zotero library with N unrelated items, as a big real library has
(the second and fourth syncs must still cost at most 3 requests). ``--faults`` runs the
stand-in with 429s, Backoff headers, 500s and committed-but-unanswered writes, and checks
every paper arrives exactly once, with the right title.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import standins

KEY = "P2Bbenchmarkkey000000000"
FAULTS = ["--rate-limit-every", "5", "--fail-500-every", "4", "--backoff-every", "6", "--drop-after-commit", "2,5"]


def cli(args: list[str], env: dict) -> tuple[float, int]:
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "paper2bib", *args], env=env, capture_output=True, text=True)
    if r.returncode not in (0, 3):
        raise SystemExit(f"paper2bib {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return time.perf_counter() - t, r.returncode


def retitle(library: Path, n: int) -> dict[str, str]:
    """A new arXiv version with a new title for ``n`` papers of the local library."""
    with sqlite3.connect(library) as db:
        rows = db.execute("SELECT arxiv_id, title FROM records ORDER BY arxiv_id LIMIT ?", (n,)).fetchall()
        new = {a: f"{t} (revised)" for a, t in rows}
        db.executemany(
            "UPDATE records SET title=?, version=version+1 WHERE arxiv_id=?", [(t, a) for a, t in new.items()]
        )
    return new


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--shared",
        type=Path,
        default=standins.DEFAULT_SHARED,
        help="folder holding tools/fake_*.py and their data (default: ../shared beside the repo)",
    )
    ap.add_argument("--faults", action="store_true", help="inject 429, Backoff, 500 and dropped answers")
    ap.add_argument("--preload", type=int, default=0, help="unrelated items already in the Zotero library")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        synthetic = tmp / "synthetic.json"
        synthetic.write_text(json.dumps(standins.synthetic_records(1000)))
        (tmp / "links.txt").write_text("".join(f"arXiv:{r['id']}\n" for r in json.loads(synthetic.read_text())))
        corpora = [args.shared / "arxiv" / "records.json", args.shared / "arxiv" / "crowd.json", synthetic]
        print(
            f"{'papers':>7} {'sync':>8} {'requests':>8} {'writes':>7} {'seconds':>8}   (Zotero library: {args.preload:,} other items)"
        )
        with standins.arxiv(args.shared, corpora) as arxiv:
            for n, digest in ((89, ROOT / "tests" / "data" / "hf-papers-listing.txt"), (1000, tmp / "links.txt")):
                library = tmp / f"lib-{n}.sqlite"
                env = {
                    **os.environ,
                    "PYTHONPATH": str(ROOT),
                    "PAPER2BIB_LIBRARY": str(library),
                    "PAPER2BIB_ARXIV_URL": arxiv.url,
                    "PAPER2BIB_ARXIV_DELAY": "0",
                    "PAPER2BIB_LOOKUP_PUBLISHED": "0",
                    "PAPER2BIB_CONFIG": str(tmp / "none.toml"),
                    "ZOTERO_API_KEY": KEY,
                    "ZOTERO_LIBRARY_ID": "1",
                }
                cli(["add", str(digest)], env)
                dump = tmp / f"zotero-{n}.json"
                extra = ["--dump", str(dump), "--preload", str(args.preload)] + (FAULTS if args.faults else [])
                with standins.zotero(args.shared, KEY, "users/1", extra) as zot:
                    env["PAPER2BIB_ZOTERO_URL"] = zot.url
                    new_titles: dict[str, str] = {}
                    for label in ("first", "second", "update", "after"):
                        if label == "update":
                            new_titles = retitle(library, 10)
                        before_r, before_w = zot.requests(), zot.writes()
                        seconds, code = cli(["zotero", "sync", "--collection", "Benchmark"], env)
                        if code and args.faults:  # a sync may report what it could not finish; re-run once
                            seconds += cli(["zotero", "sync", "--collection", "Benchmark"], env)[0]
                        print(
                            f"{n:7d} {label:>8} {zot.requests() - before_r:8d} {zot.writes() - before_w:7d} {seconds:8.2f}"
                        )
                items = [i["data"] for i in json.loads(dump.read_text())["users/1"]["items"].values()]
                ids = collections.Counter(i.get("archiveID") for i in items if i["itemType"] == "preprint")
                titles = {i["archiveID"][6:]: i["title"] for i in items if i["itemType"] == "preprint"}
                right = all(titles.get(a) == t for a, t in new_titles.items())
                once = max(ids.values()) == 1 and len(ids) == n
                print(
                    f"        {len(ids)} papers in Zotero, each exactly once: {once}; the 10 new titles there: {right}"
                )


if __name__ == "__main__":
    main()
