"""``@string`` definitions measured before anything is expanded: a doubling chain of forty
one-line strings would otherwise expand to a terabyte."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol


class Chunk(Protocol):
    """A piece of a .bib file (see :class:`paper2bib.digest.bibfile.Chunk`)."""

    @property
    def kind(self) -> str: ...

    @property
    def raw(self) -> str: ...


#: the most an ``@string`` may expand to, and how deep its references may nest: a doubling
#: chain of 40 one-line strings would otherwise expand to a terabyte
MAX_STRING = 100_000
MAX_STRING_DEPTH = 30
_STRING_DEF = re.compile(r"@[ \t]*string[ \t\r\n]*[{(]\s*([^\s=#{}(),\"]+)\s*=\s*", re.IGNORECASE)
_NAME = re.compile(r"[^\s#{}(),\"]+")


def _string_parts(value: str) -> list[tuple[str, str]] | None:
    """The ``#``-joined parts of an ``@string`` value: ``("text", literal)`` or ``("ref", name)``;
    None if it cannot be read. Linear."""
    parts: list[tuple[str, str]] = []
    i, n = 0, len(value)
    while i < n:
        c = value[i]
        if c.isspace() or c == "#":
            i += 1
        elif c == "{":
            depth, j = 0, i
            while j < n:
                depth += {"{": 1, "}": -1}.get(value[j], 0)
                if depth == 0:
                    break
                j += 1
            if j >= n:
                return None
            parts.append(("text", value[i + 1 : j]))
            i = j + 1
        elif c == '"':
            j = value.find('"', i + 1)
            if j < 0:
                return None
            parts.append(("text", value[i + 1 : j]))
            i = j + 1
        elif m := _NAME.match(value, i):
            word = m.group()
            parts.append(("text", word) if word.isdigit() else ("ref", word.lower()))
            i = m.end()
        else:
            return None
    return parts


def unsafe_strings(chunks: Sequence[Chunk]) -> dict[int, str]:
    """The ``@string`` chunks (by index) that would expand past :data:`MAX_STRING` characters
    or nest past :data:`MAX_STRING_DEPTH`, with why; measured without expanding anything."""
    size: dict[str, int] = {}
    depth: dict[str, int] = {}
    out: dict[int, str] = {}
    for i, c in enumerate(chunks):
        if c.kind != "string" or not (m := _STRING_DEF.match(c.raw)):
            continue
        parts = _string_parts(c.raw[m.end() : -1])
        if parts is None:
            continue  # bibtexparser reads it, or not, on its own
        n = sum(len(v) if kind == "text" else size.get(v, len(v)) for kind, v in parts)
        d = 1 + max((depth.get(v, 0) for kind, v in parts if kind == "ref"), default=0)
        name = m.group(1).lower()
        if n > MAX_STRING or d > MAX_STRING_DEPTH:
            out[i] = (
                f"@string {m.group(1)[:40]} would expand to {n:,} characters"
                if n > MAX_STRING
                else (f"@string {m.group(1)[:40]} nests {d} strings deep")
            )
            size[name], depth[name] = MAX_STRING + 1, d  # whatever uses it is unsafe too
        else:
            size[name], depth[name] = n, d
    return out
