"""Growth: add and export cost for 1,000 / 2,000 / 10,000 papers, and peak memory.

    python benchmarks/scale.py [--shared ../shared] [--sizes 1000 2000 10000]

For each size: a listing of that many arXiv links is added (resolved against the arXiv
stand-in serving synthetic records, ``id_list`` batches of 100), then exported in all
three formats. Each step runs in a fresh process so peak RSS is its own. Targets:
10,000 links in at most 200 requests; 10,000 papers cost at most 7x what 2,000 cost;
exporting 10,000 well under 10 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import standins

ROOT = HERE.parent


def measure(args: list[str], env: dict) -> tuple[float, int]:
    """Seconds and peak RSS in KiB of a command, measured by a wrapper process."""
    code = (
        "import resource, subprocess, sys, time;"
        "t=time.perf_counter();"
        "r=subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True);"
        "dt=time.perf_counter()-t;"
        "print(dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode);"
        "sys.stderr.write(r.stderr)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, sys.executable, "-m", "paper2bib", *args], env=env, capture_output=True, text=True
    )
    seconds, rss, rc = out.stdout.split()
    if int(rc) not in (0, 3):
        raise SystemExit(f"paper2bib {' '.join(args)} failed ({rc}): {out.stderr}")
    return float(seconds), int(rss)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--shared",
        type=Path,
        default=standins.DEFAULT_SHARED,
        help="folder holding tools/fake_*.py and their data (default: ../shared beside the repo)",
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 10000])
    args = ap.parse_args()
    biggest = max(args.sizes)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        records = standins.synthetic_records(biggest)
        corpus = tmp / "records.json"
        corpus.write_text(json.dumps(records))
        with standins.arxiv(args.shared, [corpus]) as srv:
            for n in sorted(args.sizes):
                listing = tmp / f"links-{n}.txt"
                listing.write_text("".join(f"https://arxiv.org/abs/{r['id']}\n" for r in records[:n]))
                env = {
                    **os.environ,
                    "PYTHONPATH": str(ROOT),
                    "PAPER2BIB_LIBRARY": str(tmp / f"lib-{n}.sqlite"),
                    "PAPER2BIB_ARXIV_URL": srv.url,
                    "PAPER2BIB_ARXIV_DELAY": "0",
                    "PAPER2BIB_LOOKUP_PUBLISHED": "0",
                    "PAPER2BIB_CONFIG": str(tmp / "none.toml"),
                }
                before = srv.requests()
                add_s, add_rss = measure(["add", str(listing)], env)
                requests = srv.requests() - before
                exports = {}
                for fmt in ("bibtex", "biblatex", "csl-json"):
                    exports[fmt] = measure(["export", "--format", fmt, "-o", str(tmp / f"out-{n}.{fmt}")], env)
                results[n] = (add_s, requests, add_rss, exports)
    print(
        f"{'papers':>7} {'add s':>7} {'requests':>8} {'bibtex s':>9} {'biblatex s':>10} {'csl-json s':>10} {'peak RSS export':>16}"
    )
    for n, (add_s, requests, _, exports) in results.items():
        rss = max(r for _, r in exports.values())
        print(
            f"{n:7d} {add_s:7.2f} {requests:8d} {exports['bibtex'][0]:9.2f} {exports['biblatex'][0]:10.2f} "
            f"{exports['csl-json'][0]:10.2f} {rss / 1024:13.0f} MiB"
        )
    if 2000 in results and 10000 in results:
        a2, a10 = results[2000], results[10000]
        total = lambda r: r[0] + sum(s for s, _ in r[3].values())  # noqa: E731
        print(f"10,000 vs 2,000: add {a10[0] / a2[0]:.1f}x, add+exports {total(a10) / total(a2):.1f}x (target <= 7x)")
        print(f"10,000 links: {a10[1]} requests (target <= 200)")


if __name__ == "__main__":
    main()
