"""What a LaTeX author's files say (pure functions): the keys a document cites and the
bibliographies it names, and how a .bib file is rewritten with some entries replaced.

* :func:`citations` reads ``\\cite``-like commands of natbib and biblatex (``\\citep``,
  ``\\textcite``, ``\\autocite*``…, optional arguments, several keys) and ``\\citation{}``
  of an ``.aux``; comments are skipped.
* :func:`bibliographies` reads ``\\bibliography{a,b}``, ``\\addbibresource{x.bib}`` and
  ``\\bibdata{}``.
* :func:`rewrite` joins a .bib file's chunks back, with new text for some entries: every
  other byte stays as it was.
* :func:`inputs` reads ``\\input``/``\\include``/``\\subfile`` names; :func:`valid_key`
  tells a key BibTeX and biber can read from one that would break the file.

Comments and ``verbatim``-like environments (``verbatim``, ``comment``, ``lstlisting``,
``minted``…) are skipped before anything is read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from .digest.bibfile import Chunk

_CITE = re.compile(
    r"\\(?:[a-zA-Z]*[cC]ite[a-zA-Z]*|nocite|citation|abx@aux@cite\{[^}]*\})\*?"  # \cite \Citet* \parencite …
    r"(?:\s*\[[^\]]*\]){0,2}\s*\{([^}]*)\}"
)
_BIB = re.compile(
    r"\\(?:bibliography|addbibresource|addglobalbib|addsectionbib|bibdata)(?:\s*\[[^\]]*\])?\s*\{([^}]*)\}"
)
_COMMENT = re.compile(r"(?<!\\)%.*")
_VERBATIM = re.compile(
    r"\\begin\s*\{(verbatim\*?|Verbatim\*?|comment|lstlisting|minted|alltt|filecontents\*?)\}.*?(?:\\end\s*\{\1\}|\Z)",
    re.DOTALL,
)
_VERB = re.compile(r"\\(?:verb|lstinline)\*?([^\w\s{])(.*?)\1")
_INPUT = re.compile(r"\\(?:input|include|subfile|subfileinclude)\s*\{([^{}]*)\}")
#: What a citation key may hold so that BibTeX, biber and this file's other readers agree.
# no space, no TeX or BibTeX syntax, no control or bidi-formatting character
_KEY = re.compile(r"[^\s{}(),=#%\\\"'~\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]{1,200}")


def _uncommented(text: str) -> str:
    text = "\n".join(_COMMENT.sub("", line) for line in text.split("\n"))
    return _VERB.sub("", _VERBATIM.sub("", text))


def valid_key(key: str) -> bool:
    """``key`` can be written as a BibTeX key: no space, brace, comma, backslash, quote, ``%``, ``#``…"""
    return bool(_KEY.fullmatch(key))


def inputs(text: str) -> list[str]:
    """The files a document pulls in with ``\\input``/``\\include``/``\\subfile``, each with ``.tex``."""
    out: dict[str, None] = {}
    for m in _INPUT.finditer(_uncommented(text)):
        name = m.group(1).strip()
        if name:
            out.setdefault(name if Path(name).suffix else name + ".tex", None)
    return list(out)


def citations(text: str) -> list[str]:
    """The keys cited in a .tex or .aux text, each once, in order (``*`` of ``\\nocite{*}`` left out)."""
    keys: dict[str, None] = {}
    for m in _CITE.finditer(_uncommented(text)):
        for key in _split_keys(m.group(1)):
            key = key.strip()
            if key and key != "*":
                keys.setdefault(key, None)
    return list(keys)


def _split_keys(arg: str) -> list[str]:
    return arg.split(",")


def bibliographies(text: str) -> list[str]:
    """The .bib files a document names, in order, each with its ``.bib`` suffix."""
    out: dict[str, None] = {}
    for m in _BIB.finditer(_uncommented(text)):
        for name in m.group(1).split(","):
            name = name.strip()
            if name:
                out.setdefault(name if name.lower().endswith(".bib") else name + ".bib", None)
    return list(out)


#: biber's control file (.bcf): the bibliographies and the keys a biblatex document cites
_BCF_SOURCE = re.compile(r"<bcf:datasource\b([^>]{0,500})>([^<]{1,1000})</bcf:datasource>")
_BCF_KEY = re.compile(r"<bcf:citekey\b[^>]{0,200}>([^<]{1,200})</bcf:citekey>")


def bcf_bibliographies(text: str) -> list[str]:
    """The .bib files a biber control file names (its ``bibtex`` data sources), in order."""
    out: dict[str, None] = {}
    for m in _BCF_SOURCE.finditer(text):
        if 'datatype="bibtex"' in m.group(1) or "datatype" not in m.group(1):
            name = m.group(2).strip()
            out.setdefault(name if name.lower().endswith(".bib") else name + ".bib", None)
    return list(out)


def bcf_citations(text: str) -> list[str]:
    """The keys a biber control file lists as cited, each once, in order (``*`` left out)."""
    return list(dict.fromkeys(k.strip() for k in _BCF_KEY.findall(text) if k.strip() and k.strip() != "*"))


def protected(chunks: Sequence[Chunk], i: int, fields: Mapping[str, str]) -> bool:
    """The user marked entry ``i`` to keep: ``protect = {true}``, or ``% paper2bib: keep`` just before it."""
    if fields.get("protect", "").strip().strip("{}").lower() in ("true", "yes", "1"):
        return True
    if i > 0 and chunks[i - 1].kind == "text":
        lines = [ln.strip() for ln in chunks[i - 1].raw.split("\n") if ln.strip()]
        return bool(lines) and re.fullmatch(r"%+\s*paper2bib:\s*keep\b.*", lines[-1], re.IGNORECASE) is not None
    return False


def rewrite(chunks: Sequence[Chunk], replaced: Mapping[int, str]) -> str:
    """The file again, chunk ``i`` replaced by ``replaced[i]`` (an entry's new text)."""
    return "".join(replaced.get(i, c.raw) for i, c in enumerate(chunks))


def entry_text(rendered: str) -> str:
    """One entry as the writers render it, without the blank line that separates entries."""
    return rendered.strip("\n")
