"""Zotero item JSON for arXiv papers, as Zotero's own arXiv translator makes it (pure functions).

Plus what the translator lacks: ``Citation Key`` (the export's key, for Better BibTeX
users), and code / project links as child ``linked_url`` attachments.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .. import mapdata
from ..arxiv_ids import find_ids
from ..links import label
from ..models import PUBLISHED_ONLY, Link, Paper, Published, shown_id
from ..names import split_name
from ..text import published_line, rich_text

COMMENT_MARKER = "arXiv comment:"


def creator(raw: str) -> dict:
    """A Zotero author: ``firstName``/``lastName`` (particles kept in the last name), or ``name``."""
    n = split_name(raw)
    if n.literal or not n.given:
        return {"creatorType": "author", "name": n.family}
    last = n.full_family + (f", {n.suffix}" if n.suffix else "")
    return {"creatorType": "author", "firstName": n.given, "lastName": last}


def category_tag(code: str) -> str:
    """``cs.LG`` → ``Computer Science - Machine Learning``, as Zotero's arXiv translator tags."""
    cats = mapdata.load("arxiv-categories.json")["categories"]
    c = cats.get(code)
    if not c:
        return code
    return c["name"] if c["archive_name"] == c["name"] else f"{c['archive_name']} - {c['name']}"


def preprint(paper: Paper, collections: Iterable[str] = (), with_citation_key_field: bool = True) -> dict:
    """The ``preprint`` item for a paper."""
    conf = mapdata.load("fields.toml")["zotero"]
    r = paper.record
    ident = shown_id(r.arxiv_id) if r.published_only else f"arXiv:{r.arxiv_id}"
    extra = [ident + (f" [{r.primary_category}]" if r.primary_category else ""), f"Citation Key: {paper.key}"]
    if r.is_published:
        extra.append(published_line(r.journal_ref, r.journal_doi))
    item = {
        "itemType": conf["item_type"],
        "title": rich_text(r.title),
        "creators": [creator(a) for a in r.authors],
        "abstractNote": rich_text(r.summary),
        "date": r.published,
        "repository": conf["repository"],
        "archiveID": f"arXiv:{r.arxiv_id}",
        "DOI": r.datacite_doi,
        "url": r.abs_url,
        "extra": "\n".join(extra),
        "libraryCatalog": "arXiv.org",
        "tags": [
            {"tag": category_tag(c)}
            for c in dict.fromkeys(r.categories or ([r.primary_category] if r.primary_category else []))
        ],
        "collections": list(collections),
    }
    if with_citation_key_field:
        item["citationKey"] = paper.key
    return item


#: the event in a proceedings title: "…, ICLR 2024, Vienna, Austria", "NeurIPS 2023", "EuroSys '25"
_EVENT = re.compile(r"\b([A-Z][A-Za-z]*[A-Z][A-Za-z]*)\s*['’]?\s*((?:19|20)\d{2})\b")


def event_name(pub: Published) -> str:
    """The conference a proceedings paper was given at (``ICLR 2024``), not the proceedings'
    title: as the title names it, else by the short name of its DBLP stream
    (``mappings/venues.toml``) and the year; empty when neither says."""
    if m := _EVENT.search(pub.venue):
        return f"{m.group(1)} {m.group(2)}"
    short = mapdata.load("venues.toml")["short"].get("/".join(pub.dblp_key.split("/")[:2]))
    return f"{short.removeprefix('Proc. ')} {pub.year}" if short else ""


def zotero_item(paper: Paper, collections: Iterable[str] = (), with_citation_key_field: bool = True) -> dict:
    """The item for a paper: its published version's type when there is one, else a ``preprint``.

    As Zotero's own translators make them: ``conferencePaper`` (``proceedingsTitle``,
    ``conferenceName``, ``publisher``, ``pages``, ``DOI``) or ``journalArticle``
    (``publicationTitle``, ``volume``, ``issue``, ``pages``, ``DOI``). The arXiv id stays in
    ``extra``, so the item is still found as that arXiv paper (a paper not on arXiv: its
    DBLP key, ``DBLP:conf/cvpr/HeZRS16``).
    """
    item = preprint(paper, collections, with_citation_key_field)
    pub = paper.published
    if pub is None:
        return item
    for name in ("repository", "archiveID"):  # preprint fields only
        item.pop(name)
    if paper.record.published_only:
        item.pop("abstractNote")  # DBLP has none; an abstract the user adds stays theirs
    item.update(
        {
            "itemType": "conferencePaper" if pub.kind == "inproceedings" else "journalArticle",
            "title": rich_text(pub.title),
            "creators": [creator(a) for a in pub.authors],
            "date": str(pub.year),
            "DOI": pub.doi or "",
            "url": pub.url or paper.record.abs_url,
            "pages": pub.pages or "",
            "libraryCatalog": "DBLP Computer Science Bibliography",
        }
    )
    if pub.kind == "inproceedings":
        item.update(
            {"proceedingsTitle": pub.venue, "conferenceName": event_name(pub), "publisher": pub.publisher or ""}
        )
    else:
        item.update({"publicationTitle": pub.venue, "volume": pub.volume or "", "issue": pub.number or ""})
    return item


