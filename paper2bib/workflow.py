"""The commands' work, between the CLI and the pieces: parse → store → resolve → store.

Everything here takes an open :class:`Library` and :class:`Settings`; the arXiv client
is created only when something actually needs resolving, so a warm run sends nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta

from filelock import FileLock, Timeout

from . import mappings
from .arxiv_ids import ArxivRef
from .citekeys import assign_keys, base_key
from .config import Settings
from .digest import parse_file
from .errors import ArxivUnavailable, InputError, ZoteroError
from .hub.client import HubClient
from .hub.sources import (
    HubSource,
    collection_paper_ids,
    entries_from_daily,
    entry_from_paper,
    looks_like_hub,
    parse_source,
)
from .library import Library, StoredEntry
from .limits import clean_entry, clean_published, clean_record
from .links import extract_links
from .models import Entry, Link, Paper, Published, Record, Resolution
from .resolver.client import ArxivClient
from .resolver.resolve import Resolver
from .scholar.dblp import DblpClient
from .scholar.lookup import Background, Outcome, look_up
from .scholar.s2 import S2Client
from .texfiles import valid_key
from .text import plural
from .zotero.client import ZoteroClient
from .zotero.sync import Syncer
from .zotero.sync import make_client as make_zotero_client

Progress = Callable[[int], None]
#: starts a long phase of work — its label, its total (None: not known) — and returns its
#: progress callback; the CLI draws a bar per phase on a terminal
Phases = Callable[[str, "int | None"], Progress]
#: a preprint is asked about again after this long (a published paper never is, unless refreshed)
RECHECK_PREPRINTS = timedelta(days=1)
Echo = Callable[[str], None]
SYNC_LOCK_WAIT = 600  # seconds a sync waits for another sync of the same Zotero library


def make_client(settings: Settings) -> ArxivClient:
    """An arXiv client configured from ``settings``."""
    return ArxivClient(
        url=settings.arxiv_url,
        delay=settings.arxiv_delay,
        contact=settings.contact,
        timeout=settings.arxiv_timeout,
        give_up_after=settings.arxiv_give_up_after,
        page_size=settings.arxiv_page_size,
    )


@dataclass
class AddReport:
    """What ``add`` did: the entries concerned, how many were new, requests sent."""

    entry_ids: list[int]
    new: int = 0
    per_entry: list[int] = field(default_factory=list)  # the stored entry of each given entry, in order
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    published: PublishedReport | None = None  # what the publication look-up found, when it ran

    @property
    def needs_review(self) -> int:
        return self.statuses["ambiguous"] + self.statuses["unresolved"] + self.statuses["pending"]

    def summary(self) -> str:
        """``89 entries: 89 resolved (10 arXiv requests)``, with where to look when some need review."""
        parts = [
            f"{self.statuses[s]} {s}" for s in ("resolved", "ambiguous", "unresolved", "pending") if self.statuses[s]
        ]
        text = plural(len(self.entry_ids), "entry", "entries") + ": " + (", ".join(parts) or "nothing")
        worst = next((s for s in ("ambiguous", "unresolved", "pending") if self.statuses[s]), None)
        if worst:
            text += f" — see paper2bib list --status {worst}"
        if self.requests:
            text += f" ({plural(self.requests, 'arXiv request')})"
        return text


def parse_files(
    paths: Sequence[str], settings: Settings | None = None, hub: HubClient | None = None, phases: Phases | None = None
) -> list[Entry]:
    """Parse every file and Hub source first, so a bad one stops the run before anything is written.

    ``hf:2025-W12``, ``https://huggingface.co/papers/…`` and the other Hub forms are read
    from the Hub (see :mod:`paper2bib.hub.sources`); anything else is a file.
    """
    if not paths:
        raise InputError("no input file given")
    entries: list[Entry] = []
    for p in paths:
        base = settings.hf_url if settings else ""
        source = parse_source(p, base)
        if source is None and looks_like_hub(p):
            raise InputError(
                f"{p}: not a Hugging Face source paper2bib knows (hf:2025-03-20, hf:2025-W12, hf:2025-03, "
                "hf:<arXiv id>, hf:collections/<namespace>/<slug>, or their huggingface.co URLs)"
            )
        if source is None:
            entries.extend(parse_file(p))
            continue
        hub = hub or make_hub_client(settings)
        entries.extend(read_hub(hub, source, phases))
    return [clean_entry(e) for e in entries]


def make_hub_client(settings: Settings | None) -> HubClient:
    """A Hugging Face Hub client configured from ``settings``."""
    if settings is None:
        return HubClient()
    return HubClient(url=settings.hf_url, delay=settings.hf_delay, token=settings.hf_token)


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


def add(
    lib: Library,
    settings: Settings,
    entries: Sequence[Entry],
    refresh: bool = False,
    client: ArxivClient | None = None,
    scholar: tuple[S2Client, DblpClient] | None = None,
    phases: Phases | None = None,
) -> AddReport:
    """Store parsed ``entries``, resolve those that need it, and look up the published
    versions of the papers they resolve to.

    The published versions are looked up in the background while arXiv is still asked, as
    papers resolve. Already-resolved entries are not looked up again unless ``refresh``.
    Raises ``ArxivUnavailable`` if arXiv stays down; what was resolved before is stored, and
    so is what the look-ups found meanwhile. ``phases`` is told of the two long phases:
    resolving, then the look-ups still running when arXiv is done.
    """
    added = lib.add_entries(entries)
    entry_ids = list(dict.fromkeys(i for i, _ in added))
    report = AddReport(entry_ids, new=sum(1 for _, was_new in added if was_new), per_entry=[i for i, _ in added])
    background = Background(*(scholar or make_scholar_clients(settings))) if settings.lookup_published else None
    fed: set[str] = set()

    def feed(arxiv_ids: Iterable[str]) -> None:
        if background is None:
            return
        new = [a for a in dict.fromkeys(arxiv_ids) if a not in fed]
        due = new if refresh else lib.published_due(new, RECHECK_PREPRINTS)
        fed.update(new)
        records = lib.records(due)
        background.feed([records[a] for a in due if a in records])

    feed(e.resolved_id for e in lib.entries(entry_ids) if e.status == "resolved" and e.resolved_id and not refresh)
    try:
        progress = phases("Resolving", len(entry_ids)) if phases else None
        report.requests = resolve_stored(lib, settings, entry_ids, refresh, client, progress, on_resolved=feed)
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
    report.statuses = Counter(e.status for e in stored)
    if background is not None:
        feed(e.resolved_id for e in stored if e.status == "resolved" and e.resolved_id)
        start = background.done
        left = background.fed - start
        checked = phases("Published versions", left) if phases and left > 1 else None
        report.published = store_outcome(lib, background, checked, since=start)
    return report


def resolve_stored(
    lib: Library,
    settings: Settings,
    entry_ids: Sequence[int],
    refresh: bool = False,
    client: ArxivClient | None = None,
    progress: Progress | None = None,
    on_resolved: Callable[[list[str]], None] | None = None,
) -> int:
    """Resolve the stored entries that need it; returns the requests sent.

    ``on_resolved`` is told the arXiv ids of each batch's resolved entries once they are stored."""
    todo: list[StoredEntry] = [e for e in lib.entries(entry_ids) if refresh or e.status == "pending"]
    if not todo:
        return 0
    client = client or make_client(settings)
    before = client.requests_made
    as_entries = [e.as_entry() for e in todo]  # a pinned entry is refreshed by its id and keeps its pin

    def store(results: list[tuple[int, Resolution]], records: list[Record]) -> None:
        lib.save_resolutions([(todo[i].id, r) for i, r in results], records)
        if progress:
            progress(len(results))
        if on_resolved:
            on_resolved([r.arxiv_id for _, r in results if r.status == "resolved" and r.arxiv_id])

    Resolver(client, batch=settings.arxiv_batch).resolve(as_entries, on_batch=store)
    return client.requests_made - before


