"""What a field may hold before it is written anywhere (pure, but for a warning).

Metadata comes from services and files paper2bib does not control. Before a record is stored
or written, every text field loses its control characters (C0 and C1: a tab or a line break
becomes a space) and bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069, which make
text read other than it is), and is cut at its cap with a marker, with a warning: a 1 MB
title would otherwise cost BibTeX's string pool, a LaTeX run and citeproc minutes.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any, TypeVar

from .links import not_a_web_link
from .models import Entry, Published, Record

log = logging.getLogger(__name__)
T = TypeVar("T", Record, Published, Entry)

#: the caps, in characters (the longest real values are far below: arXiv's longest titles are
#: ~300 characters, abstracts 1,920, collaborations list ~3,000 authors)
CAPS = {
    "title": 1000,
    "author": 300,
    "authors": 5000,  # names in one record
    "abstract": 10_000,
    "comment": 2000,
    "journal_ref": 1000,
    "venue": 500,
    "publisher": 300,
    "doi": 300,
    "pages": 100,
    "volume": 100,
    "number": 100,
    "url": 2000,
}
#: what marks a value that was cut
MARKER = " […]"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str, field: str, where: str = "") -> str:
    """``text`` without control or bidi-override characters, cut at the cap of ``field``."""
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda m: " " if m.group() in "\t\n\r\x0b\x0c\x85" else "", text)
    cap = CAPS[field]
    if len(text) > cap:
        log.warning("%s%s is %s characters long: cut at %s", where, field, f"{len(text):,}", f"{cap:,}")
        text = text[: cap - len(MARKER)].rstrip() + MARKER
    return text


def _authors(names: tuple[str, ...], where: str) -> tuple[str, ...]:
    if len(names) > CAPS["authors"]:
        log.warning("%s%s authors: the first %s kept", where, f"{len(names):,}", f"{CAPS['authors']:,}")
    return tuple(clean(a, "author", where) for a in names[: CAPS["authors"]])


def _cleaned(obj: T, where: str, fields: dict[str, str]) -> T:
    """``obj`` with each of ``fields`` (attribute → cap) clean; the same object when nothing changes."""
    changes: dict[str, Any] = {}
    for attr, cap in fields.items():
        value = getattr(obj, attr)
        if attr == "authors":
            changes[attr] = _authors(value, where)
        elif value is not None:
            changes[attr] = clean(value, cap, where)
    new = replace(obj, **changes)
    return obj if new == obj else new


def clean_record(r: Record) -> Record:
    """``r`` with every field clean and within its cap (the same object when nothing changes)."""
    fields = {"title": "title", "authors": "author", "summary": "abstract", "comment": "comment"}
    return _cleaned(r, f"arXiv:{r.arxiv_id}: ", fields | {"journal_ref": "journal_ref", "doi": "doi"})


def clean_published(p: Published) -> Published:
    """``p`` (DBLP's record of a published version) with every field clean and within its cap."""
    fields = {"title": "title", "authors": "author", "venue": "venue", "volume": "volume", "number": "number"}
    fields |= {"pages": "pages", "publisher": "publisher", "doi": "doi", "url": "url"}
    where = f"DBLP {p.dblp_key[:100]}: "
    if p.url and (why := not_a_web_link(p.url)):  # written as the paper's link: a web link or nothing
        log.warning("%sits url dropped (%s)", where, why)
        p = replace(p, url=None)
    return _cleaned(p, where, fields)


def clean_entry(e: Entry) -> Entry:
    """A digest's entry with its title, abstract and authors clean and within their caps."""
    return _cleaned(
        e, f"{e.source}: entry {e.position + 1}: ", {"title": "title", "abstract": "abstract", "authors": "author"}
    )
