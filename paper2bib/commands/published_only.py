"""Papers arXiv does not have: searched in DBLP by title, each entry once (``add`` runs it).

An entry arXiv left ``unresolved``, or ``ambiguous`` between titles that are not its own, is
searched in DBLP by its title — one request — and decided by :mod:`paper2bib.scholar.published_only`: resolved
to its DBLP record (id ``dblp:<key>``, its published version stored beside), ambiguous
between records of one title, or left unresolved with DBLP's nearest title named. The
search is remembered, so the next run asks nothing; if DBLP is down, the entries not yet
searched are searched next run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..arxiv_ids import clean_doi
from ..errors import DblpUnavailable
from ..models import Entry, PublishedCheck, Resolution, Status
from ..resolver.titles import compare_titles
from ..scholar.published_only import decide_published_only
from ..services import Phases, Services
from ..store import StoredEntry

#: hits a DBLP title search returns: enough that the exact title is among them for a short,
#: common title, few enough to stay one small answer
SEARCH_HITS = 30


@dataclass
class PublishedOnlyReport:
    """What the DBLP searches for entries arXiv does not have found."""

    asked: int = 0
    found: int = 0
    ambiguous: int = 0
    requests: int = 0
    down: str | None = None  # DBLP could not be asked: those entries are searched next run
    left: int = 0  # entries not searched because DBLP was down


def search_title(title: str) -> str:
    """The words of ``title`` a DBLP search is sure to find as DBLP writes them: plain ASCII
    words. ``C²KD``, ``PØDA``, ``Demoiréing``, ``#InsTag`` are written otherwise in DBLP's
    index (``C^mbox2KD``, ``P{\\O}DA``): every search word must match, so they are left out
    (the title is compared whole afterwards); a title of few plain words is asked as it is."""
    plain = [w for w in title.replace("-", " ").replace("/", " ").split() if re.fullmatch(r"[A-Za-z]+[,:.;?!]?", w)]
    return " ".join(plain) if len(plain) >= 3 else title


def _wanted(e: StoredEntry, again: bool) -> bool:
    """Not resolved on arXiv — unresolved, or ambiguous between titles that are not this one —
    and not searched in DBLP before (unless ``again``)."""
    if e.pinned or e.hint_id or not e.digest_title or (e.dblp_checked and not again):
        return False
    if e.status == "ambiguous":  # arXiv has a paper of this very title: not a paper arXiv lacks
        return not any(compare_titles(e.digest_title, c.title).same_title for c in e.candidates)
    return e.status == "unresolved"


def _as_entry(e: StoredEntry) -> Entry:
    """The entry as DBLP is asked about it: with a DOI, from its ``.bib`` or a doi.org link."""
    entry = e.as_entry()
    if entry.doi:
        return entry
    links = (clean_doi(link.url) for link in e.links if "doi.org/" in link.url)
    return replace(entry, doi=next((d for d in links if d and not d.lower().startswith("10.48550/")), None))


def _merged(e: StoredEntry, res: Resolution) -> Resolution:
    """DBLP's finding, beside what arXiv said: a paper found wins; otherwise the entry keeps
    arXiv's status (ambiguous stays ambiguous) with both reasons and both sets of candidates."""
    if res.status == "resolved" or (res.status == "ambiguous" and e.status == "unresolved"):
        return res
    said = e.why or ""
    why = said if res.why in said else "; ".join(w for w in (said, res.why) if w)
    status: Status = "ambiguous" if "ambiguous" in (e.status, res.status) else "unresolved"
    return Resolution(status, e.score, why=why, candidates=(*e.candidates, *res.candidates)[:4])


def find_published_only(
    svc: Services, entry_ids: list[int], phases: Phases | None = None, again: bool = False
) -> PublishedOnlyReport:
    """Search DBLP for the entries of ``entry_ids`` that arXiv does not have (``again``: those
    searched before too), and store what it found."""
    lib = svc.store
    todo = [e for e in lib.entries(entry_ids) if _wanted(e, again)]
    report = PublishedOnlyReport()
    if not todo:
        return report
    _, dblp = svc.scholar()
    before = dblp.requests_made
    progress = phases("Not on arXiv: DBLP", len(todo)) if phases and len(todo) > 1 else None
    for e in todo:
        try:
            answer = dblp.search_bibtex(search_title(e.digest_title or ""), hits=SEARCH_HITS)
        except DblpUnavailable as x:
            report.down, report.left = str(x), len(todo) - report.asked
            break
        found = decide_published_only(_as_entry(e), answer)
        record = found.record
        lib.save_resolutions([(e.id, _merged(e, found.resolution))], [record] if record else [])
        if record and found.version:
            lib.store_published({record.arxiv_id: PublishedCheck("published", found.version, found.resolution.why)})
        lib.mark_dblp_checked([e.id])
        report.asked += 1
        report.found += found.resolution.status == "resolved"
        report.ambiguous += found.resolution.status == "ambiguous"
        if progress:
            progress(1)
    report.requests = dblp.requests_made - before
    return report
