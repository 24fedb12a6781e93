"""The shapes of lists and tables a reader must tell apart: a list of references (or of titled
project pages beside one), a post that is not a paper, the column of a table that holds titles."""

from __future__ import annotations

import re

from ..arxiv_ids import ArxivRef
from ..links import classify
from .blocks import Block
from .paperlinks import NOT_PAPER_URL, paper_link
from .titles import text_title

_LINK_START = re.compile(r"\s*(?:\[\d{1,3}\]\s*)?\*{0,2}\[[^\]]{6,}\]\((\S+?)\)")

#: a URL written out, as a table cell may hold it
BARE_URL = re.compile(r"https?://[^\s|<>()\[\]]+")


def cells(row: str) -> list[str]:
    """The cells of a Markdown table row, stripped."""
    return [c.strip() for c in row.strip().strip("|").split("|")]


def title_column(header: str) -> int | None:
    """The column of a table's header row that names the paper: "Paper", "Title", "Paper title"."""
    names = [re.sub(r"[*_`]", "", c).strip().lower() for c in cells(header)]
    return next(
        (k for k, n in enumerate(names) if n in ("paper", "title", "paper title", "papers", "name of paper")), None
    )


def reference_list(items: list[int], blocks: list[Block], unit_refs: dict[int, list[ArxivRef]]) -> bool:
    """A list at least half of whose items cite an arXiv paper; or one that cites one and
    whose every other item starts with a linked title (``[2] [Deep Portrait Relighting](…)``)."""
    if len(items) < 2:
        return False
    citing = sum(1 for i in items if unit_refs.get(i))
    if 2 * citing >= len(items):
        return True
    return citing >= 1 and all(unit_refs.get(i) or titled_page(blocks[i].text) for i in items)


def titled_page(text: str) -> bool:
    """An item that starts with a title linking to the paper or its project page, not to a post
    (``[Data Mesh — A Data Movement …](https://netflixtechblog.com/data-mesh-a-data-…)``)."""
    m = _LINK_START.match(text)
    if not m or not text_title(text):
        return False
    url = m.group(1)
    if paper_link("", url):
        return True
    path = url.partition("://")[2].partition("/")[2]
    slug = path.rstrip("/").rsplit("/", 1)[-1]
    return (
        classify(url) == "project"
        and not NOT_PAPER_URL.search(url)  # posts, blogs (a host named blog), news
        and len(re.split(r"[-_]", slug)) < 4
    )
