"""Scoring the parser on the corpus of real inputs in ``tests/data/real/`` (shared by
``tests/test_real_inputs.py`` and ``benchmarks/real_inputs.py``).

Each input ``X`` has ``X.expected.json``: the references a person finds in it by hand,
as ``[arXiv id or null, title]`` pairs (a .bib adds the key). An entry matches a
reference by its arXiv id, or, for a reference without one, by its normalised title.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from paper2bib.digest import parse_file
from paper2bib.errors import InputError
from paper2bib.models import Entry
from paper2bib.text import normalise

CORPUS = Path(__file__).resolve().parent / "data" / "real"


@dataclass
class Score:
    """Per file: the true references, those found, missed, the spurious entries (junk), the
    entries that give an expected paper another id, and titles that differ."""

    name: str
    true: int
    found: int
    missed: list[str]
    spurious: list[str]
    wrong_titles: list[str]
    entries: list[Entry]
    expected: dict
    wrong_ids: list[str] = field(default_factory=list)  # an expected paper given another paper's id
    ids_true: int = 0  # references with an arXiv id …
    ids_found: int = 0
    titles_true: int = 0  # … and without: found by their exact (normalised) title
    titles_found: int = 0


def inputs() -> list[Path]:
    """Every corpus input (every file with an ``.expected.json`` beside it)."""
    return sorted(
        p
        for p in CORPUS.iterdir()
        if p.is_file() and not p.name.endswith((".json", ".md.orig")) and _expected(p).exists()
    )


def _expected(path: Path) -> Path:
    return path.with_name(path.name.rsplit(".", 1)[0] + ".expected.json")


def score(path: Path) -> Score:
    """Parse one corpus file and compare it with its expected references."""
    expected = json.loads(_expected(path).read_text(encoding="utf-8"))
    try:
        entries = parse_file(str(path))
    except InputError as e:  # a file that names no paper: nothing to read, and that is right if none is expected
        if "no recognisable entry" not in str(e):
            raise
        entries = []
    refs = expected["references"]
    by_id = {r[0]: r for r in refs if r[0]}
    by_title = {normalise(r[1]): r for r in refs if not r[0]}
    any_title = {normalise(r[1]): r for r in refs if r[1]}
    matched: set[int] = set()
    spurious, wrong_titles, wrong_ids = [], [], []
    for e in entries:
        ref = by_id.get(e.arxiv_id) if e.arxiv_id else by_title.get(normalise(e.title))
        if ref is None:
            other = any_title.get(normalise(e.title)) if e.arxiv_id and e.title else None
            if other is not None and other[0] and other[0] != e.arxiv_id:
                wrong_ids.append(f"{e.arxiv_id} for {other[0]} {other[1]!r}")
            spurious.append(e.arxiv_id or e.title or "?")
            continue
        matched.add(id(ref))
        if normalise(e.title) != normalise(ref[1]):
            wrong_titles.append(f"{ref[0] or ''} {e.title!r} (expected {ref[1]!r})")
    missed = [r[0] or r[1] for r in refs if id(r) not in matched]
    titled = [r for r in refs if not r[0]]  # matched only by their exact (normalised) title
    return Score(
        path.name,
        len(refs),
        len(refs) - len(missed),
        missed,
        spurious,
        wrong_titles,
        entries,
        expected,
        wrong_ids=wrong_ids,
        ids_true=sum(1 for r in refs if r[0]),
        ids_found=sum(1 for r in refs if r[0] and id(r) in matched),
        titles_true=len(titled),
        titles_found=sum(1 for r in titled if id(r) in matched),
    )
