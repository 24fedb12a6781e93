"""What a user writes for a Hub source, and Hub answers as entries (pure functions).

Accepted: ``https://huggingface.co/papers?date=2025-03-20``, ``…/papers/date/2025-03-20``,
``…/papers/week/2025-W12``, ``…/papers/month/2025-03``, ``…/papers/<arxiv id>``,
``…/collections/<namespace>/<slug>``, and the short forms ``hf:2025-03-20``, ``hf:2025-W12``,
``hf:2025-03``, ``hf:<arxiv id>``, ``hf:collections/<namespace>/<slug>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qs

from ..arxiv_ids import is_arxiv_id
from ..links import attached, extract_links, link_identity, urlsplit, web_links
from ..models import Entry, Link
from ..text import squash_space

Kind = Literal["date", "week", "month", "paper", "collection"]

_PERIODS: list[tuple[Kind, re.Pattern[str]]] = [
    ("date", re.compile(r"\d{4}-\d{2}-\d{2}")),
    ("week", re.compile(r"\d{4}-W\d{1,2}", re.I)),
    ("month", re.compile(r"\d{4}-\d{2}")),
]
_HUB_HOSTS = ("huggingface.co", "www.huggingface.co", "hf.co")


@dataclass(frozen=True)
class HubSource:
    """One Hub source: a day, week or month of daily papers, a paper, or a collection."""

    kind: Kind
    value: str  # 2025-03-20, 2025-W12, 2025-03, an arXiv id, or <namespace>/<slug>

    def __str__(self) -> str:
        return f"hf:{'collections/' if self.kind == 'collection' else ''}{self.value}"


def _period_or_paper(text: str) -> HubSource | None:
    for kind, pattern in _PERIODS:
        if pattern.fullmatch(text):
            return HubSource(kind, text.upper() if kind == "week" else text)
    if is_arxiv_id(text):
        return HubSource("paper", text)
    return None


def _from_path(path: str, query: str) -> HubSource | None:
    parts = [p for p in path.split("/") if p]
    if parts[:1] == ["collections"] and len(parts) == 3:
        return HubSource("collection", f"{parts[1]}/{parts[2]}")
    if parts[:1] != ["papers"]:
        return None
    if len(parts) == 1:  # /papers?date=…
        date = parse_qs(query).get("date", [""])[0]
        return _period_or_paper(date) if date else None
    if len(parts) == 3 and parts[1] in ("date", "week", "month"):
        found = _period_or_paper(parts[2])
        return found if found and found.kind == parts[1] else None
    if len(parts) == 2:
        return _period_or_paper(parts[1]) if is_arxiv_id(parts[1]) else None
    return None


def parse_source(text: str, base_url: str = "") -> HubSource | None:
    """The Hub source ``text`` names, or None if it names none (it is then a file)."""
    text = text.strip()
    if text.lower().startswith("hf:"):
        rest = text[3:].strip("/")
        if rest.startswith("collections/"):
            return _from_path("/" + rest, "")
        return _period_or_paper(rest)
    parts = urlsplit(text)
    base = urlsplit(base_url) if base_url else None
    is_hub = parts.scheme in ("http", "https") and (
        (parts.hostname or "") in _HUB_HOSTS or (base is not None and parts.netloc == base.netloc)
    )
    return _from_path(parts.path, parts.query) if is_hub else None


def looks_like_hub(text: str) -> bool:
    """``hf:…`` or a Hugging Face URL: meant as a Hub source, even if malformed."""
    low = text.strip().lower()
    return low.startswith("hf:") or bool(re.match(r"https?://(www\.)?(huggingface\.co|hf\.co)/", low))


def hub_links(abstract_links: tuple[Link, ...], github: str | None, project: str | None) -> tuple[Link, ...]:
    """The abstract's links with the Hub's repository and project page beside them.

    A link both name (:func:`~paper2bib.links.link_identity`: GitHub's owner and repository in
    any case, ``.git``, a trailing slash) is kept once, as the Hub lists it and marked so; where
    they disagree both are kept, the Hub's marked.
    """
    out = list(attached(abstract_links))
    for url, kind in ((github, "code"), (project, "project")):
        if not url:
            continue
        hub = Link(url, "code" if kind == "code" else "project", hub=True)
        if not web_links([hub], " from Hugging Face"):
            continue
        same = next((i for i, link in enumerate(out) if link_identity(link.url) == link_identity(url)), None)
        if same is None:
            out.append(hub)
        else:
            out[same] = hub
    return tuple(out)


def entry_from_paper(paper: dict[str, Any], source: str, position: int, title: str | None = None) -> Entry | None:
    """An entry from a Hub paper object (``/api/papers/<id>``, or ``paper`` of a daily item)."""
    ident = str(paper.get("id") or "")
    if not is_arxiv_id(ident):
        return None
    abstract = squash_space(str(paper.get("summary") or "")) or None
    return Entry(
        title=squash_space(title or str(paper.get("title") or "")) or None,
        abstract=abstract,
        arxiv_id=ident,
        links=hub_links(extract_links(abstract), paper.get("githubRepo"), paper.get("projectPage")),
        source=source,
        position=position,
    )


def entries_from_daily(items: list[dict[str, Any]], source: str) -> list[Entry]:
    """Entries from ``/api/daily_papers`` items, in the Hub's order, each paper once."""
    out: list[Entry] = []
    seen: set[str] = set()
    for item in items:
        paper = item.get("paper") if isinstance(item, dict) else None
        if not isinstance(paper, dict) or paper.get("id") in seen:
            continue
        entry = entry_from_paper(paper, source, len(out), title=item.get("title"))
        if entry:
            seen.add(str(paper["id"]))
            out.append(entry)
    return out


def collection_paper_ids(collection: dict[str, Any]) -> list[str]:
    """The arXiv ids of a collection's paper items, in its order."""
    items = collection.get("items") if isinstance(collection, dict) else None
    ids = [str(i.get("id")) for i in items or [] if isinstance(i, dict) and i.get("type", "paper") == "paper"]
    return [i for i in dict.fromkeys(ids) if is_arxiv_id(i)]
