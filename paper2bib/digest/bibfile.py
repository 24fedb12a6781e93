"""A BibTeX / biblatex file: every ``@entry`` is one entry, its key and fields kept.

:func:`split_bib` cuts a file into chunks (entries, ``@string``/``@comment``/``@preamble``,
and the text between them) that give back the file byte for byte when joined: what
``paper2bib update`` needs to rewrite some entries and leave the rest untouched. It
checks the braces, so a broken file is refused with the line of the broken entry.

Entries with an arXiv id (``eprint``, an arXiv URL or DOI, ``arXiv:`` in ``journal`` or
``note``…) are id entries; the others are resolved by title and authors, except those
that are plainly not papers on arXiv (a book from a publisher, a thesis, software),
which are kept aside with the reason.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

import bibtexparser
from bibtexparser.bparser import BibTexParser

from ..arxiv_ids import ArxivRef, find_ids, parse_id
from ..errors import InputError
from ..links import extract_links
from ..models import Entry
from ..text import latex_to_unicode, squash_space
from .bibstrings import unsafe_strings

log = logging.getLogger(__name__)

_AT = re.compile(r"@[ \t]*([a-zA-Z][\w-]*)[ \t\r\n]*([{(])")
_NEW_ENTRY_LINE = re.compile(r"\n[ \t]*@[ \t]*[a-zA-Z]+[ \t]*[{(]")
_SPECIAL = ("string", "comment", "preamble")
#: Entry types that are never a paper on arXiv, whatever their fields say.
_NOT_PAPERS = {
    "phdthesis": "a thesis",
    "mastersthesis": "a thesis",
    "thesis": "a thesis",
    "software": "software",
    "dataset": "a dataset",
    "patent": "a patent",
    "standard": "a standard",
    "manual": "a manual",
    "online": "a web page",
    "electronic": "a web page",
    "www": "a web page",
    "webpage": "a web page",
    "proceedings": "a whole proceedings volume",
    "collection": "a whole collection",
    "mvbook": "a book",
}


@dataclass(frozen=True)
class Chunk:
    """A piece of a .bib file: an ``entry`` (with its type and key), a ``string``,
    ``comment`` or ``preamble``, or ``text`` between them. ``raw`` is its exact text."""

    kind: str
    raw: str
    line: int
    type: str = ""
    key: str = ""


class _Lines:
    """Line numbers of positions met in increasing order, in time linear in the text."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def at(self, pos: int) -> int:
        if pos < self.pos:  # never happens in one pass; stay correct if it does
            self.pos, self.line = 0, 1
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


_DELIMS = re.compile(r"[{}()\n]")


def _close(text: str, start: int, opener: str) -> int:
    """The index after the delimiter closing the one at ``start``, or -1."""
    depth = 0
    for m in _DELIMS.finditer(text, start):
        c = m.group()
        i = m.start()
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return -1
            if depth == 0 and opener == "{":
                return i + 1
        elif c == "(" and opener == "(" and i == start:
            continue
        elif c == ")" and opener == "(" and depth == 0:
            return i + 1
        elif c == "\n" and depth == (1 if opener == "{" else 0) and _NEW_ENTRY_LINE.match(text, i):
            return -1  # the next entry starts while this one is still open
    return -1


def split_bib(text: str, strict: bool = True) -> list[Chunk]:
    """The chunks of a .bib file, in order; ``"".join(c.raw for c in chunks) == text``.

    An entry whose braces do not close raises :class:`InputError` naming its line; with
    ``strict=False`` it becomes a ``broken`` chunk reaching to the next entry, so the rest
    of the file is still read. Linear in the size of the file.
    """
    chunks: list[Chunk] = []
    lines = _Lines(text)
    pos = 0
    for m in _AT.finditer(text):
        if m.start() < pos:
            continue
        kind = m.group(1).lower()
        end = _close(text, m.start(2), m.group(2))
        line = lines.at(m.start())
        if m.start() > pos:
            chunks.append(Chunk("text", text[pos : m.start()], line - text.count("\n", pos, m.start())))
        if end < 0:
            key = re.match(r"\s*([^,\s]*)", text[m.end() : m.end() + 200]).group(1)  # type: ignore[union-attr]
            if strict:
                raise InputError(
                    f"line {line}: @{m.group(1)}{{{key} is not closed (unbalanced braces); the file is not valid BibTeX"
                )
            nxt = _NEW_ENTRY_LINE.search(text, m.end())
            end = nxt.start() + 1 if nxt else len(text)
            chunks.append(Chunk("broken", text[m.start() : end], line, kind, key))
            pos = end
            continue
        raw = text[m.start() : end]
        if kind in _SPECIAL:
            chunks.append(Chunk(kind, raw, line, kind))
        else:
            key = re.match(r"\s*([^,\s]*)", text[m.end() : end]).group(1)  # type: ignore[union-attr]
            chunks.append(Chunk("entry", raw, line, kind, key))
        pos = end
    if pos < len(text):
        chunks.append(Chunk("text", text[pos:], lines.at(pos)))
    return chunks


