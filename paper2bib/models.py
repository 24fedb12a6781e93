"""The data that flows through paper2bib: digest entries, arXiv records, resolutions.

digest → :class:`Entry` → resolver → :class:`Resolution` (+ :class:`Record`) → library → writers.
All are plain frozen dataclasses; I/O lives elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

LinkKind = Literal["code", "project", "model", "dataset", "demo", "video", "paper"]
Status = Literal["resolved", "ambiguous", "unresolved"]


@dataclass(frozen=True)
class Link:
    """A URL found in an entry's text, with its kind from ``mappings/url-kinds.toml``."""

    url: str
    kind: LinkKind
    hub: bool = field(default=False, compare=False)  # listed by the Hugging Face Hub itself

    def to_json(self) -> dict:
        return {"url": self.url, "kind": self.kind, **({"hub": True} if self.hub else {})}


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One paper as a digest shows it, before resolution.

    ``arxiv_id`` is the id as the digest cites it (an id, an arXiv URL, a DOI), if it
    does; ``version`` only when it names a version (``2409.19256v2``). What an entry
    resolves to is the library's business (:class:`~paper2bib.store.StoredEntry`).
    """

    title: str | None
    abstract: str | None = None
    arxiv_id: str | None = None
    version: int | None = None
    links: tuple[Link, ...] = ()
    source: str = "-"
    position: int = 0
    # what a .bib entry says besides: its citation key, authors, year, DOI and URL, and
    # why it is kept aside (plainly not a paper on arXiv) if it is
    key: str | None = None
    also_keys: tuple[str, ...] = ()  # the keys of other entries of the same .bib citing the same arXiv paper
    authors: tuple[str, ...] = ()
    year: str | None = None
    doi: str | None = None
    url: str | None = None
    aside: str | None = None


#: The id of a paper that is not on arXiv, as the library stores it: ``dblp:`` and its DBLP key.
PUBLISHED_ONLY = "dblp:"


def is_published_only(paper_id: str) -> bool:
    """Whether ``paper_id`` names a paper found in DBLP only (``dblp:conf/cvpr/HeZRS16``)."""
    return paper_id.startswith(PUBLISHED_ONLY)


def shown_id(paper_id: str) -> str:
    """A paper's id as the user writes it (what ``pin`` takes): the arXiv id, or ``DBLP:<key>``."""
    return "DBLP:" + paper_id.removeprefix(PUBLISHED_ONLY) if is_published_only(paper_id) else paper_id


@dataclass(frozen=True)
class Record:
    """An arXiv paper as the arXiv API describes it (latest version's metadata).

    A paper that is not on arXiv has a record too, made from its DBLP record: its id is
    ``dblp:<key>`` (:data:`PUBLISHED_ONLY`), its version 0, and its published version says
    the rest."""

    arxiv_id: str
    version: int
    title: str
    authors: tuple[str, ...]
    summary: str
    published: str  # first version, YYYY-MM-DD
    updated: str | None = None
    primary_category: str | None = None
    categories: tuple[str, ...] = ()
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None

    @property
    def published_only(self) -> bool:
        """Not on arXiv: a paper found in DBLP only."""
        return is_published_only(self.arxiv_id)

    @property
    def dblp_key(self) -> str | None:
        """The DBLP key of a published-only paper."""
        return self.arxiv_id.removeprefix(PUBLISHED_ONLY) if self.published_only else None

    @property
    def abs_url(self) -> str:
        """The paper's page: arXiv's abstract page, or DBLP's record of a published-only paper."""
        if self.published_only:
            return f"https://dblp.org/rec/{self.dblp_key}"
        return f"https://arxiv.org/abs/{self.arxiv_id}"

    @property
    def datacite_doi(self) -> str:
        return f"10.48550/arXiv.{self.arxiv_id}"

    @property
    def journal_doi(self) -> str | None:
        """The DOI of the published version, when the authors gave one on arXiv."""
        if self.doi and not self.doi.lower().startswith("10.48550/"):
            return self.doi
        return None

    @property
    def is_published(self) -> bool:
        """arXiv says the paper appeared somewhere (a journal reference or a journal DOI)."""
        return bool(self.journal_ref or self.journal_doi)

    @property
    def year(self) -> str:
        return self.published[:4]


@dataclass(frozen=True)
class Published:
    """The published version of a paper, as DBLP records it."""

    kind: Literal["inproceedings", "article"]
    title: str
    authors: tuple[str, ...]
    venue: str  # booktitle or journal, as DBLP writes it
    year: int
    dblp_key: str
    volume: str | None = None
    number: str | None = None
    pages: str | None = None
    publisher: str | None = None
    doi: str | None = None
    url: str | None = None

    def to_json(self) -> dict:
        """The ``list --json`` form."""
        return {
            "type": self.kind,
            "venue": self.venue,
            "year": self.year,
            "dblp_key": self.dblp_key,
            "doi": self.doi,
            ("booktitle" if self.kind == "inproceedings" else "journal"): self.venue,
        }


@dataclass(frozen=True)
class Candidate:
    """A record the resolver considered for an entry, with its scores."""

    arxiv_id: str
    version: int
    title: str
    score: float
    title_score: float
    abstract_score: float | None

    def to_json(self) -> dict:
        return {
            "arxiv_id": self.arxiv_id,
            "version": self.version,
            "title": self.title,
            "score": round(self.score, 3),
            "title_score": round(self.title_score, 3),
            "abstract_score": None if self.abstract_score is None else round(self.abstract_score, 3),
        }


@dataclass(frozen=True)
class Resolution:
    """What the resolver decided for one entry, and why."""

    status: Status
    score: float | None = None
    arxiv_id: str | None = None
    version: int | None = None
    why: str = ""
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Paper:
    """A paper ready to write: its record, citation key, and the links of its entries."""

    record: Record
    key: str
    links: tuple[Link, ...] = ()
    published: Published | None = None


@dataclass(frozen=True)
class PublishedCheck:
    """What a look-up found a paper became: ``published`` (with the version), ``preprint`` or
    ``unknown`` (a service was down: asked again next time), and why."""

    status: Literal["published", "preprint", "unknown"]
    version: Published | None
    why: str
