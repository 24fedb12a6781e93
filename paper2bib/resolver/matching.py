"""Scoring arXiv records against a digest entry and deciding (pure functions).

The rule is "never attach the wrong paper": a record is taken only when the evidence
is strong *and* no other candidate comes close; otherwise the entry is ``ambiguous``
(with its candidates) or ``unresolved``.

Evidence, all on normalised text (TeX → unicode, accents and case folded):

* title similarity ``t`` (rapidfuzz's normalised Indel similarity, 0..1);
* abstract similarity ``a`` when the entry has an abstract;
* the score is ``0.3 t + 0.7 a`` with an abstract, ``t`` without.

Thresholds (tested in ``tests/test_matching.py`` on the seed's hard cases):

* with an abstract, a candidate is *strong* when ``a >= 0.90`` (same abstract, even
  after a rename), or ``a >= 0.60`` with ``t >= 0.95`` (same title, revised abstract);
* without one, only an exact normalised title is strong ("Gemma Technical Report" is
  not "Gemma 2 Technical Report"), and it must be the only exact one;
* the best strong candidate wins if no other strong candidate is within ``MARGIN``.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz

from ..models import Candidate, Entry, Record, Resolution
from ..text import normalise

ABSTRACT_STRONG = 0.90
ABSTRACT_REVISED = 0.60
TITLE_SAME = 0.95
MARGIN = 0.05
AMBIGUOUS_FLOOR = 0.60
SHOWN = 3


def similarity(a: str, b: str) -> float:
    """Normalised Indel similarity of two already-normalised strings (0..1)."""
    if not a or not b:
        return 0.0
    return fuzz.ratio(a, b) / 100.0


def score(entry: Entry, record: Record, norm_title: str | None = None, norm_abstract: str | None = None) -> Candidate:
    """How well ``record`` matches ``entry``."""
    nt = normalise(entry.title) if norm_title is None else norm_title
    t = similarity(nt, normalise(record.title))
    if entry.abstract:
        na = normalise(entry.abstract) if norm_abstract is None else norm_abstract
        a = similarity(na, normalise(record.summary))
        total = (0.3 * t + 0.7 * a) if nt else a
    else:
        a = None
        total = t
    return Candidate(record.arxiv_id, record.version, record.title, total, t, a)


def _strong(c: Candidate, has_abstract: bool) -> bool:
    if has_abstract:
        return (c.abstract_score or 0) >= ABSTRACT_STRONG or (
            (c.abstract_score or 0) >= ABSTRACT_REVISED and c.title_score >= TITLE_SAME
        )
    return c.title_score >= 0.9999


def _fmt(c: Candidate) -> str:
    parts = [f"title {c.title_score:.2f}"]
    if c.abstract_score is not None:
        parts.append(f"abstract {c.abstract_score:.2f}")
    return f"{c.arxiv_id} ({', '.join(parts)})"


def decide(entry: Entry, records: Iterable[Record]) -> Resolution:
    """Choose the record an entry (with no arXiv id) refers to, or say why not."""
    nt, na = normalise(entry.title), normalise(entry.abstract)
    cands = sorted(
        {r.arxiv_id: score(entry, r, nt, na) for r in records}.values(), key=lambda c: (-c.score, c.arxiv_id)
    )
    shown = tuple(c for c in cands[:SHOWN] if c.score >= 0.3)
    if not cands:
        return Resolution("unresolved", None, why="arXiv returned no candidate")
    has_abstract = bool(entry.abstract)
    strong = [c for c in cands if _strong(c, has_abstract)]
    best = cands[0]
    if strong:
        top = strong[0]
        rivals = [c for c in strong[1:] if top.score - c.score < MARGIN]
        if not rivals:
            runner = next((c for c in cands if c is not top), None)
            why = f"matched {_fmt(top)}"
            if has_abstract and top.title_score < 0.9999 and (top.abstract_score or 0) >= ABSTRACT_STRONG:
                why += "; arXiv's title differs (renamed after the digest?) but the abstract is the same"
            if runner:
                why += f"; runner-up {_fmt(runner)}"
            return Resolution("resolved", top.score, top.arxiv_id, top.version, why, shown)
        return Resolution(
            "ambiguous",
            top.score,
            why=f"{len(rivals) + 1} candidates match equally well: " + ", ".join(_fmt(c) for c in [top, *rivals]),
            candidates=(top, *rivals)[:SHOWN],
        )
    if best.score >= AMBIGUOUS_FLOOR and has_abstract:
        return Resolution(
            "ambiguous", best.score, why=f"nearest is {_fmt(best)}, not close enough to be sure", candidates=shown
        )
    if not has_abstract and best.title_score >= 0.9:
        why = f"no arXiv title is exactly this one; nearest {_fmt(best)}"
    else:
        why = f"no candidate is close; nearest {_fmt(best)}"
    return Resolution("unresolved", best.score, why=why, candidates=shown)


def decide_by_id(entry: Entry, record: Record | None) -> Resolution:
    """An entry that names its arXiv id: the id decides; the title is only checked."""
    if record is None:
        return Resolution("unresolved", None, why=f"arXiv has no paper {entry.arxiv_id}")
    version = record.version
    why = "named by arXiv id"
    if entry.version:
        if entry.version <= record.version:
            version = entry.version
            why += f" (version {entry.version} as cited; latest is v{record.version})"
        else:
            why += f" (v{entry.version} does not exist; latest is v{record.version})"
    if entry.title:
        t = similarity(normalise(entry.title), normalise(record.title))
        if t < 0.5:
            why += f"; note: the digest's title differs from arXiv's (title {t:.2f})"
    return Resolution("resolved", 1.0, record.arxiv_id, version, why)