def looks_like(text: str) -> bool:
    """A .bib file: entries make up most of it (a README quoting a BibTeX block is not one)."""
    if "@" not in text or re.search(r"(?m)^\s{0,3}(?:```|~~~)", text):
        return False  # no entry, or BibTeX quoted in a Markdown code block
    try:
        chunks = split_bib(text)
    except InputError:
        return bool(re.match(r"\s*(?:%[^\n]*\n\s*)*@", text))
    inside = sum(len(c.raw) for c in chunks if c.kind != "text")
    outside = sum(len(re.sub(r"(?m)^\s*%.*$|\s+", "", c.raw)) for c in chunks if c.kind == "text")
    return inside > 0 and outside < inside


def _parser() -> BibTexParser:
    return BibTexParser(common_strings=True, ignore_nonstandard_types=False, interpolate_strings=True)


def _lower(p: dict) -> dict[str, str]:
    return {k.lower() if k not in ("ID", "ENTRYTYPE") else k: v for k, v in p.items()}


def read_fields(text: str, chunks: list[Chunk]) -> list[dict[str, str] | None]:
    """The fields of every entry chunk (lower-case names, ``ID`` and ``ENTRYTYPE`` too), in
    order; None for an entry that cannot be read.

    Entries are parsed in batches, each after the file's ``@string`` definitions (bibtexparser
    1.x grows faster than the file on thousands of entries in one parse; a batch at least as
    large as the definitions keeps the whole linear). A batch that does not read back entry
    for entry is read again one entry at a time, so one broken entry costs only itself.
    """
    entries = [c for c in chunks if c.kind == "entry"]
    unsafe = unsafe_strings(chunks)
    if unsafe:
        first, more = next(iter(unsafe.values())), len(unsafe) - 1
        also = f" (and {more} more that use it)" if more else ""
        log.warning("%s%s: not expanded; the entries that use it are left as they are", first, also)
    defs = [c.raw for i, c in enumerate(chunks) if c.kind == "string" and i not in unsafe]
    strings = "".join(raw + "\n" for raw in defs)
    size = max(ENTRY_BATCH, len(defs))
    out: list[dict[str, str] | None] = []
    for start in range(0, len(entries), size):
        batch = entries[start : start + size]
        parsed = _loads(strings + "\n".join(c.raw for c in batch))
        if len(parsed) == len(batch) and all(p.get("ID") == c.key and c.key for p, c in zip(parsed, batch)):
            out.extend(_lower(p) for p in parsed)
            continue
        for c in batch:
            found = _loads(strings + c.raw)
            out.append(_lower(found[0]) if len(found) == 1 and found[0].get("ID") == c.key and c.key else None)
    return out


#: entries parsed together (see :func:`read_fields`)
ENTRY_BATCH = 200


def _loads(text: str) -> list[dict]:
    try:
        return bibtexparser.loads(text, parser=_parser()).entries
    except Exception:  # bibtexparser 1.x raises assorted errors on broken input
        return []


def arxiv_ref(fields: dict[str, str]) -> ArxivRef | None:
    """The arXiv id an entry names: ``eprint`` (with ``archivePrefix``/``eprinttype`` arXiv or
    none), an arXiv URL or DOI, ``arXiv:…`` in ``journal``/``note``/``howpublished``…"""
    eprint = fields.get("eprint", "").strip()
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
    if eprint and prefix in ("", "arxiv"):
        ref = parse_id(eprint)
        if ref:
            return ref
    for name in (
        "arxivid",  # Mendeley: arxivId = {hep-ex/0401008} beside eprint = {0401008}
        "doi",
        "url",
        "journal",
        "journaltitle",
        "note",
        "howpublished",
        "eprint",
        "volume",
        "booktitle",
        "pdf",
    ):
        value = fields.get(name, "")
        if name == "volume" and not re.search(r"(?i)\b(?:corr|arxiv)\b", fields.get("journal", "")):
            continue  # DBLP's CoRR entries and Semantic Scholar's ArXiv ones: volume = {abs/2303.11366}
        refs = find_ids(value.replace("{", "").replace("}", "").replace("abs/", "arXiv:"))
        if refs:
            return refs[0]
    for name, value in fields.items():  # BibBase's url_ArXiv, BibDesk's bdsk-url-1, arxivurl, pdflink…
        if _LINK_FIELD.fullmatch(name) and (refs := find_ids(value.replace("{", "").replace("}", ""))):
            return refs[0]
    return None


#: fields that hold a link, by their name: url_arxiv, url_pdf, bdsk-url-1, arxivurl, paperlink, pdf
_LINK_FIELD = re.compile(r"(?!urldate$)(?:url[\w-]*|[\w-]*url(?:-\d+)?|[\w-]*link|[\w-]*pdf|arxiv[\w-]*)")


