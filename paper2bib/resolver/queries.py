"""Building arXiv search queries from digest entries (pure functions).

arXiv's query parser reads ``:`` as a field separator, an unquoted ``a-b`` as
``a ANDNOT b``, unquoted words as OR-ed, and ``AND``/``OR``/``ANDNOT`` as operators.
So every query is built from normalised word tokens inside double quotes: phrases of
lower-case words, which no title or abstract can turn into syntax.
"""

from __future__ import annotations

import re
import unicodedata

from ..text import tokens

#: Words that make a phrase common rather than distinctive.
_COMMON = frozenset(
    """a an the of and or for in on to with by from as at is are we our this that these which be can via
        based using use large language model models llm llms learning deep neural network networks
        data approach method methods results paper propose proposed show new""".split()
)


#: Words of a title a search uses at most: a phrase of the first 20 words still finds the
#: title, and a 70,000-character "title" cannot make a URL arXiv refuses (HTTP 414).
MAX_PHRASE_WORDS = 20
MAX_PHRASE_CHARS = 200


def title_phrase(title: str | None) -> str | None:
    """The phrase a title search uses: its first normalised tokens, or None if it has none."""
    toks = tokens(title[: MAX_PHRASE_CHARS * 20] if title else title)[:MAX_PHRASE_WORDS]
    phrase = " ".join(toks)
    while len(phrase) > MAX_PHRASE_CHARS and " " in phrase:
        phrase = phrase.rsplit(" ", 1)[0]
    return phrase[:MAX_PHRASE_CHARS] or None


def title_query(titles: list[str]) -> str:
    """``ti:"…" OR ti:"…"``: one request that finds several titles at once."""
    return " OR ".join(f'ti:"{p}"' for p in titles)


def _plain_tokens(sentence: str) -> list[str] | None:
    """Tokens of a sentence with no TeX, digits or non-ASCII in it, else None.

    Such a sentence tokenises the same for us and for arXiv's index, so a phrase from
    it is found verbatim.
    """
    if re.search(r"[\\$^_{}~\d]", sentence):
        return None
    folded = unicodedata.normalize("NFKD", sentence)
    if any(ord(c) > 127 and not unicodedata.combining(c) for c in folded):
        return None
    return [t for t in re.split(r"[^a-z]+", folded.lower()) if t]


def abstract_phrase(abstract: str | None, length: int = 7) -> str | None:
    """The most distinctive run of ``length`` words in an abstract, for an ``abs:`` search.

    Distinctive = many long, uncommon words; the run never crosses a sentence end.
    """
    if not abstract:
        return None
    best: tuple[float, str] | None = None
    for sentence in re.split(r"(?<=[.!?;:])\s+", abstract):
        toks = _plain_tokens(sentence)
        if not toks or len(toks) < length:
            continue
        for i in range(len(toks) - length + 1):
            window = toks[i : i + length]
            score = sum(min(len(t), 12) for t in window if t not in _COMMON) - 3 * sum(t in _COMMON for t in window)
            if best is None or score > best[0]:
                best = (score, " ".join(window))
    return best[1] if best else None


def abstract_query(phrases: list[str]) -> str:
    """``abs:"…" OR abs:"…"``."""
    return " OR ".join(f'abs:"{p}"' for p in phrases)
