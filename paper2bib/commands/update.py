"""``paper2bib update``: a .bib's arXiv entries edited field by field, every other byte kept.

The use case reads, resolves (through :func:`~paper2bib.commands.add.add`) and returns the
new text; the CLI writes it through :mod:`paper2bib.userfile`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..bibedit import Change, EntrySyntaxError, apply, parse_entry, style_of
from ..bibupdate import plan
from ..digest.bibfile import Chunk, arxiv_ref, read_fields, split_bib, year_of
from ..digest.bibfile import authors as authors_of
from ..models import Entry, Paper
from ..resolver.titles import compare_titles
from ..services import Phases, Services
from ..store import StoredEntry
from ..texfiles import protected, rewrite
from ..text import latex_to_unicode, squash_space
from .add import add
from .papers import papers_for


@dataclass(frozen=True)
class Outcome:
    """What ``update`` did to one entry of the file."""

    key: str
    line: int
    status: str  # updated | unchanged | kept | review | unreadable
    changes: tuple[Change, ...] = ()
    why: str = ""


@dataclass
class UpdateReport:
    """``paper2bib update``: the file's new text, and what happened to each entry."""

    original: str
    text: str
    outcomes: list[Outcome] = field(default_factory=list)
    others: int = 0  # complete entries of papers not on arXiv, and entries that are not papers: never touched

    def count(self, status: str) -> int:
        """How many entries had this outcome."""
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def changed(self) -> bool:
        return self.text != self.original

    @property
    def needs_review(self) -> bool:
        return any(o.status in ("review", "unreadable") for o in self.outcomes)


@dataclass(frozen=True)
class _Todo:
    index: int  # of the chunk
    chunk: Chunk
    fields: dict[str, str]
    entry: Entry


def update_bib(
    svc: Services,
    source: str,
    text: str,
    preprint: bool = False,
    style: str = "arxiv",
    ascii_only: bool = False,
    phases: Phases | None = None,
) -> UpdateReport:
    """Edit the arXiv entries of a .bib (``text``, read from ``source``) field by field from
    their resolved records, each under its own key; every other byte is kept.

    Uncertain matches are never applied and entries that cannot be read are kept byte for
    byte: both are listed. ``ascii_only`` writes TeX for every non-ASCII letter (a file
    that is not UTF-8).
    """
    chunks = split_bib(text, strict=False)
    report = UpdateReport(text, text)
    todo = _arxiv_entries(chunks, text, source, report)
    if not todo:
        return report
    lib = svc.store
    ids = add(svc, [t.entry for t in todo], phases=phases).per_entry
    stored = {s.id: s for s in lib.entries(ids)}
    papers = papers_for(lib, [(stored[eid], t.chunk.key) for t, eid in zip(todo, ids)], preprint)
    replaced: dict[int, str] = {}
    for t, eid, paper in zip(todo, ids, papers):
        outcome, new_text = _updated(t, stored[eid], paper, preprint, style, ascii_only)
        report.outcomes.append(outcome)
        if new_text is not None:
            replaced[t.index] = new_text
    report.outcomes.sort(key=lambda o: o.line)
    report.text = rewrite(chunks, replaced)
    return report


def _arxiv_entries(chunks: list[Chunk], text: str, source: str, report: UpdateReport) -> list[_Todo]:
    """The entries of the file that are arXiv papers, as entries to resolve; what the others
    are (unreadable, kept by request, not arXiv papers) goes into ``report``."""
    fields = iter(read_fields(text, chunks))
    todo: list[_Todo] = []
    for i, c in enumerate(chunks):
        if c.kind not in ("entry", "broken"):
            continue
        f = next(fields) if c.kind == "entry" else None
        if f is None:
            why = "its braces do not close" if c.kind == "broken" else "it cannot be read as a BibTeX entry"
            report.outcomes.append(Outcome(c.key, c.line, "unreadable", why=why))
        elif protected(chunks, i, f):
            report.outcomes.append(Outcome(c.key, c.line, "kept"))
        elif (ref := arxiv_ref(f)) or (f.get("title") and (_looks_like_preprint(f) or _title_only(f))):
            title = squash_space(latex_to_unicode(f["title"])) if f.get("title") else None
            entry = Entry(
                title=title,
                arxiv_id=ref.arxiv_id if ref else None,
                version=ref.version if ref else None,
                source=source,
                key=f["ID"],
                authors=authors_of(f.get("author")),
                year=year_of(f),
                doi=(f.get("doi") or "").strip() or None,
            )
            todo.append(_Todo(i, c, f, entry))
        else:
            report.others += 1  # not an arXiv paper: byte for byte
    return todo