def kept_aside(fields: dict[str, str]) -> str | None:
    """Why an entry without an arXiv id is plainly not a paper on arXiv, or None."""
    kind = fields.get("ENTRYTYPE", "").lower()
    if kind in _NOT_PAPERS:
        return f"@{kind} is {_NOT_PAPERS[kind]}, not a paper on arXiv"
    if kind == "book" and fields.get("publisher"):
        return "@book from a publisher, not a paper on arXiv"
    if not fields.get("title", "").strip():
        return f"@{kind} has no title to search arXiv for"
    hosts = " ".join(fields.get(k, "") for k in ("url", "howpublished")).lower()
    if kind == "misc" and not fields.get("author") and re.search(r"github\.com|huggingface\.co|pypi\.org", hosts):
        return "@misc for software or a model (no author, a repository URL)"
    return None


def _clean(value: str | None) -> str | None:
    return squash_space(latex_to_unicode(value)) if value and value.strip() else None


_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def split_names(value: str) -> list[str]:
    """The names of an ``author`` field as written: split at `` and `` (any case) outside
    braces, so ``{Barnes and Noble} and Smith, John`` is two names."""
    names, depth, start = [], 0, 0
    i, n = 0, len(value)
    while i < n:
        c = value[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0 and c.isspace() and (m := _AND.match(value, i)):
            names.append(value[start:i])
            start = i = m.end()
            continue
        i += 1
    names.append(value[start:])
    return [squash_space(x) for x in names if x.strip()]


def authors(value: str | None) -> tuple[str, ...]:
    """The names of a BibTeX ``author`` field, TeX decoded (``others`` dropped)."""
    if not value:
        return ()
    return tuple(n for n in (_clean(x) for x in split_names(value)) if n and n.lower() != "others")


#: "@misc{key,\n% title = {…},\n%}": every line after the key starts with "%"
_COMMENTED_OUT = re.compile(r"\A[^\n]*\n(?:[ \t]*%[^\n]*\n?)+\s*\Z")


def readable_entries(text: str, source: str) -> list[dict[str, str]]:
    """The fields of every entry that can be read; one that cannot (braces that do not close,
    fields BibTeX cannot read) is skipped with a warning naming its line. An entry without a
    key is read all the same (it gets none)."""
    chunks = split_bib(text, strict=False)
    keyless = {i for i, c in enumerate(chunks) if c.kind == "entry" and not c.key}
    for i in keyless:  # "@inproceedings{," — BibTeX tolerates it, bibtexparser drops it: give it a key to read
        c = chunks[i]
        chunks[i] = replace(
            c, raw=re.sub(r"^(@\s*\w+\s*[{(])\s*,", rf"\1 paper2bib-nokey-{i},", c.raw), key=f"paper2bib-nokey-{i}"
        )
    fields_of = iter(read_fields(text, chunks))
    out: list[dict[str, str]] = []
    for i, c in enumerate(chunks):
        if c.kind == "broken":
            log.warning("%s: line %d: @%s{%s is not closed (unbalanced braces): skipped", source, c.line, c.type, c.key)
        elif c.kind == "entry":
            fields = next(fields_of)
            if fields is None:
                why = "its fields are commented out" if _COMMENTED_OUT.search(c.raw) else "cannot be read as BibTeX"
                log.warning("%s: line %d: @%s{%s %s: skipped", source, c.line, c.type, c.key, why)
            else:
                out.append({**fields, "ID": ""} if i in keyless else fields)
    return out


def year_of(fields: dict[str, str]) -> str | None:
    """An entry's year: its ``year``, else the year of its biblatex ``date``."""
    return (fields.get("year") or fields.get("date", "")[:4] or "").strip() or None


def parse(text: str, source: str) -> list[Entry]:
    """One entry per ``@entry`` (``@string``, ``@comment``, ``@preamble`` aside), in order;
    entries of the file citing one arXiv paper are one entry, with all their keys."""
    out: list[Entry] = []
    by_id: dict[str, int] = {}
    for fields in readable_entries(text, source):
        ref = arxiv_ref(fields)
        if ref and ref.arxiv_id in by_id:
            first = out[by_id[ref.arxiv_id]]
            if fields.get("ID"):
                out[by_id[ref.arxiv_id]] = replace(first, also_keys=(*first.also_keys, fields["ID"]))
            continue
        if ref:
            by_id[ref.arxiv_id] = len(out)
        abstract = _clean(fields.get("abstract"))
        url = (fields.get("url") or "").strip() or None
        out.append(
            Entry(
                title=_clean(fields.get("title")),
                abstract=abstract,
                arxiv_id=ref.arxiv_id if ref else None,
                version=ref.version if ref else None,
                links=extract_links(abstract),
                source=source,
                position=len(out),
                key=fields.get("ID") or None,
                authors=authors(fields.get("author")),
                year=year_of(fields),
                doi=(fields.get("doi") or "").strip() or None,
                url=url,
                aside=None if ref else kept_aside(fields),
            )
        )
    return out
