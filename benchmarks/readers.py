"""The readers' time on adversarial inputs of 10 KB, 100 KB and 1 MB: growth must stay linear.

    python benchmarks/readers.py [--sizes 10000,100000,1000000] [--only NAME]

For each shape of ``tests/adversarial.py`` (long runs of spaces, thousands of links, open
brackets, deeply nested HTML, unclosed ``\\cite{``, ``@string`` chains, …) it prints the best
of three timings per size and the growth from the smallest to the largest size divided by the
growth in size (1.0 is linear). Target: ≤ 1.3 at every shape.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import logging

from adversarial import SHAPES, reader


def best_time(fn, text: str, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--only", help="one shape, by name")
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'shape':32} {'reader':9} " + " ".join(f"{s // 1000:>7} KB" for s in sizes) + "  growth/linear")
    worst = 0.0
    for name, (kind, make) in SHAPES.items():
        if args.only and args.only != name:
            continue
        fn = reader(kind)
        times = [best_time(fn, make(s)) for s in sizes]
        floor = 0.002  # below a couple of milliseconds, timing is noise: count it as that
        growth = (max(times[-1], floor) / max(times[0], floor)) / (sizes[-1] / sizes[0])
        worst = max(worst, growth)
        print(f"{name:32} {kind:9} " + " ".join(f"{t:8.3f} s" for t in times) + f"  {growth:5.2f}", flush=True)
    print(f"worst growth/linear: {worst:.2f} (target: <= 1.3)")


if __name__ == "__main__":
    main()
