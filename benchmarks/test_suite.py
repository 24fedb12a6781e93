"""How long the test suite takes: the figures the README gives, measured.

    python benchmarks/test_suite.py [--runs 1]

Runs the README's test command (``pytest``, every core) and the quicker one without the
tests that run LaTeX, pandoc and citeproc-js (``pytest -m "not latex and not pandoc and not
citeproc"``), each ``--runs`` times, and prints the wall time of each run, the machine's
cores, and the tests passed. Run it in the environment the tests use (``pip install '.[test]'``).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUICK = "not latex and not pandoc and not citeproc"


def timed(args: list[str]) -> tuple[float, str]:
    """Seconds and pytest's summary line of one run."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
                         cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    seconds = time.perf_counter() - start
    summary = next((ln for ln in reversed(out.stdout.splitlines()) if re.search(r"\d+ passed", ln)), "no summary")
    if out.returncode != 0:
        raise SystemExit(f"pytest {' '.join(args)} failed:\n{out.stdout[-3000:]}")
    return seconds, summary.strip("= ")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    print(f"cores: {os.cpu_count()}")
    for label, extra in (("pytest (everything)", []), (f'pytest -m "{QUICK}"', ["-m", QUICK])):
        for _ in range(args.runs):
            seconds, summary = timed(extra)
            print(f"{label}: {seconds:.0f} s ({summary})")


if __name__ == "__main__":
    main()