@dataclass
class PublishedReport:
    """What a publication look-up found, and what it cost."""

    published: int = 0
    preprints: int = 0
    unknown: int = 0
    s2_requests: int = 0
    dblp_requests: int = 0
    down: str | None = None  # a service that could not be asked: "unknown, ask later"

    def summary(self) -> str | None:
        checked = self.published + self.preprints + self.unknown
        if not checked and not self.down:
            return None
        still = "still a preprint" if self.preprints == 1 else "still preprints"
        text = f"published versions: {self.published} found, {self.preprints} {still}"
        if self.unknown:
            text += f", {self.unknown} to ask again later"
        text += (
            f" ({plural(self.s2_requests, 'Semantic Scholar request')}, {plural(self.dblp_requests, 'DBLP request')})"
        )
        return text + (f"; {self.down}" if self.down else "")


def make_scholar_clients(settings: Settings) -> tuple[S2Client, DblpClient]:
    """Semantic Scholar and DBLP clients configured from ``settings``."""
    return (
        S2Client(url=settings.s2_url, delay=settings.s2_delay, api_key=settings.s2_api_key),
        DblpClient(url=settings.dblp_url, delay=settings.dblp_delay),
    )


def look_up_published(
    lib: Library,
    settings: Settings,
    arxiv_ids: Sequence[str],
    refresh: bool = False,
    clients: tuple[S2Client, DblpClient] | None = None,
    progress: Progress | None = None,
) -> PublishedReport:
    """Find what the resolved papers ``arxiv_ids`` became (see :mod:`paper2bib.scholar`).

    Asked: papers never checked, those a service was down for, and preprints checked more
    than a day ago (all of them with ``refresh``). A service that is down never fails the
    run: those papers stay "unknown, ask later".
    """
    todo = list(dict.fromkeys(arxiv_ids)) if refresh else lib.published_due(arxiv_ids, RECHECK_PREPRINTS)
    if not todo:
        return PublishedReport()
    s2, dblp = clients or make_scholar_clients(settings)
    records = lib.records(todo)
    outcome = look_up([records[a] for a in todo if a in records], s2, dblp, progress=progress)
    return _stored(lib, outcome, s2, dblp)


