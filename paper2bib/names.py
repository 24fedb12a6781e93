"""Splitting author names ("Given von Family, Jr.") into parts, as arXiv gives them.

arXiv lists authors as display strings, given names first. Particles and suffixes come
from ``mappings/names.toml``. A name that cannot be split (one word, CJK script) is a
*literal*: writers keep it whole (``{...}`` in BibTeX, ``literal`` in CSL, ``name`` in Zotero).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from . import mapdata


@dataclass(frozen=True)
class Name:
    family: str
    given: str | None = None
    particle: str | None = None
    suffix: str | None = None
    literal: bool = False

    @property
    def full_family(self) -> str:
        return f"{self.particle} {self.family}" if self.particle else self.family


def _is_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(c) in ("W", "F") for c in text)


@lru_cache(maxsize=1 << 14)  # pure: a name met again is split once
def split_name(raw: str) -> Name:
    """Split one author string; ``Family, Given`` order is understood too."""
    name = re.sub(r"\s+", " ", raw).strip().strip(",")
    data = mapdata.load("names.toml")
    particles, suffixes = set(data["particles"]), set(data["suffixes"])
    if not name:
        return Name(family="", literal=True)
    if _is_cjk(name) and " " not in name:
        return Name(family=name, literal=True)
    suffix = None
    if "," in name:
        head, _, tail = name.partition(",")
        tail = tail.strip()
        if tail.lower() in suffixes:
            name, suffix = head.strip(), tail
        else:  # "Family, Given"
            fam_words = head.split()
            i = 0
            while i < len(fam_words) - 1 and fam_words[i] in particles:
                i += 1
            return Name(
                family=" ".join(fam_words[i:]),
                given=tail or None,
                particle=" ".join(fam_words[:i]) or None,
            )
    words = name.split()
    if suffix is None and len(words) > 2 and words[-1].lower() in suffixes:
        suffix = words.pop()
    if len(words) == 1:
        return Name(family=words[0], suffix=suffix, literal=suffix is None)
    # the family name starts at the first lower-case particle after the given names,
    # or is the last word
    start = len(words) - 1
    for i in range(1, len(words) - 1):
        if words[i] in particles:
            start = i
            break
    given = " ".join(words[:start])
    rest = words[start:]
    j = 0
    while j < len(rest) - 1 and rest[j] in particles:
        j += 1
    return Name(family=" ".join(rest[j:]), given=given or None, particle=" ".join(rest[:j]) or None, suffix=suffix)


def ascii_fold(text: str) -> str:
    """An ASCII transliteration (``Ljubešić`` → ``Ljubesic``, ``Straße`` → ``Strasse``)."""
    return anyascii(text)
