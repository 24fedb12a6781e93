"""The main job's cost at the default politeness delays: requests per service and wall time.

    python benchmarks/seed_job.py [--shared ../shared] [--fault NAME]

Runs ``paper2bib add`` of the seed listing (89 papers) into a fresh library against local
stand-ins of arXiv, Semantic Scholar and DBLP (zero latency), with the default delays:
arXiv 3 s, Semantic Scholar 1 s, DBLP 1 s between requests. The published versions are
looked up while arXiv is still asked, so the two delays overlap; 1 s per DBLP request is
the floor, and asking DBLP only where there is something to find is the lever.
``--fault`` runs it with a service failing: dblp-down (nothing listens), dblp-500,
dblp-challenge, s2-down, s2-hang (accepts, never answers), s2-429, and services that are up but slow
or rate-limiting now and then (see FAULTS).
Target: ≤ 60 s with every service up, and with any one optional service failing.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import standins

SEED = ROOT / "tests" / "data" / "hf-papers-listing.txt"
FAULTS = {
    "none": ([], []),
    "dblp-down": ([], []),
    "s2-down": ([], []),
    "dblp-500": ([], ["--fail-500-every", "1"]),
    "dblp-challenge": ([], ["--challenge-every", "1"]),
    "s2-hang": (["--hang-every", "1", "--hang-seconds", "600"], []),
    "s2-429": (["--rate-limit-every", "1"], []),
    # services that are up but misbehave now and then: slower, never wrong
    "dblp-429-every-5th": ([], ["--rate-limit-every", "5"]),
    "dblp-hang-every-20th": ([], ["--hang-every", "20", "--hang-seconds", "60"]),
    "s2-504-every-2nd": (["--timeout-every", "2"], []),
    "s2-min-gap-3s": (["--min-gap", "3"], []),  # 429 for a request sooner than 3 s after the previous one
}


def closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def paths(log: Path) -> collections.Counter:
    out: collections.Counter = collections.Counter()
    if log.exists():
        for line in log.open():
            path = json.loads(line).get("path", "")
            out["/rec/…" if path.startswith("/rec/") else path.split("?")[0]] += 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=standins.DEFAULT_SHARED, help="folder holding tools/fake_*.py")
    ap.add_argument("--fault", choices=sorted(FAULTS), default="none")
    args = ap.parse_args()
    extra_s2, extra_dblp = FAULTS[args.fault]
    corpora = [args.shared / "arxiv" / "records.json", args.shared / "arxiv" / "crowd.json"]
    with (
        standins.arxiv(args.shared, corpora) as ax,
        standins.scholar(args.shared, extra_s2, extra_dblp) as (s2, dblp),
        TemporaryDirectory() as tmp,
    ):
        env = {
            **os.environ,
            "PAPER2BIB_LIBRARY": f"{tmp}/lib.sqlite",
            "PAPER2BIB_CONFIG": f"{tmp}/none.toml",
            "PAPER2BIB_ARXIV_URL": ax.url,
            "PAPER2BIB_S2_URL": closed_port() if args.fault == "s2-down" else s2.url,
            "PAPER2BIB_DBLP_URL": closed_port() if args.fault == "dblp-down" else dblp.url,
            "PAPER2BIB_LOOKUP_PUBLISHED": "1",
        }
        for k in ("PAPER2BIB_ARXIV_DELAY", "PAPER2BIB_S2_DELAY", "PAPER2BIB_DBLP_DELAY"):
            env.pop(k, None)  # the defaults
        start = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "paper2bib", "add", str(SEED)], env=env, capture_output=True, text=True
        )
        wall = time.perf_counter() - start
        print(f"fault: {args.fault}; exit {run.returncode}")
        for line in run.stderr.strip().splitlines():
            print("  " + line)
        print(f"arXiv requests: {ax.requests()}")
        print(f"Semantic Scholar requests: {s2.requests()}")
        print(f"DBLP requests: {dblp.requests()} {dict(paths(dblp.log))}")
        print(f"wall time: {wall:.1f} s (target: <= 60 s)")


if __name__ == "__main__":
    main()