def _updated(
    t: _Todo, stored: StoredEntry, paper: Paper | None, preprint: bool, style: str, ascii_only: bool
) -> tuple[Outcome, str | None]:
    """What becomes of one arXiv entry: its outcome, and its new text when it changes."""
    c = t.chunk
    if paper is None:
        why = stored.why or stored.status
        if stored.status == "ambiguous" and stored.candidates:
            why = "uncertain, candidates " + ", ".join(x.arxiv_id for x in stored.candidates)
        return Outcome(c.key, c.line, "review", why=f"{stored.status}, left as is ({why})"), None
    conflict = _title_conflict(t.fields.get("title"), paper)
    if conflict:
        return Outcome(c.key, c.line, "review", why=conflict), None
    try:
        parsed = parse_entry(c.raw)
    except EntrySyntaxError as e:
        return Outcome(c.key, c.line, "unreadable", why=str(e)), None
    style_ = style_of(parsed)
    changes = plan(parsed, style_, paper, preprint=preprint, how=style, ascii_only=ascii_only)
    if not changes:
        return Outcome(c.key, c.line, "unchanged"), None
    return Outcome(c.key, c.line, "updated", changes), apply(parsed, list(changes), style_)


#: the fields that say where a work appeared: an entry with one of them is complete, and left alone
_VENUE_FIELDS = (
    "booktitle", "journal", "journaltitle", "howpublished", "publisher", "school", "institution",
    "organization", "eventtitle", "series", "eprint", "url",
)  # fmt: skip


def _title_only(fields: dict[str, str]) -> bool:
    """An entry that names a paper but not where it appeared (a title, perhaps authors and a
    year): paper2bib completes it, from arXiv or, for a paper not on arXiv, from DBLP."""
    kind = fields.get("ENTRYTYPE", "").lower()
    if kind not in ("article", "inproceedings", "conference", "misc", "unpublished", "online"):
        return False
    says_where = re.search(r"https?://|\\url|\bdoi\b", fields.get("note", ""), re.IGNORECASE)  # a web page's entry
    return not says_where and not any(fields.get(k, "").strip() for k in _VENUE_FIELDS)


def _looks_like_preprint(fields: dict[str, str]) -> bool:
    """An entry without an id that is plainly an arXiv preprint: arXiv or CoRR as its venue."""
    venue = " ".join(fields.get(k, "") for k in ("journal", "journaltitle", "howpublished", "note", "publisher"))
    return bool(re.search(r"(?i)\barxiv\b|\bcorr\b|preprint", venue))


def _title_conflict(title: str | None, paper: Paper) -> str:
    """Why an entry whose id names ``paper`` plainly describes another work (its title is
    not the paper's, nor its published version's), or "" when it does not."""
    if not title or not title.strip():
        return ""
    mine = squash_space(latex_to_unicode(title))
    titles = [paper.record.title] + ([paper.published.title] if paper.published else [])
    matches = [compare_titles(mine, t) for t in titles]
    if all(m.kind == "different" and m.shared < 0.34 for m in matches):
        return (
            f"its id names arXiv:{paper.record.arxiv_id} ({paper.record.title!r}), but its title is another "
            "work's: left as is, check the id"
        )
    return ""
