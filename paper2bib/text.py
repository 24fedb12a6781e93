"""Text normalisation shared by parsing, matching and writing: TeX → unicode, folding."""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexwalker import LatexGroupNode, LatexMacroNode

from .titlecase import CaseProtection

#: Abbreviation macros papers define for themselves (``\eg``): their text, not nothing.
_ABBREVIATIONS = {
    "eg": "e.g.",
    "ie": "i.e.",
    "etal": "et al.",
    "etc": "etc.",
    "cf": "cf.",
    "vs": "vs.",
    "wrt": "w.r.t.",
    "aka": "a.k.a.",
    "iid": "i.i.d.",
    "S": "\u00a7",
    "P": "\u00b6",
}


#: Font and size switches: formatting, no text.
_SWITCHES = """em it bf rm sf tt sc sl up md itshape bfseries upshape mdseries normalfont ttfamily rmfamily
    sffamily scshape slshape tiny scriptsize footnotesize small normalsize large Large LARGE huge
    Huge relax protect noindent xspace displaystyle textstyle scriptstyle boldmath unboldmath""".split()


def _literal(node: LatexMacroNode) -> str:
    """An unknown macro as its own name, so a reader still sees it (``\\foo``)."""
    return "\\" + node.macroname + node.macro_post_space


def _unknown(node: LatexMacroNode) -> str:
    """A macro pylatexenc cannot typeset: its name, and its arguments as written if it took any
    (``\\textcolor{red}{x}`` stays whole rather than losing ``x``)."""
    return _verbatim(node) if node.nodeargd and node.nodeargd.argnlist else _literal(node)


#: Macros whose argument is their text: formatting, and the URL of ``\url``.
_ARGUMENT_IS_TEXT = "url nolinkurl path texttt textsf textsc textup textmd textnormal textsl mbox hbox".split()


def _verbatim(node: LatexMacroNode) -> str:
    """A macro with its arguments, exactly as written (``\\input{x}`` stays visible, is never run)."""
    return str(node.latex_verbatim())


def _abbreviation(node: LatexMacroNode) -> str:
    return _ABBREVIATIONS[node.macroname] + node.macro_post_space


@lru_cache(maxsize=1)
def _l2t() -> LatexNodes2Text:
    db = get_default_latex_context_db()
    # pylatexenc drops what it does not know and reads files for \input: keep both as text
    keep = [
        "input",
        "include",
        "includegraphics",
        "openout",
        "write",
        "immediate",
        "catcode",
        "def",
        "csname",
        "verb",
        "href",
    ]
    # what formats text without being text: its argument is the text (a URL included, so a
    # reader of a CSL abstract sees "available at https://…", not an empty "<…>")
    shown = [MacroTextSpec(k, simplify_repl="%s") for k in _ARGUMENT_IS_TEXT]
    db.add_context_category(
        "paper2bib",
        prepend=True,
        macros=[MacroTextSpec(k, simplify_repl=_abbreviation) for k in _ABBREVIATIONS]
        + [MacroTextSpec(k, simplify_repl=_verbatim) for k in keep]
        + shown,
    )
    db.add_context_category(
        "paper2bib-switches", prepend=True, macros=[MacroTextSpec(k, simplify_repl="") for k in _SWITCHES]
    )
    db.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=_unknown))
    return _KeepUnknown(latex_context=db, math_mode="text", strict_latex_spaces=False)


class _KeepUnknown(LatexNodes2Text):
    r"""Keeps the braces of the groups right after a macro shown as written: ``\foo{bar}``
    stays ``\foo{bar}`` (not ``\foobar``), ``\href{u}{text}`` stays whole — shown, never run."""

    def nodelist_to_text(self, nodelist: list) -> str:
        out: list[str] = []
        run: list = []  # ordinary nodes, converted together (spacing between them is pylatexenc's)
        unknown_before = False
        for node in nodelist:
            if node is None:
                continue
            if unknown_before and node.isNodeType(LatexGroupNode) and node.delimiters == ("{", "}"):
                out.append(super().nodelist_to_text(run))
                run = []
                out.append("{" + self.nodelist_to_text(node.nodelist) + "}")
                continue
            unknown_before = node.isNodeType(LatexMacroNode) and self._shown_as_written(node.macroname)
            run.append(node)
        out.append(super().nodelist_to_text(run))
        return "".join(out)

    def _shown_as_written(self, name: str) -> bool:
        spec = self.latex_context.get_macro_spec(name)
        return spec is self.latex_context.unknown_macro_spec or getattr(spec, "simplify_repl", None) is _verbatim


