"""A Markdown or plain text document as blocks: headings, list items with their nesting,
table rows, paragraph lines, code blocks and HTML lines, each knowing its section.

One pass over the lines; nothing is re-read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: list nesting kept as items; deeper lines are text of the item above (no real list nests deeper)
MAX_LIST_DEPTH = 12
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")  # its closing "#"s are cut in Python (a lazy
# pattern before "\s*#*\s*$" is quadratic on a heading with a long run of spaces)
#: a list item; lines that open with one emoji ("🔵 *Title* by …", "✅ [Title](…)") are used as items too
_ITEM = re.compile(r"^(\s*)(?:[-*+•]|\d{1,3}[.)]|[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B50\u2B55]\ufe0f?)\s+(.*)$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HTML_LINE = re.compile(r"^\s*</?[a-zA-Z][^>]*>")
#: an HTML link on a line of HTML in Markdown, read as a Markdown link: <a href="u">label</a>
_BREAK_END = re.compile(r"<br\s*/?>[\])]?$", re.IGNORECASE)
#: images that open a line of text (a pointing hand, a badge), not the line's content
_IMAGE_START = re.compile(r"^\s*(?:<img\b[^<>]*>\s*)+(?=[^<\s])", re.IGNORECASE)
#: a line of links only: "[(pdf)](…) [(code)](…)", "[[Paper](…)] [[Code](…)]"
# (each link starts with "[", which the separators after the one before cannot take: one way to match)
_LINKS_ONLY = re.compile(r"^\s*(?:\[?\[[^\[\]\n]{1,40}\]\([^)\s]+\)\]?[\s|,·•]*)+$")
_ANCHOR = re.compile(r"<a\s[^>]{0,500}?href=[\"']([^\"'<>\s]{1,2000})[\"'][^>]{0,500}>([^<]{1,500})</a>", re.IGNORECASE)


@dataclass
class Block:
    """A unit of the document: a heading, a list item (with its continuation lines),
    a table row, a paragraph line, a code block or an HTML line."""

    kind: str
    text: str
    line: int
    level: int = 0  # heading level; indent of a list item
    parent: int | None = None  # the item this item is nested in
    list_id: int | None = None  # consecutive items of one list share it
    section: int | None = None  # the heading this block sits under (index of the block); a heading's own
    up: int | None = None  # for a heading: the heading of the section it is part of
    children: list[int] = field(default_factory=list)


def _heading_text(text: str) -> str:
    """A heading's text without its closing sequence of ``#`` (``## Title ##``)."""
    text = text.strip()
    bare = text.rstrip("#")
    return bare.rstrip() if bare != text and (not bare or bare[-1].isspace()) else text


