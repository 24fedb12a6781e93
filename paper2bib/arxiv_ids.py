"""Recognising arXiv identifiers in text: new and old style, URLs, DOIs, prefixes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import mapdata

_NEW = r"(?P<new>(?:0[7-9]|[1-9]\d)(?:0[1-9]|1[0-2])\.\d{4,5})"
_OLD = r"(?P<old>(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.[A-Z]{2})?/\d{7})"
_VERSION = r"(?:v(?P<version>\d{1,5}))?"  # arXiv's most revised papers have a few dozen versions

#: An id standing alone (what ``paper2bib pin`` and id lists accept).
ID_RE = re.compile(rf"^(?:arxiv:)?\s*(?:{_NEW}|{_OLD}){_VERSION}$", re.IGNORECASE)

# Ids inside free text. The explicit forms (URL, DOI, "arXiv:" prefix) are tried first;
# a bare new-style id must stand apart from other digits; a bare old-style id needs a
# known archive name so "and/or 1234567" is never taken for one.
_TEXT_RE = re.compile(
    rf"""(?xi)
    (?:
        (?:(?:arxiv\.org|ar5iv\.org|alphaxiv\.org)/(?:abs|pdf|html|format|ps|overview)/|(?:huggingface\.co|hf\.co|(?<=[("'])(?=/papers/))/papers/)
        (?:{_NEW}|{_OLD}) {_VERSION} (?:\.pdf)?
      | 10\.48550/arxiv\.(?:{_NEW.replace("new", "dnew")}|{_OLD.replace("old", "dold").replace("archive", "darchive")}){_VERSION.replace("version", "dversion")}
      | arxiv\s*:\s*(?:{_NEW.replace("new", "pnew")}|{_OLD.replace("old", "pold").replace("archive", "parchive")}){_VERSION.replace("version", "pversion")}
      | (?<![\w./-]){_NEW.replace("new", "bnew")}{_VERSION.replace("version", "bversion")}(?!\w|\.\d)
      | (?<![\w./-]){_OLD.replace("old", "bold").replace("archive", "barchive")}{_VERSION.replace("version", "bversion2")}(?!\w)
    )
    """
)


@dataclass(frozen=True)
class ArxivRef:
    """An arXiv id found in text: the id without version, and the version if named."""

    arxiv_id: str
    version: int | None = None
    start: int = 0
    end: int = 0

    def __str__(self) -> str:
        return f"{self.arxiv_id}v{self.version}" if self.version else self.arxiv_id


def _canonical(ident: str) -> str:
    """An old-style id without its subject class: ``math.GT/0309136`` is ``math/0309136``."""
    return re.sub(r"^([a-z]+(?:-[a-z]+)?)\.[A-Za-z]{2}/", r"\1/", ident)


def _old_style_ok(ident: str) -> bool:
    archive = ident.split("/", maxsplit=1)[0].split(".", maxsplit=1)[0].lower()
    return archive in mapdata.old_style_archives()


def parse_id(text: str) -> ArxivRef | None:
    """Parse a lone arXiv id (``2409.19256v2``, ``hep-th/9901001``, ``arXiv:…``, a URL or DOI)."""
    text = text.strip()
    m = ID_RE.match(text)
    if m:
        ident = _canonical(m.group("new") or m.group("old"))
        if m.group("old") and not _old_style_ok(ident):
            return None
        v = m.group("version")
        return ArxivRef(ident, int(v) if v else None, 0, len(text))
    refs = find_ids(text)
    if len(refs) == 1 and (refs[0].end - refs[0].start) >= len(text) - 30:
        return refs[0]
    return None


def find_ids(text: str) -> list[ArxivRef]:
    """All arXiv ids in ``text``, in order of appearance, each once."""
    out: list[ArxivRef] = []
    seen: set[str] = set()
    for m in _TEXT_RE.finditer(text):
        g = m.groupdict()
        ident = _canonical(
            next(g[k] for k in ("new", "old", "dnew", "dold", "pnew", "pold", "bnew", "bold") if g.get(k))
        )
        if "/" in ident and not _old_style_ok(ident):
            continue
        ver = next((g[k] for k in ("version", "dversion", "pversion", "bversion", "bversion2") if g.get(k)), None)
        if ident in seen:
            continue
        seen.add(ident)
        out.append(ArxivRef(ident, int(ver) if ver else None, m.start(), m.end()))
    return out


#: Crossref's recommended DOI pattern (matches ~99.3% of DOIs), minus characters that
#: could close a BibTeX field or a LaTeX argument.
_DOI_RE = re.compile(r"10\.\d{4,9}/[-._;()/:A-Za-z0-9<>\[\]+]+")
#: An arXiv category code: ``cs.LG``, ``hep-th``, ``math-ph``, ``q-bio.NC``.
_CATEGORY_RE = re.compile(r"[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]{2,}(?:-[A-Za-z]+)?)?")
#: A bare arXiv id, without version.
_BARE_ID_RE = re.compile(rf"(?:{_NEW}|{_OLD})")


def clean_doi(value: str | None) -> str | None:
    """``value`` if it is a DOI (``10.1145/3620665.3640410``), else None. ``doi:`` and
    ``https://doi.org/`` prefixes are dropped."""
    if not value:
        return None
    v = re.sub(r"(?i)^\s*(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", "", value).strip()
    return v if _DOI_RE.fullmatch(v) else None


def is_category(value: str | None) -> bool:
    """True for an arXiv category code (``cs.LG``, ``hep-th``)."""
    return bool(value) and bool(_CATEGORY_RE.fullmatch(value or ""))


def is_arxiv_id(value: str) -> bool:
    """True for a bare arXiv id without version (``2409.19256``, ``hep-th/9901001``)."""
    return bool(_BARE_ID_RE.fullmatch(value))
