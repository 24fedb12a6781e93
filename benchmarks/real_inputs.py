"""The parser on the corpus of real inputs: per file, arXiv ids found and wrong, papers without an id found by their exact title, junk.

    python benchmarks/real_inputs.py [--markdown]

Prints the table the README shows (``--markdown`` prints it as Markdown). The same
figures are asserted by tests/test_real_inputs.py.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from real_corpus import inputs, score


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args()
    logging.getLogger("paper2bib").setLevel(logging.ERROR)  # the files' own defects are expected, not news
    rows = []
    t0 = time.perf_counter()
    for path in inputs():
        s = score(path)
        rows.append(
            (
                s.name,
                s.ids_true,
                s.ids_found,
                len(s.wrong_ids),
                s.titles_true,
                s.titles_found,
                len(s.wrong_titles),
                len(s.spurious),
            )
        )
    seconds = time.perf_counter() - t0
    total = ("total", *(sum(r[i] for r in rows) for i in range(1, 8)))
    head = ("file", "arXiv ids", "found", "wrong id", "title only", "exact title", "other title", "junk")
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|---|" + "---:|" * (len(head) - 1))
        for r in [*rows, total]:
            print("| " + " | ".join(str(x) for x in r) + " |")
    else:
        print(f"{head[0]:<40}" + "".join(f"{h:>12}" for h in head[1:]))
        for r in [*rows, total]:
            print(f"{r[0]:<40}" + "".join(f"{x:>12}" for x in r[1:]))
    ids = total[2] / total[1] if total[1] else 1.0
    titles = total[5] / total[4] if total[4] else 1.0
    print(
        f"\n{len(rows)} files parsed in {seconds:.2f} s: {ids:.1%} of arXiv ids, {total[3]} wrong ids, "
        f"{titles:.1%} of title-only papers by their exact title, {max(r[7] for r in rows)} junk entries at most in a file",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
