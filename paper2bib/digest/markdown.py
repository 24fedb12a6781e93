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

import bisect
import re
import unicodedata
from dataclasses import dataclass, field, replace

from ..arxiv_ids import ArxivRef, find_ids
from ..links import extract_links
from ..models import Entry, Link
from ..text import squash_space
from .titles import clean_title_line, is_title_like

#: list nesting kept as items; deeper lines are text of the item above (no real list nests deeper)
MAX_LIST_DEPTH = 12
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^(\s*)(?:[-*+•]|\d{1,3}[.)])\s+(.*)$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_HTML_LINE = re.compile(r"^\s*</?[a-zA-Z][^>]*>")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
# a target holds no "(" but in one balanced pair (Wikipedia-style): a stray "(" cannot make it re-scan the line
_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?((?:[^()\s>]|\([^()\s>]*\))*)>?(?:\s+\"[^\"]*\")?\s*\)")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
#: Link labels that name a resource, not a paper.
_GENERIC_LABEL = re.compile(
    r"(?i)^\W*(?:paper|papers|pdf|arxiv|abs|abstract|here|link|code|github|project(?: page)?|page|website|"
    r"blog|video|demo|slides|poster|note|notes|hf|hugging ?face|huggingface papers?|dataset|model|models|"
    r"weights|data|openreview|doi|bib(?:tex)?|cite|citation|official|unofficial|repo|repository|homepage|"
    r"\d{4}\.\d{4,5}(?:v\d+)?|arxiv:?\s*\S*)\W*$"
)
#: Headings under which a list of titles is a reading list.
_READING_HEADING = re.compile(
    r"(?i)\b(?:papers?|reading|read|references?|bibliography|literature|related work|citations?|"
    r"to[- ]read|must[- ]reads?|surveys?|publications?)\b"
)
#: Tags people put before a title: ``[NeurIPS 2023]``, ``【CVPR'24】``, ``(ICLR 2024)``.
_BRACKET_TAG = re.compile(r"^\s*(?:\[[^\]]{1,30}\]|【[^】]{1,30}】|\((?:[A-Za-z'’]+\s*)?\d{2,4}[^)]{0,12}\))\s*")
# (?<!\s): a run of spaces is tried once, from its start (else every space of a long run re-scans it)
_AUTHORS_TAIL = re.compile(
    r"(?<!\s)\s+(?:[-–—|]\s+|\bby\s+)(?=[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*(?:,|\s+et al\b|\s+and\b|$))"
)


@dataclass
class _Block:
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


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    lines = text.split("\n")
    fence: str | None = None
    code: list[str] = []
    section: int | None = None
    headings: list[int] = []  # open headings, outermost first
    list_id = 0
    item_stack: list[int] = []  # open items, outermost first
    last_blank = True
    for n, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if fence is not None:
            if line.strip().startswith(fence):
                blocks.append(_Block("code", "\n".join(code), n - len(code), section=section))
                fence, code = None, []
            else:
                code.append(line)
            continue
        m = _FENCE.match(line)
        if m:
            fence, code = m.group(1)[:3], []
            item_stack = []
            list_id += 1
            continue
        if not line.strip():
            last_blank = True
            continue
        blank_before, last_blank = last_blank, False
        m = _HEADING.match(line)
        if m:
            level = len(m.group(1))
            while headings and blocks[headings[-1]].level >= level:
                headings.pop()
            section = len(blocks)
            blocks.append(
                _Block("heading", m.group(2), n, level=level, section=section, up=headings[-1] if headings else None)
            )
            headings.append(section)
            item_stack = []
            list_id += 1
            continue
        m = _ITEM.match(line)
        if m:
            indent = len(m.group(1).expandtabs(4))
            while item_stack and blocks[item_stack[-1]].level >= indent:
                item_stack.pop()
            if len(item_stack) >= MAX_LIST_DEPTH:  # deeper is no reading list: text of the deepest item
                blocks[item_stack[-1]].text += "\n" + line.strip()
                continue
            parent = item_stack[-1] if item_stack else None
            blocks.append(_Block("item", m.group(2), n, level=indent, parent=parent, list_id=list_id, section=section))
            if parent is not None:
                blocks[parent].children.append(len(blocks) - 1)
            item_stack.append(len(blocks) - 1)
            continue
        if item_stack and (not blank_before or raw[:1].isspace()) and not line.lstrip().startswith("|"):
            # a continuation line of the open item
            blocks[item_stack[-1]].text += "\n" + line.strip()
            continue
        item_stack = []
        if _TABLE_SEP.match(line):
            continue
        stripped = line.strip()
        if stripped.startswith("|") or (stripped.count("|") >= 2 and " | " in stripped):
            blocks.append(_Block("row", stripped, n, section=section))
        elif _HTML_LINE.match(line):
            blocks.append(_Block("html", stripped, n, section=section))
        else:
            blocks.append(_Block("para", stripped, n, section=section))
        list_id += 1
    if fence is not None and code:
        blocks.append(_Block("code", "\n".join(code), len(lines) - len(code), section=section))
    return blocks