class _Scanner:
    """The state of one pass over the lines: open code fence, headings, list items."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.fence: str | None = None
        self.code: list[str] = []
        self.section: int | None = None
        self.headings: list[int] = []  # open headings, outermost first
        self.list_id = 0
        self.items: list[int] = []  # open items, outermost first
        self.last_blank = True
        self.broken = self.broken_next = False  # the line before ends in a hard break ("  ")

    def line(self, n: int, raw: str) -> None:
        line = raw.rstrip()
        if self.fence is not None:
            self._in_code(n, line)
            return
        br = _BREAK_END.search(line)
        line = _IMAGE_START.sub("", line[: br.start()].rstrip() if br else line)  # "<img …> **Title**<br>"
        self.broken, self.broken_next = self.broken_next, bool(line.strip()) and (raw.endswith("  ") or bool(br))
        if m := _FENCE.match(line):
            self.fence, self.code = m.group(1)[:3], []
            self._end_list()
        elif not line.strip():
            self.last_blank = True
        else:
            blank_before, self.last_blank = self.last_blank, False
            if m := _HEADING.match(line):
                self._heading(n, len(m.group(1)), _heading_text(m.group(2)))
            elif m := _ITEM.match(line):
                self._item(n, len(m.group(1).expandtabs(4)), m.group(2), line)
            elif self.items and (not blank_before or raw[:1].isspace()) and not line.lstrip().startswith("|"):
                self.blocks[self.items[-1]].text += "\n" + line.strip()  # a continuation line of the open item
            else:
                self._other(n, line, blank_before)

    def _in_code(self, n: int, line: str) -> None:
        if line.strip().startswith(self.fence or ""):
            self.blocks.append(Block("code", "\n".join(self.code), n - len(self.code), section=self.section))
            self.fence, self.code = None, []
        else:
            self.code.append(line)

    def _end_list(self) -> None:
        self.items = []
        self.list_id += 1

    def _heading(self, n: int, level: int, text: str) -> None:
        while self.headings and self.blocks[self.headings[-1]].level >= level:
            self.headings.pop()
        self.section = len(self.blocks)
        up = self.headings[-1] if self.headings else None
        self.blocks.append(Block("heading", text, n, level=level, section=self.section, up=up))
        self.headings.append(self.section)
        self._end_list()

    def _item(self, n: int, indent: int, text: str, line: str) -> None:
        # nested only when indented past the parent's marker: " * b" after "* a" is a sibling
        while self.items and self.blocks[self.items[-1]].level + 2 > indent:
            self.items.pop()
        if len(self.items) >= MAX_LIST_DEPTH:  # deeper is no reading list: text of the deepest item
            self.blocks[self.items[-1]].text += "\n" + line.strip()
            return
        parent = self.items[-1] if self.items else None
        self.blocks.append(
            Block("item", text, n, level=indent, parent=parent, list_id=self.list_id, section=self.section)
        )
        if parent is not None:
            self.blocks[parent].children.append(len(self.blocks) - 1)
        self.items.append(len(self.blocks) - 1)

    def _other(self, n: int, line: str, blank: bool = True) -> None:
        self.items = []
        if _TABLE_SEP.match(line):
            return
        stripped = line.strip()
        if stripped.startswith("|") or (stripped.count("|") >= 2 and " | " in stripped):
            self.blocks.append(Block("row", stripped, n, section=self.section))
        elif _HTML_LINE.match(line):
            self.blocks.append(Block("html", _ANCHOR.sub(r"[\2](\1)", stripped), n, section=self.section))
        elif (
            self.blocks
            and self.blocks[-1].kind == "para"
            and not blank
            and (
                self.blocks[-1].text.endswith("\\")
                or self.broken
                or _LINKS_ONLY.match(stripped)
                or self.blocks[-1].text.count("**") % 2  # "**A title wrapped" / "over two lines**"
            )
        ):
            # a hard line break ("**Title** \\", "*Authors*␣␣", "…<br>"), a line of links ("[(pdf)](…)")
            # under its title, or bold text going on: one paragraph
            self.blocks[-1].text = self.blocks[-1].text.removesuffix("\\").rstrip() + "\n" + stripped
            return
        else:
            self.blocks.append(Block("para", stripped, n, section=self.section))
        self.list_id += 1

    def end(self, lines: int) -> list[Block]:
        if self.fence is not None and self.code:
            self.blocks.append(Block("code", "\n".join(self.code), lines - len(self.code), section=self.section))
        return self.blocks


def split_blocks(text: str) -> list[Block]:
    """The blocks of ``text``, in order."""
    scanner = _Scanner()
    lines = text.split("\n")
    for n, raw in enumerate(lines, start=1):
        scanner.line(n, raw)
    return scanner.end(len(lines))


def unit_text(blocks: list[Block], i: int) -> str:
    """An item with all its nested items."""
    b = blocks[i]
    return "\n".join([b.text, *(unit_text(blocks, c) for c in b.children)])


def within(blocks: list[Block], b: Block, sec: int) -> bool:
    """``b`` is in the section of heading ``sec`` or in one of its subsections."""
    s = b.section
    while s is not None:
        if s == sec:
            return True
        s = blocks[s].up
    return False
