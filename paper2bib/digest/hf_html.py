"""A saved Hugging Face papers page (HTML): papers from their ``/papers/<id>`` links.

Today's pages carry the Hub's own data in a ``data-props`` blob (``data-target="PaperContent"``
on a paper page, ``"DailyPapers"`` on a daily listing): when it is there, entries come from it,
with full abstracts and the Hub's code and project links, as from the Hub's API. Otherwise, and
for any HTML page linking ``arxiv.org/abs/<id>``, the entry's title is the longest text of its
links; on a single paper page, the ``<h1>`` and the abstract.
"""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup, Tag

from ..arxiv_ids import find_ids
from ..hub.sources import entries_from_daily, entry_from_paper
from ..links import extract_links
from ..models import Entry
from ..text import squash_space

_HTML = re.compile(r"^\s*(?:<!doctype html|<html|<\?xml[^>]*>\s*<html)|<body[\s>]", re.IGNORECASE)
_PAPER_HREF = re.compile(r"^(?:https?://(?:www\.)?huggingface\.co)?/papers/(\d{4}\.\d{4,5})(?:v\d+)?(?:[/?#]|$)")


def looks_like(text: str) -> bool:
    return bool(_HTML.search(text[:5000]))


def _abstract(soup: BeautifulSoup) -> str | None:
    heading = soup.find(lambda t: t.name in ("h2", "h3", "h4") and t.get_text(strip=True).lower() == "abstract")
    if heading:
        para = heading.find_next("p")
        if para:
            return squash_space(para.get_text(" "))
    meta = soup.find("meta", attrs={"name": "description"}) or soup.find("meta", attrs={"property": "og:description"})
    content = meta.get("content") if isinstance(meta, Tag) else None
    return squash_space(str(content)) if content else None


def _from_props(soup: BeautifulSoup, source: str) -> list[Entry]:
    """Entries from the Hub's ``data-props`` blob, or none if the page has none usable."""
    targets: list[str | bytes | re.Pattern[str] | bool] = ["PaperContent", "DailyPapers"]
    for node in soup.find_all(True, attrs={"data-target": targets}):
        try:
            props = json.loads(str(node.get("data-props") or ""))
        except ValueError:
            continue
        if not isinstance(props, dict):
            continue
        if node.get("data-target") == "PaperContent" and isinstance(props.get("paper"), dict):
            entry = entry_from_paper(props["paper"], source, 0)
            return [entry] if entry else []
        if isinstance(props.get("dailyPapers"), list):
            return entries_from_daily(props["dailyPapers"], source)
    return []


def parse(text: str, source: str) -> list[Entry]:
    soup = BeautifulSoup(text, "html.parser")
    from_props = _from_props(soup, source)
    if from_props:
        return from_props
    titles: dict[str, str] = {}
    versions: dict[str, int | None] = {}
    for a in soup.find_all("a", href=True):
        href = str(a["href"]).strip()
        m = _PAPER_HREF.match(href)
        if m:
            ident, version = m.group(1), None
        else:
            refs = find_ids(href) if "arxiv.org/" in href else []
            if not refs:
                continue
            ident, version = refs[0].arxiv_id, refs[0].version
        label = squash_space(a.get_text(" "))
        titles.setdefault(ident, "")
        versions.setdefault(ident, version)
        if len(label) > len(titles[ident]) and not re.fullmatch(r"[\d\s.,·-]*", label):
            titles[ident] = label
    if len(titles) == 1:  # a single paper page: its heading and abstract
        (ident,) = titles
        h1 = soup.find("h1")
        abstract = _abstract(soup)
        title = squash_space(h1.get_text(" ")) if h1 else titles[ident]
        return [
            Entry(
                title=title or None,
                abstract=abstract,
                arxiv_id=ident,
                version=versions[ident],
                links=extract_links(abstract),
                source=source,
                position=0,
            )
        ]
    return [
        Entry(title=title or None, arxiv_id=ident, version=versions[ident], source=source, position=i)
        for i, (ident, title) in enumerate(titles.items())
    ]