def _unit_text(blocks: list[_Block], i: int) -> str:
    """An item with all its nested items."""
    b = blocks[i]
    return "\n".join([b.text, *(_unit_text(blocks, c) for c in b.children)])


def _without_emoji(s: str) -> str:
    return "".join(c for c in s if unicodedata.category(c) not in ("So", "Cs", "Co") and c != "\ufe0f")


def link_title(label: str) -> str | None:
    """The label of a link when it reads as a paper's title, not ``[paper]`` or ``[here]``."""
    label = _without_emoji(_TAG.sub(" ", _IMAGE.sub(" ", label)))
    label = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", label)  # Markdown escapes
    label = squash_space(label.replace("**", "").replace("__", "").replace("`", "")).strip(" *_\"“”'")
    if not label or _GENERIC_LABEL.match(label) or len(label.split()) < 2:
        return None
    return label if is_title_like(label) else None


def text_title(text: str) -> str | None:
    """The title in a list item's or row's text: links, badges, tags, emoji and URLs removed."""
    first = _without_refs(text.split("\n", 1)[0])
    first = _TAG.sub(" ", _IMAGE.sub(" ", first))
    bold = re.search(r"\*\*((?:\\\*|[^*]){6,}?)\*\*|__([^_]{6,}?)__", first)
    if bold and re.match(r"\s*:", first[bold.end() :]):
        return None  # "**Label**: prose"
    if bold and link_title(bold.group(1) or bold.group(2)):
        return link_title(bold.group(1) or bold.group(2))
    quoted = re.search(r"[\"“]([^\"”]{10,})[\"”]", first)
    if quoted and link_title(quoted.group(1)):
        return link_title(quoted.group(1))
    s = _LINK.sub(lambda m: m.group(1) if link_title(m.group(1)) else " ", first)
    s = re.sub(r"`[^`]*`", " ", s)
    s = _without_emoji(s)
    s = re.sub(r"(?:https?://|www\.)\S*", " ", s)
    prev = None
    while prev != s:
        prev = s
        s = _BRACKET_TAG.sub("", s)
    s = re.sub(r"\[\s*\]", " ", s)
    s = _AUTHORS_TAIL.split(s, maxsplit=1)[0]
    s = re.split(r"(?<!\s)\s*\|\s*", s.strip(" |"), maxsplit=1)[0]
    title = clean_title_line(s)
    if not title:
        return None
    title = re.sub(r"[\s,;:.(\[]+$", "", title).strip()
    if not title or _GENERIC_LABEL.match(title) or not is_title_like(title):
        return None
    return title


def _without_refs(text: str) -> str:
    """``text`` with its arXiv ids (in every form) cut out, links to them kept as links."""
    refs = find_ids(text)
    bounds = [0, *(p for ref in refs for p in (ref.start, ref.end)), len(text)]
    return " ".join(text[a:b] for a, b in zip(bounds[0::2], bounds[1::2]))


