"""Rendering at the speed of writing: 10,000 papers to BibTeX, biblatex and CSL-JSON.

    python benchmarks/render.py [--papers 10000]

The papers are synthetic but shaped like real ones: titles, abstracts (a tenth with TeX in
them) and author names drawn from the seed listing's real records, each paper different.
Each format is timed beside a plain loop that writes the same bytes (joining the finished
entries), so the figure says what the writer costs over the writing itself, whatever the
machine. Target: BibTeX for 10,000 papers in at most 1 s; peak memory is printed too.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import record_from_json
from paper2bib.models import Link, Paper
from paper2bib.writers import render


def papers(n: int) -> list[Paper]:
    """``n`` different papers made of the seed records' words, names and TeX."""
    seed = [record_from_json(d) for d in json.loads((ROOT / "tests/data/arxiv-records.json").read_text())]
    rng = random.Random(7)
    words = sorted({w for r in seed for w in r.title.split()})
    names = sorted({a for r in seed for a in r.authors})
    out = []
    for i in range(n):
        base = seed[i % len(seed)]
        title = " ".join(rng.sample(words, rng.randint(5, 14)))
        summary = base.summary + (r" We use \emph{sparse} attention, $\mathcal{O}(n)$." if i % 10 == 0 else "")
        authors = tuple(rng.sample(names, rng.randint(1, 9)))
        record = replace(
            base, arxiv_id=f"{2400 + i // 99999}.{i % 99999:05d}", title=title, summary=summary, authors=authors
        )
        out.append(Paper(record, f"key{i}", (Link(f"https://github.com/lab{i}/repo", "code"),)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--papers", type=int, default=10_000)
    args = ap.parse_args()
    batch = papers(args.papers)
    print(f"{'format':22} {'render s':>9} {'write-only s':>13} {'ratio':>6} {'MiB out':>8} {'peak MiB':>9}")
    for fmt, abstracts in (("bibtex", False), ("biblatex", False), ("bibtex", True), ("csl-json", True)):
        t = time.perf_counter()
        text = render(fmt, batch, abstracts=abstracts)
        took = time.perf_counter() - t
        tracemalloc.start()  # a second run, watched: tracemalloc slows what it watches
        render(fmt, batch, abstracts=abstracts)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        pieces = [text[i : i + 460] for i in range(0, len(text), 460)]  # about one entry's worth each
        t = time.perf_counter()
        again = "".join(pieces)
        plain = time.perf_counter() - t
        assert again == text
        name = fmt + (" + abstracts" if abstracts else "")
        print(
            f"{name:22} {took:9.2f} {plain:13.4f} {took / max(plain, 1e-6):6.0f} "
            f"{len(text.encode()) / 2**20:8.1f} {peak / 2**20:9.0f}"
        )
    print("target: bibtex (no abstracts) for 10,000 papers <= 1 s")


if __name__ == "__main__":
    main()
