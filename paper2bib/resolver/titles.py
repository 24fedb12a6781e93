"""Is this arXiv title the title the user wrote? Token alignment, explained (pure functions).

Both titles become word tokens (TeX → unicode, accents and case folded, Greek letters
and symbols spelled out: ``$\\pi_0$`` = ``π0`` = ``pi_0``). The tokens are aligned and
every difference is classified:

* **minor** — the same title: a plural (``Model``/``Models``), a word split or joined
  (``Self Generated``/``Self-Generated``/``SelfGenerated``, ``H$_2$O``/``H2O``), an
  article or another small function word (``for Multi-Agent``/``for A Multi-Agent``);
* **content** — another paper: a content word or a number that only one side has
  (``Gemma`` vs ``Gemma 2``, ``… for Robots``, ``… Revisited``, ``PointNet++``).

Titles with content differences can still be related through the *name before the
colon*: arXiv's title may add one later (``X`` → ``ChatDev: X``), or keep the name while
the rest was rewritten (an old version's title). :func:`compare_titles` says which,
and :class:`TitleMatch` carries a one-line reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from ..text import fold, latex_to_unicode
from ..titlecase import needs_case_protection

#: Function words whose presence or absence does not make another title. Never
#: negations, "towards", "beyond", "versus" or "without": those change what a title says.
STOPWORDS = frozenset(
    """a an the of for in on at to with and or by from as via into onto is are be its their our""".split()
)

#: Kinds, best first: how closely a record's title matches the user's.
EXACT, SAME, NAME_ADDED, NAME_KEPT, NAME_CHANGED, DIFFERENT = (
    "exact",
    "same",
    "name-added",
    "name-kept",
    "name-changed",
    "different",
)
RANK = {k: i for i, k in enumerate((EXACT, SAME, NAME_ADDED, NAME_KEPT, NAME_CHANGED, DIFFERENT))}

#: A name before a colon is a few words; a longer head is a clause, not a name.
MAX_NAME_WORDS = 5
#: A name arXiv's title adds is shorter still, and written as a name: "ChatDev", "SAM 2", "T3",
#: not "On the Limits of ChatDev" or "Revisiting ChatDev".
MAX_ADDED_NAME_WORDS = 3
#: A title whose name changed but whose subtitle is this long is worth showing as a candidate.
NAME_CHANGED_MIN_WORDS = 4
#: An old title keeps its name and at least this share of its other content words.
NAME_KEPT_SHARE = 0.5

_TOKEN = re.compile(r"\+\+|[^\W_]+")
_HEAD_END = re.compile(r":|\s--?-?\s|\s[\u2013\u2014]\s")
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s\b")


@dataclass(frozen=True)
class TitleMatch:
    """How an arXiv title relates to the title a user wrote.

    :param kind: one of ``exact``, ``same``, ``name-added``, ``name-kept``,
        ``name-changed``, ``different`` (best first).
    :param why: the differences, in words (empty for ``exact``).
    :param shared: share of the content words either title has that both have (0..1):
        what ranks reworded titles (a title adding words of its own ranks lower).
    :param name: the name arXiv's title adds (``name-added``), folded tokens.
    :param same_name: both titles have the same name before the colon (``name-kept``, or a
        subtitle rewritten beyond that): evidence only together with the abstract.
    """

    kind: str
    why: str
    shared: float
    name: tuple[str, ...] = ()
    same_name: bool = False

    @property
    def same_title(self) -> bool:
        return self.kind in (EXACT, SAME)


def _spell(c: str) -> str:
    """A Greek letter as its name (``π`` → ``pi``), a symbol as a word (``∞`` → `` infinity ``)."""
    if c.isascii():
        return c
    name = unicodedata.name(c, "")
    if name.startswith("GREEK") and " LETTER " in name:
        return name.split(" LETTER ", 1)[1].split(" WITH ")[0].split()[-1].lower()
    if unicodedata.category(c) in ("Sm", "So"):
        return " " + re.sub(r"[^a-z]+", "", name.lower()) + " "
    return c


def split_name(title: str) -> tuple[str, str] | None:
    """``(name, rest)`` of a title with a name before its colon (or `` -- ``), else None."""
    m = _HEAD_END.search(title)
    if not m or not title[: m.start()].strip() or not title[m.end() :].strip():
        return None
    return title[: m.start()].strip(), title[m.end() :].strip()


@dataclass(frozen=True)
class _Title:
    tokens: tuple[str, ...]
    head: int  # tokens before the first colon (0: no name before a colon)
    coined: bool  # the head is one word, or words written as names (ChatDev, SAM 2, T3)


@lru_cache(maxsize=65536)
def _parse(title: str) -> _Title:
    plain = latex_to_unicode(title)
    text = "".join(_spell(c) for c in fold(_POSSESSIVE.sub("", plain.replace("{", "").replace("}", ""))))
    parts = split_name(text)
    head = len(_TOKEN.findall(parts[0])) if parts and _TOKEN.search(parts[1]) else 0
    written = split_name(plain)
    words = written[0].split() if written else []
    coined = len(words) == 1 or all(needs_case_protection(w) or w.isdigit() for w in words)
    return _Title(tuple(_TOKEN.findall(text)), head, coined)


def title_words(title: str | None) -> tuple[str, ...]:
    """The comparison tokens of a title (``$\\gamma$-MoD`` → ``gamma``, ``mod``)."""
    return _parse(title).tokens if title else ()


def singular(word: str) -> str:
    """A plural noun's singular, conservatively (``models`` → ``model``, ``studies`` →
    ``study``); words that only look plural (``process``, ``analysis``, ``focus``) stay.

    No stemmer: stemmers merge words that name different things (``universal``/``university``).
    """
    if not word.isalpha() or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def plural(word: str) -> str:
    """The regular plural of a singular noun (``study`` → ``studies``)."""
    if not word.isalpha() or len(word) <= 2:
        return word
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def content_words(words: tuple[str, ...] | list[str]) -> list[str]:
    """The words of a title that say what it is about: all but the function words."""
    return [w for w in words if w not in STOPWORDS]


@dataclass
class _Diff:
    minor: set[str]
    only_a: list[str]  # content words only the user's title has
    only_b: list[str]  # content words only arXiv's title has

    @property
    def same(self) -> bool:
        return not self.only_a and not self.only_b


def _diff(a: tuple[str, ...], b: tuple[str, ...]) -> _Diff:
    ca, cb = [singular(t) for t in a], [singular(t) for t in b]
    out = _Diff(set(), [], [])
    blocks: list[tuple[int, int, int, int]] = []
    for op in Levenshtein.opcodes(ca, cb):
        if op.tag == "equal":
            if a[op.src_start : op.src_end] != b[op.dest_start : op.dest_end]:
                out.minor.add("plural")
            continue
        if blocks and blocks[-1][1] == op.src_start and blocks[-1][3] == op.dest_start:
            blocks[-1] = (blocks[-1][0], op.src_end, blocks[-1][2], op.dest_end)
        else:
            blocks.append((op.src_start, op.src_end, op.dest_start, op.dest_end))
    for i1, i2, j1, j2 in blocks:
        xa, xb = ca[i1:i2], cb[j1:j2]
        if "".join(xa) == "".join(xb):
            out.minor.add("words joined or split")
            continue
        na, nb = content_words(xa), content_words(xb)
        if "".join(na) == "".join(nb):
            out.minor.add("small words " + "/".join(sorted({*xa, *xb} - {*na, *nb})))
            continue
        # a content difference: report the words as each side wrote them
        only_a = [t for t, c in zip(a[i1:i2], xa) if c not in STOPWORDS and c not in nb]
        only_b = [t for t, c in zip(b[j1:j2], xb) if c not in STOPWORDS and c not in na]
        if not only_a and not only_b:  # the same words in another order: still a difference
            only_a, only_b = list(a[i1:i2]), list(b[j1:j2])
        out.only_a += only_a
        out.only_b += only_b
    return out


def _share(a: tuple[str, ...], b: tuple[str, ...], of_both: bool = False) -> float:
    """Share of ``a``'s content words (counted with repeats) that ``b`` has; with
    ``of_both``, of the words either has."""
    wa, wb = Counter(singular(w) for w in content_words(a)), Counter(singular(w) for w in content_words(b))
    whole = wa | wb if of_both else wa
    return (wa & wb).total() / whole.total() if whole else 0.0


def _quote(words: list[str] | tuple[str, ...], most: int = 6) -> str:
    return "'" + " ".join(words[:most]) + (" …" if len(words) > most else "") + "'"


def _is_name(head: tuple[str, ...], most: int = MAX_NAME_WORDS) -> bool:
    return 0 < len(head) <= most and bool(content_words(head))


def compare_titles(user: str | None, arxiv: str | None) -> TitleMatch:
    """How arXiv's title relates to the user's (see the module docstring for the rule)."""
    ua, ra = _parse(user or ""), _parse(arxiv or "")
    a, b = ua.tokens, ra.tokens
    if not a or not b:
        return TitleMatch(DIFFERENT, "no words to compare", 0.0)
    if a == b:
        return TitleMatch(EXACT, "", 1.0)
    shared = _share(a, b, of_both=True)
    d = _diff(a, b)
    if d.same:
        return TitleMatch(SAME, "same title but for: " + ", ".join(sorted(d.minor)), 1.0)
    a_head, a_tail, b_head, b_tail = a[: ua.head], a[ua.head :], b[: ra.head], b[ra.head :]
    # a name, not words about one: "ChatDev: X", "SAM 2: X", never "Revisiting ChatDev: X"
    if (
        ra.coined
        and _is_name(b_head, MAX_ADDED_NAME_WORDS)
        and len(content_words(b_tail)) >= 3
        and _diff(a, b_tail).same
    ):
        return TitleMatch(NAME_ADDED, f"arXiv's title adds the name {_quote(b_head)} before the colon", shared, b_head)
    if (
        ua.coined
        and _is_name(a_head, MAX_ADDED_NAME_WORDS)
        and len(content_words(a_tail)) >= 3
        and _diff(a_tail, b).same
    ):
        return TitleMatch(NAME_ADDED, f"arXiv's title has no name {_quote(a_head)} before the colon", shared)
    same_name = False
    if a_head and b_head:
        heads, tails = _diff(a_head, b_head), _diff(a_tail, b_tail)
        same_name = heads.same and _is_name(a_head)
        if same_name:
            kept = _share(a_tail, b_tail)
            if kept >= NAME_KEPT_SHARE:
                return TitleMatch(
                    NAME_KEPT,
                    f"same name {_quote(a_head)} before the colon, "
                    f"{round(kept * 100)}% of the words after it (an earlier version's title?)",
                    shared,
                    same_name=True,
                )
        # a renamed tool keeps its subtitle (Redco → RedCoast); a number or "++" in the
        # difference is a successor instead (PointNet++, Qwen2.5, π0.5): another paper
        version = any(not w.isalpha() for w in heads.only_a + heads.only_b)
        if tails.same and not heads.same and not version and len(content_words(a_tail)) >= NAME_CHANGED_MIN_WORDS:
            return TitleMatch(
                NAME_CHANGED, f"same words after the colon, but the name {_quote(b_head)} for {_quote(a_head)}", shared
            )
    parts = []
    if d.only_b:
        parts.append(f"arXiv's title has {_quote(d.only_b)}")
    if d.only_a:
        parts.append(f"the digest's has {_quote(d.only_a)}")
    return TitleMatch(DIFFERENT, " and ".join(parts), shared, same_name=same_name)
