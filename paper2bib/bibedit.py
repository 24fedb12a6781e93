"""Editing one BibTeX entry field by field, in place (pure functions).

``paper2bib update`` owns a few fields of an arXiv entry (see :data:`OWNED`); everything
else in the entry is the user's. :func:`parse_entry` reads an entry's text into fields
with their exact positions, and :func:`apply` writes a set of changes back into that
text: a changed value replaces only the value (its delimiters kept), a new field is
written in the entry's own layout (indentation, ``=`` alignment, field-name case, brace
or quote style, line ending), a removed field takes its line with it. Every other byte
of the entry stays as it was, so an entry with nothing to change is not rewritten.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

#: The fields ``update`` may set, change or remove in an arXiv entry. The rest (``note``
#: and ``abstract`` included, see :mod:`paper2bib.bibupdate`) are kept as the user wrote them.
OWNED = frozenset(
    """title author year month date eprint archiveprefix eprinttype primaryclass eprintclass doi url
    booktitle journal journaltitle volume number pages publisher pubstate
    code project model dataset demo video verba verbb verbc""".split()
)

_NAME = re.compile(r"[^\s=,{}\"#()]+")
_BRACES = re.compile(r"[{}]")
_QUOTE_OR_BRACES = re.compile(r'[{}"]')
_AFTER_VALUE = re.compile(r"[ \t]*,?[ \t]*")
_COMMA = re.compile(r"[ \t\r\n]*,")
_WORD = re.compile(r"[^\s,#{}()\"]+")


class EntrySyntaxError(ValueError):
    """The entry's text is not one ``@type{key, name = value, …}``."""


