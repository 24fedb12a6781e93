"""What a LaTeX author's files say (pure functions): the keys a document cites and the
bibliographies it names, and how a .bib file is rewritten with some entries replaced.

* :func:`citations` reads ``\\cite``-like commands of natbib and biblatex (``\\citep``,
  ``\\textcite``, ``\\autocite*``…, optional arguments, several keys) and ``\\citation{}``
  of an ``.aux``; comments are skipped.
* :func:`bibliographies` reads ``\\bibliography{a,b}``, ``\\addbibresource{x.bib}`` and
  ``\\bibdata{}``.
* :func:`rewrite` joins a .bib file's chunks back, with new text for some entries: every
  other byte stays as it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .digest.bibfile import Chunk

_CITE = re.compile(
    r"\\(?:[a-zA-Z]*[cC]ite[a-zA-Z]*|nocite|citation|abx@aux@cite\{[^}]*\})\*?"  # \cite \Citet* \parencite …
    r"(?:\s*\[[^\]]*\]){0,2}\s*\{([^}]*)\}"
)
_BIB = re.compile(
    r"\\(?:bibliography|addbibresource|addglobalbib|addsectionbib|bibdata)(?:\s*\[[^\]]*\])?\s*\{([^}]*)\}"
)
_COMMENT = re.compile(r"(?<!\\)%.*")


def _uncommented(text: str) -> str:
    return "\n".join(_COMMENT.sub("", line) for line in text.split("\n"))


def citations(text: str) -> list[str]:
    """The keys cited in a .tex or .aux text, each once, in order (``*`` of ``\\nocite{*}`` left out)."""
    keys: dict[str, None] = {}
    for m in _CITE.finditer(_uncommented(text)):
        for key in m.group(1).split(","):
            key = key.strip()
            if key and key != "*":
                keys.setdefault(key, None)
    return list(keys)


def bibliographies(text: str) -> list[str]:
    """The .bib files a document names, in order, each with its ``.bib`` suffix."""
    out: dict[str, None] = {}
    for m in _BIB.finditer(_uncommented(text)):
        for name in m.group(1).split(","):
            name = name.strip()
            if name:
                out.setdefault(name if name.lower().endswith(".bib") else name + ".bib", None)
    return list(out)


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
