"""``paper2bib update`` on 1,000 / 5,000 / 20,000-entry bibliographies: seconds per size.

A quarter of the entries are Google Scholar style arXiv preprints, the rest other papers.
arXiv is answered in-process (records made for the ids), so this measures paper2bib's own
work: splitting, reading, planning and editing the entries, and the library. Linear means the
seconds per 1,000 entries stay flat as the file grows.

    python benchmarks/update_scale.py [--sizes 1000 5000 20000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

from paper2bib.commands.update import update_bib
from paper2bib.config import load_settings
from paper2bib.models import Record
from paper2bib.services import Services


class _Arxiv:
    page_size = 100

    def __init__(self) -> None:
        self.requests_made = 0

    def fetch_batches(self, ids):
        ids = list(ids)
        for i in range(0, len(ids), 100):
            self.requests_made += 1
            batch = ids[i : i + 100]
            yield batch, {a: _record(a) for a in batch}

    def search(self, query, max_results=100):
        self.requests_made += 1
        return []


def _record(arxiv_id: str) -> Record:
    n = int(arxiv_id.split(".")[1])
    return Record(arxiv_id, 1, f"Scaling Study Number {n} of Things", ("Ada Lovelace", "Alan Turing"), "", "2023-05-01")


def _bib(n: int) -> str:
    out = []
    for i in range(n):
        if i % 4 == 0:
            out.append(
                f"@article{{paper{i},\n  title={{Scaling study number {i} of things}},\n"
                f"  author={{Lovelace, Ada and Turing, Alan}},\n  journal={{arXiv preprint arXiv:2305.{i:05d}}},\n"
                "  year={2023}\n}\n"
            )
        else:
            out.append(
                f"@inproceedings{{other{i},\n  title={{Another paper {i}}},\n  author={{Smith, John}},\n"
                "  booktitle={Proceedings of Something},\n  pages={1--10},\n  year={2019}\n}\n"
            )
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    args = ap.parse_args()
    stub = _Arxiv()
    print("| entries | seconds | s per 1,000 | arXiv requests |")
    print("| ---: | ---: | ---: | ---: |")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as d:
            os.environ.update(
                PAPER2BIB_LIBRARY=f"{d}/lib.sqlite",
                PAPER2BIB_CONFIG=f"{d}/none.toml",
                PAPER2BIB_LOOKUP_PUBLISHED="0",
                PAPER2BIB_ARXIV_DELAY="0",
            )
            text = _bib(n)
            settings = load_settings()
            before = stub.requests_made
            t = time.perf_counter()
            with Services(settings, arxiv_client=stub) as svc:  # type: ignore[arg-type]
                report = update_bib(svc, "refs.bib", text)
            dt = time.perf_counter() - t
            assert report.count("updated") == (n + 3) // 4
            print(f"| {n:,} | {dt:.1f} | {dt / n * 1000:.2f} | {stub.requests_made - before} |")


if __name__ == "__main__":
    main()
