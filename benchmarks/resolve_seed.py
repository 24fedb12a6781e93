"""Resolution cost of the seed listing: batched (paper2bib) vs one request per title.

    python benchmarks/resolve_seed.py [--shared ../shared]

Starts the arXiv stand-in with the seed records and the crowd of near misses, then prints
requests and wall seconds for: paper2bib cold (fresh library), warm (the same listing
again), and the naive approach (one title search per entry, an abstract search when the
title finds nothing). Seconds are measured with no delay between requests; the
"at 3 s" column is what arXiv's politeness rule (3 s between requests) makes of it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import standins
from paper2bib.commands.add import add
from paper2bib.config import load_settings
from paper2bib.digest import parse_file
from paper2bib.resolver.client import ArxivClient
from paper2bib.resolver.matching import decide
from paper2bib.resolver.queries import abstract_terms, title_terms
from paper2bib.services import Services

SEED = ROOT / "tests" / "data" / "hf-papers-listing.txt"


def naive(entries, url: str) -> tuple[int, float, int]:
    client = ArxivClient(url=url, delay=0.0)
    start = time.perf_counter()
    resolved = 0
    for e in entries:
        res = decide(e, client.search(title_terms(e.title) or "", max_results=200))
        if res.status != "resolved" and (terms := abstract_terms(e.abstract)):
            res = decide(e, client.search(terms, max_results=200))
        resolved += res.status == "resolved"
    return client.requests_made, time.perf_counter() - start, resolved


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--shared",
        type=Path,
        default=standins.DEFAULT_SHARED,
        help="folder holding tools/fake_*.py and their data (default: ../shared beside the repo)",
    )
    args = ap.parse_args()
    entries = parse_file(str(SEED))
    corpora = [args.shared / "arxiv" / "records.json", args.shared / "arxiv" / "crowd.json"]
    rows = []
    with standins.arxiv(args.shared, corpora) as srv, tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            {"library": f"{tmp}/lib.sqlite", "arxiv_url": srv.url, "arxiv_delay": 0, "lookup_published": False},
            env={"PAPER2BIB_CONFIG": f"{tmp}/none.toml"},
        )
        with Services(settings) as svc:
            for label in ("paper2bib cold", "paper2bib warm"):
                t = time.perf_counter()
                report = add(svc, entries)
                rows.append((label, report.requests, time.perf_counter() - t, report.statuses["resolved"]))
        rows.append(("one request per title", *naive(entries, srv.url)))
    print(f"seed listing: {len(entries)} entries")
    print(f"{'approach':24} {'requests':>8} {'seconds':>8} {'at 3 s':>8} {'resolved':>8}")
    for label, requests, seconds, resolved in rows:
        print(f"{label:24} {requests:8d} {seconds:8.2f} {seconds + 3 * requests:8.0f} {resolved:8d}")
    print(f"ratio naive/cold requests: {rows[2][1] / max(rows[0][1], 1):.1f}x")


if __name__ == "__main__":
    main()
