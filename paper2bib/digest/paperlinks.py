"""What a line's links and cells say about the paper it names: a paper's own link (its PDF,
its venue page), a post or video about it, a table cell that is its title; and the titles
already read, so that one paper mentioned twice is one entry."""

from __future__ import annotations

import bisect
import re

from ..links import classify
from ..text import normalise
from .mdlinks import LINK
from .titles import first_line, link_title, text_title


def named(text: str) -> str | None:
    """A one-word name given in bold, then described: ``4) **ALAMA** - a new framework …``."""
    m = re.match(r"[|\s]*(?:\d{1,3}[.)]\s*)?\*\*([A-Z][\w.+-]{2,30})\*\*\s*(?:[-–—:.]|\s-)", text)
    return m.group(1) if m else None


def cell_title(label: str, target: str) -> str | None:
    """The title a table cell of references links (to the paper's page, even to its code when
    the label is plainly a title); a name of two words ("Deokwoo Lee") is not one."""
    title = link_title(label)
    if not title or len(title.split()) < (3 if classify(target) != "code" or ": " in title else 5):
        return None
    return title


def paper_link(label: str, target: str) -> bool:
    """A link to a paper: to its PDF or venue page, or labelled so (``[paper](…)``, ``[pdf](…)``)."""
    if re.search(r"(?i)citations\?user=|/author/|/profile/|orcid\.org", target):
        return False  # a person's page on a paper site
    if re.search(r"(?i)\.pdf$", target.split("#", 1)[0].split("?", 1)[0]):
        return True  # a PDF, on the web or beside the list (papers-we-love keeps its PDFs in the repository)
    return classify(target) == "paper" or bool(re.fullmatch(r"(?i)\W*(?:paper|pdf|full ?text|doi)\W*", label))


#: pages that are about papers, not papers: posts, news, videos, discussions
NOT_PAPER_URL = re.compile(
    r"(?i)//(?:[\w-]+\.)*(?:medium\.com|substack\.com)/"
    r"|//(?:www\.|m\.|old\.|mobile\.)?(?:reddit\.com|youtube\.com|youtu\.be|twitter\.com|x\.com|linkedin\.com|"
    r"facebook\.com|towardsdatascience\.com|news\.ycombinator\.com|marktechpost\.com|themoonlight\.io)/"
    r"|//[^/?#]*blog[^/?#]*(?:[/?#]|$)|/(?:blog|blogs|posts?|news|articles?)/|/(?:19|20)\d{2}/\d{2}/(?:\d{2}/)?"
)


def points_elsewhere(line: str) -> bool:
    """A line whose links are to posts, videos or code, none to a paper: it is about a paper
    (or about something else), it is not one."""
    links = list(LINK.finditer(line))
    if not links or any(paper_link(m.group(1), m.group(2)) for m in links):
        return False
    address = "://" in links[0].group(1)  # "Title, accessed …, [https://…](https://…)": where the reference is
    if not address and re.sub(r"[\s*_>\-+•\d.)\[\]]", "", line[: links[0].start()]):
        return False  # the title is written out, its links follow: "QLoRA: … [code](…)"
    return all(NOT_PAPER_URL.search(m.group(2)) or classify(m.group(2)) in ("code", "video") for m in links)


def paper_links(text: str) -> bool:
    """Whether ``text`` links a paper (its PDF or venue page)."""
    return any(paper_link(m.group(1), m.group(2)) for m in LINK.finditer(text))


def links_a_paper(text: str) -> bool:
    """An item whose title links (or is followed by a link to) a paper's PDF or venue page."""
    first = first_line(text)
    return any(paper_link(m.group(1), m.group(2)) for m in LINK.finditer(first)) and bool(text_title(text))


def cut_short(old: str, new: str) -> bool:
    """Whether ``old`` is ``new`` cut short ("Language Models with Massive…")."""
    return old.endswith("…") and len(new) > len(old) and normalise(new).startswith(normalise(old[:-1]))


class TitleIndex:
    """The entries' titles, normalised and sorted: a title finds its entry, and one cut short
    ("…") the entry whose title it begins, in logarithmic time."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.at: dict[str, int] = {}

    def add(self, title: str, k: int) -> None:
        key = normalise(title.rstrip("…"))
        if key and key not in self.at:
            self.at[key] = k
            bisect.insort(self.keys, key)

    def find(self, title: str) -> int | None:
        key = normalise(title.rstrip("…"))
        if not key:
            return None
        if key in self.at:
            return self.at[key]
        if title.endswith("…") and len(key) >= 20:
            i = bisect.bisect_left(self.keys, key)
            if i < len(self.keys) and self.keys[i].startswith(key):
                return self.at[self.keys[i]]
        return None
