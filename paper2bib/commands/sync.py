"""``paper2bib zotero sync``: every resolved paper into a Zotero library, once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from filelock import FileLock, Timeout

from ..errors import ZoteroError
from ..services import Phases, Services
from ..zotero.sync import Report, Syncer
from .export import export_records


@dataclass
class SyncResult:
    """What a sync did (or would do), and what it cost."""

    library: str  # the Zotero library: users/123, groups/9
    papers: int
    report: Report
    requests: int
    writes: int
    dry_run: bool

    @property
    def complete(self) -> bool:
        return not self.report.failed


def sync(
    svc: Services,
    collection: str | None = None,
    dry_run: bool = False,
    recreate_deleted: bool = False,
    phases: Phases | None = None,
    waiting: Callable[[str], None] | None = None,
) -> SyncResult:
    """Sync the library's resolved papers into Zotero (into ``collection``, if given).

    One sync of a Zotero library at a time per local library: a second waits for the
    first (``waiting`` is told the Zotero library it waits for) and then finds everything
    in place. Syncs from elsewhere cannot duplicate either: creations are sent with
    ``If-Unmodified-Since-Version`` and re-read on 412.
    """
    zc = svc.zotero()
    lock = FileLock(f"{svc.settings.library}.zotero-{zc.library.replace('/', '-')}.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if waiting:
            waiting(zc.library)
        try:
            lock.acquire(timeout=svc.sync_lock_wait)
        except Timeout:
            raise ZoteroError(
                f"another sync of Zotero {zc.library} has held the lock for {svc.sync_lock_wait:g} s; try again later"
            ) from None
    try:
        papers = export_records(svc, store_keys=not dry_run)
        if phases and not dry_run:
            zc.on_request = phases("Zotero requests", None)
        report = Syncer(svc.store, zc, recreate_deleted=recreate_deleted).run(papers, collection, dry_run)
    finally:
        lock.release()
    return SyncResult(zc.library, len(papers), report, zc.requests, zc.writes, dry_run)
