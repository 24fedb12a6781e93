"""Markdown and plain text (READMEs, awesome lists, reading lists, notes): references, not lines.

An entry comes from a *reference*: an arXiv id in any form (see :func:`~paper2bib.arxiv_ids.find_ids`).
The block it sits in — a list item with its sub-items, a table row, a heading section
holding that one paper — gives the entry its title hint and its code / project links.

A title without an id becomes an entry only where a person clearly wrote a list of
references: an item of a list whose other items cite papers, an item under a
reading-list heading (``Papers``, ``Reading list``, ``References``…), or a line of a
plain text file that is nothing but titles. Prose, tables, badges, HTML, code blocks,
link-only lines and the headings of a document's structure never are.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..arxiv_ids import ArxivRef, find_ids
from ..models import Entry, Link
from ..text import squash_space
from .blocks import Block, split_blocks, unit_text, within
from .mdlinks import ref_labels, unit_links
from .titles import is_title_item, link_title, text_title, without_emoji

#: Headings under which a list of titles is a reading list.
_READING_HEADING = re.compile(
    r"(?i)\b(?:papers?|reading|read|references?|bibliography|literature|related work|citations?|"
    r"to[- ]read|must[- ]reads?|surveys?|publications?)\b"
)


def _plain_title_list(blocks: list[Block]) -> bool:
    """The whole text is a reading list: paragraph lines and items, most of them titles."""
    if any(b.kind in ("row", "code", "html") for b in blocks):
        return False
    lines = [b for b in blocks if b.kind in ("para", "item")]
    heads = [b for b in blocks if b.kind == "heading"]
    if not lines or len(heads) > max(1, len(lines) // 4):
        return False
    ok = sum(1 for b in lines if find_ids(b.text) or is_title_item(b.text))
    return ok >= max(1, int(0.6 * len(lines)))


def parse(text: str, source: str) -> list[Entry]:
    """Entries of every reference in ``text`` and of the titles of its reading lists, in order."""
    return _Reader(split_blocks(text), source).read()


class _Reader:
    """One document's blocks, indexed once: the ids of each unit and section, its lists."""

    def __init__(self, blocks: list[Block], source: str):
        self.blocks, self.source = blocks, source
        self.refs_of = [find_ids(b.text) for b in blocks]
        self.unit_refs: dict[int, list[ArxivRef]] = {}  # top-level item → the ids in it and its sub-items
        for i, b in enumerate(blocks):
            if b.kind == "item" and b.parent is None:
                self.unit_refs[i] = find_ids(unit_text(blocks, i))
        self.section_ids: dict[int | None, set[str]] = {}
        for i, b in enumerate(blocks):
            s = b.section
            while True:
                self.section_ids.setdefault(s, set()).update(r.arxiv_id for r in self.refs_of[i])
                if s is None:
                    break
                s = blocks[s].up
        lists: dict[int, list[int]] = {}
        for i, b in enumerate(blocks):
            if b.kind == "item" and b.parent is None and b.list_id is not None:
                lists.setdefault(b.list_id, []).append(i)
        self.reference_lists = {n: _reference_list(items, self.unit_refs) for n, items in lists.items()}
        self.plain = _plain_title_list(blocks)
        self.has_items = any(b.kind == "item" for b in blocks)
        self.out: list[Entry] = []
        self.seen: dict[str, int] = {}
        self.hints: dict[int, tuple[str | None, tuple[Link, ...]]] = {}

    def read(self) -> list[Entry]:
        for i, b in enumerate(self.blocks):
            if b.kind == "item" and b.parent is not None:
                continue  # read with its top-level item
            refs = self.unit_refs[i] if b.kind == "item" else self.refs_of[i]
            if refs:
                self._read_refs(i, b, refs)
            elif b.kind == "item" or (b.kind == "para" and self.plain and not self.has_items):
                # in a plain list of items, the other lines are its heading and notes
                self._read_title(i, b)
        return self.out

    def _read_refs(self, i: int, b: Block, refs: list[ArxivRef]) -> None:
        unit = unit_text(self.blocks, i) if b.kind == "item" else b.text
        for ref, label in zip(refs, ref_labels(unit, refs)):
            title = link_title(label) if label is not None else None
            links: tuple[Link, ...] = ()
            if len(refs) == 1:
                if b.kind in ("item", "row") and not title:
                    title = text_title(b.text)
                if b.kind in ("item", "row"):
                    links = unit_links(unit)
                s_title, s_links = self._section_hint(b, ref.arxiv_id)
                if s_title and (b.kind not in ("item", "row") or not title):
                    title = s_title
                links = links or s_links
            self._add(title, ref, links)

    def _read_title(self, i: int, b: Block) -> None:
        title = is_title_item(b.text)
        if not title:
            return
        if self.plain or self.reference_lists.get(b.list_id or -1) or _under_reading_heading(self.blocks, b):
            self._add(title, None, unit_links(unit_text(self.blocks, i)) if b.kind == "item" else ())

    def _add(self, title: str | None, ref: ArxivRef | None, links: tuple[Link, ...] = ()) -> None:
        key = ref.arxiv_id if ref else "title:" + (title or "").casefold()
        if key in self.seen:  # cited again: the first place keeps the entry, a later one may give its title
            k = self.seen[key]
            old = self.out[k]
            self.out[k] = replace(old, title=old.title or title, links=tuple(dict.fromkeys(old.links + links)))
            return
        self.seen[key] = len(self.out)
        self.out.append(
            Entry(
                title=title,
                arxiv_id=ref.arxiv_id if ref else None,
                version=ref.version if ref else None,
                links=links,
                source=self.source,
                position=len(self.out),
            )
        )

    def _section_hint(self, b: Block, ident: str) -> tuple[str | None, tuple[Link, ...]]:
        """The heading of the outermost section that holds this one paper, and its links
        (worked out once per section: a section of a thousand items citing it is read once)."""
        if b.section is None or self.section_ids.get(b.section) != {ident}:
            return None, ()
        if b.section not in self.hints:
            self.hints[b.section] = self._work_out_hint(b.section)
        return self.hints[b.section]

    def _work_out_hint(self, section: int) -> tuple[str | None, tuple[Link, ...]]:
        blocks = self.blocks
        chain = [section]  # the sections holding this one paper, innermost first
        while (up := blocks[chain[-1]].up) is not None and self.section_ids.get(up) == self.section_ids[section]:
            chain.append(up)
        # the innermost whose heading reads as a title, not as a numbered part ("4. Results")
        sec = next(
            (
                s
                for s in chain
                if len(blocks[s].text.split()) >= 2 and not re.match(r"\s*\d+(?:\.\d+)*[.)]?\s", blocks[s].text)
            ),
            chain[0],
        )
        body: list[str] = []
        j = sec + 1
        while j < len(blocks) and within(blocks, blocks[j], sec):  # a section's blocks follow its heading
            if blocks[j].kind != "heading":
                body.append(blocks[j].text)
            j += 1
        title = text_title(blocks[sec].text)
        if not title:
            bib = re.search(r"(?im)^\s*title\s*=\s*[{\"](.+?)[}\"]\s*,?\s*$", "\n".join(body))
            title = squash_space(bib.group(1).replace("{", "").replace("}", "")) if bib else None
        return title, unit_links("\n".join(body))


def _reference_list(items: list[int], unit_refs: dict[int, list[ArxivRef]]) -> bool:
    """A list at least half of whose items cite an arXiv paper."""
    return len(items) >= 2 and 2 * sum(1 for i in items if unit_refs.get(i)) >= len(items)


def _under_reading_heading(blocks: list[Block], b: Block) -> bool:
    """``b`` sits under a heading such as "Papers" or "Reading list" (a name, not "How to add a paper")."""
    if b.section is None:
        return False
    head = without_emoji(re.sub(r":[a-z_]+:", " ", blocks[b.section].text)).strip(" #*_:")
    if len(head.split()) > 5 or re.match(r"(?i)(?:how|why|what|when|where|add|adding|install|contribut|submit)", head):
        return False
    return bool(_READING_HEADING.search(head))


def looks_like(text: str) -> bool:
    """Any text: this reader comes last, and a text it finds nothing in is refused by
    :func:`~paper2bib.digest.parse_text` (so the text is read once, not twice)."""
    return bool(text.strip())
