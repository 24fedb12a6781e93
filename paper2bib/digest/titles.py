"""What a title line of a reading list is: the rules :mod:`.markdown` reads titles by."""

from __future__ import annotations

import re

_BULLET = re.compile(r"^\s*(?:[-*+•]\s+|\d+[.)]\s+|\[[ xX]?\]\s+|[-*+]\s*\[[ xX]?\]\s+)+")
_EMPHASIS = re.compile(r"^(\*\*|__|\*|_|`|\"|“|')(.*)(\1|”)$")


def clean_title_line(line: str) -> str | None:
    """A list line reduced to its title (bullet, numbering, emphasis, quotes removed)."""
    s = _BULLET.sub("", line).strip()
    s = re.sub(r"\[([^\[\]]+)\]\([^()]*\)", r"\1", s)  # [text](url) → text (no bracket inside: linear)
    s = re.sub(r"https?://\S+", "", s).strip(" \t-–—:|,;()[]")
    for _ in range(4):  # **"Title"**: a few layers at most (each is a scan of the line)
        m = _EMPHASIS.match(s)
        if not m:
            break
        s = m.group(2).strip()
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
