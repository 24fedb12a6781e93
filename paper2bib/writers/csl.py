"""CSL-JSON, following Zotero's preprint → CSL mapping (``type: article``).

Titles become CSL rich text (:func:`paper2bib.text.rich_text`): unicode, ``<sup>``/``<sub>``
for scripts, ``<span class="nocase">`` on words whose case matters. Code and project links
go in ``custom`` (CSL 1.0.2's place for extra data) and, for engines that ignore it,
in ``note``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from .. import mapdata
from ..links import attached, label
from ..models import Link, Paper, Record
from ..names import split_name
from ..text import published_line, rich_text


def csl_name(raw: str) -> dict:
    n = split_name(raw)
    if n.literal or not n.given:
        return {"literal": n.family}
    out = {"family": n.family, "given": n.given}
    if n.particle:
        out["non-dropping-particle"] = n.particle
    if n.suffix:
        out["suffix"] = n.suffix
    return out


def _date_parts(iso: str) -> list[list[int]]:
    return [[int(p) for p in iso.split("-") if p.isdigit()][:3]]


def csl_item(record: Record, key: str, links: Sequence[Link], abstracts: bool = True, sentence: bool = True) -> dict:
    """One CSL-JSON item for ``record``."""
    conf = mapdata.load("fields.toml")["csl"]
    item: dict = {
        "id": key,
        "citation-key": key,
        "type": conf["type"],
        "title": rich_text(record.title, protect=True, sentence=sentence),
        "author": [csl_name(a) for a in record.authors],
        "issued": {"date-parts": _date_parts(record.published)},
        "publisher": conf["publisher"],
        "number": f"arXiv:{record.arxiv_id}",
        "DOI": record.datacite_doi,
        "URL": record.abs_url,
    }
    if abstracts and record.summary:
        item["abstract"] = rich_text(record.summary)
    notes = [published_line(record.journal_ref, record.journal_doi)] if record.is_published else []
    custom: dict[str, list[str]] = {}
    for link in attached(links):
        custom.setdefault(link.kind, []).append(link.url)
    if custom:
        item["custom"] = custom
        notes.append("; ".join(f"{label(link.kind)}: {link.url}" for link in attached(links)))
    if notes:
        item["note"] = ". ".join(notes)
    return item


def published_item(paper: Paper, abstracts: bool = True, sentence: bool = True) -> dict:
    """A ``paper-conference`` or ``article-journal`` item for a published paper."""
    pub = paper.published
    assert pub is not None
    item = csl_item(paper.record, paper.key, paper.links, abstracts, sentence)
    for name in ("publisher", "number", "DOI", "URL", "note"):
        item.pop(name, None)
    item.update(
        {
            "type": "paper-conference" if pub.kind == "inproceedings" else "article-journal",
            "title": rich_text(pub.title, protect=True, sentence=sentence),
            "author": [csl_name(a) for a in pub.authors],
            "container-title": pub.venue,
            "issued": {"date-parts": [[pub.year]]},
        }
    )
    extra = {
        "volume": pub.volume,
        "issue": pub.number,
        "page": pub.pages,
        "publisher": pub.publisher,
        "DOI": pub.doi,
        "URL": pub.url,
    }
    item.update({k: v for k, v in extra.items() if v})
    if pub.kind == "inproceedings":
        item["event-title"] = pub.venue
    notes = [] if paper.record.published_only else [f"arXiv:{paper.record.arxiv_id}"]
    if paper.links:
        notes.append("; ".join(f"{label(link.kind)}: {link.url}" for link in attached(paper.links)))
    if note := ". ".join(n for n in notes if n):
        item["note"] = note
    return item


def render_csl_json(papers: Sequence[Paper], abstracts: bool = True, sentence: bool = True) -> str:
    """A CSL-JSON array of ``papers`` (as ``json.dumps(items, indent=2)`` writes it).

    Item by item: each is made, encoded and let go, so memory holds the text, not every item
    and every small piece of its encoding at once."""
    if not papers:
        return "[]\n"
    parts: list[bytes] = []
    for p in papers:
        item = (
            published_item(p, abstracts, sentence)
            if p.published
            else csl_item(p.record, p.key, p.links, abstracts, sentence)
        )
        # UTF-8 until the end: one emoji makes a str 4 bytes a character, its UTF-8 stays at 1
        parts.append(("  " + json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")).encode())
    return (b"[\n" + b",\n".join(parts) + b"\n]\n").decode()
