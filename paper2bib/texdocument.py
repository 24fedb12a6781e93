"""Reading a LaTeX document: the keys it cites and the bibliographies it names, with every
file it inputs inside its own folder (never outside it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .digest import read_source
from .digest.bibfile import arxiv_ref, read_fields, split_bib
from .errors import InputError
from .texfiles import bcf_bibliographies, bcf_citations, bibliographies, citations, inputs, valid_key

MAX_INPUT_DEPTH = 20


@dataclass
class TexDocument:
    """What a document (with the files it inputs) says: cited keys and bibliographies."""

    path: Path
    cited: list[str]
    bibliographies: list[Path]
    outside: list[str] = field(default_factory=list)  # named bibliographies outside its folder
    invalid: list[str] = field(default_factory=list)  # cited keys no .bib could hold


def inside(folder: Path, name: str) -> Path | None:
    """``folder/name`` if it stays inside ``folder`` (no absolute path, no ``..`` out of it)."""
    if Path(name).is_absolute() or re.match(r"^[a-zA-Z]:[\\/]", name):
        return None
    p = (folder / name).resolve()
    base = folder.resolve()
    return p if p == base or base in p.parents else None


def read_document(document: str) -> TexDocument:
    """Read a .tex (and every file it inputs, inside its folder) or an .aux; beside a biblatex
    .aux, biber's control file (the .bcf of the same name) names the bibliographies."""
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
        text = read_source(str(p)) if p == path else read_optional(p)
        if text is None:
            continue
        texts.append(text)
        if depth < MAX_INPUT_DEPTH:
            for name in inputs(text):
                child = inside(folder, name)
                if child is not None:
                    queue.append((child, depth + 1))
    joined = "\n".join(texts)
    cited = citations(joined)
    named = bibliographies(joined)
    bcf = read_optional(path.with_suffix(".bcf")) if path.suffix.lower() in (".aux", ".bcf") else None
    if bcf is not None:  # a biblatex document: biber's control file names its .bib files and citations
        named = named or bcf_bibliographies(bcf)
        cited = list(dict.fromkeys([*cited, *bcf_citations(bcf)]))
    doc = TexDocument(path, [k for k in cited if valid_key(k)], [], invalid=[k for k in cited if not valid_key(k)])
    for name in named:
        if inside(folder, name) is None:
            doc.outside.append(name)
        else:
            doc.bibliographies.append(folder / name)
    return doc


def read_optional(p: Path) -> str | None:
    """The text of a file the document names, or None when it cannot be read."""
    try:
        return read_source(str(p))
    except InputError:
        return None


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


def bib_ids(text: str) -> dict[str, str]:
    """arXiv id → key of the entries of a .bib that cite an arXiv paper."""
    chunks = split_bib(text, strict=False)
    out: dict[str, str] = {}
    for c, f in zip([c for c in chunks if c.kind == "entry"], read_fields(text, chunks)):
        ref = arxiv_ref(f) if f else None
        if ref:
            out.setdefault(ref.arxiv_id, c.key)
    return out
