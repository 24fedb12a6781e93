"""The LaTeX author's loop: ``update`` a refs.bib in place, fill the ``\\cite``'s a document lacks.

Use cases only: they read, resolve (through :func:`paper2bib.workflow.add`) and return
what to write; the CLI writes it through :mod:`paper2bib.userfile`, which keeps every
byte it does not own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .arxiv_ids import parse_id
from .bibedit import Change, EntrySyntaxError, apply, parse_entry, style_of
from .bibupdate import plan
from .config import Settings
from .digest import read_source
from .digest.bibfile import Chunk, arxiv_ref, read_fields, split_bib
from .digest.bibfile import authors as authors_of
from .errors import InputError
from .library import Library, StoredEntry
from .models import Entry, Paper
from .resolver.client import ArxivClient
from .resolver.titles import compare_titles
from .texfiles import bibliographies, citations, inputs, protected, rewrite, valid_key
from .text import latex_to_unicode, squash_space
from .workflow import Phases, add, bib_keys, with_abstract_links
from .writers import render


def papers_for(lib: Library, wanted: Sequence[tuple[StoredEntry, str]], preprint: bool = False) -> list[Paper | None]:
    """The resolved paper of each stored entry, to be written under its key; None where the
    entry is not resolved. One read of the records and published versions for all."""
    ids = [e.resolved_id for e, _ in wanted if e.status == "resolved" and e.resolved_id]
    records = lib.records(ids)
    checks = {} if preprint else lib.published(ids)
    out: list[Paper | None] = []
    for e, key in wanted:
        record = records.get(e.resolved_id or "") if e.status == "resolved" else None
        check = checks.get(record.arxiv_id) if record else None
        out.append(
            Paper(record, key, tuple(with_abstract_links(e.links, record)), check.version if check else None)
            if record
            else None
        )
    return out


def _looks_like_preprint(fields: dict[str, str]) -> bool:
    """An entry without an id that is plainly an arXiv preprint: arXiv or CoRR as its venue."""
    venue = " ".join(fields.get(k, "") for k in ("journal", "journaltitle", "howpublished", "note", "publisher"))
    return bool(re.search(r"(?i)\barxiv\b|\bcorr\b|preprint", venue))


# ----------------------------------------------------------------------------- update
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
    others: int = 0  # entries that are not arXiv papers: never touched

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def changed(self) -> bool:
        return self.text != self.original

    @property
    def needs_review(self) -> bool:
        return any(o.status in ("review", "unreadable") for o in self.outcomes)


def update_bib(
    lib: Library,
    settings: Settings,
    source: str,
    text: str,
    preprint: bool = False,
    style: str = "arxiv",
    ascii_only: bool = False,
    client: ArxivClient | None = None,
    phases: Phases | None = None,
) -> UpdateReport:
    """Edit the arXiv entries of a .bib (``text``, read from ``source``) field by field from
    their resolved records, each under its own key; every other byte is kept.

    Uncertain matches are never applied and entries that cannot be read are kept byte for
    byte: both are listed. ``ascii_only`` writes TeX for every non-ASCII letter (a file
    that is not UTF-8).
    """
    chunks = split_bib(text, strict=False)
    entry_chunks = [(i, c) for i, c in enumerate(chunks) if c.kind in ("entry", "broken")]
    fields = iter(read_fields(text, chunks))
    report = UpdateReport(text, text)
    todo: list[tuple[int, Chunk, dict[str, str], Entry]] = []
    for i, c in entry_chunks:
        f = next(fields) if c.kind == "entry" else None
        if f is None:
            why = "its braces do not close" if c.kind == "broken" else "it cannot be read as a BibTeX entry"
            report.outcomes.append(Outcome(c.key, c.line, "unreadable", why=why))
            continue
        if protected(chunks, i, f):
            report.outcomes.append(Outcome(c.key, c.line, "kept"))
            continue
        ref = arxiv_ref(f)
        if not ref and not (_looks_like_preprint(f) and f.get("title")):
            report.others += 1
            continue  # not an arXiv paper: byte for byte
        title = squash_space(latex_to_unicode(f["title"])) if f.get("title") else None
        entry = Entry(
            title=title,
            arxiv_id=ref.arxiv_id if ref else None,
            version=ref.version if ref else None,
            source=source,
            key=f["ID"],
            authors=authors_of(f.get("author")),
        )
        todo.append((i, c, f, entry))
    if not todo:
        return report
    ids = add(lib, settings, [e for *_, e in todo], client=client, phases=phases).per_entry
    stored = {s.id: s for s in lib.entries(ids)}
    papers = papers_for(lib, [(stored[eid], c.key) for (_, c, _, _), eid in zip(todo, ids)], preprint)
    replaced: dict[int, str] = {}
    for (i, c, f, _), eid, paper in zip(todo, ids, papers):
        s = stored[eid]
        if paper is None:
            why = s.why or s.status
            if s.status == "ambiguous" and s.candidates:
                why = "uncertain, candidates " + ", ".join(x.arxiv_id for x in s.candidates)
            report.outcomes.append(Outcome(c.key, c.line, "review", why=f"{s.status}, left as is ({why})"))
            continue
        conflict = _title_conflict(f.get("title"), paper)
        if conflict:
            report.outcomes.append(Outcome(c.key, c.line, "review", why=conflict))
            continue
        try:
            parsed = parse_entry(c.raw)
        except EntrySyntaxError as e:
            report.outcomes.append(Outcome(c.key, c.line, "unreadable", why=str(e)))
            continue
        style_ = style_of(parsed)
        changes = plan(parsed, style_, paper, preprint=preprint, how=style, ascii_only=ascii_only)
        if not changes:
            report.outcomes.append(Outcome(c.key, c.line, "unchanged"))
            continue
        replaced[i] = apply(parsed, list(changes), style_)
        report.outcomes.append(Outcome(c.key, c.line, "updated", changes))
    report.outcomes.sort(key=lambda o: o.line)
    report.text = rewrite(chunks, replaced)
    return report


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


# ----------------------------------------------------------------------------- tex
MAX_INPUT_DEPTH = 20


@dataclass
class TexDocument:
    """What a document (with the files it inputs) says: cited keys and bibliographies."""

    path: Path
    cited: list[str]
    bibliographies: list[Path]
    outside: list[str] = field(default_factory=list)  # named bibliographies outside its folder
    invalid: list[str] = field(default_factory=list)  # cited keys no .bib could hold


def _inside(folder: Path, name: str) -> Path | None:
    """``folder/name`` if it stays inside ``folder`` (no absolute path, no ``..`` out of it)."""
    if Path(name).is_absolute() or re.match(r"^[a-zA-Z]:[\\/]", name):
        return None
    p = (folder / name).resolve()
    base = folder.resolve()
    return p if p == base or base in p.parents else None


def read_document(document: str) -> TexDocument:
    """Read a .tex (and every file it inputs, inside its folder) or an .aux."""
    path = Path(document)
    folder = path.parent
    texts: list[str] = []
    seen: set[Path] = set()
    queue = [(path, 0)]
    while queue:
        p, depth = queue.pop(0)
        if p.resolve() in seen:
            continue
        seen.add(p.resolve())
        text = read_source(str(p)) if p == path else _read_optional(p)
        if text is None:
            continue
        texts.append(text)
        if depth < MAX_INPUT_DEPTH:
            for name in inputs(text):
                child = _inside(folder, name)
                if child is not None:
                    queue.append((child, depth + 1))
    joined = "\n".join(texts)
    cited = citations(joined)
    doc = TexDocument(path, [k for k in cited if valid_key(k)], [], invalid=[k for k in cited if not valid_key(k)])
    for name in bibliographies(joined):
        inside = _inside(folder, name)
        if inside is None:
            doc.outside.append(name)
        else:
            doc.bibliographies.append(folder / name)
    return doc


def _read_optional(p: Path) -> str | None:
    try:
        return read_source(str(p))
    except InputError:
        return None


@dataclass
class TexReport:
    """``paper2bib tex``: the cited keys, those filled, and those still missing."""

    cited: list[str]
    target: Path
    added: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    missing_files: list[Path] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    same_paper: list[str] = field(default_factory=list)  # "a and b cite the same paper …"
    text: str = ""  # what to append to the target (empty: nothing)


def target_of(doc: TexDocument, output: str | None) -> Path:
    """Where ``tex`` appends: ``output``, else the first bibliography the document names
    inside its own folder."""
    if output:
        return Path(output)
    if doc.bibliographies:
        return doc.bibliographies[0]
    if doc.outside:
        raise InputError(
            f"{doc.path} names its bibliography outside its folder ({', '.join(doc.outside)}); "
            "paper2bib writes only next to the document: give -o FILE.bib"
        )
    raise InputError(f"{doc.path} names no bibliography (\\bibliography, \\addbibresource); give -o FILE.bib")


def _bib_ids(text: str) -> dict[str, str]:
    """arXiv id → key of the entries of a .bib that cite an arXiv paper."""
    chunks = split_bib(text, strict=False)
    out: dict[str, str] = {}
    for c, f in zip([c for c in chunks if c.kind == "entry"], read_fields(text, chunks)):
        ref = arxiv_ref(f) if f else None
        if ref:
            out.setdefault(ref.arxiv_id, c.key)
    return out


def fill_citations(
    lib: Library,
    settings: Settings,
    doc: TexDocument,
    target: Path,
    target_text: str,
    client: ArxivClient | None = None,
) -> TexReport:
    """The keys ``doc`` cites that none of its bibliographies has (``target_text`` is the
    target's current text): those that are arXiv ids, or keys of the library, resolved and
    rendered under exactly the cited key, each paper once."""
    report = TexReport(doc.cited, target, invalid=list(doc.invalid), outside=list(doc.outside))
    have: set[str] = set()
    ids_in_files: dict[str, str] = {}
    for bib in dict.fromkeys([*doc.bibliographies, target]):
        text = target_text if bib == target else _read_optional(bib) if bib.exists() else None
        if text is None:
            if bib != target:
                report.missing_files.append(bib)
            continue
        try:
            have |= {c.key for c in split_bib(text, strict=False) if c.kind in ("entry", "broken")}
        except InputError as e:
            raise InputError(f"{bib}: {e}") from None
        for a, k in _bib_ids(text).items():
            ids_in_files.setdefault(a, k)
    missing = [k for k in doc.cited if k not in have]
    if not missing:
        return report
    by_key = lib.citekeys_by_key() | {k: a for a, k in bib_keys(lib.entries()).items()}
    wanted: dict[str, Entry] = {}
    for k in missing:
        ref = parse_id(k)
        if ref:
            wanted[k] = Entry(title=None, arxiv_id=ref.arxiv_id, version=ref.version, source=str(doc.path))
        elif k in by_key:
            wanted[k] = Entry(title=None, arxiv_id=by_key[k], source=str(doc.path))
        else:
            report.missing.append(k)
    if not wanted:
        return report
    ids = add(lib, settings, list(wanted.values()), client=client).per_entry
    stored = {s.id: s for s in lib.entries(ids)}
    first_key: dict[str, str] = {}
    papers: list[Paper] = []
    for k, paper in zip(wanted, papers_for(lib, [(stored[eid], k) for k, eid in zip(wanted, ids)])):
        if not paper:
            report.missing.append(k)
            continue
        aid = paper.record.arxiv_id
        if aid in ids_in_files:
            report.same_paper.append(f"{k} is the same paper as {ids_in_files[aid]} (already in the bibliography)")
        if aid in first_key:
            report.same_paper.append(f"{k} and {first_key[aid]} cite the same paper ({aid})")
        first_key.setdefault(aid, k)
        papers.append(paper)
        report.added.append(k)
    if papers:
        sep = (
            "" if not target_text or target_text.endswith("\n\n") else ("\n" if target_text.endswith("\n") else "\n\n")
        )
        report.text = sep + render("bibtex", papers)
    return report
