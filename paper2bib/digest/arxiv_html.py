"""A saved arXiv page: a listing (``/list/<category>/new``, ``/recent``, a month) or search
results (``/search/?query=…``, an author's page). Each paper's block there says what it is —
its title, authors, abstract and comments — so entries come from those fields, not from the
page's text around its links."""

from __future__ import annotations

import re
from dataclasses import replace

from bs4 import BeautifulSoup, Tag

from ..arxiv_ids import parse_id
from ..links import extract_links
from ..models import Entry
from ..text import squash_space

_ABS_HREF = re.compile(r"^(?:https?://(?:www\.|export\.)?arxiv\.org)?/abs/(\S+?)/?$")


def entries(soup: BeautifulSoup, source: str) -> list[Entry]:
    """The papers of an arXiv listing or search page, in page order; none for another page."""
    blocks = [(dt, _next_dd(dt)) for dt in soup.find_all("dt")]
    papers = [(dt, dd) for dt, dd in blocks if dd is not None and dd.find(class_="list-title")]
    if papers:
        found = [_entry(dt, dd, "list-title", "list-authors", "mathjax", "list-comments") for dt, dd in papers]
    else:
        results = soup.find_all("li", class_="arxiv-result")
        found = [_entry(li, li, "title", "authors", "abstract-full", "comments") for li in results]
    out: list[Entry] = []
    seen: set[str] = set()
    for entry in found:
        if entry and entry.arxiv_id and entry.arxiv_id not in seen:
            seen.add(entry.arxiv_id)
            out.append(replace(entry, source=source, position=len(out)))
    return out


def _next_dd(dt: Tag) -> Tag | None:
    sibling = dt.find_next_sibling(["dt", "dd"])
    return sibling if isinstance(sibling, Tag) and sibling.name == "dd" else None


def _entry(head: Tag, body: Tag, title: str, authors: str, abstract: str, comments: str) -> Entry | None:
    """One paper: its id from the head's ``/abs/`` link, the rest from the body's fields."""
    ref = None
    for a in head.find_all("a", href=True):
        m = _ABS_HREF.match(str(a["href"]).strip())
        if m and (ref := parse_id(m.group(1))):
            break
    if ref is None:
        return None
    title_tag = body.find(class_=title)
    authors_tag = body.find(class_=authors)
    abstract_tag = body.find(["p", "span"], class_=abstract)
    hrefs: list[str] = []
    for tag in (body.find(class_=comments), abstract_tag):
        if isinstance(tag, Tag):
            hrefs += [str(a["href"]) for a in tag.find_all("a", href=True)]
    names = authors_tag.find_all("a") if isinstance(authors_tag, Tag) else []
    return Entry(
        title=_text(title_tag),
        abstract=_text(abstract_tag),
        arxiv_id=ref.arxiv_id,
        version=ref.version,
        links=extract_links(" ".join(hrefs)),
        authors=tuple(name for a in names if (name := squash_space(a.get_text(" ")))),
    )


def _text(tag: object) -> str | None:
    """A field's text without its label ("Title:", "Abstract:") or its "△ Less" toggle."""
    if not isinstance(tag, Tag):
        return None
    for label in tag.find_all(class_="descriptor"):
        label.decompose()
    text = squash_space(tag.get_text(" "))
    text = re.sub(r"^(?:Title|Abstract)\s*:\s*|\s*[△▽]\s*(?:Less|More)$", "", text)
    return text or None