def _ref_titles(text: str, refs: list[ArxivRef]) -> list[str | None]:
    """For each ref, the label of the Markdown link (or HTML anchor) that holds it, if it reads
    as a title. The links of ``text`` are found once, however many refs it holds."""
    spans = [(m.start(), m.end(), m.start(2), m.end(2), m.group(1)) for m in _LINK.finditer(text)]
    starts = [s[0] for s in spans]
    out: list[str | None] = []
    for ref in refs:
        title = None
        # the links starting before the ref, nearest first: links do not overlap, so one suffices
        i = bisect.bisect_right(starts, ref.start) - 1
        if i >= 0:
            start, end, t_start, t_end, label = spans[i]
            if t_start <= ref.start < t_end + 1 or start <= ref.start < end:
                title = link_title(label)
        out.append(title)
    return out


def _links(text: str) -> tuple[Link, ...]:
    """Code, project, model… links of a unit; images, badges and paper links left out."""
    text = _IMAGE.sub(" ", text)
    targets = [m.group(2) for m in _LINK.finditer(text)]  # a Markdown link's target ends at its ")"
    out = []
    for link in extract_links("\n".join([*targets, _LINK.sub(" ", text)])):
        path = link.url.lower().split("?", 1)[0]
        if link.kind == "paper" or path.endswith((".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp")):
            continue
        if "img.shields.io" in link.url or "badge" in path:
            continue
        out.append(link)
    return tuple(out)


def _is_title_item(text: str) -> str | None:
    """A list item that is a title and nothing else: 2+ words, no sentence, not a label."""
    first = text.split("\n", 1)[0]
    if re.fullmatch(r"\s*\[[^\]]*\]\(\s*(?:#|\.{0,2}/|[\w-]+\.md)[^)]*\)\s*", first):
        return None  # a table of contents, a link to another file
    title = text_title(first)
    if not title or len(title.split()) < 2 or title.endswith(":") or first.rstrip().endswith(":"):
        return None
    if re.search(r"[.!]\s+\S", title) and not re.search(r"\bvs?\.\s", title):
        return None
    return title


