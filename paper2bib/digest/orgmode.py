"""Org mode (Emacs) text written as Markdown — headings, links, keywords and blocks — so that
:mod:`.markdown` reads an Org reading list as it reads a README. Lines keep their numbers."""

from __future__ import annotations

import re

from ..models import Entry
from . import markdown

_KEYWORD = re.compile(r"(?im)^[ \t]*#\+(\w+):(.*)$")
_BLOCK = re.compile(r"(?im)^[ \t]*#\+(begin|end)_(\w+).*$")
# the target is an address ("[[https://…][label]]"): Markdown's "[[arXiv]](…)" is no Org link
_LINK = re.compile(r"\[\[((?:https?|file|doi|arxiv):[^\[\]\n]{1,2000})\](?:\[([^\[\]\n]{0,500})\])?\]")
_TODO = r"(?:TODO|DONE|NEXT|WAITING|HOLD|CANCELL?ED|READ|READING|TOREAD)"
_HEADING = re.compile(r"(?m)^(\*{1,6})[ \t]+(.*)$")
_HEADING_EXTRAS = re.compile(rf"^(?:{_TODO}[ \t]+)?(?:\[#[A-Z]\][ \t]+)?")
_TAGS = re.compile(r":[\w@#%:]+:")
_DRAWER = re.compile(r"(?im)^[ \t]*:(?:properties|logbook|end):[ \t]*$")


def looks_like(text: str) -> bool:
    """Org text: ``#+TITLE:``-style keywords, or ``* heading`` lines beside ``[[link][label]]`` links."""
    head = text[:20000]
    return bool(_KEYWORD.search(head) or (re.search(r"(?m)^\*+[ \t]+\S", head) and _LINK.search(head)))


def to_markdown(text: str) -> str:
    """``text`` with Org's headings as ``#`` headings, its links as ``[label](url)``, its source
    and example blocks fenced, and its keywords (``#+TITLE:`` as a heading), drawers and
    TODO keywords, tags and priorities out of the way."""
    text = _BLOCK.sub(lambda m: "```" if m.group(2).lower() in ("src", "example") else "", text)
    text = _KEYWORD.sub(lambda m: f"# {m.group(2).strip()}" if m.group(1).lower() == "title" else "", text)
    text = _DRAWER.sub("", text)
    text = _HEADING.sub(lambda m: "#" * (len(m.group(1)) + 1) + " " + _heading_text(m.group(2)), text)
    return _LINK.sub(lambda m: f"[{m.group(2) or m.group(1)}]({m.group(1)})", text)


def _heading_text(text: str) -> str:
    """A heading's words without its TODO keyword, priority and tags (``:nlp:ml:``)."""
    text = _HEADING_EXTRAS.sub("", text.rstrip())
    parts = text.rsplit(None, 1)
    return parts[0] if len(parts) == 2 and _TAGS.fullmatch(parts[1]) else text


def parse(text: str, source: str) -> list[Entry]:
    """Entries of an Org file, read as :func:`.markdown.parse` reads Markdown."""
    return markdown.parse(to_markdown(text), source)
