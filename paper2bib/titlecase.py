"""Case in titles: which letters keep their case in every citation style, and a title in
sentence case (as CSL processors and Zotero expect it) with those letters kept."""

from __future__ import annotations

import re
from functools import lru_cache

from . import mapdata

#: Words a title-case title leaves lower-case: they say nothing about its case style.
_MINOR_WORDS = frozenset(
    """a an the and but or nor for so yet as at by in of off on per to up via with from into onto over than
        that upon vs""".split()
)


@lru_cache(maxsize=1 << 16)
def needs_case_protection(word: str) -> bool:
    """Capitals a style must not lower-case: ``RLHF``, ``HybridFlow``, ``C4``, ``GPU/TPUs``, ``γ-MoD``."""
    letters = [c for c in word if c.isalpha()]
    if not any(c.isupper() for c in letters):
        return False
    return any(c.isupper() for c in letters[1:]) or any(c.isdigit() for c in word)


def is_sentence_case(title: str) -> bool:
    """True when most of a title's later words start lower-case (``Heat-bath random walks…``).

    In such a title a capital after the first word is a name's (``Markov``) and must stay.
    """
    words = [w for w in re.split(r"\s+", title)[1:] if w[:1].isalpha()]
    later = [w for w in words if w.lower() not in _MINOR_WORDS and not needs_case_protection(w)]
    capitalised = sum(w[0].isupper() for w in later)
    return len(later) >= 2 and capitalised * 2 < len(later)


class CaseProtection:
    """Decides, word by word along a title, which letters keep their case in every style.

    Acronyms and names with inner capitals or digits (``RLHF``, ``HybridFlow``, ``C4``) always;
    the first word of a subtitle, so that styles that lower-case titles keep its capital; in a
    sentence-case title also every capitalised word but the first. Only the letters are kept,
    never the punctuation at a word's edges (``{HybridFlow}:``, so BibTeX's capital-after-colon
    rule still sees the colon) nor the plain parts of a compound (``{GPT}-4``, ``Fine-Tuning``;
    a lone capital before a hyphen is kept: ``{Q}-Learning``). Feed words in order.
    """

    def __init__(self, title_text: str):
        self.sentence = is_sentence_case(title_text)
        self.start = True  # the title's first word
        self.first = True  # the first word of the title or of a subtitle

    def spans(self, word: str) -> list[tuple[str, bool]]:
        """``word`` cut into pieces, each with whether it keeps its case."""
        if not word or word.isspace():
            return [(word, False)]
        start, self.start = self.start, False
        first, self.first = self.first, word.rstrip(")]}\"'’”").endswith(":")
        lead, core, trail = _edges(word)
        if not core:
            return [(word, False)]
        parts = re.split(r"([-‐–/])", core)
        out: list[tuple[str, bool]] = [(lead, False)] if lead else []
        for k, part in enumerate(parts):
            if k % 2:
                out.append((part, False))
                continue
            keep = (
                needs_case_protection(part)
                or is_proper(part)
                or (len(part) == 1 and part.isupper() and k + 1 < len(parts) and parts[k + 1] in "-‐")
            )
            if not keep and part[:1].isupper():
                keep = (self.sentence and not first) or (first and not start and k == 0)
            out.append((part, keep))
        if any(keep for _, keep in out):
            # "γ-MoD": a lower-case part beside a kept one is a symbol; "Pistis-RAG", "Tele-LLMs": a
            # capitalised part before a kept one names the thing with it (after it, "LLM-Based", a word)
            last = max(i for i, (_, keep) in enumerate(out) if keep)
            out = [
                (t, keep or (t[:1].islower() and t not in "-‐–/") or (t[:1].isupper() and i < last))
                for i, (t, keep) in enumerate(out)
            ]
        if trail:
            out.append((trail, False))
        return _joined(out)

    def protect(self, word: str) -> bool:
        """Whether any letter of ``word`` keeps its case (the word counts as fed)."""
        return any(keep for _, keep in self.spans(word))


def _edges(word: str) -> tuple[str, str, str]:
    """``word`` as its leading punctuation, its letters and digits, its trailing punctuation
    (in one pass from each end: linear however long the word)."""
    lead = _lead_len(word)
    end = len(word)
    while end > lead and not (word[end - 1].isalnum() or word[end - 1] == "_"):
        end -= 1
    return word[:lead], word[lead:end], word[end:]


def _lead_len(word: str) -> int:
    n = 0
    while n < len(word) and not (word[n].isalnum() or word[n] == "_"):
        n += 1
    return n


def _joined(spans: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Kept pieces one piece where only a separator stands between them (``{GPU/TPUs}``)."""
    out: list[tuple[str, bool]] = []
    for text, keep in spans:
        if keep and len(out) >= 2 and out[-2][1] and not out[-1][1] and out[-1][0] in "-‐–/":
            sep = out.pop()[0]
            out[-1] = (out[-1][0] + sep + text, True)
        else:
            out.append((text, keep))
    return out


@lru_cache(maxsize=1)
def _proper() -> frozenset[str]:
    return frozenset(mapdata.load("title-case.toml")["proper"])


@lru_cache(maxsize=1 << 16)
def is_proper(word: str) -> bool:
    """A name whose capital nothing in its spelling shows (``Bayesian``, ``Monte``, ``English``):
    ``mappings/title-case.toml``, plural or possessive included."""
    base = re.sub(r"(?:['’]s|s)$", "", word)
    return word in _proper() or base in _proper()
