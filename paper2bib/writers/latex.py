"""Turning arXiv text (unicode with TeX fragments) into LaTeX that always compiles.

* Math (``$γ-$MoD``, ``MoE$^2$``, ``$\\ell_1$``) stays math when it is balanced and uses
  only macros plain LaTeX knows; unicode inside it becomes macros (``γ`` → ``\\gamma``).
  Anything else is turned into text.
* Text is decoded from TeX (``\\"o``, ``\\&``) to unicode, then encoded for LaTeX: the
  ten special characters are escaped; braces become ``\\textbraceleft{}`` so that no
  value can ever close its BibTeX field; non-ASCII becomes LaTeX (``{\\"o}``, ``---``)
  or, for biblatex, stays UTF-8 where LaTeX's utf8 support can set it.
* With ``protect=True`` (titles), words whose capitals matter (``HybridFlow``, ``RLHF``,
  ``GPU/TPUs``) are wrapped in braces so styles that lower-case titles keep them.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

from pylatexenc.latexencode import UnicodeToLatexEncoder

from ..text import latex_to_unicode

logging.getLogger("pylatexenc").setLevel(logging.ERROR)

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_DASHES = {"\u2014": "---", "\u2013": "--", "\u00a0": "~"}

#: Macros allowed inside math: what LaTeX (with no extra package) defines.
MATH_MACROS = frozenset(
    """alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi varpi
    rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma
    Upsilon Phi Psi Omega ell hbar imath jmath wp Re Im partial infty nabla forall exists neg emptyset
    times cdot cdots ldots dots div pm mp ast star circ bullet cap cup wedge vee oplus otimes leq le geq ge
    neq ne approx sim simeq equiv propto ll gg subset subseteq supset supseteq in notin ni to rightarrow
    leftarrow Rightarrow Leftarrow leftrightarrow mapsto uparrow downarrow sum prod int oint sqrt frac
    mathrm mathbf mathit mathsf mathtt mathcal log ln exp sin cos tan max min arg sup inf lim det dim mid
    prime top bot angle triangle langle rangle lfloor rfloor lceil rceil vert Vert backslash left right
    big Big bigg Bigg quad qquad hat tilde bar vec dot ddot overline underline widehat widetilde text
    textrm textbf textit mbox colon S P""".split()
)


@lru_cache(maxsize=1)
def _encoder() -> UnicodeToLatexEncoder:
    return UnicodeToLatexEncoder(
        non_ascii_only=True, replacement_latex_protection="braces-all", unknown_char_policy="unihex"
    )


@lru_cache(maxsize=4096)
def encode_char(c: str, ascii_only: bool) -> str:
    """One non-ASCII character as LaTeX text (or itself, for biblatex, when LaTeX can set it)."""
    if c in _DASHES:
        return _DASHES[c]
    if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") or c in "\r\n\t":
        return " " if c in "\r\n\t\u2028\u2029" else ""
    if unicodedata.category(c) == "Zs":
        return " "
    latex = _encoder().unicode_to_latex(c)
    if "U+" in latex or any(n.startswith("math") and n not in MATH_MACROS for n in re.findall(r"\\([A-Za-z]+)", latex)):
        latex = _unihex(c)  # e.g. \mathbb needs amssymb: not plain LaTeX
    if ascii_only:
        return latex
    is_text_macro = "ensuremath" not in latex and "[U+" not in latex
    return c if is_text_macro else latex


def _unihex(c: str) -> str:
    """A character no LaTeX font here has (CJK, emoji): its code point, so nothing is lost."""
    return r"\texttt{[U+%04X]}" % ord(c)


def escape_text(text: str, ascii_only: bool = True) -> str:
    """Plain unicode text as LaTeX: specials escaped, non-ASCII encoded."""
    out = []
    for c in text:
        if c in _SPECIAL:
            out.append(_SPECIAL[c])
        elif " " <= c <= "~":
            out.append(c)
        else:
            out.append(encode_char(c, ascii_only))
    return re.sub(r" {2,}", " ", "".join(out))


def _balanced(s: str) -> bool:
    """Balanced the way BibTeX counts: every brace character, escaped or not."""
    depth = 0
    for c in s:
        depth += (c == "{") - (c == "}")
        if depth < 0:
            return False
    return depth == 0


def _math_to_latex(math: str) -> str | None:
    """The body of a ``$…$`` as safe math, or None if it must become text."""
    if not math.strip() or not _balanced(math) or re.search(r"(?<!\\)[%#&]|\\\\|\$", math):
        return None
    for name in re.findall(r"\\([A-Za-z]+)", math):
        if name not in MATH_MACROS:
            return None
    out = []
    for c in math:
        if " " <= c <= "~":
            out.append(c)
            continue
        latex = _encoder().unicode_to_latex(c)
        m = re.fullmatch(r"\{?\\ensuremath\{(\\[A-Za-z]+)\}\}?", latex)
        if not m or m.group(1)[1:] not in MATH_MACROS:
            return None
        out.append(m.group(1) + " ")
    return "".join(out).replace("  ", " ")


def _split_math(text: str) -> list[tuple[bool, str]]:
    """(is_math, body) segments; a ``$`` with no partner is text."""
    dollars = [m.start() for m in re.finditer(r"(?<!\\)\$", text)]
    segments: list[tuple[bool, str]] = []
    pos = 0
    for a, b in zip(dollars[0::2], dollars[1::2]):
        if b == a + 1:  # "$$" – treat the pair as a literal, not display math
            continue
        segments.append((False, text[pos:a]))
        segments.append((True, text[a + 1 : b]))
        pos = b + 1
    segments.append((False, text[pos:]))
    return [s for s in segments if s[1]]


def _decode_text(seg: str) -> str:
    """TeX in a text segment → unicode (``\\"o``, ``\\&``, ``{\\em x}``).

    Text with no macro and no braces is already plain (``~`` and ``^`` stay characters);
    text with unbalanced braces is taken literally, braces and all; a lone ``$`` is a dollar.
    """
    if "\\" not in seg and "{" not in seg and "}" not in seg:
        return seg
    if not _balanced(seg) or not seg.strip():
        return seg
    return latex_to_unicode(re.sub(r"(?<!\\)\$", r"\\$", seg))


def _needs_protection(word: str) -> bool:
    """Capitals a style must not lower-case: ``RLHF``, ``HybridFlow``, ``C4``, ``GPU/TPUs``."""
    letters = [c for c in word if c.isalpha()]
    if not any(c.isupper() for c in letters):
        return False
    return any(c.isupper() for c in letters[1:]) or any(c.isdigit() for c in word)


def _encode_words(text: str, ascii_only: bool, protect: bool) -> str:
    if not protect:
        return escape_text(text, ascii_only)
    parts = re.split(r"(\s+)", text)
    return "".join(
        "{" + escape_text(p, ascii_only) + "}" if p and not p.isspace() and _needs_protection(p) else escape_text(p, ascii_only)
        for p in parts
    )


def to_latex(text: str | None, ascii_only: bool = True, protect: bool = False) -> str:
    """arXiv text (unicode + TeX) as LaTeX that compiles and cannot break out of a field."""
    if not text:
        return ""
    out = []
    for is_math, body in _split_math(text):
        if is_math:
            math = _math_to_latex(body)
            if math is not None:
                out.append("$" + math.strip() + "$")
                continue
            body = latex_to_unicode("$" + body + "$") if _balanced(body) else "$" + body + "$"
        else:
            body = _decode_text(body)
        out.append(_encode_words(body, ascii_only, protect))
    result = re.sub(r"\s+", " ", "".join(out)).strip()
    assert _balanced(result), "unbalanced LaTeX output"  # by construction; guards regressions
    return result


def balanced(s: str) -> bool:
    """Public form of the BibTeX brace check (used by tests and the fuzzers)."""
    return _balanced(s)
