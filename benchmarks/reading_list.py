"""Recall and precision on a reading list written from memory (titles only).

    python benchmarks/reading_list.py [--shared ../shared] [--markdown]

Starts the arXiv stand-in with the seed records, the reading list's real records
(``tests/data/reading-list/records.json``) and synthetic near misses around both, adds
``tests/data/reading-list/reading-list.md`` to a fresh library and prints, against the
hand-checked ``reading-list.expected.json``: resolved, ambiguous (and whether the right
paper is shown first), unresolved and wrong, for the titles on arXiv and those not.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import standins
from paper2bib.commands.add import add
from paper2bib.config import load_settings
from paper2bib.digest import parse_file
from paper2bib.services import Services

DATA = ROOT / "tests" / "data" / "reading-list"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=standins.DEFAULT_SHARED, help="folder holding tools/fake_arxiv.py")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = ap.parse_args()
    expected = {r["title"]: r for r in json.loads((DATA / "reading-list.expected.json").read_text())["entries"]}
    corpora = [
        args.shared / "arxiv" / "records.json",
        args.shared / "arxiv" / "crowd.json",
        DATA / "records.json",
        DATA / "crowd.json",
    ]
    with standins.arxiv(args.shared, corpora) as srv, tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            {"library": f"{tmp}/lib.sqlite", "arxiv_url": srv.url, "arxiv_delay": 0, "lookup_published": False},
            env={"PAPER2BIB_CONFIG": f"{tmp}/none.toml"},
        )
        with Services(settings) as svc:
            report = add(svc, parse_file(str(DATA / "reading-list.md")))
            stored = svc.store.entries()
    counts: Counter[tuple[str, str]] = Counter()
    for e in stored:
        want = expected[e.digest_title]["arxiv_id"]
        side = "on arXiv" if want else "not on arXiv"
        if e.resolved_id and e.resolved_id != want:
            counts[side, "wrong"] += 1
        elif e.status == "ambiguous":
            counts[
                side, "ambiguous, right first" if e.candidates[0].arxiv_id == want else "ambiguous, other first"
            ] += 1
        else:
            counts[side, e.status] += 1
    cols = ["resolved", "ambiguous, right first", "ambiguous, other first", "unresolved", "wrong"]
    sep, end = (" | ", " |") if args.markdown else ("  ", "")
    head = ["titles", "total", *cols]
    print(("| " if args.markdown else "") + sep.join(head) + end)
    if args.markdown:
        print("|" + "|".join(" --- " for _ in head) + "|")
    for side in ("on arXiv", "not on arXiv"):
        row = [counts[side, c] for c in cols]
        print(("| " if args.markdown else "") + sep.join([side, str(sum(row)), *map(str, row)]) + end)
    on = sum(counts["on arXiv", c] for c in cols)
    print(f"\nresolved {counts['on arXiv', 'resolved'] / on:.0%} of the titles on arXiv in {report.requests} requests")


if __name__ == "__main__":
    main()
