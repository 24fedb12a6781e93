"""A saved Hugging Face papers page (HTML): papers from their ``/papers/<id>`` links; a saved
arXiv listing or search page through :mod:`.arxiv_html`.

Today's pages carry the Hub's own data in a ``data-props`` blob (``data-target="PaperContent"``
on a paper page, ``"DailyPapers"`` on a daily listing): when it is there, entries come from it,
with full abstracts and the Hub's code and project links, as from the Hub's API. Otherwise, and
for any HTML page linking ``arxiv.org/abs/<id>``, the entry's title is the longest text of its
links; on a single paper page, the ``<h1>`` and the abstract.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Tag

from ..arxiv_ids import find_ids
from ..hub.sources import entries_from_daily, entry_from_paper
from ..links import extract_links
from ..models import Entry
from ..text import collected_after, squash_space
from . import arxiv_html, markdown
from .blocks import MAX_LIST_DEPTH

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
        except (ValueError, RecursionError):  # not JSON, or nested beyond any real page's data
            continue
        if not isinstance(props, dict):
            continue
        if node.get("data-target") == "PaperContent" and isinstance(props.get("paper"), dict):
            entry = entry_from_paper(props["paper"], source, 0)
            return [entry] if entry else []
        if isinstance(props.get("dailyPapers"), list):
            return entries_from_daily(props["dailyPapers"], source)
    return []


def _inline(tag: Tag) -> str:
    """A block's text with its links as Markdown links; nested lists, scripts and images left out.

    Iterative: a page nested ten thousand tags deep costs time in proportion, not a crash."""
    parts: list[str] = []
    stack: list[object] = list(reversed(list(tag.children)))
    while stack:
        node = stack.pop()
        if isinstance(node, _LinkEnd):  # the link's text is all that was read since it opened
            label = squash_space("".join(parts[node.start :]).replace("\n", " "))
            del parts[node.start :]
            parts.append(f"[{label}]({node.href})")
        elif isinstance(node, str):  # the page's text (bs4's strings are str), or a block's padding
            parts.append(str(node))
        elif not isinstance(node, Tag) or node.name in ("ul", "ol", "script", "style", "img", "svg", "table"):
            continue
        elif node.name in ("li", "tr") or (node.name in _HEADINGS and tag.name in _HEADINGS):
            continue  # a block of its own (an unclosed <li> nests the next one in it): read once, there
        elif node.name == "a" and node.get("href"):
            stack.append(_LinkEnd(len(parts), _absolute(str(node["href"]).strip())))
            stack.extend(reversed(list(node.children)))
        elif _is_title_tag(node):  # <strong>, <b>, <span class="papertitle">: emphasis, as in Markdown
            stack.extend([" **", *reversed(list(node.children)), "** "])
        else:
            pad = " " if node.name in _BLOCKS else ""
            stack.extend([pad, *reversed(list(node.children)), pad])
    return squash_space("".join(parts).replace("\n", " "))


def _is_title_tag(node: Tag) -> bool:
    classes: list[str] | str = node.get("class") or []
    named = any("title" in str(c).lower() for c in (classes if isinstance(classes, list) else [classes]))
    return node.name in ("strong", "b") or (node.name == "span" and named)


@dataclass(frozen=True)
class _LinkEnd:
    """Where a link closes: its text starts at ``parts[start]``."""

    start: int
    href: str


def _absolute(href: str) -> str:
    """A Hub-relative paper link (``/papers/<id>``) made absolute, so it reads as a reference."""
    return "https://huggingface.co" + href if _PAPER_HREF.match(href) and href.startswith("/") else href


_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = ("p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "br", "section")


def to_markdown(soup: BeautifulSoup) -> str:
    """A page as Markdown blocks: headings, list items (indented by depth), table rows,
    paragraphs and code blocks, so that :mod:`.markdown` reads it like a README."""
    # scripts, navigation, and the text a browser shows only when it cannot play or show a thing
    # ("Your browser does not support the video tag") are no part of what a reader sees
    gone = ["script", "style", "noscript", "template", "nav", "footer", "video", "audio", "iframe", "object", "canvas"]
    for t in soup.find_all(gone):
        t.decompose()
    lines: list[str] = []
    root = soup.body or soup
    wanted = ("h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "p", "pre", "dt", "dd", "blockquote", "div")
    # one iterative pass, in document order: whether a tag sits inside li/td/th/pre/p and how
    # many lists hold it (asking each tag for its parents would be quadratic on deep pages)
    blocks: list[tuple[Tag, bool, int]] = []
    stack: list[tuple[Tag, bool, int]] = [(root, False, 0)]
    while stack:
        node, inside, lists = stack.pop()
        if node is not root and node.name in wanted:
            blocks.append((node, inside, lists))
        inner = inside or node.name in ("li", "td", "th", "pre", "p")
        deeper = lists + (node.name in ("ul", "ol"))
        stack.extend((c, inner, deeper) for c in reversed(list(node.children)) if isinstance(c, Tag))
    holders: set[int] = set()  # tags holding a wanted block: each ancestor marked once
    for tag, _, _ in blocks:
        up = tag.parent
        while up is not None and id(up) not in holders:
            holders.add(id(up))
            up = up.parent
    for tag, inside, lists in blocks:
        if tag.name in ("p", "dt", "dd", "blockquote", "div") and inside:
            continue
        if tag.name == "div" and id(tag) in holders:
            continue  # a container: its blocks are read one by one
        if tag.name == "pre":
            lines += ["```", tag.get_text(), "```", ""]
        elif tag.name[0] == "h" and tag.name[1:].isdigit():
            lines += ["#" * int(tag.name[1:]) + " " + _inline(tag), ""]
        elif tag.name == "li":
            depth = min(lists - 1, MAX_LIST_DEPTH)  # an indent per level: bounded, or n² spaces
            lines.append("  " * max(depth, 0) + "- " + _inline(tag))
        elif tag.name == "tr":
            cells = [_inline(c) for c in tag.find_all(["td", "th"], recursive=False)]
            lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
        else:
            text = _inline(tag)
            if text:
                lines += [text, ""]
    return "\n".join(lines)


def parse(text: str, source: str) -> list[Entry]:
    """The Hub's own data when the page carries it; a single paper's page (its heading,
    abstract and code links); else every reference on the page, read as Markdown."""
    with collected_after():  # a deep tree would make every collection walk all its nodes
        return _parse(text, source)


def _parse(text: str, source: str) -> list[Entry]:
    soup = BeautifulSoup(text, "html.parser")
    from_props = _from_props(soup, source) or arxiv_html.entries(soup, source)
    if from_props:
        return from_props
    ids: dict[str, int | None] = {}
    for a in soup.find_all("a", href=True):
        href = str(a["href"]).strip()
        m = _PAPER_HREF.match(href)
        refs = find_ids(href) if not m else []
        if m:
            ids.setdefault(m.group(1), None)
        elif refs and ("arxiv.org/" in href or "huggingface.co/" in href or "hf.co/" in href):
            ids.setdefault(refs[0].arxiv_id, refs[0].version)
    h1 = soup.find("h1")
    abstract = _abstract(soup)
    page = markdown.parse(to_markdown(soup), source)
    if len(ids) == 1 and h1 and len({e.arxiv_id for e in page}) <= 1:  # a single paper's page
        ((ident, version),) = ids.items()
        code = tuple(link for e in page for link in e.links if link.kind in ("code", "model", "dataset", "demo"))
        return [
            Entry(
                title=squash_space(h1.get_text(" ")) or None,
                abstract=abstract,
                arxiv_id=ident,
                version=version,
                links=tuple(dict.fromkeys(extract_links(abstract) + code)),
                source=source,
                position=0,
            )
        ]
    return page
