"""Asking Semantic Scholar and DBLP what papers became, at the fewest requests.

DBLP is asked only when there is something to find: a record Semantic Scholar links (one
``/rec`` request), or a title search when Semantic Scholar names a real venue but links only
the CoRR record, or does not know the paper at all (one search request, answered in BibTeX).
A service that is down makes every paper not yet checked "unknown, ask later" at once.

:class:`Background` runs the look-ups in a thread while arXiv is still being asked, so the
two services' politeness delays overlap instead of adding up.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ServiceUnavailable
from ..models import Published, PublishedCheck, Record
from .dblp import DblpClient
from .published import check, evidence, names_a_venue, parse_dblp_bibtex, search_candidates
from .s2 import S2Client

#: search hits tried at most per paper
MAX_CANDIDATES = 3


def check_paper(record: Record, s2_record: dict[str, Any] | None, dblp: DblpClient) -> PublishedCheck:
    """One paper: Semantic Scholar's evidence, then DBLP's record, then the checks.

    Raises ``ServiceUnavailable`` when DBLP cannot be asked.
    """
    ev = evidence(s2_record)
    if ev is not None and ev.dblp_key:
        text = dblp.record_bibtex(ev.dblp_key)
        version = parse_dblp_bibtex(text, ev.dblp_key) if text else None
        if version is None:
            return PublishedCheck("preprint", None, f"DBLP has no usable record {ev.dblp_key}")
        return _first_fitting(record, [(version, False)])
    if ev is None or names_a_venue(ev):
        # S2 does not know the paper, or names a venue but links only the CoRR record:
        # DBLP's title search may find it
        found = search_candidates(record, dblp.search_bibtex(record.title))
        if not found and ev is None:
            return PublishedCheck("preprint", None, "Semantic Scholar does not know the paper")
        return _first_fitting(record, [(v, True) for v in found[:MAX_CANDIDATES]])
    return PublishedCheck("preprint", None, "no published version known yet")


def _first_fitting(record: Record, candidates: list[tuple[Published, bool]]) -> PublishedCheck:
    reasons = []
    for version, by_search in candidates:
        why = check(record, version, found_by_search=by_search)
        if why is None:
            how = "found by title in DBLP" if by_search else "linked by Semantic Scholar"
            dated = version.venue if str(version.year) in version.venue else f"{version.venue} {version.year}"
            return PublishedCheck("published", version, f"{dated} ({how}: {version.dblp_key})")
        reasons.append(why)
    return PublishedCheck("preprint", None, "; ".join(reasons) or "no published version known yet")


@dataclass
class Outcome:
    """What the look-ups of a run found, and why some papers are still unknown."""

    checks: dict[str, PublishedCheck] = field(default_factory=dict)
    down: str | None = None  # a service that could not be asked, in one line


def look_up(
    records: Sequence[Record],
    s2: S2Client,
    dblp: DblpClient,
    outcome: Outcome | None = None,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Check ``records`` (one Semantic Scholar batch, then DBLP paper by paper) into ``outcome``.

    Never raises for a service that is down: the papers it leaves are "unknown".
    """
    out = outcome or Outcome()
    if not records:
        return out
    try:
        linked = s2.papers([r.arxiv_id for r in records])
    except ServiceUnavailable as e:
        out.down = out.down or f"{str(e).removesuffix('; try again later')}: asked again next time"
        for r in records:
            out.checks[r.arxiv_id] = PublishedCheck("unknown", None, "Semantic Scholar could not be asked")
        if progress:
            progress(len(records))
        return out
    for r in records:
        try:
            out.checks[r.arxiv_id] = check_paper(r, linked.get(r.arxiv_id), dblp)
        except ServiceUnavailable as e:
            out.checks[r.arxiv_id] = PublishedCheck(
                "unknown", None, f"DBLP could not be asked ({e}); asked again next time"
            )
            out.down = out.down or f"{str(e).removesuffix('; try again later')}: its papers are asked again next time"
        if progress:
            progress(1)
    return out


class Background:
    """Look-ups in a worker thread, fed while arXiv resolution goes on.

    ``feed(records)`` hands over papers as they resolve (one Semantic Scholar request per
    batch fed); ``finish()`` waits for the rest and returns the :class:`Outcome`. The worker never touches the library: the caller
    stores the outcome in its own thread.
    """

    def __init__(self, s2: S2Client, dblp: DblpClient):
        self.s2, self.dblp = s2, dblp
        self.outcome = Outcome()
        self.fed = self.done = 0
        self._queue: queue.Queue[list[Record] | None] = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="paper2bib-published", daemon=True)
        self._thread.start()

    def feed(self, records: Sequence[Record]) -> None:
        if records:
            self.fed += len(records)
            self._queue.put(list(records))

    def _run(self) -> None:
        # one Semantic Scholar request per batch fed, in the order fed: the requests a run
        # makes do not depend on how fast the two threads go
        while (batch := self._queue.get()) is not None:
            try:
                look_up(batch, self.s2, self.dblp, self.outcome, self._count)
            except BaseException as e:  # handed to the caller's thread by finish()
                self._error = e
                return

    def _count(self, n: int) -> None:
        self.done += n

    def finish(self, progress: Callable[[int], None] | None = None, since: int = 0) -> Outcome:
        """Wait for the papers fed so far, reporting each one checked after the first ``since``
        to ``progress`` (in the caller's thread); returns what was found. Re-raises a bug of the worker."""
        self._queue.put(None)
        reported = since
        while self._thread.is_alive():
            self._thread.join(0.2)
            if progress and self.done > reported:
                progress(self.done - reported)
                reported = self.done
        if self._error is not None:
            raise self._error
        return self.outcome
