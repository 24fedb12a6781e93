"""Scoring arXiv records against a digest entry and deciding (pure functions).

The rule is "never attach the wrong paper": a record is taken only when the evidence
is strong *and* no other candidate comes close; otherwise the entry is ``ambiguous``
(with its candidates, the likeliest first) or ``unresolved``.

Evidence, all on normalised text (TeX → unicode, accents and case folded):

* how the titles relate (:func:`~paper2bib.resolver.titles.compare_titles`): the same
  title up to plurals, split words and small words, arXiv's title adding a name before
  the colon, an earlier title keeping the name, or another title;
* title similarity ``t`` (rapidfuzz's normalised Indel similarity, 0..1), for ranking;
* abstract similarity ``a`` when the entry has an abstract;
* the score is ``0.3 t + 0.7 a`` with an abstract, ``t`` without.

With an abstract, a candidate is *strong* when ``a >= 0.90`` (same abstract, even
after a rename), ``a >= 0.85`` with the title the same or keeping its name before the
colon (a renamed paper whose subtitle was rewritten: "Skeleton-of-Thought: Large
Language Models Can Do Parallel Decoding" → "Skeleton-of-Thought: Prompting LLMs for
Efficient Parallel Generation") unless the entry names authors and the record has none
of them, or ``a >= 0.60`` with the same title (revised abstract); the best strong
candidate wins if no other strong candidate is within ``MARGIN``. A record that shares
only the name, not the abstract, is never strong.

Without one, the title decides by kind, best kind first: an exact title, else the same
title, else arXiv's title with a name added — taken when it is the only one of its kind
and the entry's authors (if it names any) are not all absent from the record. Of
several titles adding a name, the one whose name the others contain ("ChatDev: X", not
"Revisiting ChatDev: X"). A title that keeps its name but was reworded, or keeps a long
subtitle under another name, is ``ambiguous`` (the likeliest first) unless the authors
confirm it. Anything else — an extra or missing content word, another number — is another paper
("Gemma Technical Report" is not "Gemma 2 Technical Report").
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz

from ..models import Candidate, Entry, Record, Resolution
from ..text import fold, normalise
from .titles import DIFFERENT, EXACT, NAME_ADDED, NAME_CHANGED, NAME_KEPT, RANK, SAME, TitleMatch, compare_titles

ABSTRACT_STRONG = 0.90
ABSTRACT_NAME_KEPT = 0.85
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


_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def surname(name: str) -> str:
    """The last word of a name's family name, folded: ``Qian, Chen`` and ``Chen Qian`` →
    ``qian``; ``van der Maaten, Laurens`` and ``Laurens van der Maaten`` → ``maaten``."""
    family = name.split(",", maxsplit=1)[0]
    words = [w for w in fold(family).replace(".", " ").split() if w not in _SUFFIXES]
    return words[-1] if words else ""


def shared_authors(entry: Entry, record: Record) -> int | None:
    """How many of the entry's authors the record has (by family name); None if either names none."""
    if not entry.authors or not record.authors:
        return None
    theirs = {surname(n) for n in record.authors}
    return sum(surname(n) in theirs for n in entry.authors)


def _strong_with_abstract(c: Candidate, m: TitleMatch, authors: int | None) -> bool:
    a = c.abstract_score or 0
    renamed = m.kind == NAME_KEPT or (m.kind == DIFFERENT and m.same_name)
    return (
        a >= ABSTRACT_STRONG
        or (a >= ABSTRACT_NAME_KEPT and m.kind in (EXACT, SAME, NAME_ADDED))
        or (a >= ABSTRACT_NAME_KEPT and renamed and authors != 0)
        or (a >= ABSTRACT_REVISED and (m.same_title or c.title_score >= TITLE_SAME))
    )


def _renamed(m: TitleMatch, c: Candidate) -> str:
    """Why a candidate whose title is not the entry's is still the paper, or nothing."""
    if m.same_title:
        return ""
    if m.same_name and (c.abstract_score or 0) < ABSTRACT_STRONG:
        return (
            f"; renamed after the digest? {m.why or 'same name before the colon'}; the name before the colon is"
            " kept and the abstract is nearly the same"
        )
    return f"; arXiv's title differs (renamed after the digest? {m.why}) but the abstract is the same"


def _fmt(c: Candidate) -> str:
    parts = [f"title {c.title_score:.2f}"]
    if c.abstract_score is not None:
        parts.append(f"abstract {c.abstract_score:.2f}")
    return f"{c.arxiv_id} ({', '.join(parts)})"


def _note(m: TitleMatch) -> str:
    return f": {m.why}" if m.why else ""


def decide(entry: Entry, records: Iterable[Record]) -> Resolution:
    """Choose the record an entry (with no arXiv id) refers to, or say why not."""
    nt, na = normalise(entry.title), normalise(entry.abstract)
    by_id = {r.arxiv_id: r for r in records}
    if not by_id:
        return Resolution("unresolved", None, why="arXiv returned no candidate")
    scored = [(score(entry, r, nt, na), compare_titles(entry.title, r.title)) for r in by_id.values()]
    if entry.abstract:
        return _decide_with_abstract(scored, {a: shared_authors(entry, r) for a, r in by_id.items()})
    return _decide_by_title(entry, scored, by_id)


