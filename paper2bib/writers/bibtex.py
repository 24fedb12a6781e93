"""BibTeX (``@misc``, ASCII, for any LaTeX) and biblatex (``@online``, UTF-8) entries.

Follows arXiv's own BibTeX export (``@misc`` with ``eprint``, ``archivePrefix``,
``primaryClass``, ``url``) and Better BibTeX where they agree; see the README for where
and why paper2bib differs. Entries are built as field dicts and written with
bibtexparser's writer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bibtexparser.bibdatabase import BibDatabase, BibDataString
from bibtexparser.bwriter import BibTexWriter

from .. import mappings
from ..links import label
from ..models import Link, Paper, Record
from ..names import Name, split_name
from .latex import escape_text, to_latex


def _name_part(text: str, ascii_only: bool) -> str:
    out = escape_text(text, ascii_only)
    # a part holding " and " or a comma would split the name list: keep it one unit
    return "{" + out + "}" if re.search(r"(?i)\band\b|,", text) else out


def bibtex_name(name: Name, ascii_only: bool = True) -> str:
    """``von Last, Jr, First`` form, or ``{Literal}`` for names that cannot be split."""
    if name.literal or not name.given:
        return "{" + escape_text(name.family, ascii_only) + "}"
    family = _name_part(name.family, ascii_only)
    if name.particle:
        family = escape_text(name.particle, ascii_only) + " " + family
    parts = [family]
    if name.suffix:
        parts.append(_name_part(name.suffix, ascii_only))
    parts.append(_name_part(name.given, ascii_only))
    return ", ".join(parts)


def safe_url(url: str) -> str:
    """A URL that cannot unbalance a field or break ``\\url``: braces, backslashes and spaces encoded."""
    return (
        url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D").replace(" ", "%20").replace('"', "%22")
    )


def _link_fields(links: Sequence[Link], fmap: dict[str, str]) -> dict[str, str]:
    fields: dict[str, list[str]] = {}
    for link in links:
        name = fmap.get(link.kind)
        if name:
            fields.setdefault(name, []).append(safe_url(link.url))
    return {k: " ".join(v) for k, v in fields.items()}


def _links_note(links: Sequence[Link], fmap: dict[str, str]) -> str:
    visible = [link for link in links if link.kind in fmap]
    return "; ".join(f"{label(link.kind)}: \\url{{{_url_arg(link.url)}}}" for link in visible)


def _url_arg(url: str) -> str:
    return safe_url(url).replace("%", "\\%").replace("#", "\\#")


def _join_note(*parts: str) -> str:
    return ". ".join(p for p in parts if p)


def bibtex_fields(record: Record, links: Sequence[Link], abstracts: bool, links_in_note: bool) -> dict:
    """The fields of a BibTeX ``@misc`` entry for ``record`` (values are LaTeX)."""
    conf = mappings.load("fields.toml")
    months = conf["months"]
    fields: dict = {
        "title": to_latex(record.title, ascii_only=True, protect=True),
        "author": " and ".join(bibtex_name(split_name(a)) for a in record.authors) or "{Anonymous}",
        "year": record.year,
        "eprint": record.arxiv_id,
        "archiveprefix": "arXiv",
        "doi": record.best_doi,
        "url": record.abs_url,
    }
    month = int(record.published[5:7]) if len(record.published) >= 7 else 0
    if 1 <= month <= 12:
        fields["month"] = months[month - 1]
    if record.primary_category:
        fields["primaryclass"] = record.primary_category
    note = to_latex(record.journal_ref) if record.journal_ref else ""
    if links_in_note:
        note = _join_note(note, _links_note(links, conf["bibtex"]["links"]))
    if note:
        fields["note"] = note
    if abstracts and record.summary:
        fields["abstract"] = to_latex(record.summary)
    fields.update(_link_fields(links, conf["bibtex"]["links"]))
    return fields


def biblatex_fields(record: Record, links: Sequence[Link], abstracts: bool, links_in_note: bool) -> dict:
    """The fields of a biblatex ``@online`` entry for ``record`` (UTF-8 kept where LaTeX can set it)."""
    conf = mappings.load("fields.toml")
    fields: dict = {
        "title": to_latex(record.title, ascii_only=False, protect=True),
        "author": " and ".join(bibtex_name(split_name(a), ascii_only=False) for a in record.authors) or "{Anonymous}",
        "date": record.published,
        "eprinttype": "arxiv",
        "eprint": record.arxiv_id,
        "pubstate": "prepublished",
        "doi": record.best_doi,
        "url": record.abs_url,
    }
    if record.primary_category:
        fields["eprintclass"] = record.primary_category
    if record.journal_ref:
        fields["note"] = to_latex(record.journal_ref, ascii_only=False)
    if links_in_note:
        addendum = _links_note(links, conf["biblatex"]["links"])
        if addendum:
            fields["addendum"] = addendum
    if abstracts and record.summary:
        fields["abstract"] = to_latex(record.summary, ascii_only=False)
    fields.update(_link_fields(links, conf["biblatex"]["links"]))
    return fields


def _write(db: BibDatabase, entries: list[dict], order: list[str]) -> str:
    db.entries = entries
    writer = BibTexWriter()
    writer.indent = "  "
    writer.order_entries_by = None
    writer.display_order = order
    writer.add_trailing_comma = True
    return writer.write(db)


def _render(papers: Sequence[Paper], style: str, make_fields, abstracts: bool, links_in_note: bool) -> str:
    conf = mappings.load("fields.toml")[style]
    db = BibDatabase()
    entries = []
    for paper in papers:
        fields = make_fields(paper.record, paper.links, abstracts, links_in_note)
        if "month" in fields:
            fields["month"] = BibDataString(db, fields["month"])
        entries.append({"ENTRYTYPE": conf["entry_type"], "ID": paper.key, **fields})
    return _write(db, entries, conf["order"])


def render_bibtex(papers: Sequence[Paper], abstracts: bool = False, links_in_note: bool = False) -> str:
    """``@misc`` entries, ASCII only, for BibTeX and natbib styles."""
    return _render(papers, "bibtex", bibtex_fields, abstracts, links_in_note)


def render_biblatex(papers: Sequence[Paper], abstracts: bool = False, links_in_note: bool = False) -> str:
    """``@online`` entries for biblatex + biber."""
    return _render(papers, "biblatex", biblatex_fields, abstracts, links_in_note)
