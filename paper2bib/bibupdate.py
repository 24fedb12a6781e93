"""What ``paper2bib update`` changes in one arXiv entry of a user's .bib (pure functions).

An entry is edited field by field (:mod:`paper2bib.bibedit`): paper2bib sets only the
fields it owns (:data:`paper2bib.bibedit.OWNED`) and only where the entry's value does
not already say the same thing; every other field stays, with its value, the spelling of
its name and its place. The decisions:

* **Same meaning, no edit.** A title that differs only in braces or spacing, the same
  authors written another way (``Smith, John`` / ``John Smith``), ``jan``/``{January}``,
  a DOI with or without ``https://doi.org/``, an ``eprint`` with a version, a coarse
  ``primaryclass = {cs}`` that arXiv's ``cs.LG`` refines, an arXiv URL to the same paper,
  a non-arXiv URL or DOI the user chose (a published version paper2bib does not know).
* **The entry's own dialect.** An entry using ``date``, ``journaltitle`` or ``@online``
  is written with biblatex's fields (``eprinttype``, ``eprintclass``…); DBLP's
  ``eprinttype`` in a BibTeX entry counts as ``archivePrefix``.
* **Type.** A published paper becomes ``@inproceedings``/``@article`` with its venue
  (unless ``--preprint``). A preprint becomes arXiv's own form (``@misc`` / ``@online``)
  with ``style="arxiv"`` (the default): a Google Scholar ``@article`` whose ``journal``
  only says ``arXiv preprint arXiv:…`` loses that journal (the eprint fields say it);
  with ``style="keep"`` its type and journal stay. An entry of another type (a book, a
  thesis) keeps its type; one naming a real venue paper2bib has no record of
  (``journal = {Physical Review D}``) describes that publication: it only gains the
  eprint fields that say where its preprint is.
* **note** is the user's: kept; one that only names the arXiv id gives way to arXiv's
  journal reference; one that says more is extended with it, never replaced.
* A field removed is reported with its old value; nothing is removed silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from . import mapdata
from .arxiv_ids import clean_doi, parse_id
from .bibedit import Change, EntryText, Style, format_value, unwrap
from .digest.bibfile import split_names
from .models import Paper
from .names import ascii_fold, split_name
from .text import latex_to_unicode, squash_space
from .writers.bibtex import biblatex_fields, bibtex_fields, published_fields

STYLES = ("arxiv", "keep")
#: Entry types a preprint is rewritten from (``style="arxiv"``); a book, thesis or chapter keeps its type.
_RETYPED = {"article", "inproceedings", "conference"}
#: Another spelling of the same field, in the other dialect.
_SYNONYMS = {
    "archiveprefix": ("eprinttype",),
    "eprinttype": ("archiveprefix",),
    "primaryclass": ("eprintclass",),
    "eprintclass": ("primaryclass",),
    "journal": ("journaltitle",),
    "journaltitle": ("journal",),
}
_ARXIV_VENUE = re.compile(r"(?i)^\W*(arxiv|corr|preprint|arxiv e-prints|arxiv preprint\b.*|e-?print.*)\W*$")


def dialect_of(entry_type: str, names: Iterable[str]) -> str:
    """``biblatex`` for an entry written with biblatex's own fields, else ``bibtex``."""
    names = set(names)
    if entry_type.lower() == "online" or "journaltitle" in names or ("date" in names and "year" not in names):
        return "biblatex"
    return "bibtex"


def _plain(value: str | None) -> str:
    """A value's text for comparing: TeX decoded, no braces, spaces squashed."""
    if value is None:
        return ""
    return squash_space(latex_to_unicode(value).replace("{", "").replace("}", ""))


def _name_keys(value: str) -> list[tuple[str, str]]:
    """(family name, first initial) of each author, ASCII folded, ``others`` kept as a marker."""
    out = []
    for raw in split_names(value):
        text = _plain(raw)
        if text.lower() == "others":
            out.append(("others", ""))
            continue
        name = split_name(text)
        family = ascii_fold(" ".join(p for p in (name.particle, name.family) if p)).lower()
        given = ascii_fold(name.given or "").lower()
        out.append((re.sub(r"[^a-z0-9]", "", family), given[:1]))
    return out


def _month(value: str) -> int | None:
    v = _plain(value).lower()[:3]
    months = mapdata.load("fields.toml")["months"]
    if v in months:
        return months.index(v) + 1
    return int(v) if v.isdigit() and 1 <= int(v) <= 12 else None


def _url_keys(url: str) -> list[str]:
    """Each URL of a field (some files list several), arXiv's as ``arxiv:ID``."""
    out = []
    for u in _plain(url).lower().split():
        u = re.sub(r"^https?://(www\.|export\.)?", "", u).rstrip("/")
        m = re.fullmatch(r"arxiv\.org/(?:abs|pdf)/(\S+?)(?:v\d+)?(?:\.pdf)?", u)
        out.append("arxiv:" + m.group(1) if m else u)
    return out


