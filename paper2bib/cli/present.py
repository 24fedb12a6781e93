"""Every line of text and JSON the command line shows: the use cases return data, and this
module says what it means for the user. Pure functions of that data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..bibupdate import describe
from ..commands.add import REVIEW, AddReport
from ..commands.export import ExportReport
from ..commands.listing import Listed
from ..commands.published import PublishedReport
from ..commands.refresh import RecordsReport, RefreshReport
from ..commands.sync import SyncResult
from ..commands.tex import TexReport
from ..commands.update import UpdateReport
from ..models import Candidate, Entry, Record, is_published_only, shown_id
from ..resolver.revisions import Revision
from ..store import StoredEntry
from ..text import latex_to_unicode, plural, published_line


def _worst(counts: Any) -> str | None:
    return next((s for s in REVIEW if counts.get(s)), None)


def add_summary(report: AddReport) -> str:
    """``89 entries: 89 resolved (10 arXiv requests)``, with where to look when some need review."""
    statuses = report.statuses
    parts = [f"{statuses[s]} {s}" for s in ("resolved", *REVIEW) if statuses[s]]
    text = plural(len(report.entry_ids), "entry", "entries") + ": " + (", ".join(parts) or "nothing")
    if worst := _worst(statuses):
        text += f" — see paper2bib list --status {worst}"
    if report.requests:
        text += f" ({plural(report.requests, 'arXiv request')})"
    return text


def published_only_summary(report: AddReport) -> str | None:
    """``not resolved on arXiv, searched in DBLP: 38 found, 2 ambiguous, 4 not found (44 DBLP requests)``,
    when DBLP was asked."""
    r = report.published_only
    if r is None or (not r.asked and not r.down):
        return None
    missing = r.asked - r.found - r.ambiguous
    text = f"not resolved on arXiv, searched in DBLP: {r.found} found, {r.ambiguous} ambiguous, {missing} not found"
    text += f" ({plural(r.requests, 'DBLP request')})"
    if r.down:
        text += f". {r.down}. {plural(r.left, 'title')} not searched yet: the next run searches them"
    return text


def published_summary(report: PublishedReport) -> str | None:
    """What a publication look-up found, in one line; None when nothing was asked."""
    if not report.checked and not report.down:
        return None
    still = "still a preprint" if report.preprints == 1 else "still preprints"
    text = f"published versions: {report.published} found, {report.preprints} {still}"
    if report.unknown:
        text += f", {report.unknown} to ask again later"
    text += (
        f" ({plural(report.s2_requests, 'Semantic Scholar request')}, {plural(report.dblp_requests, 'DBLP request')})"
    )
    return text + (f"; {report.down}" if report.down else "")


def revision_line(r: Revision) -> str:
    """``2410.21666 v1 → v9: title changed``; ``2401.16265: journal DOI 10.… added``."""
    head = f"{r.arxiv_id} v{r.old_version} → v{r.new_version}" if r.versioned else r.arxiv_id
    return f"{head}: " + ("; ".join(r.changes) if r.changes else "a new version; title, authors and abstract unchanged")


def records_lines(report: RecordsReport) -> list[str]:
    """A line per revised paper and per paper arXiv no longer answers for, then the count."""
    lines = [revision_line(r) for r in report.revised]
    lines += [f"{a}: arXiv no longer answers for this paper; its stored record is kept" for a in report.missing]
    if report.fetched or not report.down:
        lines.append(
            f"{plural(report.fetched, 'paper')} checked on arXiv ({plural(report.requests, 'request')}): "
            f"{len(report.revised)} revised, {report.unchanged} unchanged"
        )
    return lines


def refresh_lines(report: RefreshReport) -> list[str]:
    """What ``refresh`` prints on stderr."""
    rec = report.records
    if not rec.asked and not report.skipped:
        return ["nothing to check: the library has no resolved paper"]
    lines = records_lines(rec) if rec.asked else []
    if report.skipped:
        lines.append(f"{plural(report.skipped, 'paper')} fetched since the cut-off, not asked")
    if report.published and (line := published_summary(report.published)):
        lines.append(line)
    if rec.down and not rec.fetched:
        lines.append(f"{rec.down}. Nothing was changed; run paper2bib refresh again later")
    elif rec.down:
        lines.append(
            f"{rec.down}. {rec.fetched} of {plural(rec.asked, 'paper')} checked and stored; "
            f"paper2bib refresh --since {report.started} checks the rest"
        )
    return lines


def export_summary(report: ExportReport, fmt: str, output: str | None) -> list[str]:
    """The lines ``export`` prints on stderr."""
    lines = [f"{plural(len(report.papers), 'paper')} exported as {fmt}" + (f" to {output}" if output else "")]
    if report.left_out:
        parts = ", ".join(f"{n} {s}" for s, n in sorted(report.left_out.items()))
        lines[0] += (
            f"; {plural(sum(report.left_out.values()), 'entry', 'entries')} left out ({parts})"
            f" — see paper2bib list --status {_worst(report.left_out)}"
        )
    if report.kept_keys:
        lines.append(
            f"{plural(report.kept_keys, 'key')} kept from earlier exports, made with another key format; "
            "--rekey recomputes them (\\cite commands using the old keys then break)"
        )
    lines += [
        f"warning: {a} is exported as {key}, not as {wanted} (its key in the .bib), because {owner} already has that key"
        for a, key, wanted, owner in report.conflicts
    ]
    if report.rekeyed:
        lines.append(
            f"warning: --rekey changed {plural(report.rekeyed, 'key')}: \\cite commands using the old keys will break"
        )
    return lines


def entries_text(entries: Sequence[Entry]) -> list[str]:
    """``parse``: each entry as a numbered line, its links under it."""
    lines = []
    for n, e in enumerate(entries, 1):
        head = e.title or "(no title)"
        if e.arxiv_id:
            head += f"  [arXiv:{e.arxiv_id}{'v' + str(e.version) if e.version else ''}]"
        lines.append(f"{n:4}. {head}")
        for link in e.links:
            lines.append(f"      {link.kind:8} {link.url}" + ("  (as Hugging Face lists it)" if link.hub else ""))
    return lines


def entry_json(e: Entry) -> dict[str, Any]:
    """The ``parse --json`` form of an entry."""
    out: dict[str, Any] = {
        "title": e.title,
        "abstract": e.abstract,
        "arxiv_id": e.arxiv_id,
        "links": [link.to_json() for link in e.links],
    }
    if e.key:
        out |= {"key": e.key, "authors": list(e.authors), "year": e.year, "doi": e.doi}
        out |= {"url": e.url, "kept_aside": e.aside}
        if e.also_keys:
            out["also_keys"] = list(e.also_keys)
    return out


def listed_json(item: Listed) -> dict[str, Any]:
    """The ``list --json`` form of one entry."""
    e, record, check = item.entry, item.record, item.check
    return {
        "entry": e.id,
        "digest_title": e.digest_title,
        "title": record.title if record else None,
        "arxiv_id": e.resolved_id,
        "version": e.resolved_version,
        "latest_version": record.version if record else None,
        "fetched_at": item.fetched_at if record else None,
        "status": e.status,
        "score": None if e.score is None else round(e.score, 3),
        "why": e.why,
        "candidates": [c.to_json() for c in e.candidates],
        "citekey": e.citekey,
        "links": [link.to_json() for link in e.links],
        "zotero_key": e.zotero_key,
        "pinned": e.pinned,
        "journal_ref": (record.journal_ref or record.journal_doi) if record and record.is_published else None,
        "published": {**check.version.to_json(), "why": check.why} if check and check.version else None,
        "publication_check": check.why if check else None,
    }


def listed_text(item: Listed) -> list[str]:
    """``list``: one entry's line (number, status, score, arXiv id and version, the day its record
    was last fetched, title), and what it became or why it needs review under it."""
    e = item.entry
    record = item.record if e.status == "resolved" else None
    rid = f"{e.resolved_id}v{e.resolved_version}" if e.resolved_id else "-"
    if record and record.published_only:
        rid = "-"  # not on arXiv: the line under it says where it is
    score = f"{e.score:.2f}" if e.score is not None else "  - "
    title = record.title if record else (e.digest_title or "")
    fetched = item.fetched_at[:10] if record and item.fetched_at and not record.published_only else "-"
    lines = [f"{e.id:5}  {'pinned' if e.pinned else e.status:10} {score}  {rid:18} {fetched:10}  {title}"]
    if record and record.version != e.resolved_version:
        lines.append(f"       cites v{e.resolved_version}; arXiv's latest is v{record.version}")
    check = item.check if record else None
    if record and record.published_only and check and check.version:
        lines.append(f"       published only (DBLP {record.dblp_key}): {check.version.venue} ({check.version.year})")
    elif check and check.version:
        lines.append(f"       published: {check.version.venue} ({check.version.year})")
    elif check and check.status == "preprint" and "DBLP" in check.why:
        lines.append(f"       still a preprint: {check.why}")  # a candidate was found, and refused
    elif record and record.is_published:
        lines.append(f"       {published_line(record.journal_ref, record.journal_doi)}")
    if e.status in ("ambiguous", "unresolved"):
        if e.why:
            lines.append(f"       {e.why}")
        lines += [f"       candidate {_candidate_id(c)} ({c.score:.2f}) {c.title}" for c in e.candidates]
    return lines


def _candidate_id(c: Candidate) -> str:
    """``2308.08155v2``, or ``DBLP:conf/cvpr/HeZRS16`` (what ``pin`` takes) for a paper not on arXiv."""
    return shown_id(c.arxiv_id) if is_published_only(c.arxiv_id) else f"{c.arxiv_id}v{c.version}"


def pinned(entry_id: int, record: Record) -> str:
    """``entry 93 pinned to 2308.08155: AutoGen: …`` (``DBLP:conf/…`` for a paper not on arXiv)."""
    return f"entry {entry_id} pinned to {shown_id(record.arxiv_id)}: {record.title}"


def removed(e: StoredEntry) -> str:
    return f"removed entry {e.id}: {e.resolved_id or e.hint_id or '-'} {e.digest_title or ''}".rstrip()


def update_lines(report: UpdateReport) -> list[str]:
    """``update``: a line for every entry changed, kept, left for review or unreadable."""
    out = []
    for o in report.outcomes:
        if o.status == "updated":
            out.append(f"{o.key}: " + "; ".join(describe(c) for c in o.changes))
        elif o.status == "kept":
            out.append(f"{o.key}: marked to keep, left as is")
        elif o.status == "review":
            out.append(f"{o.key}: {o.why}")
        elif o.status == "unreadable":
            out.append(f"line {o.line}: @{o.key or '(no key)'} kept as it was: {o.why}")
    return out


def update_summary(report: UpdateReport, written: str) -> str:
    """``update``'s last line: counts of each outcome, and what was written."""
    if not report.changed and not report.needs_review:
        head = "nothing to change"
    else:
        head = f"{plural(report.count('updated'), 'entry', 'entries')} updated"
    parts = [
        head,
        f"{report.count('unchanged')} already right",
        f"{report.count('kept')} kept by request",
        f"{report.count('review')} left for review",
        f"{report.count('unreadable')} unreadable (kept as they were)",
        f"{report.others} complete or not papers (untouched)",
    ]
    return ", ".join(parts) + written


