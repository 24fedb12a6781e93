"""Deciding what a preprint became, on evidence only (pure functions).

A paper counts as published only when Semantic Scholar links a DBLP record outside
``journals/corr/``, an ACL Anthology id, or a DOI that is not arXiv's — never on S2's
``venue`` or ``year`` alone. The record cited is DBLP's. A DBLP record is taken only if its
authors are the paper's (surnames overlap ≥ 50%) and its year is within [arXiv year,
arXiv year + 3]; one found by a title search must also carry the same title (up to case
and punctuation) and must not be a workshop paper. Anything else stays a preprint, with
the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import bibtexparser
from bibtexparser.bparser import BibTexParser

from ..arxiv_ids import clean_doi
from ..limits import clean_published
from ..models import Published, Record
from ..names import ascii_fold, split_name
from ..text import latex_to_unicode, normalise, squash_space


@dataclass(frozen=True)
class Evidence:
    """What Semantic Scholar says a paper became."""

    dblp_key: str | None  # a DBLP record outside CoRR
    venue: str  # S2's venue name ("" when none): a hint for a DBLP title search, never proof
    doi: str | None  # a DOI that is not arXiv's
    acl: str | None


def evidence(s2: dict[str, Any] | None) -> Evidence | None:
    """The evidence in a Semantic Scholar paper record, or None when S2 does not know the paper."""
    if not isinstance(s2, dict):
        return None
    ext = s2.get("externalIds") or {}
    dblp = str(ext.get("DBLP") or "")
    doi = str(ext.get("DOI") or "")
    return Evidence(
        dblp_key=dblp if dblp and not dblp.startswith("journals/corr/") else None,
        venue=str(s2.get("venue") or ""),
        doi=doi if doi and not doi.lower().startswith("10.48550/") else None,
        acl=str(ext.get("ACL")) if ext.get("ACL") else None,
    )


def _surname(name: str) -> str:
    name = re.sub(r"\s+\d{4}$", "", name.strip())  # DBLP's homonym number: "Kai Cui 0001"
    return re.sub(r"[^a-z]", "", ascii_fold(split_name(name).family).lower())


def authors_overlap(a: tuple[str, ...] | list[str], b: tuple[str, ...] | list[str]) -> float:
    """The share of the shorter author list whose surnames appear in the other."""
    sa, sb = {_surname(x) for x in a} - {""}, {_surname(x) for x in b} - {""}
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def same_title(a: str, b: str) -> bool:
    """Equal after TeX, case and punctuation are set aside (DBLP ends titles with a period)."""
    return normalise(a) == normalise(b)


def is_workshop(key: str, venue: str) -> bool:
    return "workshop" in venue.lower() or bool(re.search(r"(^|/)(w|ws|workshop)[^/]*/", key))


def _entries(text: str) -> list[dict[str, str]]:
    try:
        db = bibtexparser.loads(text, parser=BibTexParser(common_strings=True, ignore_nonstandard_types=False))
    except Exception:  # bibtexparser 1.x raises assorted errors on broken input
        return []
    return [{k.lower(): squash_space(v) for k, v in e.items()} for e in db.entries]


def _published(f: dict[str, str], key: str) -> Published | None:
    kind = f.get("entrytype", "").lower()
    if kind not in ("inproceedings", "article") or not f.get("title") or not f.get("year", "").isdigit():
        return None

    def text_of(field: str) -> str | None:
        value = f.get(field)
        return squash_space(latex_to_unicode(value)) if value else None

    authors = tuple(
        re.sub(r"\s+\d{4}$", "", squash_space(latex_to_unicode(a)))
        for a in re.split(r"\s+and\s+", f.get("author", ""))
        if a.strip()
    )
    return clean_published(
        Published(
            kind="inproceedings" if kind == "inproceedings" else "article",
            title=(text_of("title") or "").rstrip("."),
            authors=authors,
            venue=text_of("booktitle" if kind == "inproceedings" else "journal") or "",
            year=int(f["year"]),
            volume=f.get("volume"),
            number=f.get("number"),
            pages=(f.get("pages") or "").replace("--", "-") or None,
            publisher=text_of("publisher"),
            doi=clean_doi(f.get("doi")),  # a DOI, or nothing: it is written as a link
            url=f.get("url"),
            dblp_key=key,
        )
    )


def parse_dblp_bibtex(text: str, key: str) -> Published | None:
    """The published version from DBLP's BibTeX of record ``key`` (``@inproceedings``/``@article``)."""
    entries = _entries(text)
    return _published(entries[0], key) if entries else None


def search_records(text: str) -> list[Published]:
    """The publications of a DBLP search answer in BibTeX (``format=bib``): conference and
    journal papers, never CoRR's records (they are arXiv's preprints)."""
    out = []
    for f in _entries(text):
        key = f.get("id", "").removeprefix("DBLP:")
        if not key or key.startswith("journals/corr/") or f.get("journal") == "CoRR":
            continue
        if version := _published(f, key):
            out.append(version)
    return out


def search_candidates(record: Record, text: str) -> list[Published]:
    """The records of a DBLP search answer in BibTeX (``format=bib``) that could be
    ``record``'s published version: not CoRR, and of the same title."""
    return [v for v in search_records(text) if same_title(record.title, v.title)]


#: venues Semantic Scholar names for papers that only have a preprint (never a reason to search)
PREPRINT_VENUES = frozenset(
    {"arxiv", "arxiv.org", "corr", "biorxiv", "medrxiv", "ssrn", "research square", "preprints"}
)


def names_a_venue(ev: Evidence) -> bool:
    """Whether Semantic Scholar says the paper appeared somewhere a DBLP search could find:
    a venue that is not a preprint server nor a workshop, a DOI that is not arXiv's, or an ACL id."""
    venue = ev.venue.strip().lower()
    real_venue = bool(venue) and venue not in PREPRINT_VENUES and "workshop" not in venue
    return real_venue or bool(ev.doi) or bool(ev.acl)


def check(record: Record, candidate: Published, found_by_search: bool) -> str | None:
    """Why ``candidate`` is not ``record``'s published version, or None if it is."""
    arxiv_year = int(record.published[:4]) if record.published[:4].isdigit() else 0
    if authors_overlap(record.authors, candidate.authors) < 0.5:
        return f"DBLP {candidate.dblp_key} has other authors"
    if not arxiv_year <= candidate.year <= arxiv_year + 3:
        return f"DBLP {candidate.dblp_key} is of {candidate.year}, not within 3 years of the arXiv paper"
    if found_by_search:
        if not same_title(record.title, candidate.title):
            return f"DBLP {candidate.dblp_key} has another title"
        if is_workshop(candidate.dblp_key, candidate.venue):
            return f"DBLP {candidate.dblp_key} is a workshop paper"
    return None