def store_outcome(
    lib: Library, background: Background, progress: Progress | None = None, since: int = 0
) -> PublishedReport:
    """Wait for the background look-ups and store what they found (``progress``: those after ``since``)."""
    return _stored(lib, background.finish(progress, since), background.s2, background.dblp)


def _stored(lib: Library, outcome: Outcome, s2: S2Client, dblp: DblpClient) -> PublishedReport:
    known = {a: c for a, c in outcome.checks.items() if c.status != "unknown"}
    lib.store_published(known)  # "unknown" is not stored: asked again next time
    statuses = Counter(c.status for c in outcome.checks.values())
    return PublishedReport(
        published=statuses["published"],
        preprints=statuses["preprint"],
        unknown=statuses["unknown"],
        s2_requests=s2.requests_made,
        dblp_requests=dblp.requests_made,
        down=outcome.down,
    )


def pin(lib: Library, settings: Settings, entry: str, ref: ArxivRef, force: bool = False) -> tuple[int, Record]:
    """Settle ``entry`` (a number or a title) as the paper ``ref``: its record from the
    library, or from arXiv when the library does not have it yet. An entry resolved to
    another paper is only re-pinned with ``force``; its citation key moves with it."""
    target = lib.find_entry(entry)
    if target.status == "resolved" and target.resolved_id and target.resolved_id != ref.arxiv_id and not force:
        old = lib.records([target.resolved_id]).get(target.resolved_id)
        key = f" (exported as {target.citekey})" if target.citekey else ""
        raise InputError(
            f"entry {target.id} is already resolved to {target.resolved_id}{key}: "
            f"{old.title if old else target.digest_title}; pin --force replaces it"
        )
    record = lib.records([ref.arxiv_id]).get(ref.arxiv_id)
    if record is None:
        record = make_client(settings).fetch([ref.arxiv_id]).get(ref.arxiv_id)
    if record is None:
        raise InputError(f"arXiv has no paper {ref.arxiv_id}")
    lib.pin(target.id, record, ref.version)
    return target.id, record


