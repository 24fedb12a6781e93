"""Published versions: what resolved papers became (the look-ups ``add`` and ``refresh`` run)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from ..scholar.dblp import DblpClient
from ..scholar.lookup import Background, Outcome, look_up
from ..scholar.s2 import S2Client
from ..services import Progress, Services
from ..store import Library

#: a preprint is asked about again after this long (a published paper never is, unless refreshed)
RECHECK_PREPRINTS = timedelta(days=1)


@dataclass
class PublishedReport:
    """What a publication look-up found, and what it cost."""

    published: int = 0
    preprints: int = 0
    unknown: int = 0
    s2_requests: int = 0
    dblp_requests: int = 0
    down: str | None = None  # a service that could not be asked: "unknown, ask later"

    @property
    def checked(self) -> int:
        return self.published + self.preprints + self.unknown


def look_up_published(
    svc: Services, arxiv_ids: Sequence[str], refresh: bool = False, progress: Progress | None = None
) -> PublishedReport:
    """Find what the resolved papers ``arxiv_ids`` became (see :mod:`paper2bib.scholar`).

    Asked: papers never checked, those a service was down for, and preprints checked more
    than a day ago (all of them with ``refresh``). A service that is down never fails the
    run: those papers stay "unknown, ask later".
    """
    lib = svc.store
    todo = list(dict.fromkeys(arxiv_ids)) if refresh else lib.published_due(arxiv_ids, RECHECK_PREPRINTS)
    if not todo:
        return PublishedReport()
    s2, dblp = svc.scholar()
    records = lib.records(todo)
    outcome = look_up([records[a] for a in todo if a in records], s2, dblp, progress=progress)
    return stored(lib, outcome, s2, dblp)


def store_outcome(
    lib: Library, background: Background, progress: Progress | None = None, since: int = 0
) -> PublishedReport:
    """Wait for the background look-ups and store what they found (``progress``: those after ``since``)."""
    return stored(lib, background.finish(progress, since), background.s2, background.dblp)


def stored(lib: Library, outcome: Outcome, s2: S2Client, dblp: DblpClient) -> PublishedReport:
    """Store the settled checks of ``outcome`` ("unknown" is asked again next time) and report them."""
    known = {a: c for a, c in outcome.checks.items() if c.status != "unknown"}
    lib.store_published(known)
    statuses = Counter(c.status for c in outcome.checks.values())
    return PublishedReport(
        published=statuses["published"],
        preprints=statuses["preprint"],
        unknown=statuses["unknown"],
        s2_requests=s2.requests_made,
        dblp_requests=dblp.requests_made,
        down=outcome.down,
    )
