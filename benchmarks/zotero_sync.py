"""Zotero sync cost: requests, writes and seconds for 89 and 1,000 papers, first and second sync.

    python benchmarks/zotero_sync.py [--shared ../shared] [--faults]

The 89 are the seed listing (resolved against the arXiv stand-in); the 1,000 are synthetic
papers with a code link each. Both are synced into a fresh Zotero stand-in, twice: the
second sync must make no write. ``--faults`` runs the stand-in with 429s, Backoff headers,
500s and a committed-but-unanswered write, and checks every paper arrives exactly once.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
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
FAULTS = ["--rate-limit-every", "7", "--fail-500-every", "3", "--backoff-every", "5", "--drop-after-commit", "2"]


def cli(args: list[str], env: dict) -> tuple[float, int]:
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "paper2bib", *args], env=env, capture_output=True, text=True)
    if r.returncode not in (0, 3):
        raise SystemExit(f"paper2bib {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    return time.perf_counter() - t, r.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--shared",
        type=Path,
        default=standins.DEFAULT_SHARED,
        help="folder holding tools/fake_*.py and their data (default: ../shared beside the repo)",
    )
    ap.add_argument("--faults", action="store_true", help="inject 429, Backoff, 500 and a dropped answer")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        synthetic = tmp / "synthetic.json"
        synthetic.write_text(json.dumps(standins.synthetic_records(1000)))
        (tmp / "links.txt").write_text("".join(f"arXiv:{r['id']}\n" for r in json.loads(synthetic.read_text())))
        corpora = [args.shared / "arxiv" / "records.json", args.shared / "arxiv" / "crowd.json", synthetic]
        print(f"{'papers':>7} {'sync':>7} {'requests':>8} {'writes':>7} {'seconds':>8}")
        with standins.arxiv(args.shared, corpora) as arxiv:
            for n, digest in ((89, ROOT / "tests" / "data" / "hf-papers-listing.txt"), (1000, tmp / "links.txt")):
                env = {
                    **os.environ,
                    "PYTHONPATH": str(ROOT),
                    "PAPER2BIB_LIBRARY": str(tmp / f"lib-{n}.sqlite"),
                    "PAPER2BIB_ARXIV_URL": arxiv.url,
                    "PAPER2BIB_ARXIV_DELAY": "0",
                    "PAPER2BIB_CONFIG": str(tmp / "none.toml"),
                    "ZOTERO_API_KEY": KEY,
                    "ZOTERO_LIBRARY_ID": "1",
                }
                cli(["add", str(digest)], env)
                dump = tmp / f"zotero-{n}.json"
                extra = ["--dump", str(dump)] + (FAULTS if args.faults else [])
                with standins.zotero(args.shared, KEY, "users/1", extra) as zot:
                    env["PAPER2BIB_ZOTERO_URL"] = zot.url
                    for label in ("first", "second"):
                        before_r, before_w = zot.requests(), zot.writes()
                        seconds, code = cli(["zotero", "sync", "--collection", "Benchmark"], env)
                        if code and args.faults:  # a sync may report what it could not finish; re-run once
                            seconds += cli(["zotero", "sync", "--collection", "Benchmark"], env)[0]
                        print(
                            f"{n:7d} {label:>7} {zot.requests() - before_r:8d} {zot.writes() - before_w:7d} {seconds:8.2f}"
                        )
                items = json.loads(dump.read_text())["users/1"]["items"].values()
                ids = collections.Counter(
                    i["data"].get("archiveID") for i in items if i["data"]["itemType"] == "preprint"
                )
                print(
                    f"        {len(ids)} papers in Zotero, each exactly once: {max(ids.values()) == 1 and len(ids) == n}"
                )


if __name__ == "__main__":
    main()