def tex_lines(report: TexReport) -> list[str]:
    """``tex``: what was added, what is the same paper, what is still missing and why."""
    lines = []
    if report.added:
        lines.append(
            f"{plural(len(report.added), 'entry', 'entries')} added to {report.target}: {', '.join(report.added)}"
        )
    for key, other, aid in report.same_paper:
        if aid is None:
            lines.append(f"{key} is the same paper as {other} (already in the bibliography)")
        else:
            lines.append(f"{key} and {other} cite the same paper ({aid})")
    lines += [f"{bib} is named by the document but does not exist" for bib in report.missing_files]
    lines += [f"{name} is outside the document's folder: not read, not written" for name in report.outside]
    lines += [f"not a valid citation key, left out: {key!r}" for key in report.invalid]
    if report.missing:
        lines.append(f"{plural(len(report.missing), 'cited key')} still missing: {', '.join(report.missing)}")
    if not report.added and not report.missing:
        lines.append(f"all {plural(len(report.cited), 'cited key')} are in the bibliography")
    return lines


def sync_waiting(library: str) -> str:
    return f"waiting for another sync of Zotero {library} from this library to finish …"


def sync_plan(result: SyncResult, collection: str | None) -> list[str]:
    """A dry run's plan, one line per thing the sync would do (stdout)."""
    plan = result.report.plan
    lines = [f"would create collection {collection!r}"] if plan.new_collection else []
    # the title as the item will say it (γ-MoD), not as arXiv writes it in TeX ($γ-$MoD)
    lines += [f"would create {p.record.arxiv_id} {p.key}: {latex_to_unicode(p.record.title)}" for p in plan.create]
    first = set(plan.first_linked)
    lines += [
        f"would link   {p.record.arxiv_id} {p.key} to existing item {key}"
        for p, key in plan.link
        if p.record.arxiv_id in first
    ]
    lines += [f"would add    {aid} to collection {collection!r}" for aid in plan.add_to_collection]
    lines += [f"would update {aid} from arXiv" for aid in plan.refresh]
    lines += [f"would retype {aid} from {old} to {new} (published)" for aid, old, new in plan.retype]
    lines += [f"would skip   {p.record.arxiv_id}: deleted in Zotero" for p in plan.deleted]
    lines.append(f"would create {plan.children} child links and notes")
    return lines


