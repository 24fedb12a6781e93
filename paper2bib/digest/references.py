"""Free text that cites arXiv papers: ids, ``arXiv:`` ids, arXiv URLs and DOIs in prose.

(A list with one reference a line is a reading list: see :mod:`.titles`.)
"""

from __future__ import annotations

from ..arxiv_ids import find_ids
from ..models import Entry


def looks_like(text: str) -> bool:
    return bool(find_ids(text))


def parse(text: str, source: str) -> list[Entry]:
    """One entry per distinct arXiv id, in order of first appearance."""
    return [
        Entry(title=None, arxiv_id=ref.arxiv_id, version=ref.version, source=source, position=i)
        for i, ref in enumerate(find_ids(text))
    ]
