"""Adversarial inputs for the readers: shapes that make naive parsers quadratic or deep.

Each shape is a function of a size in characters; the readers must stay linear in it
(``tests/test_linear_readers.py`` times them, ``benchmarks/readers.py`` prints the figures).
"""

from __future__ import annotations

from collections.abc import Callable


def _repeat(unit: str, head: str = "", tail: str = "") -> Callable[[int], str]:
    def make(size: int) -> str:
        return head + unit * max(1, (size - len(head) - len(tail)) // len(unit)) + tail

    return make


#: name → (reader, input of a given size); readers: markdown (auto-detected digest text),
#: html, bib, tex, text (TeX → unicode), links
SHAPES: dict[str, tuple[str, Callable[[int], str]]] = {
    "spaces in a list item": ("markdown", _repeat(" ", "# Papers\n\n- Paper A", "x\n")),
    "spaces then a pipe": ("markdown", _repeat(" ", "- A", "| b\n")),
    "spaces inside a heading": ("markdown", _repeat(" ", "# A", "b ##\n[x](https://arxiv.org/abs/2401.00001)\n")),
    "spaces inside an Org heading": ("markdown", _repeat(" ", "#+TITLE: x\n* Papers\n** A", "b :tag:\n")),
    "spaces before a line break": (
        "markdown",
        _repeat(" ", "**Title**", "<br>\n[x](https://arxiv.org/abs/2401.00001)\n"),
    ),
    "emphasis then names": ("markdown", _repeat("Ab ", "*Title of a paper* by ", "x\n")),
    "dashes before a venue": ("markdown", _repeat(" - a", "## Papers\n\n- Title of a paper", " x\n")),
    "commas before a proceedings": ("markdown", _repeat(", in ", "## Papers\n\n- Title of a paper", "x\n")),
    "authors before a title": ("markdown", _repeat("Chen H, ", "## Papers\n\n- ", "x. Title of It. ICCV 2023\n")),
    "initials before a year": ("markdown", _repeat("A. ", "## Papers\n\n- Title of a paper. ", "2023\n")),
    "links under a title, spaced": ("markdown", _repeat("[ab](c)  ", "**Title**\n", "x\n")),
    "double-bracketed links under a title": ("markdown", _repeat("[[ab](c)] ", "**Title**\n", "x\n")),
    "links in a list": ("markdown", _repeat("- [Paper](https://arxiv.org/abs/2401.00001)\n", "# List\n\n")),
    "open brackets": ("markdown", _repeat("[")),
    "open parentheses": ("markdown", _repeat("(")),
    "brackets and parentheses": ("markdown", _repeat("[](")),
    "emphasis marks": ("markdown", _repeat("*", "- ", "\n")),
    "quotes around a title": ("markdown", _repeat('"', "- ", "\n")),
    "backticks": ("markdown", _repeat("`")),
    "hashes": ("markdown", _repeat("#")),
    "pipes": ("markdown", _repeat("|")),
    "dashes": ("markdown", _repeat("- ")),
    "words with capitals": ("markdown", _repeat("Word ", "- Title - by ", "\n")),
    "arXiv prefixes": ("markdown", _repeat("arXiv:")),
    "urls without end": ("markdown", _repeat("http://")),
    "blank lines": ("markdown", _repeat("\n")),
    "ids on one line": ("markdown", lambda n: " ".join(f"arXiv:2401.{i % 99999 + 1:05d}" for i in range(n // 17))),
    "a table of papers": (
        "markdown",
        lambda n: (
            "| a | b |\n|---|---|\n"
            + "".join(f"| [P {i}](https://arxiv.org/abs/2401.{i % 99999 + 1:05d}) | x |\n" for i in range(n // 50))
        ),
    ),
    "one long line of words": ("markdown", _repeat("word ")),
    "nested divs": (
        "html",
        lambda n: "<html><body>" + "<div>" * (n // 11) + "x" + "</div>" * (n // 11) + "</body></html>",
    ),
    "nested bold": (
        "html",
        lambda n: "<html><body><p>" + "<b>" * (n // 7) + "x" + "</b>" * (n // 7) + "</p></body></html>",
    ),
    "nested lists": (
        "html",
        lambda n: "<html><body>" + "<ul><li>a" * (n // 12) + "</li></ul>" * (n // 12) + "</body></html>",
    ),
    "unclosed tags": ("html", _repeat("<p><li><div>", "<html><body>")),
    "a page of paper links": (
        "html",
        lambda n: (
            "<html><body><ul>"
            + "".join(
                f'<li><a href="https://arxiv.org/abs/2401.{i % 99999 + 1:05d}">Paper {i}</a></li>'
                for i in range(n // 70)
            )
            + "</ul></body></html>"
        ),
    ),
    "nested JSON in data-props": (
        "html",
        lambda n: (
            '<html><body><div data-target="DailyPapers" data-props="'
            + "[" * (n // 2)
            + "]" * (n // 2)
            + '"></div></body></html>'
        ),
    ),
    "open braces in a .bib": ("bib", _repeat("{", "@misc{k, title = ")),
    "many entries": ("bib", _repeat("@misc{k, title = {T}}\n")),
    "at signs": ("bib", _repeat("@", "@misc{k, title = {T}}\n")),
    "string chain": ("bib", _repeat("@string{a = a # a}\n", "@string{a = {x}}\n", "@misc{k, title = a}\n")),
    "unclosed cites": ("tex", _repeat("\\cite{", "\\documentclass{article}\\begin{document}", "\\end{document}")),
    "many cites": ("tex", _repeat("\\cite{a,b} ", "\\begin{document}", "\\end{document}")),
    "verb without end": ("tex", _repeat("\\verb|x ", "\\begin{document}")),
    "TeX braces": ("text", _repeat("{")),
    "TeX macros": ("text", _repeat("\\a")),
    "TeX accents": ("text", _repeat("\\'")),
    "dollars": ("text", _repeat("$")),
    "links glued": ("links", _repeat("https://github.com/a/b")),
    "dots in a host": ("links", _repeat(".", "https://a", "com")),
}


def reader(name: str) -> Callable[[str], object]:
    """The reader ``name`` as a function of a text (errors on bad input are fine: time is what counts)."""
    from paper2bib.digest import parse_text
    from paper2bib.digest.bibfile import read_fields, split_bib
    from paper2bib.errors import InputError
    from paper2bib.links import extract_links
    from paper2bib.texfiles import citations
    from paper2bib.text import latex_to_unicode

    def digest(suffix: str) -> Callable[[str], object]:
        def run(text: str) -> object:
            try:
                return parse_text(text, f"input.{suffix}")
            except InputError:
                return None

        return run

    def bib(text: str) -> object:
        return read_fields(text, split_bib(text, strict=False))

    return {
        "markdown": digest("md"),
        "html": digest("html"),
        "bib": bib,
        "tex": citations,
        "text": latex_to_unicode,
        "links": extract_links,
    }[name]
