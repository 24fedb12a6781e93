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

from ..text import braces_balanced, keep_edges, latex_to_unicode, split_math
from ..titlecase import CaseProtection

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

#: Macros that take arguments in math: how many, and whether those are text (not math).
_MATH_ARGS: dict[str, tuple[int, bool]] = {
    **dict.fromkeys(
        """sqrt mathrm mathbf mathit mathsf mathtt mathcal hat tilde bar vec dot ddot overline underline widehat
        widetilde""".split(),
        (1, False),
    ),
    "frac": (2, False),
    **dict.fromkeys("textrm textbf textit mbox".split(), (1, True)),
}
#: Macros allowed inside math: what LaTeX itself defines (no amsmath, no amssymb), and
#: nothing that reads or writes files, defines macros or changes catcodes.
MATH_MACROS = (
    frozenset(
        """alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi varpi
        rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma
        Upsilon Phi Psi Omega ell hbar imath jmath wp Re Im partial infty nabla forall exists neg emptyset
        times cdot cdots ldots dots div pm mp ast star circ bullet cap cup wedge vee oplus otimes leq le geq ge
        neq ne approx sim simeq equiv propto ll gg subset subseteq supset supseteq in notin ni to rightarrow
        leftarrow Rightarrow Leftarrow leftrightarrow mapsto uparrow downarrow sum prod int oint log ln exp sin
        cos tan max min arg sup inf lim det dim mid prime top bot angle triangle langle rangle lfloor rfloor
        lceil rceil vert Vert backslash left right big Big bigg Bigg quad qquad colon S P""".split()
    )
    | _MATH_ARGS.keys()
)
#: Macros that need amsmath, rewritten to what plain LaTeX has.
_MATH_REWRITE = {"text": "textrm", "operatorname": "mathrm", "dfrac": "frac", "tfrac": "frac"}
_DELIMITER_MACROS = frozenset(
    ["langle", "rangle", "lfloor", "rfloor", "lceil", "rceil", "vert", "Vert", "backslash", "{", "}", "|"]
)
_SIZED = frozenset(("left", "right", "big", "Big", "bigg", "Bigg"))
_MATH_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-*/=<>()[]|.,;:!?' ~")
_TEXT_ARG_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -.,:;!?'()/")
_MATH_TOKEN = re.compile(r"\\[A-Za-z]+|\\[,;:! {}|]|.", re.S)


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
    """A character no LaTeX font here has (CJK, emoji): its code point, so nothing is lost.

    Braced twice so a style that lower-cases titles leaves it alone; ``\\ttfamily``
    rather than ``\\texttt`` so TeX-to-text converters (pylatexenc) read it back.
    """
    return rf"{{{{\ttfamily [U+{ord(c):04X}]}}}}"


@lru_cache(maxsize=1 << 16)  # pure; words and names repeat across an export
def escape_text(text: str, ascii_only: bool = True) -> str:
    """Plain unicode text as LaTeX: specials escaped, non-ASCII encoded.

    Braces that pair up become ``\\{``/``\\}`` (BibTeX counts them, so they must pair);
    stray ones ``\\textbraceleft{}``/``\\textbraceright{}``, which no field can be closed by.
    """
    special = _SPECIAL if not braces_balanced(text) else {**_SPECIAL, "{": r"\{", "}": r"\}"}
    out = []
    for c in text:
        if c in special:
            out.append(special[c])
        elif " " <= c <= "~":
            out.append(c)
        else:
            out.append(encode_char(c, ascii_only))
    return re.sub(r" {2,}", " ", "".join(out))


class _Reject(Exception):
    """Math that plain LaTeX would not set, or that does more than typeset: it becomes text."""