def sync_summary(result: SyncResult) -> list[str]:
    """What a sync did (stderr): counts, fields kept for the user, what is left to do."""
    r = result.report

    def verb(n: int) -> str:
        return "would be" if result.dry_run else "was" if n == 1 else "were"

    plan = r.plan
    touched = {*plan.first_linked, *plan.refresh, *plan.add_to_collection, *(a for a, _, _ in plan.retype)}
    unchanged = sum(1 for p, _ in plan.link if p.record.arxiv_id not in touched)
    lines = [
        f"Zotero {result.library}: {plural(result.papers, 'paper')}; {r.created} {verb(r.created)} created, "
        f"{r.linked} linked to existing items, {r.updated} added to the collection, "
        f"{r.children} child links/notes, {r.refreshed} {verb(r.refreshed)} brought up to date"
        + (f" ({r.retyped} retyped: published since the last sync)" if r.retyped else "")
        + ", "
        f"{unchanged} unchanged ({plural(result.requests, 'request')}, {plural(result.writes, 'write')})"
    ]
    lines += [f"{aid}: {name} edited in Zotero, kept" for aid, name in r.plan.kept]
    if r.not_recreated:
        lines.append(
            f"{plural(r.not_recreated, 'paper')} deleted in Zotero {'was' if r.not_recreated == 1 else 'were'} "
            "not made again (--recreate-deleted makes them)"
        )
    if r.failed:
        lines.append(f"not done ({len(r.failed)}): " + "; ".join(r.failed[:10]) + (" …" if len(r.failed) > 10 else ""))
        lines.append("run the same command again to finish; nothing is duplicated")
    return lines
