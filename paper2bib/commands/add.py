"""``paper2bib add``: store parsed entries, resolve them on arXiv, look up their published versions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ..errors import ArxivUnavailable
from ..models import Entry, Record, Resolution, is_published_only
from ..resolver.resolve import Resolver
from ..scholar.lookup import Background
from ..services import Phases, Progress, Services
from ..store import StoredEntry
from ..text import plural
from .published import RECHECK_PREPRINTS, PublishedReport, store_outcome
from .published_only import PublishedOnlyReport, find_published_only
from .refresh import RecordsReport, refresh_records

REVIEW = ("ambiguous", "unresolved", "pending")


@dataclass
class AddReport:
    """What ``add`` did: the entries concerned, how many were new, requests sent."""

    entry_ids: list[int]
    new: int = 0
    per_entry: list[int] = field(default_factory=list)  # the stored entry of each given entry, in order
    requests: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    published: PublishedReport | None = None  # what the publication look-up found, when it ran
    revisions: RecordsReport | None = None  # with ``refresh``: the resolved papers' records fetched again
    published_only: PublishedOnlyReport | None = None  # DBLP searched for the entries arXiv does not have

    @property
    def needs_review(self) -> int:
        return sum(self.statuses[s] for s in REVIEW)


class _Feeder:
    """Hands the papers entries resolve to, each once, to the background look-ups that are due."""

    def __init__(self, svc: Services, background: Background | None, refresh: bool):
        self.svc, self.background, self.refresh = svc, background, refresh
        self.fed: set[str] = set()

    def __call__(self, arxiv_ids: Iterable[str]) -> None:
        if self.background is None:
            return
        lib = self.svc.store
        new = [a for a in dict.fromkeys(arxiv_ids) if a not in self.fed and not is_published_only(a)]
        due = new if self.refresh else lib.published_due(new, RECHECK_PREPRINTS)
        self.fed.update(new)
        records = lib.records(due)
        self.background.feed([records[a] for a in due if a in records])


def add(svc: Services, entries: Sequence[Entry], refresh: bool = False, phases: Phases | None = None) -> AddReport:
    """Store parsed ``entries``, resolve those that need it, and look up the published
    versions of the papers they resolve to.

    The published versions are looked up in the background while arXiv is still asked, as
    papers resolve. Already-resolved entries are not looked up again unless ``refresh``:
    then their papers' records are fetched again by id (a renamed paper stays the entry's
    paper) and the entries not resolved are resolved again.
    Raises ``ArxivUnavailable`` if arXiv stays down; what was resolved before is stored, and
    so is what the look-ups found meanwhile. ``phases`` is told of the two long phases:
    resolving, then the look-ups still running when arXiv is done.
    """
    lib = svc.store
    added = lib.add_entries(entries)
    entry_ids = list(dict.fromkeys(i for i, _ in added))
    report = AddReport(entry_ids, new=sum(1 for _, was_new in added if was_new), per_entry=[i for i, _ in added])
    background = Background(*svc.scholar()) if svc.settings.lookup_published else None
    feed = _Feeder(svc, background, refresh)
    if not refresh:
        feed(e.resolved_id for e in lib.entries(entry_ids) if e.status == "resolved" and e.resolved_id)
    try:
        if refresh:
            report.revisions = _revise(svc, entry_ids)
        progress = phases("Resolving", len(entry_ids)) if phases else None
        report.requests = resolve_stored(svc, entry_ids, refresh, progress, on_resolved=feed)
        report.requests += report.revisions.requests if report.revisions else 0
    except ArxivUnavailable as e:
        if background is not None:
            report.published = store_outcome(lib, background)
        # what this run settled is stored; say so about this run's entries, not the library's
        statuses = Counter(x.status for x in lib.entries(entry_ids))
        settled = len(entry_ids) - statuses["pending"]
        raise ArxivUnavailable(
            f"{e}. Stored so far: {settled} of {plural(len(entry_ids), 'entry', 'entries')} settled "
            f"({statuses['resolved']} resolved); run the same command again to continue"
        ) from None
    stored = lib.entries(entry_ids)
    if background is not None:
        feed(e.resolved_id for e in stored if e.status == "resolved" and e.resolved_id)
        start = background.done
        left = background.fed - start
        checked = phases("Published versions", left) if phases and left > 1 else None
        report.published = store_outcome(lib, background, checked, since=start)
        report.published_only = find_published_only(svc, entry_ids, phases=phases, again=refresh)
        stored = lib.entries(entry_ids)
    report.statuses = Counter(e.status for e in stored)
    return report


def _revise(svc: Services, entry_ids: Sequence[int]) -> RecordsReport:
    """The records of the resolved entries among ``entry_ids``, fetched again and stored."""
    papers = [e.resolved_id for e in svc.store.entries(entry_ids) if e.status == "resolved" and e.resolved_id]
    report = refresh_records(svc, [a for a in dict.fromkeys(papers) if not is_published_only(a)])
    if report.down:
        raise ArxivUnavailable(report.down)
    return report


def resolve_stored(
    svc: Services,
    entry_ids: Sequence[int],
    refresh: bool = False,
    progress: Progress | None = None,
    on_resolved: Callable[[list[str]], None] | None = None,
) -> int:
    """Resolve the stored entries that need it (with ``refresh``, those not resolved too);
    returns the requests sent.

    ``on_resolved`` is told the arXiv ids of each batch's resolved entries once they are stored."""
    lib = svc.store
    todo: list[StoredEntry] = [
        e for e in lib.entries(entry_ids) if e.status == "pending" or (refresh and e.status != "resolved")
    ]
    if not todo:
        return 0
    client = svc.arxiv()
    before = client.requests_made
    as_entries = [e.as_entry() for e in todo]  # a pinned entry is refreshed by its id and keeps its pin

    def store(results: list[tuple[int, Resolution]], records: list[Record]) -> None:
        lib.save_resolutions([(todo[i].id, r) for i, r in results], records)
        if progress:
            progress(len(results))
        if on_resolved:
            on_resolved([r.arxiv_id for _, r in results if r.status == "resolved" and r.arxiv_id])

    Resolver(client, batch=svc.settings.arxiv_batch).resolve(as_entries, on_batch=store)
    return client.requests_made - before