class _MathChecker:
    """Checks ``$…$`` bodies against a small grammar of harmless math.

    Every macro is whitelisted, every argument is there, scripts have a base and are
    not doubled, ``\\left``/``\\right`` pair up with a delimiter, text arguments hold
    only words. ``^^`` (TeX's character notation), ``#``, ``%``, ``&``, ``\\\\`` and
    ``$`` never pass. What passes is rewritten to plain-LaTeX macros.
    """

    def __init__(self, body: str):
        self.tokens = _MATH_TOKEN.findall(body)
        self.pos = 0
        self.out: list[str] = []

    def run(self) -> str:
        self._sequence(closing=None)
        if self.pos != len(self.tokens):
            raise _Reject
        return "".join(self.out)

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _next(self) -> str:
        tok = self._peek()
        if tok is None:
            raise _Reject
        self.pos += 1
        return tok

    def _sequence(self, closing: str | None) -> None:
        open_left = 0
        scripts: set[str] = set()
        while (tok := self._peek()) is not None and tok != closing:
            if tok in "^_":
                self.pos += 1
                if tok in scripts or self._peek() == tok:
                    raise _Reject  # a double superscript, or ^^ notation
                scripts.add(tok)
                self.out.append(tok)
                self._atom()
                continue
            scripts = set()
            if tok in ("\\left", "\\right"):
                open_left += 1 if tok == "\\left" else -1
                if open_left < 0:
                    raise _Reject
            self._atom()
        if open_left:
            raise _Reject
        if closing is None and tok is not None:
            raise _Reject  # a "}" with no "{"

    def _atom(self) -> None:
        tok = self._next()
        if tok == "{":
            self.out.append("{")
            self._sequence(closing="}")
            if self._next() != "}":
                raise _Reject
            self.out.append("}")
        elif tok.startswith("\\") and tok[1:].isalpha():
            self._macro(tok[1:])
        elif tok.startswith("\\") or tok in _MATH_CHARS:
            self.out.append(tok)
        elif ord(tok) > 127:
            self.out.append(_math_char(tok))
        else:
            raise _Reject

    def _macro(self, name: str) -> None:
        name = _MATH_REWRITE.get(name, name)
        if name not in MATH_MACROS:
            raise _Reject
        self.out.append("\\" + name + " ")
        if name in _SIZED:
            delim = self._next()
            if not (delim in "()[]|./<>" or delim.lstrip("\\") in _DELIMITER_MACROS):
                raise _Reject
            self.out.append(delim)
            return
        nargs, text_args = _MATH_ARGS.get(name, (0, False))
        if name == "sqrt" and self._peek() == "[":
            self.out.append(self._next())
            while (tok := self._next()) != "]":
                if tok not in _MATH_CHARS - {"["}:
                    raise _Reject
                self.out.append(tok)
            self.out.append("]")
        for _ in range(nargs):
            if text_args:
                self._text_argument()
            else:
                self._atom()

    def _text_argument(self) -> None:
        if self._next() != "{":
            raise _Reject
        self.out.append("{")
        while (tok := self._next()) != "}":
            if tok not in _TEXT_ARG_CHARS:
                raise _Reject
            self.out.append(tok)
        self.out.append("}")


def _math_char(c: str) -> str:
    """A non-ASCII character inside math as a whitelisted macro (``γ`` → ``\\gamma``)."""
    latex = _encoder().unicode_to_latex(c)
    m = re.fullmatch(r"\{?\\ensuremath\{\\([A-Za-z]+)\}\}?", latex)
    if not m or m.group(1) not in MATH_MACROS:
        raise _Reject
    return "\\" + m.group(1) + " "


def _math_to_latex(math: str) -> str | None:
    """The body of a ``$…$`` as safe math, or None if it must become text."""
    if not math.strip() or not braces_balanced(math):
        return None
    try:
        out = _MathChecker(math).run()
    except _Reject:
        return None
    out = re.sub(r"(\\[A-Za-z]+) +(?![A-Za-z])", r"\1", out)  # "\gamma -" → "\gamma-"
    return re.sub(r" {2,}", " ", out).strip()


def _encode_words(text: str, ascii_only: bool, case: CaseProtection | None) -> str:
    if case is None:
        return escape_text(text, ascii_only)
    out = []
    for word in re.split(r"(\s+)", text):
        spans = case.spans(word)
        if not any(keep for _, keep in spans):
            out.append(escape_text(word, ascii_only))  # escaped whole, as a word without case to keep
        else:
            out += ["{" + escape_text(t, ascii_only) + "}" if keep else escape_text(t, ascii_only) for t, keep in spans]
    return "".join(out)


def to_latex(text: str | None, ascii_only: bool = True, protect: bool = False) -> str:
    """arXiv text (unicode + TeX) as LaTeX that compiles and cannot break out of a field.

    With ``protect`` (titles), words whose capitals matter are brace-protected.
    """
    if not text:
        return ""
    case = CaseProtection(latex_to_unicode(text)) if protect else None
    out = []
    for is_math, body in split_math(text):
        if is_math:
            math = _math_to_latex(body)
            if math is not None:
                out.append("$" + math.strip() + "$")
                if case:
                    case.protect(body)  # math counts as a word for the first-word rule
                continue
            body = latex_to_unicode("$" + body + "$") if braces_balanced(body) else "$" + body + "$"
        else:
            body = keep_edges(body, latex_to_unicode(body))
        out.append(_encode_words(body, ascii_only, case))
    result = re.sub(r"\s+", " ", "".join(out)).strip()
    assert braces_balanced(result), "unbalanced LaTeX output"  # by construction; guards regressions
    return result


balanced = braces_balanced  # the BibTeX brace check, as tests and the fuzzers know it
