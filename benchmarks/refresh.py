"""``paper2bib refresh`` on a large library: requests and time.

    python benchmarks/refresh.py [--shared ../shared] [--papers 10000]

A listing of N arXiv links is added against the arXiv stand-in serving synthetic records;
then the stand-in is restarted serving the same papers with 1% given a new version and
title and 0.5% a journal reference and DOI, and ``paper2bib refresh`` fetches every record
again. Targets: N = 10,000 costs at most 100 arXiv requests (``id_list``, 100 ids a
request), every revision is reported, and a second ``refresh --older-than 1`` asks nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import standins

ROOT = HERE.parent


def revised(records: list[dict]) -> tuple[list[dict], int]:
    """The records as arXiv would serve them later, and how many of them changed."""
    out, changed = [], 0
    for i, r in enumerate(records):
        r = dict(r)
        if i % 100 == 7:
            r["version"] = int(r.get("version") or 1) + 1
            r["title"] = r["title"] + ": Revised and Extended"
            changed += 1
        elif i % 200 == 11:
            r["journal_ref"] = f"J. Synth. Res. {i % 50}, {i} (2026)"
            r["doi"] = f"10.9999/jsr.{i}"
            changed += 1
        out.append(r)
    return out, changed


def run(args: list[str], env: dict) -> tuple[float, str]:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "paper2bib", *args], env=env, capture_output=True, text=True)
    if out.returncode not in (0, 3):
        raise SystemExit(f"paper2bib {' '.join(args)} failed ({out.returncode}): {out.stderr}")
    return time.perf_counter() - t, out.stderr


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=standins.DEFAULT_SHARED, help="folder holding tools/fake_*.py")
    ap.add_argument("--papers", type=int, default=10000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        records = standins.synthetic_records(args.papers)
        (tmp / "then.json").write_text(json.dumps(records))
        later, changed = revised(records)
        (tmp / "now.json").write_text(json.dumps(later))
        listing = tmp / "links.txt"
        listing.write_text("".join(f"https://arxiv.org/abs/{r['id']}\n" for r in records))
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PAPER2BIB_LIBRARY": str(tmp / "lib.sqlite"),
            "PAPER2BIB_ARXIV_DELAY": "0",
            "PAPER2BIB_LOOKUP_PUBLISHED": "0",
            "PAPER2BIB_CONFIG": str(tmp / "none.toml"),
        }
        with standins.arxiv(args.shared, [tmp / "then.json"]) as srv:
            add_s, _ = run(["add", str(listing)], {**env, "PAPER2BIB_ARXIV_URL": srv.url})
        with standins.arxiv(args.shared, [tmp / "now.json"]) as srv:
            env["PAPER2BIB_ARXIV_URL"] = srv.url
            refresh_s, said = run(["refresh"], env)
            requests = srv.requests()
            again_s, said_again = run(["refresh", "--older-than", "1"], env)
            again = srv.requests() - requests
    lines = said.splitlines()
    reported = sum(1 for line in lines if line.startswith("26") and ": " in line)
    print(f"papers: {args.papers}; add {add_s:.1f} s")
    print(f"refresh: {refresh_s:.1f} s, {requests} arXiv requests (target <= {-(-args.papers // 100)})")
    print(f"revisions: {changed} made, {reported} reported; summary: {lines[-1] if lines else '-'}")
    print(f"refresh --older-than 1 right after: {again_s:.1f} s, {again} requests ({said_again.strip()})")


if __name__ == "__main__":
    main()
