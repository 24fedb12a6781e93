"""Starting the local stand-ins of arXiv and Zotero for a benchmark run.

The stand-ins are not part of paper2bib: pass the folder that holds them
(``--shared DIR`` with ``tools/fake_arxiv.py``, ``tools/fake_zotero.py``, ``arxiv/*.json``,
``zotero/schema.json``). They run as separate processes on 127.0.0.1 and log every
request, which is how the benchmarks count requests.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: where a checkout's sibling ``shared/`` folder (the stand-ins and their data) lives
DEFAULT_SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


class StandIn:
    def __init__(self, url: str, log: Path):
        self.url, self.log = url, log

    def requests(self) -> int:
        return sum(1 for _ in self.log.open()) if self.log.exists() else 0

    def writes(self) -> int:
        if not self.log.exists():
            return 0
        return sum(1 for line in self.log.open() if json.loads(line).get("method", "GET") != "GET")


@contextmanager
def _serve(cmd: list[str], workdir: Path, suffix: str) -> Iterator[StandIn]:
    portfile, log = workdir / "port", workdir / "requests.log"
    proc = subprocess.Popen([*cmd, "--portfile", str(portfile), "--log", str(log)], stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if portfile.exists() and portfile.read_text().strip():
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"stand-in did not start: {' '.join(cmd)}")
        yield StandIn(f"http://127.0.0.1:{portfile.read_text().strip()}{suffix}", log)
    finally:
        proc.terminate()
        proc.wait(10)


@contextmanager
def arxiv(shared: Path, corpora: list[Path], extra: list[str] = ()) -> Iterator[StandIn]:
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, str(shared / "tools" / "fake_arxiv.py")]
        for c in corpora:
            cmd += ["--corpus", str(c)]
        with _serve(cmd + list(extra), Path(tmp), "/api/query") as s:
            yield s


@contextmanager
def zotero(shared: Path, key: str, library: str, extra: list[str] = ()) -> Iterator[StandIn]:
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable,
            str(shared / "tools" / "fake_zotero.py"),
            "--schema",
            str(shared / "zotero" / "schema.json"),
            "--key",
            f"{key}:{library}",
            *extra,
        ]
        with _serve(cmd, Path(tmp), "") as s:
            yield s


@contextmanager
def scholar(shared: Path, extra_s2: list[str] = (), extra_dblp: list[str] = ()) -> Iterator[tuple[StandIn, StandIn]]:
    """The Semantic Scholar and DBLP stand-ins serving the seed's papers (and DBLP's crowd)."""
    data = shared / "scholar"
    with tempfile.TemporaryDirectory() as t1, tempfile.TemporaryDirectory() as t2:
        s2_cmd = [sys.executable, str(shared / "tools" / "fake_s2.py"), "--data", str(data / "s2-papers.json")]
        dblp_cmd = [sys.executable, str(shared / "tools" / "fake_dblp.py"), "--data", str(data / "dblp-records.json")]
        dblp_cmd += ["--data", str(data / "dblp-crowd.json")]
        with (
            _serve(s2_cmd + list(extra_s2), Path(t1), "") as s2,
            _serve(dblp_cmd + list(extra_dblp), Path(t2), "") as dblp,
        ):
            yield s2, dblp


def synthetic_records(n: int, seed: int = 1) -> list[dict]:
    """``n`` distinct arXiv-like records (ids 2601.00001…), for scale runs."""
    import random

    rnd = random.Random(seed)
    words = [
        "scalable",
        "adaptive",
        "sparse",
        "efficient",
        "robust",
        "neural",
        "graph",
        "language",
        "vision",
        "agents",
        "reasoning",
        "diffusion",
        "transformer",
        "memory",
        "routing",
        "planning",
        "retrieval",
        "alignment",
        "federated",
        "quantized",
    ]
    first = ["Wei", "Anna", "José", "Søren", "Li", "Maria", "Omar", "Yuki", "Nikola", "Ana"]
    last = ["Zhang", "Müller", "García", "Ljubešić", "Smith", "Nakamura", "Kowalski", "Rossi", "Chen", "Okafor"]
    out = []
    for i in range(n):
        title = " ".join(rnd.choice(words).capitalize() for _ in range(rnd.randint(4, 10))) + f" {i}"
        out.append(
            {
                "id": f"26{(i // 99999) % 12 + 1:02d}.{i % 99999 + 1:05d}",
                "version": rnd.randint(1, 3),
                "title": title,
                "authors": [f"{rnd.choice(first)} {rnd.choice(last)}" for _ in range(rnd.randint(1, 8))],
                "published": f"2026-{(i // 99999) % 12 + 1:02d}-{rnd.randint(1, 28):02d}",
                "primary_category": "cs.LG",
                "categories": ["cs.LG", "cs.AI"],
                "summary": " ".join(rnd.choice(words) for _ in range(150))
                + f". See https://github.com/lab{i}/code{i}.",
                "comment": None,
                "journal_ref": None,
                "doi": None,
            }
        )
    return out
