"""What changed between two arXiv records of one paper: a new version's title, authors,
abstract, journal DOI or journal reference (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Record


@dataclass(frozen=True)
class Revision:
    """One paper's record as stored, against what arXiv says now.

    :param changes: what a reader of the bibliography would see change, in words
        (``title changed``, ``journal DOI 10.1063/1.1383585 added``); empty if nothing did.
    """

    arxiv_id: str
    old_version: int
    new_version: int
    changes: tuple[str, ...]

    @property
    def versioned(self) -> bool:
        """arXiv has a newer version than the one stored."""
        return self.new_version != self.old_version


def _same_text(a: str | None, b: str | None) -> bool:
    return " ".join((a or "").split()) == " ".join((b or "").split())


def _value_change(what: str, old: str | None, new: str | None) -> str | None:
    if _same_text(old, new):
        return None
    if not old:
        return f"{what} {new} added"
    if not new:
        return f"{what} {old} removed"
    return f"{what} {old} → {new}"


def record_changes(old: Record, new: Record) -> tuple[str, ...]:
    """What differs between the stored record ``old`` and arXiv's ``new`` one, in words."""
    out: list[str] = []
    if not _same_text(old.title, new.title):
        out.append("title changed")
    if list(old.authors) != list(new.authors):
        out.append(f"authors changed ({len(old.authors)} → {len(new.authors)})")
    if not _same_text(old.summary, new.summary):
        out.append("abstract changed")
    out += [
        c
        for c in (
            _value_change("journal DOI", old.journal_doi, new.journal_doi),
            _value_change("journal reference", old.journal_ref, new.journal_ref),
        )
        if c
    ]
    return tuple(out)


def revision(old: Record, new: Record) -> Revision | None:
    """The revision from ``old`` to ``new``, or None if nothing a reader sees changed."""
    changes = record_changes(old, new)
    if not changes and old.version == new.version:
        return None
    return Revision(new.arxiv_id, old.version, new.version, changes)