def same(name: str, old: str, new: str) -> bool:
    """``old`` (the entry's value text) says what ``new`` (paper2bib's) says."""
    if name == "author":
        return _name_keys(old) == _name_keys(new)
    if name in ("year", "date"):
        return _plain(old)[:4] == _plain(new)[:4]
    if name == "month":
        return _month(old) == _month(new)
    if name == "eprint":
        a, b = parse_id(_plain(old)), parse_id(_plain(new))
        return bool(a and b and a.arxiv_id == b.arxiv_id)
    if name in ("archiveprefix", "eprinttype"):
        return _plain(old).lower() == _plain(new).lower()
    if name in ("primaryclass", "eprintclass"):
        o, n = _plain(old).lower(), _plain(new).lower()
        return o == n or n.startswith(o + ".")
    if name == "doi":
        return (clean_doi(_plain(old)) or "").lower() == (clean_doi(_plain(new)) or "").lower()
    if name == "url" or name in _LINK_FIELDS:
        return bool(set(_url_keys(old)) & set(_url_keys(new)))
    if name == "pages":
        return re.sub(r"-+|\s", "-", _plain(old)) == re.sub(r"-+|\s", "-", _plain(new))
    return _plain(old) == _plain(new)


_LINK_FIELDS = {"code", "project", "model", "dataset", "demo", "video", "verba", "verbb", "verbc"}


def _keeps_own(name: str, old: str, new: str) -> bool:
    """The user's value stands although paper2bib's differs: a non-arXiv URL, a DOI that
    is not arXiv's where paper2bib only knows arXiv's."""
    if name == "url":
        return any(not k.startswith("arxiv:") for k in _url_keys(old)) and all(
            k.startswith("arxiv:") for k in _url_keys(new)
        )
    if name == "doi":
        return (clean_doi(_plain(new)) or "").lower().startswith("10.48550/") and not (
            clean_doi(_plain(old)) or ""
        ).lower().startswith("10.48550/")
    return False


def _fields(paper: Paper, dialect: str, preprint: bool) -> dict[str, str]:
    if paper.published and not preprint:
        return published_fields(paper, dialect, abstracts=False, links_in_note=False)
    make = biblatex_fields if dialect == "biblatex" else bibtex_fields
    conf = mapdata.load("fields.toml")[dialect]
    return {"ENTRYTYPE": conf["entry_type"], **make(paper.record, paper.links, False, False)}


def _target(paper: Paper, dialect: str, preprint: bool, ascii_only: bool) -> dict[str, str]:
    """paper2bib's fields for the paper in the entry's dialect (values are LaTeX), with
    ``ENTRYTYPE``; with ``ascii_only`` (a file that is not UTF-8) every letter is TeX."""
    fields = _fields(paper, dialect, preprint)
    if ascii_only and dialect == "biblatex":
        plain = _fields(paper, "bibtex", preprint)
        plain["journaltitle"] = plain.get("journal", "")
        texts = ("title", "author", "note", "booktitle", "journaltitle", "publisher")
        fields.update({k: plain[k] for k in texts if k in fields and plain.get(k)})
    return fields


def _is_placeholder(name: str, value: str) -> bool:
    """A venue-like field that only says "arXiv" (Google Scholar, DBLP's CoRR, NASA ADS, Zotero)."""
    text = _plain(value)
    if name in ("journal", "journaltitle", "booktitle", "publisher"):
        return bool(_ARXIV_VENUE.match(text)) or bool(re.match(r"(?i)arxiv preprint", text))
    if name == "volume":
        return bool(re.match(r"(?i)abs/", text))
    if name in ("pages", "number", "eid"):
        return bool(re.match(r"(?i)arxiv:", text))
    return name == "pubstate"


def _note(old: str | None, new: str | None, style: Style) -> Change | None:
    if not new:
        return None
    if old is None:
        return Change("added", "note", None, format_value(new, style))
    text = unwrap(old)
    if text is None or _plain(new) in _plain(text):
        return None
    if not _plain(text) or re.fullmatch(
        r"(?i)[\W]*(arxiv|preprint|e-?print|abs|:|\d{4}\.\d{4,5}(v\d+)?|\s|[\w.-]+/\d{7})*[\W]*", _plain(text)
    ):
        return Change("changed", "note", old, format_value(new, style))  # it only named the id
    return Change("changed", "note", old, format_value(text.rstrip().rstrip(".") + ". " + new, style))