@dataclass
class ExportReport:
    """What an export holds and what it left out."""

    papers: list[Paper]
    left_out: Counter = field(default_factory=Counter)  # entries not exported, by status
    kept_keys: int = 0  # keys from earlier exports that the current key format would make differently
    rekeyed: int = 0  # keys --rekey changed
    conflicts: list[str] = field(default_factory=list)  # .bib keys that could not be kept

    def summary(self, fmt: str, output: str | None) -> list[str]:
        """The lines ``export`` prints on stderr."""
        lines = [f"{plural(len(self.papers), 'paper')} exported as {fmt}" + (f" to {output}" if output else "")]
        if self.left_out:
            parts = ", ".join(f"{n} {s}" for s, n in sorted(self.left_out.items()))
            worst = next(s for s in ("ambiguous", "unresolved", "pending") if self.left_out[s])
            lines[0] += (
                f"; {plural(sum(self.left_out.values()), 'entry', 'entries')} left out ({parts}) — see paper2bib list --status {worst}"
            )
        if self.kept_keys:
            lines.append(
                f"{plural(self.kept_keys, 'key')} kept from earlier exports, made with another key format; "
                "--rekey recomputes them (\\cite commands using the old keys then break)"
            )
        lines += [f"warning: {c}" for c in self.conflicts]
        if self.rekeyed:
            lines.append(
                f"warning: --rekey changed {plural(self.rekeyed, 'key')}: \\cite commands using the old keys will break"
            )
        return lines


def export(
    lib: Library,
    settings: Settings,
    entry_ids: Sequence[int] | None = None,
    rekey: bool = False,
    preprint: bool = False,
    venue_style: str = "dblp",
) -> ExportReport:
    """``paper2bib export``: the papers, with what was left out and what happened to keys."""
    before = lib.citekeys()
    everything = lib.entries()
    papers = export_records(
        lib, settings, entry_ids, rekey=rekey, preprint=preprint, venue_style=venue_style, everything=everything
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
            and not p.key.startswith(base_key(p.record, settings.key_format))
            and p.key != from_bib.get(p.record.arxiv_id)
        )
    return report


