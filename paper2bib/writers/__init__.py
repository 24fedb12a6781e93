"""Writers: resolved papers → BibTeX, biblatex, CSL-JSON (pure functions of their input)."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import Paper
from .bibtex import render_biblatex, render_bibtex
from .csl import render_csl_json

FORMATS = ("bibtex", "biblatex", "csl-json")


def render(
    fmt: str,
    papers: Sequence[Paper],
    abstracts: bool = False,
    links_in_note: bool = False,
    csl_title_case: str = "sentence",
) -> str:
    """Render ``papers`` in ``fmt``; CSL titles in sentence case, or as arXiv has them (``keep``)."""
    if fmt == "bibtex":
        return render_bibtex(papers, abstracts=abstracts, links_in_note=links_in_note)
    if fmt == "biblatex":
        return render_biblatex(papers, abstracts=abstracts, links_in_note=links_in_note)
    if fmt == "csl-json":
        return render_csl_json(papers, abstracts=True, sentence=csl_title_case == "sentence")
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