def plan(
    entry: EntryText,
    style: Style,
    paper: Paper,
    preprint: bool = False,
    how: str = "arxiv",
    ascii_only: bool = True,
) -> tuple[Change, ...]:
    """The edits that make ``entry`` describe ``paper``, in order; none when it already does."""
    names = {f.key for f in entry.fields}
    dialect = dialect_of(entry.type, names)
    target = _target(paper, dialect, preprint, ascii_only)
    published = bool(paper.published and not preprint)
    new_type = target.pop("ENTRYTYPE")
    old_type = entry.type.lower()
    real_venue = any(
        (f := entry.get(n)) is not None and not _is_placeholder(n, f.value)
        for n in ("booktitle", "journal", "journaltitle")
    )
    if not published and (how == "keep" or old_type not in _RETYPED or real_venue):
        new_type = old_type  # a venue the user names (and paper2bib does not know) stays cited
    changes: list[Change] = []
    if new_type != old_type:
        changes.append(Change("type", "ENTRYTYPE", old_type, new_type))
    retyped = new_type != old_type or published

    _date_as_the_entry_does(target, names)

    venue_kept = published and old_type == new_type and real_venue
    target.pop("pubstate", None)  # an export nicety, not something to edit into a user's entry
    if real_venue and not published:  # the entry describes a publication paper2bib does not know:
        target = {k: v for k, v in target.items() if k in _IDENTITY}  # only say where its preprint is
    note = target.pop("note", None)
    changes += _edits(entry, target, style, venue_kept)
    if how == "arxiv" or published:
        changes += _removals(entry, target, retyped, published, venue_kept)
    if how == "keep" and not published:
        changes = [c for c in changes if c.action != "removed"]
    own_note = entry.get("note")
    note_change = _note(own_note.value if own_note else None, note, style)
    if note_change:
        changes.append(note_change)
    return tuple(changes)


def _date_as_the_entry_does(target: dict[str, str], names: set[str]) -> None:
    """``year`` or ``date`` in ``target`` as the entry has it (a biblatex entry may use either)."""
    if "date" in names and "year" not in names and "year" in target:  # the entry dates itself
        target["date"] = target.pop("year")
        target.pop("month", None)
    if "year" in names and "date" in target and "date" not in names:
        target["year"] = target.pop("date")[:4]


def _edits(entry: EntryText, target: dict[str, str], style: Style, venue_kept: bool) -> list[Change]:
    """The fields of ``target`` to add to the entry or change in it; what the user wrote
    (macros, a venue paper2bib does not know, an equal value written otherwise) is kept."""
    changes: list[Change] = []
    year_written = False
    for name, value in target.items():
        own = next((f for n in (name, *_SYNONYMS.get(name, ())) if (f := entry.get(n))), None)
        if own is None:
            if name == "month" and not year_written:
                continue  # a month only goes with a year paper2bib writes
            if venue_kept and name in ("booktitle", "journal", "journaltitle"):
                continue
            changes.append(Change("added", name, None, format_value(value, style)))
            year_written |= name == "year"
            continue
        if name == "month" and not year_written:
            continue
        if venue_kept and name in ("booktitle", "journal", "journaltitle", "volume", "number", "pages", "publisher"):
            continue
        own_text = unwrap(own.value)
        if own_text is None:
            if own.key != "month" or _month(own.value) == _month(value):
                continue  # a macro or concatenation the user wrote: theirs
            own_text = own.value
        if same(own.key, own_text, value) or _keeps_own(own.key, own_text, value):
            continue
        changes.append(Change("changed", own.name, own.value, format_value(value, style)))
        year_written |= own.key in ("year", "date")
    return changes


def _removals(
    entry: EntryText, target: dict[str, str], retyped: bool, published: bool, venue_kept: bool
) -> list[Change]:
    """The placeholder venue fields ("arXiv preprint", ``abs/…``) to remove, and with a
    published version the other kind of venue."""
    changes: list[Change] = []
    written = set(target) | {s for t in target for s in _SYNONYMS.get(t, ())}
    for f in entry.fields:
        if f.key in written or f.key not in _REMOVABLE:
            continue
        if _is_placeholder(f.key, f.value) and (retyped or f.key in ("journal", "journaltitle", "volume")):
            if not (f.key in ("number", "publisher") and not published):
                changes.append(Change("removed", f.name, f.value, None))
        elif published and not venue_kept and f.key in ("booktitle", "journal", "journaltitle"):
            changes.append(Change("removed", f.name, f.value, None))  # the other kind of venue
    return changes


_IDENTITY = {"eprint", "archiveprefix", "eprinttype", "primaryclass", "eprintclass"}
_REMOVABLE = {"journal", "journaltitle", "booktitle", "volume", "pages", "number", "publisher", "pubstate"}


def describe(change: Change, limit: int = 70) -> str:
    """One change as the report shows it: ``+eprint {…}``, ``title: {…} → {…}``, ``-journal {…}``."""

    def cut(v: str | None) -> str:
        v = squash_space(v or "")
        return v if len(v) <= limit else v[: limit - 1] + "…"

    if change.action == "type":
        return f"@{change.old} → @{change.new}"
    if change.action == "added":
        return f"+{change.name} {cut(change.new)}"
    if change.action == "removed":
        return f"-{change.name} {cut(change.old)}"
    return f"{change.name}: {cut(change.old)} → {cut(change.new)}"