def export_records(
    lib: Library,
    settings: Settings,
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
    everything = lib.entries() if everything is None else everything
    wanted = everything if entry_ids is None else lib.entries(entry_ids)
    order = list(dict.fromkeys(e.resolved_id for e in wanted if e.status == "resolved" and e.resolved_id))
    links: dict[str, list[Link]] = {a: [] for a in order}
    for e in everything:  # every entry of a paper contributes its links, even one not exported now
        if e.resolved_id in links:
            links[e.resolved_id].extend(link for link in e.links if link not in links[e.resolved_id])
    records = lib.records(order)
    for a in order:
        links[a] = with_abstract_links(links[a], records[a])

    # a paper that came from the user's .bib keeps the key it has there
    preferred = {a: k for a, k in bib_keys(everything).items() if a in links}

    def assign(existing: dict[str, str]) -> dict[str, str]:
        taken = set(existing.values())
        mine: dict[str, str] = {}
        for a in order:
            want = preferred.get(a)
            if want and a not in existing and want not in taken:
                mine[a] = want
                taken.add(want)
        return mine | assign_keys((records[a] for a in order), {**existing, **mine}, settings.key_format)

    before = lib.citekeys()
    owner = {k: a for a, k in before.items()}
    # a generated key gives way to the .bib's, unless another paper holds that one
    drop = [
        a for a in order if a in preferred and before.get(a, preferred[a]) != preferred[a] and preferred[a] not in owner
    ]
    if store_keys:
        keys = lib.claim_citekeys(assign, drop=order if rekey else drop)
    else:
        existing = {a: k for a, k in before.items() if a not in drop}
        keys = {**existing, **assign(existing)}
    published = {} if preprint else lib.published(order)
    versions = {
        a: short_venue(c.version) if venue_style == "short" else c.version for a, c in published.items() if c.version
    }
    return [
        Paper(
            clean_record(records[a]), keys[a], tuple(links[a]), clean_published(v) if (v := versions.get(a)) else None
        )
        for a in order
    ]


def bib_keys(entries: Iterable[StoredEntry]) -> dict[str, str]:
    """The key each paper has in the user's .bib (the first one added), by arXiv id."""
    wanted: dict[str, str] = {}
    for e in entries:
        if e.bib_key and e.resolved_id and valid_key(e.bib_key):  # a key that cannot be written is made anew
            wanted.setdefault(e.resolved_id, e.bib_key)
    return wanted


def key_conflicts(lib: Library, papers: Sequence[Paper], wanted: dict[str, str]) -> list[str]:
    """The papers whose key in the user's .bib (``wanted``) could not be kept, one line each."""
    owner = lib.citekeys_by_key()
    return [
        f"{p.record.arxiv_id} is exported as {p.key}, not as {wanted[p.record.arxiv_id]} (its key in "
        f"the .bib), because {owner.get(wanted[p.record.arxiv_id], 'another paper')} already has that key"
        for p in papers
        if p.record.arxiv_id in wanted and p.key != wanted[p.record.arxiv_id]
    ]


def with_abstract_links(links: Sequence[Link], record: Record) -> list[Link]:
    """``links`` and then the code and project links arXiv's own abstract names (an
    id-only digest has none), each once."""
    out = list(links)
    out += [x for x in extract_links(record.summary) if x.kind != "paper" and x not in out]
    return out


def short_venue(version: Published) -> Published:
    """``version`` with its venue's short name from ``mappings/venues.toml`` (``Proc. ICLR``), if listed."""
    stream = "/".join(version.dblp_key.split("/")[:2])
    short = mappings.load("venues.toml")["short"].get(stream)
    return replace(version, venue=short) if short else version


def run_sync(
    lib: Library,
    settings: Settings,
    collection: str | None = None,
    dry_run: bool = False,
    echo: Echo = print,
    out: Echo = print,
    client: ZoteroClient | None = None,
    recreate_deleted: bool = False,
    phases: Phases | None = None,
) -> int:
    """``paper2bib zotero sync``: returns the exit code (0 done, 1 not all done).

    One sync of a Zotero library at a time per local library: a second waits for the
    first (and then finds everything in place). Syncs from elsewhere cannot duplicate
    either: creations are sent with ``If-Unmodified-Since-Version`` and re-read on 412.
    """
    zc = client or make_zotero_client(settings)
    lock = FileLock(f"{settings.library}.zotero-{zc.library.replace('/', '-')}.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        echo(f"waiting for another sync of Zotero {zc.library} from this library to finish …")
        try:
            lock.acquire(timeout=SYNC_LOCK_WAIT)
        except Timeout:
            raise ZoteroError(
                f"another sync of Zotero {zc.library} has held the lock for {SYNC_LOCK_WAIT} s; try again later"
            ) from None
    try:
        papers = export_records(lib, settings, store_keys=not dry_run)
        if phases and not dry_run:
            zc.on_request = phases("Zotero requests", None)
        report = Syncer(lib, zc, recreate_deleted=recreate_deleted).run(papers, collection, dry_run, out)
    finally:
        lock.release()
    verb = "would be" if dry_run else "were"
    echo(
        f"Zotero {zc.library}: {plural(len(papers), 'paper')}; {report.created} {verb} created, "
        f"{report.linked} linked to existing items, {report.updated} added to the collection, "
        f"{report.children} child links/notes, {report.refreshed} {verb} brought up to date "
        f"({plural(zc.requests, 'request')}, {plural(zc.writes, 'write')})"
    )
    for line in report.kept:
        echo(line)
    if report.not_recreated:
        echo(
            f"{plural(report.not_recreated, 'paper')} deleted in Zotero {'was' if report.not_recreated == 1 else 'were'} "
            "not made again (--recreate-deleted makes them)"
        )
    if report.failed:
        echo(
            f"not done ({len(report.failed)}): "
            + "; ".join(report.failed[:10])
            + (" …" if len(report.failed) > 10 else "")
        )
        echo("run the same command again to finish; nothing is duplicated")
        return 1
    return 0


def remove(lib: Library, refs: Sequence[str]) -> list[StoredEntry]:
    """Remove entries named by number, arXiv id or citation key; returns what was removed."""
    keys = lib.citekeys_by_key()
    chosen: dict[int, StoredEntry] = {}
    for ref in refs:
        found = lib.find_entries(ref, keys)
        if not found:
            raise InputError(f"no entry {ref!r} in the library (by number, arXiv id or key; see paper2bib list)")
        chosen |= {e.id: e for e in found}
    lib.remove_entries(list(chosen))
    return list(chosen.values())