@dataclass(frozen=True)
class Field:
    """One ``name = value`` of an entry: ``value`` is the raw text, delimiters included;
    ``start``/``end`` delimit ``name … value`` in the entry text."""

    name: str
    start: int
    value_start: int
    end: int
    value: str

    @property
    def key(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class EntryText:
    """An entry's text and where its parts are."""

    raw: str
    type: str
    type_start: int
    key: str
    fields: tuple[Field, ...]
    close: int  # index of the closing delimiter

    def get(self, name: str) -> Field | None:
        """The first field called ``name`` (any case)."""
        return next((f for f in self.fields if f.key == name), None)


def _skip_space(raw: str, i: int) -> int:
    n = len(raw)
    while i < n and raw[i] in " \t\r\n":
        i += 1
    return i


def _braced(raw: str, i: int) -> int:
    """The index after the ``}`` that closes the ``{`` at ``i``."""
    depth = 0
    for m in _BRACES.finditer(raw, i):
        depth += 1 if m.group() == "{" else -1
        if depth == 0:
            return m.end()
    raise EntrySyntaxError("a brace is not closed")


def _quoted(raw: str, i: int) -> int:
    """The index after the ``"`` that closes the one at ``i`` (outside braces)."""
    depth = 0
    for m in _QUOTE_OR_BRACES.finditer(raw, i + 1):
        c = m.group()
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0:
            return m.end()
    raise EntrySyntaxError("a quote is not closed")


def _value_end(raw: str, i: int) -> int:
    """The index after a value: parts (``{…}``, ``"…"``, a number or macro) joined by ``#``."""
    while True:
        if i >= len(raw):
            raise EntrySyntaxError("a value is missing")
        c = raw[i]
        if c == "{":
            i = _braced(raw, i)
        elif c == '"':
            i = _quoted(raw, i)
        else:
            m = _WORD.match(raw, i)
            if not m:
                raise EntrySyntaxError("a value is missing")
            i = m.end()
        j = _skip_space(raw, i)
        if j < len(raw) and raw[j] == "#":
            i = _skip_space(raw, j + 1)
            continue
        return i


def parse_entry(raw: str) -> EntryText:
    """The fields of one entry's text (``@type{key, …}`` or ``@type(key, …)``), with positions.

    Raises :class:`EntrySyntaxError` when the text is not an entry BibTeX can read.
    """
    m = re.match(r"@[ \t]*([a-zA-Z][\w-]*)[ \t\r\n]*([{(])", raw)
    if not m:
        raise EntrySyntaxError("not an entry")
    closer = "}" if m.group(2) == "{" else ")"
    km = re.compile(r"[ \t\r\n]*([^,\s{}()]*)[ \t\r\n]*").match(raw, m.end())
    assert km is not None
    key = km.group(1)
    i = km.end()
    fields: list[Field] = []
    while True:
        i = _skip_space(raw, i)
        if i < len(raw) and raw[i] == ",":
            i += 1
            continue
        if i >= len(raw):
            raise EntrySyntaxError("the entry is not closed")
        if raw[i] == closer:
            return EntryText(raw, m.group(1), m.start(1), key, tuple(fields), i)
        nm = _NAME.match(raw, i)
        if not nm:
            raise EntrySyntaxError(f"unexpected {raw[i]!r} where a field name should be")
        j = _skip_space(raw, nm.end())
        if j >= len(raw) or raw[j] != "=":
            raise EntrySyntaxError(f"field {nm.group()} has no '='")
        vs = _skip_space(raw, j + 1)
        end = _value_end(raw, vs)
        fields.append(Field(nm.group(), i, vs, end, raw[vs:end]))
        i = end


# ----------------------------------------------------------------------------- values
def unwrap(value: str) -> str | None:
    """The text of a value written as one ``{…}`` or ``"…"`` (or a bare number); None for
    macros and ``#`` concatenations, whose text depends on ``@string`` definitions."""
    v = value.strip()
    if len(v) >= 2 and v[0] == "{" and v[-1] == "}":
        try:
            return v[1:-1] if _braced(v, 0) == len(v) else None
        except EntrySyntaxError:
            return None
    if len(v) >= 2 and v[0] == '"' and v[-1] == '"':
        try:
            return v[1:-1] if _quoted(v, 0) == len(v) else None
        except EntrySyntaxError:
            return None
    return v if v.isdigit() else None


def _quote_safe(text: str) -> bool:
    """``text`` can stand between double quotes: no ``"`` outside braces."""
    depth = 0
    for c in text:
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == '"' and depth == 0:
            return False
    return True


@dataclass(frozen=True)
class Style:
    """How an entry writes its fields, read from the entry itself."""

    newline: str = "\n"
    indent: str = "  "
    gap: str = " "  # between a name and its "="
    eq: str = "= "  # the "=" and what follows it up to the value
    value_col: int = 0  # values aligned at this column (0: not aligned)
    right: bool = False  # names right-aligned before the "=" (NASA ADS)
    quotes: bool = False  # values in "…" rather than {…}
    case: str = "lower"  # field names: lower, upper or title
    one_line: bool = False  # all fields on the entry's first line
    separator: str = ", "  # between fields on one line
    trailing_comma: bool = False  # a comma after the last field

    def field(self, name: str, value: str) -> str:
        """One ``name = value`` in this layout (without indentation for unaligned lines)."""
        if self.case == "upper":
            name = name.upper()
        elif self.case == "title":
            name = name[:1].upper() + name[1:]
        if self.value_col and self.right:
            return (name + self.gap).rjust(self.value_col - len(self.eq)) + self.eq + value
        if self.value_col:
            pad = self.value_col - len(self.indent) - len(name) - len(self.eq)
            return self.indent + name + " " * max(pad, 1 if self.gap else 0) + self.eq + value
        return (self.indent if not self.one_line else "") + name + self.gap + self.eq + value


def style_of(entry: EntryText) -> Style:
    """The layout an entry's fields follow (the first field's, where they differ)."""
    raw, fields = entry.raw, entry.fields
    newline = "\r\n" if "\r\n" in raw else "\n"
    if not fields:
        return Style(newline=newline)
    letters = [f.name for f in fields if any(c.isalpha() for c in f.name)]
    case = "lower"
    if letters and all(n.isupper() for n in letters):
        case = "upper"
    elif letters and all(n[0].isupper() and not n[1:].isupper() for n in letters):
        case = "title"
    quoted = sum(f.value.startswith('"') for f in fields)
    braced = sum(f.value.startswith("{") for f in fields)
    first = fields[0]
    eq_at = raw.index("=", first.start + len(first.name))
    gap, eq = raw[first.start + len(first.name) : eq_at], raw[eq_at : first.value_start]
    one_line = "\n" not in raw[: fields[-1].start]
    trailing = raw[fields[-1].end : entry.close].strip().startswith(",")
    if one_line:
        sep = raw[fields[0].end : fields[1].start] if len(fields) > 1 else ", "
        return Style(newline, "", gap, eq, 0, False, quoted > braced, case, True, sep, trailing)
    line_start = raw.rfind("\n", 0, first.start) + 1
    indent = raw[line_start : first.start]
    indent = indent if not indent.strip() else ""
    # values aligned at one column: by all fields, or by two thirds of them (DBLP aligns
    # every field but a long "archivePrefix")
    cols: list[tuple[int, int]] = []  # (value column, name column) of each field on its own line
    for f in fields:
        ls = raw.rfind("\n", 0, f.start) + 1
        if raw[ls : f.start].strip():
            cols = []  # two fields on one line: no alignment to follow
            break
        cols.append((f.value_start - ls, f.start - ls))
    value_col, right = 0, False
    if len(cols) > 1 and len({len(f.name) for f in fields}) > 1:
        col, count = Counter(c for c, _ in cols).most_common(1)[0]
        if count == len(cols) or (count >= 3 and count * 3 >= len(cols) * 2):
            value_col = col
            right = len({n for c, n in cols if c == col}) > 1
            if right:
                indent = ""
    return Style(newline, indent, gap, eq, value_col, right, quoted > braced, case, False, ", ", trailing)


def format_value(text: str, style: Style) -> str:
    """``{text}``, or ``"text"`` where the entry quotes its values and the text allows it."""
    if text in _MONTH_MACROS:
        return text  # a month macro stays bare
    if style.quotes and _quote_safe(text):
        return '"' + text + '"'
    return "{" + text + "}"


_MONTH_MACROS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}


