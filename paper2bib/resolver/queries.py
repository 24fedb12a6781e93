"""Building arXiv search queries from digest entries (pure functions).

arXiv's query parser reads ``:`` as a field separator, an unquoted ``a-b`` as
``a ANDNOT b``, unquoted words as OR-ed, and ``AND``/``OR``/``ANDNOT`` as operators.
So every search term is normalised word tokens inside double quotes (``ti:"…"``):
lower-case words, which no title or abstract can turn into syntax. Only the operators
and parentheses that join terms are ours.

Titles are searched as their runs of plain words (``title_terms``), and, when that
misses, as a few content words in either number or the coined name before the colon
(``word_terms``); the scorer (``matching``) decides what the candidates are.
"""

from __future__ import annotations

import re
import unicodedata

from ..text import tokens
from ..titlecase import needs_case_protection
from .titles import MAX_NAME_WORDS, STOPWORDS, plural, singular, split_name

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
#: Words a word search ANDs at most: enough to pick a title out, few enough to survive a
#: rewording.
MAX_SEARCH_WORDS = 5

#: A word every search engine tokenises the same way: ASCII letters and digits, joined by
#: hyphens or slashes at most. ``$``, ``_``, ``^``, ``\``, ``.``, apostrophes and non-ASCII
#: are tokenised differently by different indexes (and by arXiv's).
_PLAIN_WORD = re.compile(r"[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)*")
_EDGE_PUNCT = "\"'`()[]<>,;:.!?*"


def plain_runs(title: str | None) -> list[list[str]]:
    """The runs of plain words in a title, lower-cased and split at hyphens and slashes.

    ``$\\pi_0$: A Vision-Language-Action Flow Model`` → ``[[a, vision, language, action,
    flow, model]]``: a TeX or unicode word ends a run, so a phrase search never depends on
    how an index tokenises it. Braces are grouping, not text.
    """
    runs: list[list[str]] = [[]]
    for word in (title or "").replace("{", "").replace("}", "").split():
        if _is_plain(word):
            runs[-1] += re.split(r"[-/]", word.strip(_EDGE_PUNCT).lower())
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


def _is_plain(word: str) -> bool:
    core = word.strip(_EDGE_PUNCT)
    return bool(core) and bool(_PLAIN_WORD.fullmatch(core))


def _bounded(words: list[str]) -> str:
    phrase = " ".join(words[:MAX_PHRASE_WORDS])
    while len(phrase) > MAX_PHRASE_CHARS and " " in phrase:
        phrase = phrase.rsplit(" ", 1)[0]
    return phrase[:MAX_PHRASE_CHARS]


def title_phrase(title: str | None) -> str | None:
    """The whole title as one phrase of normalised tokens (first 20 words), or None."""
    toks = tokens(title[: MAX_PHRASE_CHARS * 20] if title else title)
    return _bounded(toks) or None


def title_terms(title: str | None) -> str | None:
    """The ``ti:`` search for a title: its runs of plain words as phrases, all required.

    ``ti:"a b c"`` for a plain title, ``(ti:"a b" AND ti:"d e")`` for one with TeX or
    symbols between plain runs; a title without a plain content word is searched as its
    normalised tokens. None when it has no words at all.
    """
    runs = [r for r in plain_runs(title[: MAX_PHRASE_CHARS * 20] if title else title) if set(r) - STOPWORDS]
    phrases: list[str] = []
    used = 0
    for run in runs:
        if used >= MAX_PHRASE_WORDS:
            break
        phrases.append(_bounded(run[: MAX_PHRASE_WORDS - used]))
        used += len(run)
    if not phrases:
        whole = title_phrase(title)
        return f'ti:"{whole}"' if whole else None
    return all_of([f'ti:"{p}"' for p in phrases])


def _forms(word: str) -> list[str]:
    one = singular(word)
    return list(dict.fromkeys([word, one, plural(one)]))


def word_terms(title: str | None) -> str | None:
    """A looser ``ti:`` search for a title its phrase search missed: a few of its content
    words, each in singular or plural, all required (``(ti:"agent" OR ti:"agents") AND …``),
    or else the name before its colon (``ti:"jaxmarl"``) — an old title often keeps it.

    Only plain alphabetic words: a word with digits or symbols is tokenised differently
    by different indexes. None when the title has fewer than two such words and no name.
    """
    if not title:
        return None
    title = title[: MAX_PHRASE_CHARS * 20]
    parts = split_name(title)
    if parts and sum(len(r) for r in plain_runs(parts[1])) >= 3:
        title = parts[1]  # the name before the colon is what a later version renames
    words = list(dict.fromkeys(w for run in plain_runs(title) for w in run if w.isalpha() and len(w) > 2))
    words = [w for w in words if w not in STOPWORDS]
    words.sort(key=lambda w: (w in _COMMON, -len(w)))
    groups = [any_of([f'ti:"{f}"' for f in _forms(w)]) for w in words[:MAX_SEARCH_WORDS]]
    terms = [all_of(groups)] if len(groups) >= 2 else []
    name = name_phrase(parts[0]) if parts else None
    if name:
        terms.append(f'ti:"{name}"')
    return any_of(terms) if terms else None


def name_phrase(name: str) -> str | None:
    """The name before a title's colon as a search phrase, when it can pick a title out:
    one coined word (``JaxMARL``, ``C4``: inner capitals or digits) or a few plain words
    with at least two content words (``Doing More with Less``). Lower-cased, or None."""
    written = name.split()
    if not written or len(written) > MAX_NAME_WORDS or not all(_is_plain(w) for w in written):
        return None
    words = plain_runs(name)[0]
    coined = len(written) == 1 and needs_case_protection(name.strip(_EDGE_PUNCT))
    if coined or len(set(words) - STOPWORDS) >= 2:
        return " ".join(words)
    return None


def any_of(terms: list[str]) -> str:
    """Terms OR-ed, in parentheses when there are several: one request, many searches."""
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


def all_of(terms: list[str]) -> str:
    """Terms AND-ed, in parentheses when there are several."""
    return terms[0] if len(terms) == 1 else "(" + " AND ".join(terms) + ")"


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


def abstract_terms(abstract: str | None) -> str | None:
    """The ``abs:"…"`` search for an abstract's most distinctive phrase, or None."""
    phrase = abstract_phrase(abstract)
    return f'abs:"{phrase}"' if phrase else None


def search_query(terms: list[str]) -> str:
    """The query of one request: several entries' searches OR-ed (``ti:"…" OR (…)``)."""
    return " OR ".join(terms)
