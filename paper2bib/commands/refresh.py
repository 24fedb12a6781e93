"""``paper2bib refresh`` (and ``add --refresh``): what arXiv says about the stored papers now.

Every stored record is fetched again by id (``id_list``, 100 a request), the new version
is stored batch by batch, and what changed is reported per paper. Citation keys never
change; the export and the next Zotero sync write the new metadata (a field the user
edited in Zotero stays theirs). Then the publication look-ups are asked again for the
papers that are still preprints, or whose journal DOI or reference just changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ..errors import ArxivUnavailable
from ..models import is_published_only
from ..resolver.revisions import Revision, revision
from ..services import Phases, Progress, Services
from .published import PublishedReport, look_up_published


@dataclass
class RecordsReport:
    """What fetching stored records again found.

    :param asked: records asked for; ``requests``: arXiv requests sent.
    :param revised: papers whose record changed, in the order asked.
    :param missing: ids arXiv no longer answers for (the stored record is kept).
    :param down: why arXiv stopped answering, if it did; what was fetched before is stored.
    """

    asked: int = 0
    requests: int = 0
    revised: list[Revision] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    fetched: int = 0
    down: str | None = None

    @property
    def unchanged(self) -> int:
        return self.fetched - len(self.revised)


@dataclass
class RefreshReport:
    """What ``refresh`` did: the records, what was skipped as fresh, the publication look-ups."""

    records: RecordsReport
    skipped: int = 0  # fetched since the cut-off
    started: str = ""  # when this run began (``--since`` this continues an interrupted run)
    published: PublishedReport | None = None


def refresh_records(svc: Services, arxiv_ids: Sequence[str], progress: Progress | None = None) -> RecordsReport:
    """Fetch the stored records of ``arxiv_ids`` again and store what changed.

    Each batch is stored as soon as it is answered, so if arXiv goes down half-way the
    report says so (``down``) and everything fetched before is kept."""
    lib = svc.store
    report = RecordsReport(asked=len(arxiv_ids))
    if not arxiv_ids:
        return report
    client = svc.arxiv()
    before = client.requests_made
    stored = lib.records(arxiv_ids)
    try:
        for asked, found in client.fetch_batches(arxiv_ids):
            lib.store_revised(found.values())
            report.fetched += len(found)
            report.missing += [a for a in asked if a not in found]
            report.revised += [r for a, new in found.items() if a in stored and (r := revision(stored[a], new))]
            if progress:
                progress(len(asked))
    except ArxivUnavailable as e:
        report.down = str(e)
    report.requests = client.requests_made - before
    return report


def refresh(svc: Services, since: datetime | None = None, phases: Phases | None = None) -> RefreshReport:
    """``paper2bib refresh``: every resolved paper's record again (only those last fetched
    before ``since``, if given), then the publication look-ups of those still preprints."""
    lib = svc.store
    started = lib.now()
    papers = sorted({e.resolved_id for e in lib.entries(status="resolved") if e.resolved_id})
    papers = [a for a in papers if not is_published_only(a)]  # not on arXiv: nothing to fetch there
    due = lib.fetched_before(papers, since) if since else papers
    progress = phases("Fetching from arXiv", len(due)) if phases and len(due) > 100 else None
    records = refresh_records(svc, due, progress)
    report = RefreshReport(records, skipped=len(papers) - len(due), started=started)
    if svc.settings.lookup_published and due:
        checks = lib.published(due)
        moved = {r.arxiv_id for r in records.revised if any(c.startswith("journal") for c in r.changes)}
        ask = [a for a in due if a in moved or (c := checks.get(a)) is None or c.status != "published"]
        checked = phases("Published versions", len(ask)) if phases and len(ask) > 1 else None
        report.published = look_up_published(svc, ask, refresh=True, progress=checked)
    return report
