"""``paper2bib parse``: files and Hugging Face sources into entries."""

from __future__ import annotations

from collections.abc import Sequence

from ..digest import parse_file
from ..errors import InputError
from ..hub.client import HubClient
from ..hub.sources import (
    HubSource,
    collection_paper_ids,
    entries_from_daily,
    entry_from_paper,
    looks_like_hub,
    parse_source,
)
from ..limits import clean_entry
from ..models import Entry
from ..services import Phases, Services


def parse_files(svc: Services, paths: Sequence[str], phases: Phases | None = None) -> list[Entry]:
    """Parse every file and Hub source first, so a bad one stops the run before anything is written.

    ``hf:2025-W12``, ``https://huggingface.co/papers/…`` and the other Hub forms are read
    from the Hub (see :mod:`paper2bib.hub.sources`); anything else is a file.
    """
    if not paths:
        raise InputError("no input file given")
    entries: list[Entry] = []
    for p in paths:
        source = parse_source(p, svc.settings.hf_url)
        if source is None and looks_like_hub(p):
            raise InputError(
                f"{p}: not a Hugging Face source paper2bib knows (hf:2025-03-20, hf:2025-W12, hf:2025-03, "
                "hf:<arXiv id>, hf:collections/<namespace>/<slug>, or their huggingface.co URLs)"
            )
        if source is None:
            entries.extend(parse_file(p))
        else:
            entries.extend(read_hub(svc.hub(), source, phases))
    return [clean_entry(e) for e in entries]


def read_hub(hub: HubClient, source: HubSource, phases: Phases | None = None) -> list[Entry]:
    """The entries of one Hub source: a day, week or month of daily papers, a paper, a collection."""
    name = str(source)
    if source.kind in ("date", "week", "month"):
        entries = entries_from_daily(hub.daily_papers(source.kind, source.value), name)
        if not entries:
            raise InputError(f"{name}: Hugging Face lists no papers for {source.value}")
        return entries
    ids = [source.value] if source.kind == "paper" else collection_paper_ids(hub.collection(source.value))
    advance = phases("Hugging Face papers", len(ids)) if phases and len(ids) > 1 else None
    out = []
    for i, a in enumerate(ids):
        if e := entry_from_paper(hub.paper(a), name, i):
            out.append(e)
        if advance:
            advance(1)
    if not out:
        raise InputError(f"{name}: the collection holds no arXiv paper")
    return out