def link_attachment(link: Link, parent: str) -> dict:
    """A child ``linked_url`` attachment for a code / project link."""
    return {
        "itemType": "attachment",
        "parentItem": parent,
        "linkMode": "linked_url",
        "title": label(link.kind),
        "url": link.url,
        "contentType": "",
        "charset": "",
        "note": "",
        "tags": [],
        "relations": {},
    }


def comment_note(comment: str, parent: str) -> dict:
    """A child note holding the arXiv comment."""
    safe = comment.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return {
        "itemType": "note",
        "parentItem": parent,
        "note": f"<p>{COMMENT_MARKER} {safe}</p>",
        "tags": [],
        "relations": {},
    }


def arxiv_ids_of(data: dict) -> set[str]:
    """The arXiv ids an existing Zotero item names, in ``archiveID``, ``extra``, ``url`` or ``DOI``.

    Items the user made by hand or with the Zotero Connector count too.
    """
    found: set[str] = set()
    for line in (data.get("extra") or "").splitlines():  # a paper not on arXiv, as paper2bib names it
        if m := re.match(r"DBLP:(\S+)", line.strip()):
            found.add(PUBLISHED_ONLY + m.group(1))
    for field in ("archiveID", "extra", "url", "DOI"):
        value = data.get(field) or ""
        if field == "extra":
            value = "\n".join(
                line for line in value.splitlines() if re.match(r"(?i)\s*arxiv", line) or "arxiv.org" in line
            )
        if field == "url" and "arxiv.org" not in value:
            continue
        if field == "DOI" and "10.48550" not in value:
            continue
        found.update(ref.arxiv_id for ref in find_ids(value))
    return found


#: The fields of an item paper2bib owns: it keeps them up to date unless the user edited them.
OWNED_FIELDS = (
    "itemType",
    "title",
    "creators",
    "date",
    "DOI",
    "url",
    "abstractNote",
    "citationKey",
    "extra",
    "repository",
    "archiveID",
    "proceedingsTitle",
    "conferenceName",
    "publisher",
    "publicationTitle",
    "volume",
    "issue",
    "pages",
)
#: Fields every item type paper2bib writes has: the ones it may still update when the user
#: changed an item's type.
_COMMON_FIELDS = ("title", "creators", "date", "DOI", "url", "abstractNote", "citationKey", "extra")
#: The lines of ``extra`` paper2bib writes; the user's other lines are theirs.
_OWNED_EXTRA = re.compile(r"^(?:arXiv:|DBLP:|Citation Key:|Published in |doi: )")


def _extra_lines(extra: str, owned: bool) -> list[str]:
    return [line for line in (extra or "").splitlines() if bool(_OWNED_EXTRA.match(line)) == owned]


def owned_fields(item: dict) -> dict:
    """The owned fields of an item (``extra``: only paper2bib's lines), as comparable values."""
    out = {f: item[f] for f in OWNED_FIELDS if f in item and f != "extra"}
    out["extra"] = "\n".join(_extra_lines(item.get("extra") or "", owned=True))
    return out


def merge_owned(current: dict, written: dict, desired: dict) -> tuple[dict, list[str], dict]:
    """A three-way merge of an item's owned fields.

    ``current`` is the item as Zotero holds it, ``written`` what paper2bib last wrote,
    ``desired`` what it would write now. A field Zotero still holds as written takes the
    desired value; one the user changed keeps the user's value. Returns the changes to send
    (full field values), the names of the fields kept for the user, and the owned fields
    as paper2bib has now written (or, for a kept field, offered) them.
    """
    now = owned_fields(current)
    changes: dict = {}
    kept: list[str] = []
    new_written = dict(written)
    for field in OWNED_FIELDS:
        if field not in desired or desired.get(field) == written.get(field):
            continue
        if now.get(field) == desired.get(field):
            new_written[field] = desired[field]
        elif now.get(field) == written.get(field):
            new_written[field] = desired[field]
            if field == "extra":  # our lines replaced, the user's lines kept after them
                user = _extra_lines(current.get("extra") or "", owned=False)
                changes["extra"] = "\n".join([*desired["extra"].splitlines(), *user])
            else:
                changes[field] = desired[field]
        else:  # the user's value stands; what paper2bib offered is remembered, so it is said once
            kept.append(field)
            new_written[field] = desired[field]
    if "itemType" in kept:  # the user chose the type: only the fields every type has may change
        changes = {f: v for f, v in changes.items() if f in _COMMON_FIELDS}
    return changes, kept, new_written
