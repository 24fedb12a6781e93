"""Stored entries as papers to write: the record, the key, every link, the published version."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from .. import mapdata
from ..links import distinct, extract_links
from ..models import Link, Paper, Published, Record, is_published_only
from ..store import Library, StoredEntry
from ..texfiles import valid_key


def with_abstract_links(links: Sequence[Link], record: Record) -> list[Link]:
    """``links`` and then the code and project links arXiv's own abstract names (an
    id-only digest has none), each once (GitHub's owner and repository in any case)."""
    return distinct([*links, *(x for x in extract_links(record.summary) if x.kind != "paper")])


def bib_keys(entries: Iterable[StoredEntry]) -> dict[str, str]:
    """The key each paper has in the user's .bib (the first one added), by arXiv id."""
    wanted: dict[str, str] = {}
    for e in entries:
        if e.bib_key and e.resolved_id and valid_key(e.bib_key):  # a key that cannot be written is made anew
            wanted.setdefault(e.resolved_id, e.bib_key)
    return wanted


def short_venue(version: Published) -> Published:
    """``version`` with its venue's short name from ``mappings/venues.toml`` (``Proc. ICLR``), if listed."""
    stream = "/".join(version.dblp_key.split("/")[:2])
    short = mapdata.load("venues.toml")["short"].get(stream)
    return replace(version, venue=short) if short else version


def papers_for(lib: Library, wanted: Sequence[tuple[StoredEntry, str]], preprint: bool = False) -> list[Paper | None]:
    """The resolved paper of each stored entry, to be written under its key; None where the
    entry is not resolved. One read of the records and published versions for all."""
    ids = [e.resolved_id for e, _ in wanted if e.status == "resolved" and e.resolved_id]
    records = lib.records(ids)
    checks = lib.published([a for a in ids if is_published_only(a)] if preprint else ids)
    out: list[Paper | None] = []
    for e, key in wanted:
        record = records.get(e.resolved_id or "") if e.status == "resolved" else None
        check = checks.get(record.arxiv_id) if record else None
        out.append(
            Paper(record, key, tuple(with_abstract_links(e.links, record)), check.version if check else None)
            if record
            else None
        )
    return out
