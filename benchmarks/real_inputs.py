"""The parser on the corpus of real inputs: per file, true references, found, missed, spurious.

    python benchmarks/real_inputs.py [--markdown]

Prints the table the README shows (``--markdown`` prints it as Markdown). The same
figures are asserted by tests/test_real_inputs.py.
"""

from __future__ import annotations

import argparse
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
    rows = []
    t0 = time.perf_counter()
    for path in inputs():
        s = score(path)
        rows.append((s.name, s.true, s.found, len(s.missed), len(s.spurious)))
    seconds = time.perf_counter() - t0
    total = ("total", *(sum(r[i] for r in rows) for i in range(1, 5)))
    head = ("file", "references", "found", "missed", "spurious")
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|---|---:|---:|---:|---:|")
        for r in [*rows, total]:
            print("| " + " | ".join(str(x) for x in r) + " |")
    else:
        print(f"{head[0]:<28}" + "".join(f"{h:>12}" for h in head[1:]))
        for r in [*rows, total]:
            print(f"{r[0]:<28}" + "".join(f"{x:>12}" for x in r[1:]))
    print(f"\n{len(rows)} files parsed in {seconds:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
