"""Stress runs: kill -9 at random moments, and commands run at the same time.

    python benchmarks/stress.py [--shared ../shared] [--trials 10]

Against the local stand-ins of arXiv and Zotero, each run prints, per scenario, how many
of N trials ended with everything there exactly once:

* ``kill -9 during add``: ``add`` of the seed listing killed at a random moment, then run
  again to the end: 89 entries, 89 resolved, none twice.
* ``kill -9 during sync``: ``zotero sync`` killed at a random moment, then run again:
  every paper in Zotero exactly once, one collection.
* ``2 syncs at once (one library)`` / ``(two libraries)``: two ``zotero sync`` started
  together, from one local library, or from two library files that name the papers with other
  citation keys (their writes differ): every paper once, one collection, and the two summaries'
  "created" add up to 89. ``--zotero-faults`` runs the Zotero stand-in with 429s, 500s and
  committed writes whose answer is lost.
* ``4 exports at once``: on a library with no keys yet: every process prints the same keys,
  no key twice.
* ``4 adds on a new library``: four ``add`` creating one library together: all succeed.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import shutil
import signal
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

KEY = "P2Bstresskey000000000000"
SEED = ROOT / "tests" / "data" / "hf-papers-listing.txt"


def _env(tmp: Path, library: Path, arxiv_url: str, zotero_url: str = "") -> dict:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PAPER2BIB_LIBRARY": str(library),
        "PAPER2BIB_ARXIV_URL": arxiv_url,
        "PAPER2BIB_ARXIV_DELAY": "0",
        "PAPER2BIB_LOOKUP_PUBLISHED": "0",
        "PAPER2BIB_CONFIG": str(tmp / "none.toml"),
        "ZOTERO_API_KEY": KEY,
        "ZOTERO_LIBRARY_ID": "1",
        "PAPER2BIB_ZOTERO_URL": zotero_url,
    }


def _start(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "paper2bib", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "paper2bib", *args], env=env, capture_output=True, timeout=600)


def _kill_at_random(args: list[str], env: dict, within: float, rnd: random.Random) -> None:
    proc = _start(args, env)
    time.sleep(rnd.uniform(0.05, within))
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def _library_ok(library: Path) -> bool:
    with sqlite3.connect(library) as db:
        (n,) = db.execute("SELECT count(*) FROM entries").fetchone()
        (resolved,) = db.execute("SELECT count(DISTINCT arxiv_id) FROM entries WHERE status = 'resolved'").fetchone()
    return n == 89 and resolved == 89


def _zotero_ok(dump: Path, papers: int = 89) -> bool:
    lib = json.loads(dump.read_text())["users/1"]
    ids = collections.Counter(
        i["data"].get("archiveID") for i in lib["items"].values() if i["data"]["itemType"] == "preprint"
    )
    collections_made = [c for c in lib.get("collections", {}).values() if not c["data"].get("deleted")]
    return len(ids) == papers and max(ids.values()) == 1 and len(collections_made) == 1


def _created(out: bytes) -> int:
    m = re.search(rb"; (\d+) were created", out)
    return int(m.group(1)) if m else -1


def _zotero_trials(args, tmp: Path, base: Path, arxiv_url: str, t: int, rnd, faults: list[str], results) -> None:
    for scenario in ("kill -9 during sync", "2 syncs at once (one library)", "2 syncs at once (two libraries)"):
        dump = tmp / f"zotero-{t}-{len(results[scenario])}.json"
        with standins.zotero(args.shared, KEY, "users/1", ["--dump", str(dump), *faults]) as zot:
            first = tmp / f"sync-{t}-a.sqlite"
            shutil.copy(base, first)
            env = _env(tmp, first, arxiv_url, zot.url)
            sync = ["zotero", "sync", "--collection", "Stress"]
            if scenario.startswith("kill"):
                _kill_at_random(sync, env, 2.0, rnd)
                _run(sync, env)
                results[scenario].append(_zotero_ok(dump))
                continue
            second_env = env
            if "two" in scenario:  # another computer's library: the same papers, other citation keys
                second = tmp / f"sync-{t}-b.sqlite"
                shutil.copy(base, second)
                with sqlite3.connect(second) as db:
                    db.execute("DELETE FROM citekeys")
                second_env = {**_env(tmp, second, arxiv_url, zot.url), "PAPER2BIB_KEY_FORMAT": "{auth}_{year}"}
            procs = [_start(sync, env), _start(sync, second_env)]
            outs = [p.communicate()[1] for p in procs]
            created = sum(_created(o) for o in outs)
            finish = _run(sync, env)  # finish what a 412 left for the next run, if anything
            created += max(_created(finish.stderr), 0)
            results[scenario].append(_zotero_ok(dump) and created == 89)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=standins.DEFAULT_SHARED)
    ap.add_argument("--trials", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only-zotero", action="store_true", help="only the Zotero scenarios")
    ap.add_argument("--zotero-faults", action="store_true", help="429s, 500s and lost answers from the Zotero stand-in")
    args = ap.parse_args()
    faults = (
        ["--rate-limit-every", "7", "--fail-500-every", "11", "--drop-after-commit", "5"] if args.zotero_faults else []
    )
    rnd = random.Random(args.seed)
    results: dict[str, list[bool]] = collections.defaultdict(list)
    corpora = [args.shared / "arxiv" / "records.json", args.shared / "arxiv" / "crowd.json"]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with standins.arxiv(args.shared, corpora, ["--min-gap", "0"]) as arxiv:
            base = tmp / "resolved.sqlite"
            if _run(["add", str(SEED)], _env(tmp, base, arxiv.url)).returncode != 0:
                raise SystemExit("could not resolve the seed listing against the arXiv stand-in")
            for t in range(args.trials):
                if args.only_zotero:
                    _zotero_trials(args, tmp, base, arxiv.url, t, rnd, faults, results)
                    continue
                lib = tmp / f"add-{t}.sqlite"
                env = _env(tmp, lib, arxiv.url)
                _kill_at_random(["add", str(SEED)], env, 1.5, rnd)
                _run(["add", str(SEED)], env)
                results["kill -9 during add"].append(_library_ok(lib))

                procs = [_start(["add", str(SEED)], _env(tmp, tmp / f"new-{t}.sqlite", arxiv.url)) for _ in range(4)]
                results["4 adds on a new library"].append(all(p.wait() == 0 for p in procs))

                nokeys = tmp / f"keys-{t}.sqlite"
                shutil.copy(base, nokeys)
                with sqlite3.connect(nokeys) as db:
                    db.execute("DELETE FROM citekeys")
                procs = [_start(["export"], _env(tmp, nokeys, arxiv.url)) for _ in range(4)]
                outs = [p.communicate()[0] for p in procs]
                keys = [sorted(line for line in o.decode().splitlines() if line.startswith("@misc{")) for o in outs]
                results["4 exports at once"].append(
                    all(p.returncode == 0 for p in procs)
                    and all(k == keys[0] for k in keys)
                    and len(set(keys[0])) == 89
                )

                _zotero_trials(args, tmp, base, arxiv.url, t, rnd, faults, results)
    print(f"{'scenario':34} {'trials':>6} {'all there exactly once':>22}")
    for name, oks in results.items():
        print(f"{name:34} {len(oks):6d} {sum(oks):>22d}")


if __name__ == "__main__":
    main()
