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
    flat = [(i, j) for i, p in enumerate(paras) for j in range(len(p))]
    k = 0
    while k < len(flat) and is_header(paras[flat[k][0]][flat[k][1]]):
        k += 1
    if k == 0:
        return paras
    i0, j0 = flat[k] if k < len(flat) else (len(paras), 0)
    return [paras[i0][j0:], *paras[i0 + 1 :]] if i0 < len(paras) else []


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
