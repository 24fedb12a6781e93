"""A Hugging Face papers listing copied from the browser as plain text.

Shape: a few header lines (``new``, ``Get trending papers in your email inbox!``,
``Subscribe``, ``byAK and the research community``, a date such as ``Mar 20``), then
title line / abstract paragraph pairs. Blank lines may be missing or doubled, lines may
end in spaces or CRLF, and an abstract may be wrapped over several lines.
"""

from __future__ import annotations

import itertools
import re

from ..links import extract_links
from ..models import Entry

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_HEADER_RES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"new",
        r"get trending papers in your email inbox!?",
        r"subscribe",
        r"by\s*ak and the research community",
        r"(daily|trending) papers",
        rf"{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?",
        rf"\d{{1,2}}\s+{_MONTH}(?:,?\s+\d{{4}})?",
        r"\d{4}-\d{2}-\d{2}",
        r"(?:previous|next)\s+(?:day|week|month)",
    )
]
_MARKERS = ("get trending papers in your email inbox", "and the research community")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def is_header(line: str) -> bool:
    return any(r.fullmatch(line.strip()) for r in _HEADER_RES)


def is_abstract_like(text: str) -> bool:
    """Long prose: mostly words, at least 200 characters, or 120 with two sentence ends."""
    if len(text) < 120:
        return False
    words = text.split()
    wordy = sum(1 for w in words if re.fullmatch(r"[^\W\d_][\w'’-]*[.,;:!?)]*", w))
    if len(words) < 15 or wordy < 0.7 * len(words):
        return False
    return len(text) >= 200 or len(_SENTENCE_END.findall(text)) >= 2


def _paragraphs(text: str) -> list[list[str]]:
    paras: list[list[str]] = [[]]
    for raw in text.split("\n"):
        line = raw.strip()
        if line:
            paras[-1].append(line)
        elif paras[-1]:
            paras.append([])
    return [p for p in paras if p]


_LIST_ITEM = re.compile(r"(?:[-*+•]|\d+[.)])\s+\S")


def _blocks(paras: list[list[str]]) -> list[tuple[str, str]]:
    """(kind, text) blocks, kind ``title`` or ``abstract``, in order."""
    out: list[tuple[str, str]] = []
    for lines in paras:
        if len(lines) > 1 and sum(bool(_LIST_ITEM.match(line)) for line in lines) * 2 >= len(lines):
            out += [("title", line) for line in lines]  # a Markdown list is items, never a wrapped abstract
            continue
        if len(lines) == 1 or any(is_abstract_like(line) for line in lines):
            # one line each, or several unwrapped lines run together (blank lines missing)
            out += [("abstract" if is_abstract_like(line) else "title", line) for line in lines]
            continue
        joined = " ".join(lines)
        rest = " ".join(lines[1:])
        if is_abstract_like(rest) and not _SENTENCE_END.search(lines[0]):
            out += [("title", lines[0]), ("abstract", rest)]  # a title over a wrapped abstract
        elif is_abstract_like(joined):
            out.append(("abstract", joined))  # a wrapped abstract
        else:
            out += [("title", line) for line in lines]
    return out


def _strip_header(paras: list[list[str]]) -> list[list[str]]:
    """The paragraphs without the page's header lines, wherever they are (two listings
    pasted one after the other repeat them)."""
    kept = [[line for line in p if not is_header(line)] for p in paras]
    return [p for p in kept if p]


def _sentence_like(text: str) -> bool:
    """Ends as a sentence does (``.``, ``!``, ``?``, a backslash), or holds two sentences."""
    return bool(re.search(r"[.!?\\]$", text.rstrip()) or re.search(r"[.!?]\s+[A-Z]", text))


def _pair_up(blocks: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Relabel the blocks of a certain listing, where every title has an abstract: the
    cheapest labelling in which an abstract follows a title, so that a one-sentence
    abstract, or one without a full stop, still pairs with its title."""
    inf = float("inf")
    # cost[i][k]: best cost of blocks[:i+1] with block i labelled k (0 title, 1 abstract)
    cost = [[inf, inf] for _ in blocks]
    back = [[0, 0] for _ in blocks]
    for i, (kind, text) in enumerate(blocks):
        as_title = 6.0 if kind == "abstract" else (1.0 if _sentence_like(text) else 0.0)
        as_abstract = 0.0 if kind == "abstract" else (1.0 if _sentence_like(text) else 2.0)
        if i == 0:
            cost[0] = [as_title, inf]
            continue
        for k, own in ((0, as_title), (1, as_abstract)):
            for prev in (0, 1):
                if cost[i - 1][prev] == inf:
                    continue
                step = own
                if k == 0 and prev == 0:
                    step += 3.0  # the previous title got no abstract
                if k == 1 and prev == 1:
                    step += 0.0 if kind == "abstract" else 3.0  # a second paragraph of an abstract
                if cost[i - 1][prev] + step < cost[i][k]:
                    cost[i][k], back[i][k] = cost[i - 1][prev] + step, prev
    if not blocks:
        return blocks
    k = 0 if cost[-1][0] <= cost[-1][1] else 1
    labels = []
    for i in range(len(blocks) - 1, -1, -1):
        labels.append(k)
        k = back[i][k]
    labels.reverse()
    return [("abstract" if lab else "title", text) for lab, (_, text) in zip(labels, blocks)]


def looks_like(text: str) -> bool:
    """A listing: the HF header markers, or title lines each followed by an abstract."""
    low = text[:4000].lower()
    if any(m in low for m in _MARKERS):
        return True
    blocks = _blocks(_strip_header(_paragraphs(text)))
    pairs = sum(1 for a, b in itertools.pairwise(blocks) if a[0] == "title" and b[0] == "abstract")
    return pairs >= 1 and pairs * 2 >= len(blocks) * 0.8


def parse(text: str, source: str) -> list[Entry]:
    """Title/abstract pairs in listing order. A title with no abstract is kept alone."""
    blocks = _blocks(_strip_header(_paragraphs(text)))
    if any(m in text.lower() for m in _MARKERS):
        blocks = _pair_up(blocks)
    entries: list[dict] = []
    for kind, body in blocks:
        if kind == "title":
            entries.append({"title": body, "abstract": None})
        elif entries and entries[-1]["abstract"] is None:
            entries[-1]["abstract"] = body
        elif entries:  # a second paragraph of the same abstract
            entries[-1]["abstract"] += "\n\n" + body
    return [
        Entry(
            title=e["title"],
            abstract=e["abstract"],
            links=extract_links(e["abstract"]),
            source=source,
            position=i,
        )
        for i, e in enumerate(entries)
    ]