# ----------------------------------------------------------------------------- edits
@dataclass(frozen=True)
class Change:
    """One edit of an entry: ``added``, ``changed`` or ``removed`` field, or a ``type`` change."""

    action: str
    name: str
    old: str | None = None
    new: str | None = None


def _line_span(raw: str, f: Field) -> tuple[int, int]:
    """The text a removed field takes with it: its whole line when it stands alone on
    one, else itself and the comma after it."""
    ls = raw.rfind("\n", 0, f.start) + 1
    after = _AFTER_VALUE.match(raw, f.end)
    assert after is not None
    end = after.end()
    if not raw[ls : f.start].strip() and (end >= len(raw) or raw[end] in "\r\n"):
        nl = 2 if raw.startswith("\r\n", end) else (1 if raw.startswith("\n", end) else 0)
        return ls, end + nl
    return f.start, end


def apply(entry: EntryText, changes: list[Change], style: Style | None = None) -> str:
    """The entry's text with ``changes`` made (``type``: the new entry type; ``changed``:
    the new value text, delimiters included; ``added``: a new field at the end)."""
    style = style or style_of(entry)
    raw = entry.raw
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), applied right to left
    added = [c for c in changes if c.action == "added"]
    for c in changes:
        if c.action == "type" and c.new:
            old = entry.type
            new = c.new.upper() if old.isupper() else (c.new.capitalize() if old[:1].isupper() else c.new)
            edits.append((entry.type_start, entry.type_start + len(old), new))
        elif c.action == "changed":
            f = entry.get(c.name)
            assert f is not None and c.new is not None
            edits.append((f.value_start, f.end, c.new))
        elif c.action == "removed":
            f = entry.get(c.name)
            assert f is not None
            edits.append((*_line_span(raw, f), ""))
    if added:
        edits.append(_insertion(entry, style, added))
    out = raw
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        out = out[:start] + text + out[end:]
    return out


def _insertion(entry: EntryText, style: Style, added: list[Change]) -> tuple[int, int, str]:
    """Where and what to insert for new fields: after the last field, in the entry's layout."""
    raw = entry.raw
    lines = [style.field(c.name, c.new or "") for c in added]
    if not entry.fields:  # "@misc{key," or "@misc{key}": the fields go before the closing brace
        pos = entry.close
        head = raw[:pos].rstrip(" \t")
        lead = "" if head.rstrip().endswith(",") else ","
        body = ("," + style.newline).join("  " + ln.lstrip() for ln in lines)
        return len(head), pos, lead + ("" if head.endswith("\n") else style.newline) + body + style.newline
    last = entry.fields[-1]
    comma = _COMMA.match(raw, last.end)
    if style.one_line:
        rest = style.separator.split(",", 1)[-1] if "," in style.separator else " "
        text = ("," + rest).join(lines)
        if comma:
            return comma.end(), comma.end(), rest + text + ("," if style.trailing_comma else "")
        return last.end, last.end, "," + rest + text
    body = ("," + style.newline).join(lines)
    if comma:  # "last = {…}," then the new lines, the last with a comma as the entry has one
        return comma.end(), comma.end(), style.newline + body + ("," if style.trailing_comma else "")
    return last.end, last.end, "," + style.newline + body
