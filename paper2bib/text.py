"""Text normalisation shared by parsing, matching and writing: TeX → unicode, folding."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text


@lru_cache(maxsize=1)
def _l2t() -> LatexNodes2Text:
    return LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


_TEX_HINT = re.compile(r"[\\$^_{}~]")
# In TeX, these start a comment, an alignment cell or a parameter; in titles they are text.
_BARE_SPECIAL = re.compile(r"(?<!\\)([%&#])")


def latex_to_unicode(text: str) -> str:
    """TeX as arXiv titles write it, as plain unicode: ``$\\alpha$-CLIP`` → ``α-CLIP``.

    Text with no TeX in it is returned unchanged. Malformed TeX never raises.
    """
    if not _TEX_HINT.search(text):
        return text
    try:
        out = _l2t().latex_to_text(_BARE_SPECIAL.sub(r"\\\1", text))
    except Exception:  # pylatexenc is tolerant, but a pathological input must not crash a run
        out = re.sub(r"[\\$^_{}]", "", text)
    return re.sub(r"\s+", " ", out).strip()


def fold(text: str) -> str:
    """Lower-case ASCII-ish form for comparison: accents stripped, unicode folded."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower()


def tokens(text: str | None) -> list[str]:
    """Word tokens of ``text`` after TeX → unicode and folding (``MoE$^2$`` → ``moe 2``)."""
    if not text:
        return []
    return [t for t in re.split(r"[^\w]+", fold(latex_to_unicode(text))) if t]


@lru_cache(maxsize=65536)
def _normalise(text: str) -> str:
    return " ".join(tokens(text))


def normalise(text: str | None) -> str:
    """Tokens joined by single spaces: the canonical form titles are compared in (cached)."""
    return _normalise(text) if text else ""


def squash_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