_TEX_HINT = re.compile(r"[\\$^_{}~]")
# In TeX, these start a comment, an alignment cell or a parameter; in titles they are text.
_BARE_SPECIAL = re.compile(r"(?<!\\)([%&#])")


def split_math(text: str) -> list[tuple[bool, str]]:
    """(is_math, body) segments of ``text``; a ``$`` with no partner, and ``$$``, are text."""
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


@contextmanager
def collected_after() -> Iterator[None]:
    """No garbage collection inside: reading a big input makes many objects, and every
    collection on the way walks all of them, which makes reading grow faster than the input.
    One collection follows in due course."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _decode(tex: str) -> str:
    try:
        if len(tex) < 20_000:
            return _l2t().latex_to_text(tex)
        with collected_after():
            return _l2t().latex_to_text(tex)
    except Exception:  # pylatexenc is tolerant, but a pathological input must not crash a run
        return re.sub(r"[\\$^_{}]", "", tex)


#: the longest text read as TeX (the longest abstracts are ~2,000 characters); longer is kept as written
MAX_TEX = 100_000


def latex_to_unicode(text: str) -> str:
    """TeX as arXiv titles write it, as plain unicode: ``$\\alpha$-CLIP`` → ``α-CLIP``.

    Nothing is dropped: ``&``, ``%``, ``#`` and lone ``$`` are text, abbreviation macros
    (``\\eg``) become their text and other unknown macros stay visible by name. Text with
    no TeX in it is returned unchanged. Malformed TeX never raises.
    """
    if not _TEX_HINT.search(text):
        return text
    if len(text) > MAX_TEX:  # no title or abstract is this long: shown as written, not typeset
        return re.sub(r"\s+", " ", text).strip()
    out = []
    for is_math, body in split_math(text):
        if is_math:
            out.append(_decode("$" + _BARE_SPECIAL.sub(r"\\\1", body) + "$"))
        else:  # pylatexenc trims, but the spaces around a text segment separate words
            out.append(keep_edges(body, _decode_text(body)))
    return re.sub(r"\s+", " ", "".join(out)).strip()


def keep_edges(original: str, decoded: str) -> str:
    """``decoded`` with the leading and trailing space ``original`` had."""
    return (" " if original[:1].isspace() else "") + decoded.strip() + (" " if original[-1:].isspace() else "")


def _decode_text(seg: str) -> str:
    """A text segment: with no macro and no brace it is already plain (``~``, ``^`` stay
    characters); with braces that do not pair it is taken literally."""
    if "\\" not in seg and "{" not in seg and "}" not in seg:
        return seg
    if not braces_balanced(seg):
        return seg
    tex = re.sub(r"(?<!\\)\$", r"\\$", _BARE_SPECIAL.sub(r"\\\1", seg))
    # only the runs that hold TeX are parsed (a macro in a long abstract costs that run, not the
    # abstract); a run ends at a space where its braces close, so a group is never cut
    out: list[str] = []
    run: list[str] = []
    depth = 0
    for token in re.split(r"(\s+)", tex):
        if run or _TEX_TOKEN.search(token):
            run.append(token)
            depth += token.count("{") - token.count("}")
            if depth == 0 and token.isspace():
                out.append(_decoded_run(run))
                run = []
        else:
            out.append(token)
    return "".join(out) + (_decoded_run(run) if run else "")


def _decoded_run(tokens: list[str]) -> str:
    text = "".join(tokens)
    return keep_edges(text, _decode(text))


#: what makes a word TeX: a macro, a group, a tie, dashes and quotes TeX turns into characters
_TEX_TOKEN = re.compile(r"[\\{}~]|--|``|''")


def braces_balanced(text: str) -> bool:
    """Braces that pair up in order, counted as BibTeX counts them: every brace, escaped or not."""
    depth = 0
    for c in text:
        depth += (c == "{") - (c == "}")
        if depth < 0:
            return False
    return depth == 0


# ---------------------------------------------------------------- CSL / Zotero rich text
_SCRIPT = re.compile(r"([\^_])(\{([^{}$]*)\}|([A-Za-z0-9+\-]))")
#: What CSL processors read as markup; text that looks like it must not become markup.
_MARKUP_LIKE = re.compile(r"<(?=/?(?:i|b|sup|sub|span|sc)\b)", re.I)


def _math_markup(math: str) -> str:
    def sub(m: re.Match) -> str:
        body = m.group(3) if m.group(3) is not None else m.group(4)
        tag = "sup" if m.group(1) == "^" else "sub"
        return f"<{tag}>{_plain(latex_to_unicode(body)) if body else ''}</{tag}>"

    marked = _SCRIPT.sub(sub, math)
    parts = re.split(r"(</?su[bp]>)", marked)
    return "".join(
        p if re.fullmatch(r"</?su[bp]>", p) else _plain(latex_to_unicode("$" + p + "$")) if p.strip() else p
        for p in parts
    )


def _plain(text: str) -> str:
    """Text that CSL processors must print as is: only a ``<`` that looks like a tag is changed."""
    return _MARKUP_LIKE.sub("\u2039", text)


def rich_text(text: str | None, protect: bool = False, sentence: bool = False) -> str:
    """arXiv text with TeX → rich text as CSL processors and Zotero read it: unicode, ``<sup>``/``<sub>`` for scripts.

    With ``protect`` (titles), the letters BibTeX brace-protects are wrapped in
    ``<span class="nocase">`` so styles that change case leave them alone; with ``sentence``
    too, a title-case title is written in sentence case (what CSL processors expect: they
    title-case for the styles that want it, never the other way), the rest lower-cased.
    """
    if not text:
        return ""
    out = [
        _math_markup(body) if is_math else _plain(keep_edges(body, latex_to_unicode(body)))
        for is_math, body in split_math(text)
    ]
    rich = squash_space("".join(out))
    if not protect:
        return rich
    case = CaseProtection(re.sub(r"<[^>]+>", "", rich))
    lower = sentence and not case.sentence  # a sentence-case title is left as it is
    words = []
    for n, w in enumerate(rich.split(" ")):
        if "<" in w:  # a word with markup (x<sup>2</sup>) is kept whole or not at all, its punctuation aside
            body, tail = re.fullmatch(r"(.*?)([:;,.!?]*)", w, re.S).groups()  # type: ignore[union-attr]
            kept = case.protect(re.sub(r"</?su[bp]>", "", w))
            words.append(f'<span class="nocase">{body}</span>{tail}' if kept and body else w)
        else:
            spans = case.spans(w)
            # in sentence case only the title's first letter stays ("Context-aware …")
            lettered = [k for k, (t, _) in enumerate(spans) if any(c.isalpha() for c in t)]
            head = lettered[0] if lettered and n == 0 else -1
            words.append(
                "".join(
                    f'<span class="nocase">{t}</span>' if keep else t.lower() if lower and k != head else t
                    for k, (t, keep) in enumerate(spans)
                )
            )
    return " ".join(words)


def published_line(journal_ref: str | None, journal_doi: str | None) -> str:
    """``Published in <journal ref>, doi: <DOI>``: the published version, as one line of rich text."""
    parts = []
    if journal_ref:
        parts.append("Published in " + rich_text(journal_ref))
    if journal_doi:
        parts.append("doi: " + journal_doi)
    return ", ".join(parts)


def plural(n: int, one: str, many: str | None = None) -> str:
    """``1 entry``, ``2 entries``: a count with its noun in the right number."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


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
