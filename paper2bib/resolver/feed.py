"""Reading an arXiv API answer (an Atom feed) into :class:`Record` s (pure).

The answer is untrusted: it is parsed without entities or network access, must be
well-formed and carry ``opensearch:totalResults`` (a truncated answer can still look like
XML), and an entry whose id or version is not arXiv's syntax is dropped with a warning.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from lxml import etree

from ..arxiv_ids import clean_doi, is_arxiv_id, is_category
from ..limits import clean_record
from ..models import Record

log = logging.getLogger(__name__)

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
    "arxiv": "http://arxiv.org/schemas/atom",
}
MAX_VERSION = 10_000  # arXiv's most revised papers have a few dozen versions
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=False, huge_tree=False)
_HEADER_LINK = re.compile(rb"<link\b[^>]*?/>")


class MalformedFeed(ValueError):
    """The answer is not a complete Atom feed."""


@dataclass(frozen=True)
class Feed:
    """One page of an arXiv answer."""

    total: int  # results of the whole query
    start: int  # index of this page's first result
    records: tuple[Record, ...]
    entries: int  # entries on this page, dropped ones included (errors, bad ids)
    echo: str | None  # the query as arXiv read it (the feed's title)


def repair_feed(content: bytes) -> bytes:
    """An Atom answer that an XML parser reads without loss, or the answer unchanged.

    arXiv echoes the query in the feed's own ``<link href>`` without escaping its
    quotes. The feed-level links carry nothing paper2bib reads, so they are removed; an
    answer still malformed is left for :func:`parse_feed` to reject.
    """
    if _well_formed(content):
        return content
    head, sep, rest = content.partition(b"<entry>")
    repaired = _HEADER_LINK.sub(b"", head) + sep + rest
    return repaired if _well_formed(repaired) else content


def _well_formed(content: bytes) -> bool:
    try:
        etree.fromstring(content, parser=_PARSER)
    except etree.XMLSyntaxError:
        return False
    return True


def _text(node: etree._Element, path: str) -> str:
    found = node.find(path, NS)
    return " ".join((found.text or "").split()) if found is not None else ""


def _int(root: etree._Element, path: str) -> int:
    value = _text(root, path)
    return int(value) if value.isdigit() else 0


def record_from_entry(entry: etree._Element) -> Record | None:
    """A :class:`Record` from one ``<entry>`` (None for an error entry or an id that is not arXiv's)."""
    entry_id = _text(entry, "atom:id")
    if "/api/errors" in entry_id:
        return None
    short = entry_id.split("arxiv.org/abs/")[-1]
    ident, _, ver = short.rpartition("v")
    if not ident or not ver.isdigit():
        ident, ver = short, "1"
    if not is_arxiv_id(ident) or not 1 <= int(ver) <= MAX_VERSION:
        log.warning("arXiv answered with an entry whose id is not an arXiv id (%.80r); ignored", short)
        return None
    primary = entry.find("arxiv:primary_category", NS)
    primary_term = primary.get("term", "") if primary is not None else ""
    return clean_record(
        Record(
            arxiv_id=ident,
            version=int(ver),
            title=_text(entry, "atom:title"),
            authors=tuple(" ".join((a.text or "").split()) for a in entry.findall("atom:author/atom:name", NS)),
            summary=_text(entry, "atom:summary"),
            published=_text(entry, "atom:published")[:10],
            updated=_text(entry, "atom:updated")[:10],
            primary_category=primary_term if is_category(primary_term) else None,
            categories=tuple(t for c in entry.findall("atom:category", NS) if is_category(t := c.get("term", ""))),
            comment=_text(entry, "arxiv:comment") or None,
            journal_ref=_text(entry, "arxiv:journal_ref") or None,
            doi=clean_doi(_text(entry, "arxiv:doi") or None),
        )
    )


def parse_feed(content: bytes) -> Feed:
    """One page of records; :class:`MalformedFeed` if ``content`` is not a complete feed."""
    try:
        root = etree.fromstring(repair_feed(content), parser=_PARSER)
    except etree.XMLSyntaxError as e:
        raise MalformedFeed(f"a malformed answer ({e})") from None
    if root.tag != f"{{{NS['atom']}}}feed" or root.find("opensearch:totalResults", NS) is None:
        raise MalformedFeed("an answer that is not an arXiv feed")
    entries = root.findall("atom:entry", NS)
    records = tuple(r for e in entries if (r := record_from_entry(e)))
    title = _text(root, "atom:title")
    return Feed(
        total=_int(root, "opensearch:totalResults"),
        start=_int(root, "opensearch:startIndex"),
        records=records,
        entries=len(entries),
        echo=title if title.startswith("arXiv Query:") else None,
    )
