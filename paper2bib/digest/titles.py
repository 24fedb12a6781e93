"""What a title in a reading list is: the rules :mod:`.markdown` reads titles by."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from ..arxiv_ids import find_ids
from ..text import squash_space
from .mdlinks import IMAGE, LINK, TAG

_BULLET = re.compile(r"^\s*(?:[-*+•]\s+|\d+[.)]\s+|\[[ xX]?\]\s+|[-*+]\s*\[[ xX]?\]\s+)+")
_EMPHASIS = re.compile(r"^(\*\*|__|\*|_|`|\"|“|')(.*)(\1|”)$")


def clean_title_line(line: str) -> str | None:
    """A list line reduced to its title (bullet, numbering, emphasis, quotes removed)."""
    s = _BULLET.sub("", line).strip()
    s = re.sub(r"\[([^\[\]]+)\]\([^()]*\)", r"\1", s)  # [text](url) → text (no bracket inside: linear)
    s = re.sub(r"https?://\S+", "", s).strip(" \t-–—:|,;()[]")
    for _ in range(4):  # **"Title"**: a few layers at most (each is a scan of the line)
        m = _EMPHASIS.match(s)
        if not m:
            break
        s = m.group(2).strip()
    s = re.sub(r"\s+", " ", s).strip()
    return s if re.search(r"[^\W\d_]", s) else None


def is_title_like(line: str) -> bool:
    """Short, with letters, no sentence inside: 2 to 40 words and at most 300 characters."""
    words = line.split()
    if not (1 <= len(words) <= 40) or len(line) > 300:
        return False
    if re.search(r"\.\s+[A-Z]", line):  # two sentences: prose ("X? It Depends", "Thieves on Sesame Street! Model…" are titles)
        return False
    return bool(re.search(r"[^\W\d_]{2}", line))


#: Link labels that name a resource, not a paper.
_GENERIC_LABEL = re.compile(
    r"(?i)^\W*(?:paper|papers|pdf|arxiv|abs|abstract|here|link|code|github|project(?: page)?|page|website|"
    r"blog|video|demo|slides|poster|note|notes|hf|hugging ?face|huggingface papers?|dataset|model|models|"
    r"weights|data|openreview|doi|bib(?:tex)?|cite|citation|official|unofficial|repo|repository|homepage|"
    r"google scholar|semantic scholar|scholar|dblp|orcid|researchgate|linkedin|twitter|email|e-mail|cv|resume|"
    r"technical report|tech(?:nical)? report|report|references|bibliography|supplementary(?: material)?|"
    r"(?:project|paper|code|arxiv|pdf) (?:page|link)|read more|more|details|"
    r"\d{4}\.\d{4,5}(?:v\d+)?|arxiv:?\s*\S*)\W*$"
)
#: Tags people put before a title: ``[NeurIPS 2023]``, ``【CVPR'24】``, ``(ICLR 2024)``.
_BRACKET_TAG = re.compile(r"^\s*(?:\[[^\]]{1,30}\]|【[^】]{1,30}】|\((?:[A-Za-z'’]+\s*)?\d{2,4}[^)]{0,12}\))\s*")
# (?<!\s): a run of spaces is tried once, from its start (else every space of a long run re-scans it)
# "by" needs a list of names (a comma, "et al.", "and"): "Learning by Doing" is a title
_AUTHORS_TAIL = re.compile(
    r"(?<!\s)\s+(?:[-–—|]\s+(?=[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*(?:,|\s+et al\b|\s+and\b|$))"
    r"|\bby\s+(?=[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*(?:,|\s+et al\b|\s+and\b)))"
)
_NAME = r"(?:[A-Z][\w'’.-]*|van|von|de|der|da|del|di|le|la)"
#: ", Mildenhall et al., ECCV 2020" and everything after it
_ET_AL_TAIL = re.compile(rf"(?:,|;|(?<![\s,;]))\s+(?:{_NAME}\s+){{0,4}}{_NAME}\s+et\.?\s+al\b.*$")
_VENUE = r"(?:[A-Z][A-Za-z&+-]*\.?\s+){0,2}(?:[A-Z][A-Za-z&+-]+|arXiv|arxiv)"
_YEAR = r"(?:['’]\d{2}|\s?(?:19|20)\d{2})"
#: " (2016)" after a title, and the authors after it: "Title (2016), X. Mao et al."
_YEAR_TAIL = re.compile(r"(?<!\s)\s*\((?:[^()]{0,20},\s*)?(?:[A-Z][a-z]{2,8}\.?\s+)?(?:19|20)\d{2}[a-z]?\)(?:[,.:;]\s.*)?$")
#: ", ECCV 2020", " (CVPR'23)", " [NeurIPS 2022, Oral]", at the end of a title
_VENUE_TAIL = re.compile(
    rf"(?:,\s*{_VENUE}{_YEAR}\b[^,()\[\]]{{0,20}}|(?<!\s)\s*[(\[]\s*{_VENUE}{_YEAR}\b[^)\]]{{0,20}}[)\]])"
    rf"(?:\s*[(\[][^)\]]{{1,20}}[)\]])?\s*$"
)
#: ", G. Hinton and R. Salakhutdinov." — authors written with their initials
_INITIALS_TAIL = re.compile(
    r",\s+(?:[A-Z]\.\s?){1,3}[A-Z][\w'’-]+(?:(?:,|\s+and|\s*&)\s+(?:[A-Z]\.\s?){1,3}[A-Z][\w'’-]+){0,8}(?:\s+et\.?\s+al)?\.?\s*$"
)
#: ", Dellaert and Yen-Chen" left once a venue was cut
_NAMES_TAIL = re.compile(
    rf",\s+{_NAME}(?:\s+{_NAME}){{0,3}}(?:\s*(?:,|and|&)\s*{_NAME}(?:\s+{_NAME}){{0,3}}){{0,6}}\s*$"
)


def without_emoji(s: str) -> str:
    """``s`` without emoji and other symbols."""
    return "".join(c for c in s if unicodedata.category(c) not in ("So", "Cs", "Co") and c != "\ufe0f")


def without_metadata(title: str) -> str:
    """``title`` without the authors and venue people write after it (``, Mildenhall et al.,
    ECCV 2020``, ``(CVPR'23)``, ``, Dellaert and Yen-Chen, Arxiv 2020``) or the tags before it."""
    prev = None
    while prev != title:
        prev = title
        title = _BRACKET_TAG.sub("", title)
    title = re.sub(r"\s*\((?:19|20)\d{2}\)(?=:)", "", title)  # "Models(2017): A Tutorial"
    quoted = re.match(r"\s*[“\"](.{10,}?)[”\"]\s*[(,—–-]", title)  # “On the Electrodynamics…” (1905) — Einstein
    if quoted:
        title = quoted.group(1)
    cut = _INITIALS_TAIL.sub("", _YEAR_TAIL.sub("", _ET_AL_TAIL.sub("", title)))
    venue = _VENUE_TAIL.sub("", cut)
    if venue != cut or cut != title:
        venue = _NAMES_TAIL.sub("", venue)
    return venue.strip(" ,;-–—|") or title


def link_title(label: str) -> str | None:
    """The label of a link when it reads as a paper's title, not ``[paper]`` or ``[here]``."""
    label = without_emoji(TAG.sub(" ", IMAGE.sub(" ", re.sub(r":[a-z0-9_+-]{2,30}:", "", label))))
    label = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", label)  # Markdown escapes
    label = squash_space(label.replace("**", "").replace("__", "").replace("`", "")).strip(" *_")
    label = without_metadata(label).strip(" *_\"“”'")
    if not label or _GENERIC_LABEL.match(label) or len(label.split()) < 2:
        return None
    return label if is_title_like(label) else None


def _leading_link(first: str) -> str | None:
    """The title when a line starts with a link whose label is one (what follows it — authors,
    venue, other links — is the paper's metadata)."""
    m = LINK.search(first)
    if not m or re.sub(r"[\s*_>\-+•\d.)\[\]]|<[^>]*>", "", without_emoji(first[: m.start()])):
        return None
    return link_title(m.group(1))


def first_line(text: str) -> str:
    """The first line of an item, with the lines a title wrapped onto (an emphasis, a link or a
    quote still open at the end of the line)."""
    lines = text.split("\n", 3)
    first = lines[0]
    for more in lines[1:3]:
        if first.count("**") % 2 == 0 and first.count("[") <= first.count("]") and first.count('"') % 2 == 0:
            break
        first += " " + more.strip()
    return first


def split_titles(line: str) -> list[str]:
    """Several titles on one line, ``A * B * C`` or ``A • B``; the line alone otherwise."""
    parts = [p.strip() for p in re.split(r"(?<!\s)\s+[*•·]\s+", line)]
    if len(parts) > 1 and all(len(p.split()) >= 2 and not LINK.search(p) for p in parts):
        return parts
    return [line]


def text_title(text: str) -> str | None:
    """The title in a list item's or row's text: links, badges, tags, emoji and URLs removed."""
    first = without_refs(first_line(text))
    first = TAG.sub(" ", IMAGE.sub(" ", re.sub(r"(?<![\w:/]):[a-z0-9_+-]{2,30}:(?![\w/])", " ", first)))  # :scroll:
    if leading := _leading_link(first):
        return leading
    # emphasis pairs read left to right ("**[24]** Name, "**Title**"": "[24]" is one, the title the next)
    pairs = re.finditer(r"\*\*((?:\\\*|[^*])+?)\*\*|__([^_]+?)__", first)
    bold = next((m for m in pairs if len(m.group(1) or m.group(2)) >= 6), None)
    quoted = re.search(r"[\"“]([^\"”]{10,})[\"”]", first)
    if quoted and (bold is None or quoted.start() < bold.start()) and (title := link_title(quoted.group(1))):
        return title.rstrip(".,")  # Author, A. "A Title." Venue … — the title is quoted before anything bold
    if bold and re.match(r"\s*:", first[bold.end() :]):
        return None  # "**Label**: prose"
    if bold and link_title(bold.group(1) or bold.group(2)):
        return link_title(bold.group(1) or bold.group(2))
    if quoted and (title := link_title(quoted.group(1))):
        return title.rstrip(".,")
    s = LINK.sub(lambda m: m.group(1) if link_title(m.group(1)) else " ", first)
    s = re.sub(r"`[^`]*`", " ", s)
    s = without_emoji(s)
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
    title = re.sub(r"[\s,;:.(\[]+$", "", without_metadata(title)).strip()
    if not title or _GENERIC_LABEL.match(title) or not is_title_like(title):
        return None
    return title


def without_refs(text: str) -> str:
    """``text`` with its arXiv ids (in every form) cut out, links to them kept as links."""
    refs = find_ids(text)
    bounds = [0, *(p for ref in refs for p in (ref.start, ref.end)), len(text)]
    return " ".join(text[a:b] for a, b in zip(bounds[0::2], bounds[1::2]))


def is_title_item(text: str) -> str | None:
    """A list item that is a title and nothing else: 2+ words, no sentence, not a label."""
    first = first_line(text)
    if re.fullmatch(r"\s*\[[^\]]*\]\(\s*(?:#|\.{0,2}/|[\w-]+\.md)[^)]*\)\s*", first):
        return None  # a table of contents, a link to another file
    title = text_title(first)
    if not title or len(title.split()) < 2 or title.endswith(":") or first.rstrip().endswith(":"):
        return None
    if re.search(r"\.\s+\S", title) and not re.search(r"\bvs?\.\s", title):
        return None
    return title


_RESOURCE_WORDS = re.compile(
    r"(?i)\b(?:awesome|curated|paper ?list|reading list|list of|collection of|resources?|toolkit|library|"
    r"framework for|tutorials?|course|benchmark suite|leaderboard|newsletter|blog)\b"
)
_DESCRIPTION = re.compile(r"\s*(?:[-–—:|]|::)\s+(?P<text>\S.*)$")


def is_resource(text: str, kind_of: Callable[[str], str]) -> bool:
    """An item that names a resource, not a paper: it starts with a link that is not a paper's
    (a repository, a site, another list) and goes on with a description, not authors or a
    venue — ``[awesome-x](https://github.com/…) - A curated list of …``. ``kind_of`` classifies
    a URL (code, paper, project…)."""
    first = first_line(text)
    m = LINK.search(first)
    if not m or re.sub(r"[\s*_>\-+•\d.)\[\]]|<[^>]*>", "", without_emoji(first[: m.start()])):
        return False
    label, target = m.group(1), m.group(2)
    if kind_of(target) == "paper":
        return False
    if re.search(r"(?i)\bawesome\b", label) or re.search(r"(?i)github\.com/[^/]+/[^/)]*awesome", target):
        return True
    described = _DESCRIPTION.match(first[m.end() :])
    if not described:
        return False
    desc = described.group("text")
    authors = re.match(rf"{_NAME}(?:\s+{_NAME})*(?:,|\s+et\.?\s+al\b|\s+and\b)", desc)
    dated = re.match(r"[^.]{0,50}\b(?:19|20)\d{2}\b", desc) and len(desc) < 80
    if authors or dated:
        return bool(_RESOURCE_WORDS.search(desc))
    title = link_title(label) or ""
    if kind_of(target) != "code" and re.match(r"[^:]{2,40}:\s+\S+(?:\s+\S+){2,}", title):
        return bool(_RESOURCE_WORDS.search(desc))  # "Name: A Subtitle" on its page, then a summary
    return True
