"""BibTeX (``@misc``, ASCII, for any LaTeX) and biblatex (``@online``, UTF-8) entries.

Follows arXiv's own BibTeX export (``@misc`` with ``eprint``, ``archivePrefix``,
``primaryClass``, ``url``) and Better BibTeX where they agree; see the README for where
and why paper2bib differs. Entries are built as field dicts and written with
bibtexparser's writer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from bibtexparser.bibdatabase import BibDatabase, BibDataString
from bibtexparser.bwriter import BibTexWriter

from .. import mapdata
from ..arxiv_ids import clean_doi, is_arxiv_id, is_category
from ..links import attached, label
from ..models import Link, Paper, Published, Record
from ..names import Name, split_name
from .latex import escape_text, to_latex


def _name_part(text: str, ascii_only: bool) -> str:
    out = escape_text(text, ascii_only)
    # a part holding " and " or a comma would split the name list: keep it one unit
    return "{" + out + "}" if re.search(r"(?i)\band\b|,", text) else out


@lru_cache(maxsize=1 << 14)  # pure; an author of many papers is written once
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


def _authors(authors: Sequence[str], ascii_only: bool) -> str:
    """The ``author`` field: names joined by ``and``; names with no text left out."""
    names = [bibtex_name(split_name(a), ascii_only) for a in authors]
    return " and ".join(n for n in names if n.strip("{}, ")) or "{Anonymous}"


def safe_url(url: str) -> str:
    """A URL that cannot unbalance a field or break ``\\url``: braces, backslashes and spaces encoded."""
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D").replace(" ", "%20").replace('"', "%22")


def _link_fields(links: Sequence[Link], fmap: dict[str, str] | None = None) -> tuple[dict[str, str], list[Link]]:
    """Link fields, one URL each (so ``\\url{#1}`` works): per kind (``code``, ``project``, …;
    a second of a kind in ``code2``…), or as ``fmap`` maps kinds to fields, with the links
    left over when a mapped field is taken."""
    fields: dict[str, str] = {}
    extra: list[Link] = []
    for link in attached(links):
        name = (fmap or {}).get(link.kind, link.kind)
        if name in fields and fmap is not None:
            extra.append(link)
            continue
        n = 1
        while (field := name if n == 1 else f"{name}{n}") in fields:
            n += 1
        fields[field] = safe_url(link.url)
    return fields, extra


def _links_note(links: Sequence[Link]) -> str:
    return "; ".join(f"{label(link.kind)}: \\url{{{_url_arg(link.url)}}}" for link in attached(links))


def _url_arg(url: str) -> str:
    return safe_url(url).replace("%", "\\%").replace("#", "\\#")


def _join_note(*parts: str) -> str:
    return ". ".join(p for p in parts if p)


def _published_note(record: Record, ascii_only: bool) -> str:
    """Where arXiv says the paper was published: its journal reference and DOI, as text.

    The entry itself describes the preprint (arXiv's DOI, ``eprint``); the published
    version is named here, never mixed into the preprint's fields.
    """
    parts = []
    if record.journal_ref:
        parts.append("Published in " + to_latex(record.journal_ref, ascii_only=ascii_only))
    doi = clean_doi(record.journal_doi)
    if doi:
        parts.append("doi: " + escape_text(doi, ascii_only))
    return ", ".join(parts)


def _identity_fields(record: Record) -> dict[str, str]:
    """``eprint``, ``doi``, ``url`` of a valid arXiv id; an id that is not one is only text."""
    if not is_arxiv_id(record.arxiv_id):
        return {"eprint": escape_text(record.arxiv_id)}
    return {"eprint": record.arxiv_id, "doi": record.datacite_doi, "url": record.abs_url}


def _date(record: Record) -> str:
    return record.published if re.fullmatch(r"\d{4}-\d{2}-\d{2}", record.published) else ""


def bibtex_fields(record: Record, links: Sequence[Link], abstracts: bool, links_in_note: bool) -> dict:
    """The fields of a BibTeX ``@misc`` entry for ``record`` (values are LaTeX)."""
    conf = mapdata.load("fields.toml")
    months = conf["months"]
    ident = _identity_fields(record)
    date = _date(record)
    fields: dict = {
        "title": to_latex(record.title, ascii_only=True, protect=True),
        "author": _authors(record.authors, ascii_only=True),
        "eprint": ident["eprint"],
        "archiveprefix": "arXiv",
        **{k: v for k, v in ident.items() if k != "eprint"},
    }
    if date:  # a checked YYYY-MM-DD; a month out of range is left out
        fields["year"] = date[:4]
        if 1 <= int(date[5:7]) <= 12:
            fields["month"] = months[int(date[5:7]) - 1]
    if is_category(record.primary_category):
        fields["primaryclass"] = record.primary_category
    note = _published_note(record, ascii_only=True)
    if links_in_note:
        note = _join_note(note, _links_note(links))
    if note:
        fields["note"] = note
    if abstracts and record.summary:
        fields["abstract"] = to_latex(record.summary)
    fields.update(_link_fields(links)[0])
    return fields


def biblatex_fields(record: Record, links: Sequence[Link], abstracts: bool, links_in_note: bool) -> dict:
    """The fields of a biblatex ``@online`` entry for ``record`` (UTF-8 kept where LaTeX can set it).

    Only fields of biblatex's default data model, so biber keeps every one: the links go
    in the verbatim fields ``verba`` (code), ``verbb`` (project page), ``verbc`` (the rest).
    """
    conf = mapdata.load("fields.toml")
    ident = _identity_fields(record)
    fields: dict = {
        "title": to_latex(record.title, ascii_only=False, protect=True),
        "author": _authors(record.authors, ascii_only=False),
        "date": _date(record),
        "eprinttype": "arxiv",
        **ident,
    }
    if not fields["date"]:
        fields.pop("date")
    if not record.is_published:
        fields["pubstate"] = "prepublished"
    if is_category(record.primary_category):
        fields["eprintclass"] = record.primary_category
    note = _published_note(record, ascii_only=False)
    if note:
        fields["note"] = note
    verbatim, extra = _link_fields(links, conf["biblatex"]["links"])
    addendum = _links_note(links if links_in_note else extra)  # what the three verbatim fields cannot hold
    if addendum:
        fields["addendum"] = addendum
    if abstracts and record.summary:
        fields["abstract"] = to_latex(record.summary, ascii_only=False)
    fields.update(verbatim)
    return fields


def _venue_fields(pub: Published, ascii_only: bool, biblatex: bool) -> dict[str, str]:
    """The published version's own fields, from DBLP's record (untrusted: all escaped or checked)."""
    venue_field = "booktitle" if pub.kind == "inproceedings" else ("journaltitle" if biblatex else "journal")
    fields = {
        "title": to_latex(pub.title, ascii_only=ascii_only, protect=True),
        "author": _authors(pub.authors, ascii_only),
        venue_field: to_latex(pub.venue, ascii_only=ascii_only),
    }
    for name in ("volume", "number", "publisher"):
        value = getattr(pub, name)
        if value:
            fields[name] = escape_text(value, ascii_only)
    if pub.pages:
        fields["pages"] = escape_text(pub.pages, ascii_only).replace("-", "--")
    if biblatex:
        fields["date"] = str(pub.year)
    else:
        fields["year"] = str(pub.year)
    doi = clean_doi(pub.doi)
    if doi:
        fields["doi"] = doi if biblatex else escape_text(doi, ascii_only)
    if pub.url and pub.url.startswith(("https://", "http://")):
        fields["url"] = safe_url(pub.url)
    return fields


def published_fields(paper: Paper, style: str, abstracts: bool, links_in_note: bool) -> dict:
    """An ``@inproceedings``/``@article`` entry for a published paper, with the preprint's eprint
    fields (a paper found in DBLP only has none)."""
    pub = paper.published
    assert pub is not None
    biblatex = style == "biblatex"
    base = (biblatex_fields if biblatex else bibtex_fields)(paper.record, paper.links, abstracts, links_in_note)
    drop = {"title", "author", "year", "month", "date", "pubstate", "note", "doi", "url"}
    if paper.record.published_only:  # never on arXiv: no eprint to name
        drop |= {"eprint", "archiveprefix", "primaryclass", "eprinttype", "eprintclass"}
    fields = {k: v for k, v in base.items() if k not in drop}
    fields.update(_venue_fields(pub, ascii_only=not biblatex, biblatex=biblatex))
    if links_in_note and (addendum := _links_note(paper.links)):
        fields["addendum" if biblatex else "note"] = addendum
    return {"ENTRYTYPE": pub.kind, **fields}


def _write(db: BibDatabase, entries: list[dict], order: list[str]) -> str:
    db.entries = entries
    writer = BibTexWriter()
    writer.indent = "  "
    writer.order_entries_by = None
    writer.display_order = order
    writer.add_trailing_comma = True
    return writer.write(db)


def _render(papers: Sequence[Paper], style: str, make_fields, abstracts: bool, links_in_note: bool) -> str:
    conf = mapdata.load("fields.toml")[style]
    db = BibDatabase()
    entries = []
    for paper in papers:
        if paper.published:
            fields = published_fields(paper, style, abstracts, links_in_note)
        else:
            fields = {
                "ENTRYTYPE": conf["entry_type"],
                **make_fields(paper.record, paper.links, abstracts, links_in_note),
            }
        if "month" in fields:
            fields["month"] = BibDataString(db, fields["month"])
        entries.append({"ID": paper.key, **fields})
    return _write(db, entries, conf["order"])


def render_bibtex(papers: Sequence[Paper], abstracts: bool = False, links_in_note: bool = False) -> str:
    """``@misc`` entries, ASCII only, for BibTeX and natbib styles."""
    return _render(papers, "bibtex", bibtex_fields, abstracts, links_in_note)


def render_biblatex(papers: Sequence[Paper], abstracts: bool = False, links_in_note: bool = False) -> str:
    """``@online`` entries for biblatex + biber."""
    return _render(papers, "biblatex", biblatex_fields, abstracts, links_in_note)
