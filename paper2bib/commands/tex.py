"""``paper2bib tex``: the arXiv papers a document cites but its bibliography lacks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..arxiv_ids import parse_id
from ..digest.bibfile import split_bib
from ..errors import InputError
from ..models import Entry, Paper
from ..services import Services
from ..texdocument import TexDocument, bib_ids, read_optional
from ..writers import render
from .add import add
from .papers import bib_keys, papers_for


@dataclass
class TexReport:
    """``paper2bib tex``: the cited keys, those filled, and those still missing."""

    cited: list[str]
    target: Path
    added: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    missing_files: list[Path] = field(default_factory=list)
    same_paper: list[tuple[str, str, str | None]] = field(
        default_factory=list
    )  # (key, other key, arXiv id if both new)
    outside: list[str] = field(default_factory=list)
    text: str = ""  # what to append to the target (empty: nothing)


def fill_citations(svc: Services, doc: TexDocument, target: Path, target_text: str) -> TexReport:
    """The keys ``doc`` cites that none of its bibliographies has (``target_text`` is the
    target's current text): those that are arXiv ids, or keys of the library, resolved and
    rendered under exactly the cited key, each paper once."""
    report = TexReport(doc.cited, target, invalid=list(doc.invalid), outside=list(doc.outside))
    have, ids_in_files = _present(doc, target, target_text, report)
    wanted = _wanted(svc, doc, [k for k in doc.cited if k not in have], report)
    if not wanted:
        return report
    lib = svc.store
    ids = add(svc, list(wanted.values())).per_entry
    stored = {s.id: s for s in lib.entries(ids)}
    first_key: dict[str, str] = {}
    papers: list[Paper] = []
    for k, paper in zip(wanted, papers_for(lib, [(stored[eid], k) for k, eid in zip(wanted, ids)])):
        if not paper:
            report.missing.append(k)
            continue
        aid = paper.record.arxiv_id
        if aid in ids_in_files:
            report.same_paper.append((k, ids_in_files[aid], None))
        if aid in first_key:
            report.same_paper.append((k, first_key[aid], aid))
        first_key.setdefault(aid, k)
        papers.append(paper)
        report.added.append(k)
    if papers:
        end = "" if not target_text or target_text.endswith("\n\n") else "\n" if target_text.endswith("\n") else "\n\n"
        report.text = end + render("bibtex", papers)
    return report


def _present(doc: TexDocument, target: Path, target_text: str, report: TexReport) -> tuple[set[str], dict[str, str]]:
    """The keys the bibliographies already hold, and the arXiv papers they cite (id → key)."""
    have: set[str] = set()
    ids_in_files: dict[str, str] = {}
    for bib in dict.fromkeys([*doc.bibliographies, target]):
        text = target_text if bib == target else read_optional(bib) if bib.exists() else None
        if text is None:
            if bib != target:
                report.missing_files.append(bib)
            continue
        try:
            have |= {c.key for c in split_bib(text, strict=False) if c.kind in ("entry", "broken")}
        except InputError as e:
            raise InputError(f"{bib}: {e}") from None
        for a, k in bib_ids(text).items():
            ids_in_files.setdefault(a, k)
    return have, ids_in_files


def _wanted(svc: Services, doc: TexDocument, missing: list[str], report: TexReport) -> dict[str, Entry]:
    """The missing keys paper2bib can fill — arXiv ids, keys of the library — as entries; the
    others go to ``report.missing``."""
    if not missing:
        return {}
    lib = svc.store
    by_key = lib.citekeys_by_key() | {k: a for a, k in bib_keys(lib.entries()).items()}
    wanted: dict[str, Entry] = {}
    for k in missing:
        ref = parse_id(k)
        if ref:
            wanted[k] = Entry(title=None, arxiv_id=ref.arxiv_id, version=ref.version, source=str(doc.path))
        elif k in by_key:
            wanted[k] = Entry(title=None, arxiv_id=by_key[k], source=str(doc.path))
        else:
            report.missing.append(k)
    return wanted
