"""What a Markdown document says before and beside its text: YAML front matter, which may name
the paper a note is about, and HTML comments, which the reader never sees."""

from __future__ import annotations

import re

from ..arxiv_ids import ArxivRef, find_ids
from .titles import link_title

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(?:[^\n]*\n){0,200}?(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)


def front_matter(text: str) -> tuple[str, tuple[str | None, ArxivRef] | None]:
    """``text`` with its YAML front matter (``---`` … ``---``, as scrapers and static sites
    write it) and its HTML comments blanked out, line numbers kept; and the paper it is about,
    when a ``source``, ``url`` or ``arxiv`` field names one (with the ``title`` field as its title)."""
    # an HTML comment is not shown to the reader: commented-out papers are not in the list
    text = _COMMENT.sub(lambda c: "\n" * c.group(0).count("\n"), text)
    m = _FRONT_MATTER.match(text)
    if not m or not re.search(r"(?m)^[\w-]+:", m.group(0)):
        return text, None
    fields = dict(re.findall(r"(?m)^([\w-]+):[ \t]*[\"']?(.*?)[\"']?[ \t]*$", m.group(0)))
    named = " ".join(fields.get(k, "") for k in ("arxiv", "arxiv_id", "arxiv-id", "eprint", "source", "url", "link"))
    refs = find_ids(named)
    title = re.sub(r"^(?:Paper page|arXiv)\s*[-–:|]\s*|\s*[-–|]\s*(?:arXiv|Hugging Face)$", "", fields.get("title", ""))
    front = (link_title(title) or None, refs[0]) if len({r.arxiv_id for r in refs}) == 1 else None
    return "\n" * m.group(0).count("\n") + text[m.end() :], front
