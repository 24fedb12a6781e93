"""A BibTeX / biblatex file: its entries that carry an arXiv id become entries."""

from __future__ import annotations

import re

import bibtexparser
from bibtexparser.bparser import BibTexParser

from ..arxiv_ids import find_ids, parse_id
from ..links import extract_links
from ..models import Entry
from ..text import latex_to_unicode, squash_space

_ENTRY_START = re.compile(r"^\s*@\s*[a-zA-Z]+\s*[{(]", re.MULTILINE)


def looks_like(text: str) -> bool:
    return bool(_ENTRY_START.search(text))


def _arxiv_ref(fields: dict[str, str]):
    eprint = fields.get("eprint", "").strip()
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
    if eprint and prefix in ("", "arxiv"):
        ref = parse_id(eprint)
        if ref:
            return ref
    for name in ("doi", "url", "journal", "note", "howpublished", "eprint"):
        value = fields.get(name, "")
        refs = find_ids(value)
        if refs:
            return refs[0]
    return None


def parse(text: str, source: str) -> list[Entry]:
    """Entries with an arXiv id in ``eprint``, an arXiv URL or DOI, or ``arXiv:`` in a note."""
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False, interpolate_strings=True)
    try:
        db = bibtexparser.loads(text, parser=parser)
    except Exception:  # bibtexparser 1.x raises assorted errors on broken files
        return []
    out: list[Entry] = []
    seen: set[str] = set()
    for fields in db.entries:
        ref = _arxiv_ref(fields)
        if not ref or ref.arxiv_id in seen:
            continue
        seen.add(ref.arxiv_id)
        title = squash_space(latex_to_unicode(fields["title"])) if fields.get("title") else None
        abstract = squash_space(latex_to_unicode(fields["abstract"])) if fields.get("abstract") else None
        out.append(
            Entry(
                title=title,
                abstract=abstract,
                arxiv_id=ref.arxiv_id,
                version=ref.version,
                links=extract_links(abstract),
                source=source,
                position=len(out),
            )
        )
    return out