def _decide_with_abstract(scored: list[tuple[Candidate, TitleMatch]], authors: dict[str, int | None]) -> Resolution:
    """With an abstract: a strong candidate (see the module docstring) no other comes close to.
    ``authors``: how many of the entry's authors each record has (None: either names none)."""
    ranked = sorted(scored, key=lambda cm: (-cm[0].score, cm[0].arxiv_id))
    cands = [c for c, _ in ranked]
    shown = tuple(c for c in cands[:SHOWN] if c.score >= 0.3)
    strong = [(c, m) for c, m in ranked if _strong_with_abstract(c, m, authors[c.arxiv_id])]
    if strong:
        top, match = strong[0]
        rivals = [c for c, _ in strong[1:] if top.score - c.score < MARGIN]
        if rivals:
            return Resolution(
                "ambiguous",
                top.score,
                why=f"{len(rivals) + 1} candidates match equally well: " + ", ".join(_fmt(c) for c in [top, *rivals]),
                candidates=(top, *rivals)[:SHOWN],
            )
        why = f"matched {_fmt(top)}" + _renamed(match, top)
        if shared := authors[top.arxiv_id]:
            why += f"; {shared} of the digest's authors"
        runner = next((c for c in cands if c is not top), None)
        if runner:
            why += f"; runner-up {_fmt(runner)}"
        return Resolution("resolved", top.score, top.arxiv_id, top.version, why, shown)
    best, best_match = ranked[0]
    if _strong_with_abstract(best, best_match, None):  # strong but for the authors
        why = f"{_fmt(best)} matches{_renamed(best_match, best)}, but has none of the digest's authors"
        return Resolution("ambiguous", best.score, why=why, candidates=shown)
    if best.score >= AMBIGUOUS_FLOOR:
        return Resolution(
            "ambiguous", best.score, why=f"nearest is {_fmt(best)}, not close enough to be sure", candidates=shown
        )
    return Resolution("unresolved", best.score, why=f"no candidate is close; nearest {_fmt(best)}", candidates=shown)


def _decide_by_title(
    entry: Entry, scored: list[tuple[Candidate, TitleMatch]], records: dict[str, Record]
) -> Resolution:
    """Title only: the best kind of title match decides, if one candidate alone has it."""
    ranked = sorted(scored, key=lambda cm: (RANK[cm[1].kind], -cm[1].shared, -cm[0].score, cm[0].arxiv_id))
    cands = [c for c, _ in ranked]
    best, match = ranked[0]
    peers = [c for c, m in ranked if m.kind == match.kind]
    if match.kind == NAME_ADDED and len(peers) > 1:
        peers = _named_itself(ranked)
        best, match = next((c, m) for c, m in ranked if c is peers[0])
    authors = shared_authors(entry, records[best.arxiv_id])
    if match.kind in (EXACT, SAME, NAME_ADDED):
        if len(peers) > 1:
            return Resolution(
                "ambiguous",
                best.score,
                why=f"{len(peers)} arXiv titles match this one equally: " + ", ".join(_fmt(c) for c in peers[:SHOWN]),
                candidates=tuple(peers[:SHOWN]),
            )
        if authors == 0:
            return Resolution(
                "ambiguous",
                best.score,
                why=f"{_fmt(best)} has this title{_note(match)}, but none of the digest's authors",
                candidates=tuple(cands[:SHOWN]),
            )
        why = f"matched {_fmt(best)}" + (f"; {match.why}" if match.why else "")
        if authors:
            why += f"; {authors} of the digest's authors"
        runner = cands[1] if len(cands) > 1 else None
        if runner:
            why += f"; runner-up {_fmt(runner)}"
        return Resolution("resolved", best.score, best.arxiv_id, best.version, why, tuple(cands[:SHOWN]))
    if match.kind == NAME_KEPT:
        confirmed = [
            (c, m)
            for c, m in ranked
            if m.kind == NAME_KEPT and _authors_confirm(shared_authors(entry, records[c.arxiv_id]), entry)
        ]
        if len(confirmed) == 1:
            c, m = confirmed[0]
            why = f"matched {_fmt(c)}; {m.why}, and the digest's authors"
            return Resolution("resolved", c.score, c.arxiv_id, c.version, why, tuple(cands[:SHOWN]))
    if match.kind in (NAME_KEPT, NAME_CHANGED):
        return Resolution(
            "ambiguous",
            best.score,
            why=f"{'likely' if match.kind == NAME_KEPT else 'maybe'} {_fmt(best)}: {match.why}; "
            "pin it if it is the paper",
            candidates=tuple(cands[:SHOWN]),
        )
    shown = tuple(c for c in cands[:SHOWN] if c.score >= 0.3)
    return Resolution(
        "unresolved",
        best.score,
        why=f"no arXiv title is this one; nearest {_fmt(best)}{_note(match)}",
        candidates=shown,
    )


def _named_itself(ranked: list[tuple[Candidate, TitleMatch]]) -> list[Candidate]:
    """Of several titles that add a name to the entry's, the one whose name every other
    name contains: "ChatDev: X" rather than "Revisiting ChatDev: X" (a paper about it).
    All of them if no one name is inside all the others."""
    named = [(c, m.name) for c, m in ranked if m.kind == NAME_ADDED]
    inside = [c for c, name in named if all(_contains(other, name) for _, other in named)]
    return inside if len(inside) == 1 else [c for c, _ in named]


def _contains(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    return any(words[i : i + len(part)] == part for i in range(len(words) - len(part) + 1))


def _authors_confirm(shared: int | None, entry: Entry) -> bool:
    """At least half of the entry's authors (and at least one) are the record's."""
    return shared is not None and shared > 0 and 2 * shared >= len(entry.authors)


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
