"""Digest parsing: text in, :class:`~paper2bib.models.Entry` objects out.

The format is detected from the content (a file name is only a hint):

* ``html``      a saved Hugging Face papers page (or any page linking arXiv papers)
* ``bibtex``    a ``.bib`` file; its entries that carry an arXiv id
* ``org``       an Org mode (Emacs) file: read as Markdown once its headings and links are
* ``hf-listing`` a Hugging Face papers listing copied from the browser as text
* ``markdown``  Markdown or plain text: READMEs, awesome lists, reading lists, notes; every
  reference (arXiv id, URL, DOI, Hugging Face paper link) and the titles of reading lists
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import InputError
from ..models import Entry
from . import bibfile, hf_html, hf_listing, markdown, orgmode
from .source import read_source

Parser = Callable[[str, str], list[Entry]]

#: Tried in this order; the first whose ``looks_like`` accepts the text parses it.
FORMATS: list[tuple[str, Callable[[str], bool], Parser]] = [
    ("html", hf_html.looks_like, hf_html.parse),
    ("bibtex", bibfile.looks_like, bibfile.parse),
    ("org", orgmode.looks_like, orgmode.parse),
    ("hf-listing", hf_listing.looks_like, hf_listing.parse),
    ("markdown", markdown.looks_like, markdown.parse),
]

__all__ = ["FORMATS", "detect_format", "parse_file", "parse_text", "read_source"]


def detect_format(text: str) -> str | None:
    """The name of the first format that recognises ``text``, or None."""
    for name, looks_like, _ in FORMATS:
        if looks_like(text):
            return name
    return None


def parse_text(text: str, source: str = "-") -> list[Entry]:
    """Parse a digest's text into entries, in listing order.

    Raises :class:`InputError` when no format finds an entry in it.
    """
    if source.lower().endswith(".bib"):
        return bibfile.parse(text, source) or _nothing(source)
    for _name, looks_like, parse in FORMATS:
        if looks_like(text):
            entries = parse(text, source)
            if entries:
                return entries
    return _nothing(source)


def _nothing(source: str) -> list[Entry]:
    raise InputError(
        f"{source}: no recognisable entry (expected a Hugging Face papers listing or page, "
        "arXiv ids or links, a .bib file, or a list of titles)"
    )


def parse_file(path: str) -> list[Entry]:
    """Read ``path`` (``-`` for stdin) and parse it; see :func:`parse_text`."""
    return parse_text(read_source(path), path)
