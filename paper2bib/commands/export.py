"""``paper2bib export``: the resolved papers, one per paper, with stable citation keys."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..citekeys import assign_keys, base_key
from ..limits import clean_published, clean_record
from ..models import Link, Paper, Record, is_published_only
from ..services import Services
from ..store import Library, StoredEntry
from .papers import bib_keys, short_venue, with_abstract_links


@dataclass
class ExportReport:
    """What an export holds and what it left out."""

    papers: list[Paper]
    left_out: Counter[str] = field(default_factory=Counter)  # entries not exported, by status
    kept_keys: int = 0  # keys from earlier exports that the current key format would make differently
    rekeyed: int = 0  # keys --rekey changed
    conflicts: list[tuple[str, str, str, str]] = field(default_factory=list)  # (arXiv id, key, .bib key, its owner)


def export(
    svc: Services,
    entry_ids: Sequence[int] | None = None,
    rekey: bool = False,
    preprint: bool = False,
    venue_style: str = "dblp",
) -> ExportReport:
    """``paper2bib export``: the papers, with what was left out and what happened to keys."""
    lib = svc.store
    before = lib.citekeys()
    everything = lib.entries()
    papers = export_records(
        svc, entry_ids, rekey=rekey, preprint=preprint, venue_style=venue_style, everything=everything
    )
    left_out = {s: n for s, n in lib.status_counts(entry_ids).items() if s != "resolved"}
    from_bib = bib_keys(everything)
    report = ExportReport(papers, Counter(left_out), conflicts=key_conflicts(lib, papers, from_bib))
    if rekey:
        report.rekeyed = sum(1 for p in papers if p.record.arxiv_id in before and before[p.record.arxiv_id] != p.key)
    else:
        report.kept_keys = sum(
            1
            for p in papers
            if p.record.arxiv_id in before
            and not p.key.startswith(base_key(p.record, svc.settings.key_format))
            and p.key != from_bib.get(p.record.arxiv_id)
        )
    return report


def export_records(
    svc: Services,
    entry_ids: Sequence[int] | None = None,
    store_keys: bool = True,
    rekey: bool = False,
    preprint: bool = False,
    venue_style: str = "dblp",
    everything: list[StoredEntry] | None = None,
) -> list[Paper]:
    """The resolved papers to export, one per paper, in the order they were added.

    Several entries resolved to one paper merge, with all their links and those of
    the paper's arXiv abstract. Citation keys are assigned for papers that have none
    yet (with ``rekey``, for all of them anew), and stored unless ``store_keys`` is
    false (a dry run).
    """
    lib = svc.store
    everything = lib.entries() if everything is None else everything
    wanted = everything if entry_ids is None else lib.entries(entry_ids)
    order = list(dict.fromkeys(e.resolved_id for e in wanted if e.status == "resolved" and e.resolved_id))
    records = lib.records(order)
    links = _links(everything, order, records)
    keys = _keys(svc, order, records, bib_keys(everything), store_keys, rekey)
    # --preprint: every paper as its arXiv preprint; a paper not on arXiv has only its publication
    published = lib.published([a for a in order if is_published_only(a)] if preprint else order)
    versions = {
        a: short_venue(c.version) if venue_style == "short" else c.version for a, c in published.items() if c.version
    }
    return [
        Paper(
            clean_record(records[a]), keys[a], tuple(links[a]), clean_published(v) if (v := versions.get(a)) else None
        )
        for a in order
    ]


def _links(everything: list[StoredEntry], order: list[str], records: dict[str, Record]) -> dict[str, list[Link]]:
    """Every paper's links: those of all its entries (even ones not exported now), then its abstract's."""
    links: dict[str, list[Link]] = {a: [] for a in order}
    for e in everything:
        if e.resolved_id in links:
            links[e.resolved_id].extend(link for link in e.links if link not in links[e.resolved_id])
    return {a: with_abstract_links(links[a], records[a]) for a in order}


def _keys(
    svc: Services, order: list[str], records: dict[str, Record], from_bib: dict[str, str], store: bool, rekey: bool
) -> dict[str, str]:
    """Every paper's citation key: stored, its key in the user's .bib, or made anew (and stored)."""
    lib = svc.store
    preferred = {a: k for a, k in from_bib.items() if a in records}  # a paper from the user's .bib keeps its key

    def assign(existing: dict[str, str]) -> dict[str, str]:
        taken = set(existing.values())
        mine: dict[str, str] = {}
        for a in order:
            want = preferred.get(a)
            if want and a not in existing and want not in taken:
                mine[a] = want
                taken.add(want)
        return mine | assign_keys((records[a] for a in order), {**existing, **mine}, svc.settings.key_format)

    before = lib.citekeys()
    owner = {k: a for a, k in before.items()}
    # a generated key gives way to the .bib's, unless another paper holds that one
    drop = [
        a for a in order if a in preferred and before.get(a, preferred[a]) != preferred[a] and preferred[a] not in owner
    ]
    if store:
        return lib.claim_citekeys(assign, drop=order if rekey else drop)
    existing = {a: k for a, k in before.items() if a not in drop}
    return {**existing, **assign(existing)}


def key_conflicts(lib: Library, papers: Sequence[Paper], wanted: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """The papers whose key in the user's .bib (``wanted``) could not be kept: (arXiv id, its
    key, the .bib's key, the paper holding that key)."""
    owner = lib.citekeys_by_key()
    return [
        (a, p.key, wanted[a], owner.get(wanted[a], "another paper"))
        for p in papers
        if (a := p.record.arxiv_id) in wanted and p.key != wanted[a]
    ]
