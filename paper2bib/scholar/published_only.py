"""Papers that were never on arXiv: finding an entry's DBLP record by its title (pure functions).

An entry arXiv does not have is searched in DBLP by its title; a hit is the paper only when

* its title is the entry's, up to case, punctuation, TeX and minor differences (a plural,
  a split word, a small word) — a title with one content word more, less or different is
  another paper, however close;
* or the entry names a DOI and the hit has it;
* the entry's authors, when it names any, are the hit's (surnames overlap ≥ 50%), and its
  year, when it gives one, is the hit's or one off (a preprint's year);
* it is the only such hit: a conference and a journal paper of one title, or two papers
  of one title, are ``ambiguous``, with the candidates listed.

CoRR records are arXiv's preprints, never publications; they are not candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..arxiv_ids import clean_doi
from ..models import PUBLISHED_ONLY, Candidate, Entry, Published, Record, Resolution
from ..resolver.matching import similarity
from ..resolver.titles import compare_titles
from ..text import normalise
from .published import authors_overlap, search_records

SHOWN = 3


@dataclass(frozen=True)
class Found:
    """What a DBLP search found for an entry: the resolution, and the record it resolved to."""

    resolution: Resolution
    version: Published | None = None

    @property
    def record(self) -> Record | None:
        """The library's record of the paper (id ``dblp:<key>``, version 0)."""
        return record_of(self.version) if self.version else None


def record_of(pub: Published) -> Record:
    """The library's record of a published-only paper, from its DBLP record."""
    return Record(
        arxiv_id=PUBLISHED_ONLY + pub.dblp_key,
        version=0,
        title=pub.title,
        authors=pub.authors,
        summary="",
        published=str(pub.year),
    )


def _candidate(pub: Published, t: float) -> Candidate:
    """``pub`` as a candidate of title similarity ``t``."""
    return Candidate(PUBLISHED_ONLY + pub.dblp_key, 0, pub.title, t, t, None)


def _disagrees(entry: Entry, pub: Published) -> str | None:
    """Why ``pub`` cannot be the entry's paper although its title is, or None."""
    if entry.authors and authors_overlap(entry.authors, pub.authors) < 0.5:
        return f"DBLP {pub.dblp_key} has this title, but not the entry's authors"
    if entry.year and entry.year.isdigit() and abs(int(entry.year) - pub.year) > 1:
        return f"DBLP {pub.dblp_key} has this title, but is of {pub.year}, not {entry.year}"
    return None


def _same_doi(entry: Entry, pub: Published) -> bool:
    """The entry's DOI (as a .bib writes it: ``https://doi.org/…`` too) is the record's."""
    mine, theirs = clean_doi(entry.doi), clean_doi(pub.doi)
    return bool(mine and theirs and mine.lower() == theirs.lower())


def decide_published_only(entry: Entry, search_answer: str) -> Found:
    """The entry's DBLP record among the hits of a title search (DBLP's BibTeX answer), or why not."""
    hits = list({p.dblp_key: p for p in search_records(search_answer)}.values())
    if not hits:
        return Found(Resolution("unresolved", None, why="DBLP has no such title"))
    mine = normalise(entry.title)
    sim = {p.dblp_key: similarity(mine, normalise(p.title)) for p in hits}
    scored = sorted(hits, key=lambda p: -sim[p.dblp_key])
    shown = tuple(_candidate(p, sim[p.dblp_key]) for p in scored[:SHOWN])
    by_doi = [p for p in hits if _same_doi(entry, p)]
    same = by_doi or [p for p in hits if compare_titles(entry.title, p.title).same_title]
    if not same:
        near = compare_titles(entry.title, scored[0].title).why.replace("arXiv's title", "DBLP's")  # it names arXiv
        why = f"DBLP's nearest title, {scored[0].dblp_key}, is another paper ({near})"
        return Found(Resolution("unresolved", shown[0].score, why=why, candidates=shown))
    agree = [p for p in same if not _disagrees(entry, p)]
    if not agree:
        reason = _disagrees(entry, same[0]) or ""
        return Found(
            Resolution("ambiguous", 1.0, why=reason, candidates=tuple(_candidate(p, sim[p.dblp_key]) for p in same))
        )
    if len(agree) > 1:
        keys = ", ".join(p.dblp_key for p in agree[:SHOWN])
        why = f"{len(agree)} DBLP records have this title ({keys}): pin the one you mean"
        return Found(
            Resolution("ambiguous", 1.0, why=why, candidates=tuple(_candidate(p, sim[p.dblp_key]) for p in agree))
        )
    pub = agree[0]
    how = "its DOI" if by_doi else "its title"
    why = f"published only: DBLP {pub.dblp_key} ({pub.venue}, {pub.year}), found by {how}"
    if entry.authors:
        why += ", with the entry's authors"
    return Found(Resolution("resolved", 1.0, PUBLISHED_ONLY + pub.dblp_key, 0, why, shown), pub)
