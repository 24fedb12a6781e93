"""A reading list: one title a line, Markdown bullets, numbers and headings allowed.

Lines that carry an arXiv id become id entries; prose lines are not titles.
"""

from __future__ import annotations

import re

from ..arxiv_ids import find_ids
from ..models import Entry

_BULLET = re.compile(r"^\s*(?:[-*+•]\s+|\d+[.)]\s+|\[[ xX]?\]\s+|[-*+]\s*\[[ xX]?\]\s+)+")
_EMPHASIS = re.compile(r"^(\*\*|__|\*|_|`|\"|“|')(.*)(\1|”)$")


def clean_title_line(line: str) -> str | None:
    """A list line reduced to its title (bullet, numbering, emphasis, quotes removed)."""
    s = _BULLET.sub("", line).strip()
    s = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", s)  # [text](url) → text
    s = re.sub(r"https?://\S+", "", s).strip(" \t-–—:|,;()[]")
    m = _EMPHASIS.match(s)
    while m:
        s = m.group(2).strip()
        m = _EMPHASIS.match(s)
    s = re.sub(r"\s+", " ", s).strip()
    return s if re.search(r"[^\W\d_]", s) else None


def is_title_like(line: str) -> bool:
    """Short, with letters, no sentence inside: 2 to 40 words and at most 300 characters."""
    words = line.split()
    if not (1 <= len(words) <= 40) or len(line) > 300:
        return False
    if re.search(r"[.!]\s+[A-Z]", line):  # two sentences: prose, not a title ("X? It Depends" is one)
        return False
    return bool(re.search(r"[^\W\d_]{2}", line))


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.split("\n") if ln.strip() and not ln.lstrip().startswith("#")]


def looks_like(text: str) -> bool:
    lines = _lines(text)
    if not lines:
        return False
    return sum(1 for ln in lines if _is_list_line(ln)) >= max(1, int(0.6 * len(lines)))


def _is_list_line(line: str) -> bool:
    """A reference alone on its line (perhaps with a title), or a title."""
    refs = find_ids(line)
    # the text between the references, joined once (cutting them out one by one is quadratic)
    bounds = [0, *(p for ref in refs for p in (ref.start, ref.end)), len(line)]
    rest = " ".join(line[a:b] for a, b in zip(bounds[0::2], bounds[1::2]))
    rest_title = clean_title_line(rest)
    return rest_title is None or is_title_like(rest_title)


def parse(text: str, source: str) -> list[Entry]:
    """One entry per title line (or per id, for lines that carry one), in order."""
    entries: list[Entry] = []
    seen: set[str] = set()
    for line in _lines(text):
        refs = find_ids(line)
        if refs:
            for ref in refs:
                if ref.arxiv_id not in seen:
                    seen.add(ref.arxiv_id)
                    rest = clean_title_line(line[: ref.start] + " " + line[ref.end :]) if len(refs) == 1 else None
                    entries.append(
                        Entry(
                            title=rest, arxiv_id=ref.arxiv_id, version=ref.version, source=source, position=len(entries)
                        )
                    )
            continue
        title = clean_title_line(line)
        if title and is_title_like(title) and title.casefold() not in seen:
            seen.add(title.casefold())
            entries.append(Entry(title=title, source=source, position=len(entries)))
    return entries