def _plain_title_list(blocks: list[_Block]) -> bool:
    """The whole text is a reading list: paragraph lines and items, most of them titles."""
    if any(b.kind in ("row", "code", "html") for b in blocks):
        return False
    lines = [b for b in blocks if b.kind in ("para", "item")]
    heads = [b for b in blocks if b.kind == "heading"]
    if not lines or len(heads) > max(1, len(lines) // 4):
        return False
    ok = sum(1 for b in lines if find_ids(b.text) or _is_title_item(b.text))
    return ok >= max(1, int(0.6 * len(lines)))


def parse(text: str, source: str) -> list[Entry]:
    """Entries of every reference in ``text`` and of the titles of its reading lists, in order."""
    blocks = _blocks(text)
    refs_of = [find_ids(b.text) for b in blocks]
    unit_refs: dict[int, list[ArxivRef]] = {}  # top-level item → the ids in it and its sub-items
    for i, b in enumerate(blocks):
        if b.kind == "item" and b.parent is None:
            unit_refs[i] = find_ids(_unit_text(blocks, i))
    section_ids: dict[int | None, set[str]] = {}
    for i, b in enumerate(blocks):
        s = b.section
        while True:
            section_ids.setdefault(s, set()).update(r.arxiv_id for r in refs_of[i])
            if s is None:
                break
            s = blocks[s].up
    lists: dict[int, list[int]] = {}
    for i, b in enumerate(blocks):
        if b.kind == "item" and b.parent is None and b.list_id is not None:
            lists.setdefault(b.list_id, []).append(i)
    reference_lists = {n: _reference_list(items, unit_refs) for n, items in lists.items()}
    plain = _plain_title_list(blocks)
    has_items = any(b.kind == "item" for b in blocks)

    out: list[Entry] = []
    seen: dict[str, int] = {}

    def add(title: str | None, ref: ArxivRef | None, links: tuple[Link, ...] = ()) -> None:
        key = ref.arxiv_id if ref else "title:" + (title or "").casefold()
        if key in seen:  # cited again: the first place keeps the entry, a later one may give its title
            k = seen[key]
            old = out[k]
            out[k] = replace(old, title=old.title or title, links=tuple(dict.fromkeys(old.links + links)))
            return
        seen[key] = len(out)
        out.append(
            Entry(
                title=title,
                arxiv_id=ref.arxiv_id if ref else None,
                version=ref.version if ref else None,
                links=links,
                source=source,
                position=len(out),
            )
        )

    hints: dict[int, tuple[str | None, tuple[Link, ...]]] = {}

    def section_hint(b: _Block, ident: str) -> tuple[str | None, tuple[Link, ...]]:
        """The heading of the outermost section that holds this one paper, and its links
        (worked out once per section: a section of a thousand items citing it is read once)."""
        if b.section is None or section_ids.get(b.section) != {ident}:
            return None, ()
        if b.section not in hints:
            hints[b.section] = _section_hint(b)
        return hints[b.section]

    def _section_hint(b: _Block) -> tuple[str | None, tuple[Link, ...]]:
        assert b.section is not None
        chain = [b.section]  # the sections holding this one paper, innermost first
        while (up := blocks[chain[-1]].up) is not None and section_ids.get(up) == section_ids[b.section]:
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
        head = blocks[sec]
        body: list[str] = []
        j = sec + 1
        while j < len(blocks) and _within(blocks, blocks[j], sec):  # a section's blocks follow its heading
            if blocks[j].kind != "heading":
                body.append(blocks[j].text)
            j += 1
        title = text_title(head.text)
        if not title:
            bib = re.search(r"(?im)^\s*title\s*=\s*[{\"](.+?)[}\"]\s*,?\s*$", "\n".join(body))
            title = squash_space(bib.group(1).replace("{", "").replace("}", "")) if bib else None
        return title, _links("\n".join(body))

    for i, b in enumerate(blocks):
        if b.kind == "item" and b.parent is not None:
            continue  # read with its top-level item
        refs = unit_refs[i] if b.kind == "item" else refs_of[i]
        if refs:
            unit = _unit_text(blocks, i) if b.kind == "item" else b.text
            for ref, title in zip(refs, _ref_titles(unit, refs)):
                links: tuple[Link, ...] = ()
                if len(refs) == 1:
                    if b.kind in ("item", "row") and not title:
                        title = text_title(b.text)
                    if b.kind in ("item", "row"):
                        links = _links(unit)
                    s_title, s_links = section_hint(b, ref.arxiv_id)
                    if s_title and (b.kind not in ("item", "row") or not title):
                        title = s_title
                    links = links or s_links
                add(title, ref, links)
            continue
        if b.kind not in ("item", "para"):
            continue
        if b.kind == "para" and (not plain or has_items):
            continue  # in a plain list of items, the other lines are its heading and notes
        title = _is_title_item(b.text)
        if not title:
            continue
        if plain or reference_lists.get(b.list_id or -1) or _under_reading_heading(blocks, b):
            add(title, None, _links(_unit_text(blocks, i)) if b.kind == "item" else ())
    return out


def _within(blocks: list[_Block], b: _Block, sec: int) -> bool:
    """``b`` is in the section of heading ``sec`` or in one of its subsections."""
    s = b.section
    while s is not None:
        if s == sec:
            return True
        s = blocks[s].up
    return False


def _reference_list(items: list[int], unit_refs: dict[int, list[ArxivRef]]) -> bool:
    """A list at least half of whose items cite an arXiv paper."""
    return len(items) >= 2 and 2 * sum(1 for i in items if unit_refs.get(i)) >= len(items)


def _under_reading_heading(blocks: list[_Block], b: _Block) -> bool:
    """``b`` sits under a heading such as "Papers" or "Reading list" (a name, not "How to add a paper")."""
    if b.section is None:
        return False
    head = _without_emoji(re.sub(r":[a-z_]+:", " ", blocks[b.section].text)).strip(" #*_:")
    if len(head.split()) > 5 or re.match(r"(?i)(?:how|why|what|when|where|add|adding|install|contribut|submit)", head):
        return False
    return bool(_READING_HEADING.search(head))


def looks_like(text: str) -> bool:
    """Any text: this reader comes last, and a text it finds nothing in is refused by
    :func:`~paper2bib.digest.parse_text` (so the text is read once, not twice)."""
    return bool(text.strip())
