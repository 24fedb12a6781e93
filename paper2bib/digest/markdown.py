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
from ..links import classify
from ..models import Entry, Link
from ..text import squash_space
from .blocks import Block, split_blocks, unit_text, within
from .frontmatter import front_matter
from .listshapes import BARE_URL, reference_list, title_column
from .listshapes import cells as row_cells
from .mdlinks import LINK, TAG, ref_labels, unit_links
from .paperlinks import (
    NOT_PAPER_URL,
    TitleIndex,
    cell_title,
    cut_short,
    links_a_paper,
    named,
    paper_link,
    paper_links,
    points_elsewhere,
)
from .titles import (
    citation_title,
    first_line,
    is_resource,
    is_title_item,
    link_title,
    split_titles,
    text_title,
    without_emoji,
)

#: a numbered reference written as a paragraph: "**[24]** Author, "Title." …", "[3] …", "12. …"
_REFERENCE_LINE = re.compile(r"\s*(?:\.\.\s+)?(?:\*\*)?\s*\[?\d{1,3}[\].)]")  # "[3]", "3.", reST's ".. [3]"
#: a paragraph that starts with its title in bold: "**Pre-Trained Models: Past, Present and Future**. *Authors*. …"
_BOLD_START = re.compile(r"\s*(?::[a-z0-9_+-]{2,30}:\s*)?\[?\*\*[^*]{6,}\*\*")  # ":blue_book: [**Title**]"
#: an item that starts with a lower-case word, after its marks and emoji codes (":scroll:")
_LOWER_START = re.compile(r"[\W_]*[a-z]{2}")
_SHORTCODE = re.compile(r":[a-z0-9_+-]{2,30}:")
_GENERIC_NAME = re.compile(r"(?i)paper|pdf|arxiv|abstract|link|code|github|project|website|demo|video|html|here|doi")
#: a table cell naming where a paper appeared: "arXiv", "CVPR 2024", "NeurIPS'23"
#: a table cell that is a date, not a venue
_MONTHS = r"(?!(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b)"
_VENUE_CELL = re.compile(
    r"(?:(?:NIPS|NeurIPS|ICML|ICLR|CVPR|ICCV|ECCV|ACL|EMNLP|NAACL|AAAI|IJCAI|KDD|SIGIR|SIGGRAPH|BMVC|WACV|COLING|"
    r"AISTATS|UAI|COLT|ICRA|IROS|CoRL|RSS|MICCAI|TPAMI|JMLR|TACL|ArXiv|arXiv)(?:\s?['’]?(?:19|20)?\d{2})?)|"
    rf"(?:arXiv|{_MONTHS}[A-Z][A-Za-z]{{1,12}}(?:\s[A-Z][A-Za-z]+)?\s?['’]?(?:19|20)?\d{{2}})(?:\s\(\w+\))?"
)
#: headings that name a part of a page, not a paper
_SECTION_NAME = re.compile(
    r"(?i)\W*(?:abstract|introduction|community|citations?|cite|bibtex|references?|related work|models? citing|"
    r"datasets? citing|spaces? citing|collections? including|acknowledg\w*|usage|installation|results?|news|"
    r"updates?|license|contact|overview|method|getting started|quick ?start|requirements|faq|surveys?|papers|"
    r"models|datasets|benchmarks|tools|resources|tutorials?|applications|open \w+)\b(?:\s+\S+){0,3}\W*$"
)
#: a title in quotes, then its link: "Neural Style Transfer: A Review" [[arXiv Version]](…)
_QUOTED_LINKED = re.compile(r"[“\"]([^\"“”\n]{10,300})[”\"]\s*\[\[?[^\]\n]{1,40}\]\]?\(")
_BOLD = re.compile(r"\*\*((?:\\\*|[^*]){6,}?)\*\*|__([^_]{6,}?)__")

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
    if not lines:
        return False
    # titles grouped under a few headings ("# Week 1"): a list only if nothing else is there
    grouped = len(heads) <= max(2, len(lines) // 2) and not any(find_ids(b.text) or "](" in b.text for b in lines)
    if len(heads) > max(1, len(lines) // 4) and not grouped:
        return False
    if 5 * sum(1 for b in lines if "](" in b.text or "://" in b.text) > len(lines):
        return False  # a document of links (an awesome list): its lists are read one by one
    ok = sum(1 for b in lines if find_ids(b.text) or is_title_item(b.text))
    return ok >= max(1, int(0.6 * len(lines)))


def parse(text: str, source: str) -> list[Entry]:
    """Entries of every reference in ``text`` and of the titles of its reading lists, in order."""
    body, front = front_matter(text)
    reader = _Reader(split_blocks(body), source)
    if front:  # a note about one paper (Obsidian Web Clipper, a paper-notes site): that paper first,
        reader.plain = False  # and its body is the note, not a list of titles
        reader._add(*front)
    return reader.read()


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
        self.reference_lists = {n: reference_list(items, blocks, self.unit_refs) for n, items in lists.items()}
        # at least half of its items cite a paper (an id, or a title linking its PDF or venue page):
        # an item of it with no link at all is a paper too ("- Title | **[ECCV' 20]**")
        self.paper_lists = {
            n
            for n, items in lists.items()
            if len(items) >= 2
            and 2 * sum(1 for i in items if self.unit_refs[i] or links_a_paper(blocks[i].text)) >= len(items)
        }
        # "- from generic to specific areas": a list of points, not of titles (which start with a capital;
        # an HTML anchor before it, "<span id=…>", is not its first word)
        self.phrase_lists = {
            n
            for n, items in lists.items()
            if 2 * sum(1 for i in items if _LOWER_START.match(_SHORTCODE.sub(" ", TAG.sub(" ", blocks[i].text[:200]))))
            >= len(items)
        }
        self.table_of: dict[int, int] = {}  # row → the first row of its table
        for i, b in enumerate(blocks):
            if b.kind == "row":
                self.table_of[i] = self.table_of.get(i - 1, i) if i and blocks[i - 1].kind == "row" else i
        tables: dict[int, list[int]] = {}
        for i, t in self.table_of.items():
            tables.setdefault(t, []).append(i)
        self.reference_tables = {
            t: len(rows) >= 2 and 2 * sum(1 for r in rows if self.refs_of[r]) >= len(rows) for t, rows in tables.items()
        }
        # | # | GNN | Paper | Code | URL |: the column whose header names the paper holds its title
        self.title_column = {t: title_column(blocks[t].text) for t, rows in tables.items() if len(rows) >= 2}
        self.table_rows = {t: len(rows) for t, rows in tables.items()}
        self.plain = _plain_title_list(blocks)
        self.has_items = any(b.kind == "item" for b in blocks)
        self.out: list[Entry] = []
        self.seen: dict[str, int] = {}  # arXiv id → entry
        self.titles = TitleIndex()
        self.hints: dict[int, tuple[str | None, tuple[Link, ...]]] = {}

    def read(self) -> list[Entry]:
        for i, b in enumerate(self.blocks):
            if b.kind == "item" and b.parent is not None:
                continue  # read with its top-level item
            refs = self.unit_refs[i] if b.kind == "item" else self.refs_of[i]
            if refs:
                self._read_refs(i, b, refs)
            elif b.kind == "row":
                self._read_row(i, b)
            elif (
                b.kind == "para"
                and (_REFERENCE_LINE.match(b.text) or _BOLD_START.match(b.text))
                and paper_links(b.text)
            ):
                if title := text_title(b.text):  # "**[1]** LeCun, Yann. "**Deep learning.**" Nature (2015) [[pdf]](…)"
                    self._add(title, None, unit_links(b.text, papers=True))
            elif b.kind in ("para", "item") and (title := citation_title(b.text)):
                self._add(title, None, unit_links(b.text, papers=True))  # H. Liu, B. Zou, "Title," CVPR 2026
            elif b.kind == "heading" and (found := self._heading_paper(i)):
                self._add(*found)
            elif b.kind == "item" or (b.kind == "para" and self.plain and not self.has_items):
                # in a plain list of items, the other lines are its heading and notes
                self._read_title(i, b)
        return self.entries()

    def _read_refs(self, i: int, b: Block, refs: list[ArxivRef]) -> None:
        unit = unit_text(self.blocks, i) if b.kind == "item" else b.text
        for ref, label in zip(refs, ref_labels(unit, refs)):
            title = (link_title(label) or _one_word_name(label)) if label is not None else None
            links: tuple[Link, ...] = ()
            if len(refs) == 1:
                if not title and (
                    b.kind in ("item", "row") or _REFERENCE_LINE.match(b.text) or _BOLD_START.match(b.text)
                ):
                    title = text_title(b.text) or named(b.text)
                if b.kind == "row" and not title:
                    title = self._column_title(i, b)
                if not title and (quoted := _QUOTED_LINKED.search(b.text)):
                    title = link_title(quoted.group(1))  # our review "Neural … Review" [[arXiv Version]](…)
                if b.kind in ("item", "row") or _BOLD_START.match(b.text):
                    links = unit_links(unit)
                s_title, s_links = self._section_hint(b, ref.arxiv_id)
                if s_title and not title and not self._in_table(i, b):
                    title = s_title  # a section about one paper; a table's section heading names a group
                links = links or s_links
            self._add(title, ref, links)

    def _heading_paper(self, i: int) -> tuple[str, None, tuple[Link, ...]] | None:
        """A heading that names a paper in a reading list ("## Papers" / "### <title>", as Org
        files keep one): no subsection, no list or id below it, only nothing or its PDF link."""
        b, blocks = self.blocks[i], self.blocks
        if b.up is None or not _reading_heading(blocks[b.up].text) or _SECTION_NAME.match(b.text):
            return None
        end = next((j for j in range(i + 1, len(blocks)) if blocks[j].kind == "heading"), len(blocks))
        body = blocks[i + 1 : end]
        if any(x.kind in ("item", "row", "code", "html") or self.refs_of[j] for j, x in enumerate(body, i + 1)):
            return None
        if end < len(blocks) and blocks[end].level > b.level:
            return None  # a group of papers, not one
        text = "\n".join(x.text for x in body)
        if body and not paper_links(text):
            return None
        title = text_title(b.text)
        return (title, None, unit_links(text, papers=True)) if title and len(title.split()) >= 2 else None

    def _read_title(self, i: int, b: Block) -> None:
        listed = self.plain or self.reference_lists.get(b.list_id or -1) or _under_reading_heading(self.blocks, b)
        listed = listed or (b.list_id in self.paper_lists and not LINK.search(b.text) and "http" not in b.text)
        if not listed and not links_a_paper(b.text):
            return
        if is_resource(b.text, classify) or (b.kind == "item" and b.list_id in self.phrase_lists):
            return  # a repository, a site or another list, described; or a list of points
        if points_elsewhere(first_line(b.text)):
            return  # a post, a video, a repository about a paper: not the paper
        parts = split_titles(first_line(b.text))
        for part in parts:
            title = is_title_item(part if len(parts) > 1 else b.text)
            if title:
                links = (
                    unit_links(unit_text(self.blocks, i), papers=True) if b.kind == "item" and len(parts) == 1 else ()
                )
                self._add(title, None, links)

    def _read_row(self, i: int, b: Block) -> None:
        """A table row without an arXiv id: a paper if a cell links a title to a paper's PDF or
        venue page, or (with such a link, or in a table of references) a cell's bold title."""
        cells = row_cells(b.text)
        reference = (
            self.reference_tables.get(self.table_of.get(i, -1), False)
            or _under_reading_heading(self.blocks, b)
            or any(_VENUE_CELL.fullmatch(c) for c in cells)  # | [**Title**](…) | arXiv | 2026-04-03 |
        )
        links = list(LINK.finditer(b.text))
        paper = [m for m in links if paper_link(m.group(1), m.group(2))]
        title = next((t for m in paper if (t := link_title(m.group(1)))), None)
        if title is None and (paper or reference) and (bold := _BOLD.search(b.text)):
            title = link_title(bold.group(1) or bold.group(2))  # | **Title** | … | [pdf](…) |
        if title is None and paper:
            title = named(b.text)  # | 6) **GenCast** - an ML weather model … | [Paper](…) |
        if title is None and (paper or any(paper_link("", u) for u in BARE_URL.findall(b.text))):
            title = self._column_title(i, b)  # | GCN | Semi-Supervised … | | ICLR 2017 | https://openreview.net/… |
        if title is None and reference:  # a cell that is a link to the paper's page: | [Title](page) |
            first = [m for c in cells if (m := LINK.match(c)) and not NOT_PAPER_URL.search(m.group(2))]
            title = next((t for m in first if (t := cell_title(m.group(1), m.group(2)))), None)
        if title is None and reference:  # | Title | Venue | Year |: a reading list kept as a table
            title = self._column_title(i, b)
        if title:
            self._add(title, None, unit_links(b.text, papers=True))

    def _add(self, title: str | None, ref: ArxivRef | None, links: tuple[Link, ...] = ()) -> None:
        """One more mention of a paper: a new entry, or more of an entry made before — the same
        id, or the same title (a paper cited on arXiv and on its venue's page is one paper)."""
        k = self.seen.get(ref.arxiv_id) if ref else None
        if k is None and title:
            k = self.titles.find(title)
            if k is not None and ref and self.out[k].arxiv_id not in (None, ref.arxiv_id):
                k = None  # two papers of one title: both kept
        if k is not None:  # cited again: the first place keeps the entry, a later one may give its title or id
            old = self.out[k]
            better = title if title and (not old.title or cut_short(old.title, title)) else old.title
            self.out[k] = replace(
                old,
                title=better,
                arxiv_id=old.arxiv_id or (ref.arxiv_id if ref else None),
                version=old.version if old.arxiv_id else (ref.version if ref else None),
                links=tuple(dict.fromkeys(old.links + links)),
            )
            if ref:
                self.seen[ref.arxiv_id] = k
            if better and better != old.title:
                self.titles.add(better, k)
            return
        if ref:
            self.seen[ref.arxiv_id] = len(self.out)
        if title:
            self.titles.add(title, len(self.out))
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

    def entries(self) -> list[Entry]:
        """The entries, a title cut short ("…") and never given whole left as it was written."""
        return [replace(e, title=e.title[:-1].rstrip()) if e.title and e.title.endswith("…") else e for e in self.out]

    def _in_table(self, i: int, b: Block) -> bool:
        """``b`` is a row of a table of several rows."""
        return b.kind == "row" and self.table_rows.get(self.table_of.get(i, -1), 0) >= 2

    def _column_title(self, i: int, b: Block) -> str | None:
        """The title in the row's "Paper"/"Title" column, if its table has one."""
        column = self.title_column.get(self.table_of.get(i, -1))
        cells = row_cells(b.text)
        if column is None or i == self.table_of.get(i) or column >= len(cells):
            return None
        return text_title(cells[column])

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
            # an item titled as a paper of its own ("[2] [Deep Portrait Relighting](…)") keeps its links
            if blocks[j].kind != "heading" and not (
                blocks[j].kind == "item" and not self.refs_of[j] and text_title(blocks[j].text)
            ):
                body.append(blocks[j].text)
            j += 1
        title = text_title(blocks[sec].text) if not _SECTION_NAME.match(blocks[sec].text) else None
        if not title:
            bib = re.search(r"(?im)^\s*title\s*=\s*[{\"](.+?)[}\"]\s*,?\s*$", "\n".join(body))
            title = squash_space(bib.group(1).replace("{", "").replace("}", "")) if bib else None
        return title, unit_links("\n".join(body))


def _one_word_name(label: str) -> str | None:
    """A link to a paper labelled with its one-word name: ``[PointCNN](https://arxiv.org/abs/…)``."""
    label = label.strip(" *_`")
    return label if re.fullmatch(r"[A-Z][\w+-]{2,30}", label) and not _GENERIC_NAME.fullmatch(label) else None


def _under_reading_heading(blocks: list[Block], b: Block) -> bool:
    """``b`` sits under a heading such as "Papers" or "Reading list" (a name, not "How to add a paper")."""
    return b.section is not None and _reading_heading(blocks[b.section].text)


def _reading_heading(text: str) -> bool:
    head = without_emoji(re.sub(r":[a-z_]+:", " ", text)).strip(" #*_:")
    if len(head.split()) > 5 or re.match(r"(?i)(?:how|why|what|when|where|add|adding|install|contribut|submit)", head):
        return False
    return bool(_READING_HEADING.search(head))


def looks_like(text: str) -> bool:
    """Any text: this reader comes last, and a text it finds nothing in is refused by
    :func:`~paper2bib.digest.parse_text` (so the text is read once, not twice)."""
    return bool(text.strip())
