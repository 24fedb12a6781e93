"""What a title in a reading list is: the rules :mod:`.markdown` reads titles by."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from ..arxiv_ids import find_ids
from ..text import squash_space
from .citetails import without_citation_tail
from .mdlinks import IMAGE, LINK, TAG

_BULLET = re.compile(r"^\s*(?:[-*+•]\s+|\d+[.)]\s+|\[[ xX]?\]\s+|[-*+]\s*\[[ xX]?\]\s+)+")
_EMPHASIS = re.compile(r"^(\*\*|__|\*|_|`|\"|“|')(.*)(\1|”)$")


def clean_title_line(line: str) -> str | None:
    """A list line reduced to its title (bullet, numbering, emphasis, quotes removed)."""
    s = _BULLET.sub("", line).strip()
    s = re.sub(r"\[([^\[\]]+)\]\([^()]*\)", r"\1", s)  # [text](url) → text (no bracket inside: linear)
    s = _strip_edges(re.sub(r"https?://\S+", "", s))
    s = without_emphasis(s)
    s = re.sub(r"\s+", " ", s).strip()
    return s if re.search(r"[^\W\d_]", s) else None


def _strip_edges(s: str) -> str:
    """``s`` without the punctuation around it; a closing bracket stays when it closes one
    (``Title (CVPR 2024)``: the venue tag is cut whole later, not left as ``(CVPR 2024``)."""
    s = s.lstrip(" \t-–—:|,;()[]")
    end = len(s)
    unclosed = {")": s.count(")") - s.count("("), "]": s.count("]") - s.count("[")}  # closings without an opening
    while end and s[end - 1] in " \t-–—:|,;()[]":
        c = s[end - 1]
        if c in unclosed:
            if unclosed[c] <= 0:
                break
            unclosed[c] -= 1
        end -= 1
    return s[:end]


def without_emphasis(s: str) -> str:
    """``**"Title"**`` → ``Title``: a few layers at most (each is a scan of the line)."""
    for _ in range(4):
        m = _EMPHASIS.match(s)
        if not m:
            break
        s = m.group(2).strip()
    return s


#: a link labelled with a venue and year
_VENUE_LABEL = re.compile(
    r"(?:[A-Z][\w&.+-]*\s+){1,4}(?:['’]?\d{2}|(?:19|20)\d{2})(?:\s+[A-Z]\w+)?(?:\s*\([^)]{1,20}\))?"
)
#: "到 Huggingface 论文主页查看详情" (see details on the paper's page), "论文链接", "代码": labels, not titles
_CJK_GENERIC = re.compile(
    r"查看|详情|论文主页|论文链接|论文地址|代码链接|代码地址|原文链接|下载地址|项目主页|^\W*(?:论文|代码|链接|主页|原文)\W*$"
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def word_count(text: str) -> int:
    """Words of ``text``, a pair of CJK characters counting as one (CJK titles have no spaces)."""
    return len(text.split()) + len(_CJK.findall(text)) // 2


def is_title_like(line: str) -> bool:
    """Short, with letters, no sentence inside: 2 to 40 words and at most 300 characters."""
    words = line.split()
    if not (1 <= len(words) <= 40) or len(line) > 300:
        return False
    if re.search(
        r"\.\s+[A-Z]", line
    ):  # two sentences: prose ("X? It Depends", "Thieves on Sesame Street! Model…" are titles)
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
_BRACKET_TAG = re.compile(
    r"^\s*(?:\*\*|__|\*|_)?(?:\[[^\]]{1,30}\]|【[^】]{1,30}】|\((?:[A-Za-z'’]+\s*)?\d{2,4}[^)]{0,12}\))(?:\*\*|__|\*|_)?\s*"
)  # "**[CVPR 25]** Title": emphasised too
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
_YEAR_TAIL = re.compile(
    r"(?<!\s)\s*\((?:[^()]{0,20},\s*)?(?:[A-Z][a-z]{2,8}\.?\s+)?(?:19|20)\d{2}[a-z]?\)(?:[,.:;]\s.*)?$"
)
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


#: what a reference list generated by a browser or an assistant adds: ", accessed July 11, 2025",
#: " - arXiv", " - Hugging Face", "(PDF) ", "[Literature Review] "
_ACCESSED = re.compile(
    r",?\s*(?:accessed|retrieved|last visited)(?:\s+on)?\s+\w+\.?\s+\d{1,2},?\s+\d{4}\.?\s*$", re.IGNORECASE
)
_SITE_TAIL = re.compile(
    r"\s+[-–—|]\s+(?:arXiv(?:\.org)?|ar5iv|Hugging ?Face|ResearchGate|OpenReview|Semantic Scholar|Papers With Code|"
    r"ACM Digital Library|IEEE Xplore|SpringerLink|ScienceDirect|Google Scholar|GitHub|YouTube|Medium|alphaXiv)\s*$",
    re.IGNORECASE,
)
_PAGE_PREFIX = re.compile(
    r"^\s*(?:Paper page\s*[-–:]|Revision History for|\((?:PDF|HTML)\)|\[(?:PDF|HTML)\])\s*", re.IGNORECASE
)


def without_metadata(title: str) -> str:
    """``title`` without the authors and venue people write after it (``, Mildenhall et al.,
    ECCV 2020``, ``(CVPR'23)``, ``, Dellaert and Yen-Chen, Arxiv 2020``) or the tags before it."""
    prev = None
    while prev != title:
        prev = title
        title = _BRACKET_TAG.sub("", title)
    title = _SITE_TAIL.sub("", _ACCESSED.sub("", _PAGE_PREFIX.sub("", title)))
    title = re.sub(r"\s*\((?:19|20)\d{2}\)(?=:)", "", title)  # "Models(2017): A Tutorial"
    quoted = re.match(r"\s*[“\"](.{10,}?)[”\"]\s*[(,—–-]", title)  # “On the Electrodynamics…” (1905) — Einstein
    if quoted:
        title = quoted.group(1)
    authors = _INITIALS_TAIL.sub("", _ET_AL_TAIL.sub("", title))
    cut = _YEAR_TAIL.sub("", authors)
    venue = _VENUE_TAIL.sub("", cut)
    if venue != cut or authors != title:  # a venue or authors were cut: names before them are authors too
        venue = _NAMES_TAIL.sub("", venue)
    return venue.strip(" ,;-–—|") or title


def link_title(label: str) -> str | None:
    """The label of a link when it reads as a paper's title, not ``[paper]`` or ``[here]``."""
    label = without_emoji(TAG.sub(" ", IMAGE.sub(" ", re.sub(r":[a-z0-9_+-]{2,30}:", "", label))))
    label = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", label)  # Markdown escapes
    label = squash_space(label.replace("**", "").replace("__", "").replace("`", "")).strip(" *_")
    label = without_metadata(label).strip(" *_\"“”'")
    if label.endswith(".") and not label.endswith(".."):
        label = label[:-1].rstrip()  # "Many-shot Jailbreaking."
    if not label or _GENERIC_LABEL.match(label) or _CJK_GENERIC.search(label) or word_count(label) < 2:
        return None
    if _VENUE_LABEL.fullmatch(label):  # [CVPR 2020](…), [ACM MM 2021](…): where, not what
        return None
    return label if is_title_like(label) else None


def _leading_link(first: str) -> str | None:
    """The title when a line starts with a link whose label is one (what follows it — authors,
    venue, other links — is the paper's metadata)."""
    m = LINK.search(first)
    before = (
        re.sub(r"^\W*(?:[A-Z][\w-]*(?:\s+[\w-]+){0,2}):\s*$", "", first[: m.start()]) if m else ""
    )  # "Topic: [Title](…)"
    before = re.sub(r"^\s*\[[^\[\]]{1,60}\]\s*$", "", TAG.sub(" ", before))  # "<span>[Conv-AE]</span> [Title](…)"
    if not m or re.sub(r"[\s*_>\-+•\d.)\[\]]|<[^>]*>", "", without_emoji(before)):
        return None
    return link_title(m.group(1))


#: bold text that says where or how a paper stands, not what it is: "**[ICLR' 20]**", "**Under Review**"
_STATUS = re.compile(
    r"(?i)\s*(?:[\[(【].*[\])】]|under review|in submission|submitted|preprint|oral|spotlight|poster|best paper.*"
    r"|accepted.*|to appear.*)\s*"
)


def _bold_tag(text: str) -> bool:
    return bool(_STATUS.fullmatch(text[:200]))


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
    bold = next(
        (m for m in pairs if len(m.group(1) or m.group(2)) >= 6 and not _bold_tag(m.group(1) or m.group(2))), None
    )
    quoted = re.search(r"[\"“]([^\"”]{10,})[\"”]", first)
    if quoted and (bold is None or quoted.start() < bold.start()) and (title := link_title(quoted.group(1))):
        return title.rstrip(".,")  # Author, A. "A Title." Venue … — the title is quoted before anything bold
    venue_after = bold and re.match(r"\s*:\s*\*[^*]{0,60}\b(?:19|20)\d{2}\b[^*]{0,20}\*", first[bold.end() :])
    if bold and venue_after and (title := link_title(bold.group(1) or bold.group(2))):
        return title  # **Robots Enact Malignant Stereotypes**: *FAccT, Jun 2022*
    if bold and re.match(r"\s*:", first[bold.end() :]):
        if quoted and quoted.start() > bold.end() and (title := link_title(quoted.group(1))):
            return title.rstrip(".,")  # **RT-1**: "RT-1: Robotics Transformer for …", *arXiv, Dec 2022*
        return None  # "**Label**: prose"
    if bold and (title := link_title(bold.group(1) or bold.group(2)) or _two_part(bold.group(1) or bold.group(2))):
        return title
    if quoted and (title := link_title(quoted.group(1))):
        return title.rstrip(".,")
    s = LINK.sub(lambda m: m.group(1) if link_title(m.group(1)) else " ", first)
    s = re.sub(r"\\([\\`*_{}\[\]()#+\-.!|])", r"\1", s)  # Markdown escapes: "\[2305.11554\] Title \- arXiv"
    s = re.sub(r"`[^`]*`", " ", s)
    s = without_emoji(s)
    s = re.sub(r"(?:https?://|www\.)\S*", " ", s)
    prev = None
    while prev != s:
        prev = s
        s = _BRACKET_TAG.sub("", s)
    s = _PAGE_PREFIX.sub("", re.sub(r"\[\s*\]", " ", s).strip())
    s = without_citation_tail(s)  # ". In ICCV, 2023.", " — ICCV 2023": a "by" before it is the title's
    s = _AUTHORS_TAIL.split(s, maxsplit=1)[0]
    s = re.split(r"(?<!\s)\s*\|\s*", s.strip(" |"), maxsplit=1)[0]
    title = clean_title_line(s)
    if not title:
        return None
    title = _truncated(without_emphasis(re.sub(r"[\s,;:(\[]+$", "", without_metadata(title)).strip()))
    if re.fullmatch(r"(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:org|com|net|io|ai|edu|gov|co|dev)", title, re.IGNORECASE):
        return None  # "arxiv.org": where it is, not what it is
    if not title or _GENERIC_LABEL.match(title) or not is_title_like(title) or _PROSE_START.match(title):
        return None
    return title


#: a sentence about something, not a title: "We have released a new version of the paper …"
_PROSE_START = re.compile(
    r"(?:We|I|Our|This|These|Here|It|They)\s+(?:\w+\s+)?(?:have|has|are|is|am|was|were|will|can|release[sd]?|"
    r"update[sd]?|add(?:ed|s)?|propose[sd]?|present(?:ed|s)?|introduce[sd]?|show(?:ed|s)?|implement(?:ed|s)?|"
    r"use[sd]?|contain(?:ed|s)?|provide[sd]?|describe[sd]?|include[sd]?|list(?:ed|s)?|collect(?:ed|s)?|"
    r"cover(?:ed|s)?|summari[sz]e[sd]?|explain(?:ed|s)?|build(?:s)?|built)\b"
)


def _two_part(marked: str) -> str | None:
    """A title marked bold whose short first part ends in a full stop ("Imaging Novecento. A Mobile
    App for …"): two sentences in running text, one title when set apart."""
    head, dot, rest = marked.partition(". ")
    if not dot or len(head.split()) > 3 or ":" in head or not (title := link_title(f"{head}: {rest}")):
        return None
    return title.replace(": ", ". ", 1)


def _truncated(title: str) -> str:
    """``title`` with a cut-off end marked by one "…" ("Language Models with Massive ..."), and
    the full stops and commas at its end removed."""
    cut = re.sub(r"\s*(?:\.{3,}|…)$", "", title)
    return cut.rstrip(" .,") + "…" if cut != title else title.rstrip(" .,")


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


#: a name as reference lists write it: "H. Liu", "J.-Y. Zhu", "Liu, H.", "Hinton, Geoffrey E."
_AUTHOR = re.compile(r"(?:\b[A-Z]\.[\s-]?){1,3}[A-Z][\w'’-]+|\b[A-Z][\w'’-]+,\s+(?:[A-Z]\.\s?){1,3}")
_QUOTED_TITLE = re.compile(r"[“\"]([^\"”“]{12,300}?)[,.]?[”\"]")
#: a title in italics, then its authors: "*Computing Machinery and Intelligence* by Alan Turing",
#: "*Memorizing Transformers* - Yuhuai Wu et al."
_EMPHASIS_BY = re.compile(
    r"^\s*(?:\d{1,3}[.)]\s+)?([*_])(?!\1)([^*_\n]{6,200}?)\1\s*(?:[-–—]\s*)?(?:by\s+)?"
    r"[A-Z][\w.'’-]*(?:(?:\s+|,\s*|,?\s+and\s+)[A-Z][\w.'’-]*){0,12}(?:,?\s+et al\.?)?\s*\.?$"
)
#: Chinese title marks open the line: "《Title》(CVPR 2021) GitHub: …"
_MARKED_TITLE = re.compile(r"^\s*(?:\d{1,3}[.)]\s+)?《([^《》\n]{6,300})》")


#: APA: "Vaswani, A., Shazeer, N., … (2017). Attention is all you need. Advances in …"
_APA = re.compile(
    r"(?P<authors>[^()]{3,600}?)\s\((?:19|20)\d{2}[a-z]?(?:,\s*\w+\.?(?:\s\d{1,2})?)?\)\.\s+"
    r"(?P<title>[^.?!]{8,300}?[?!]?)(?:\.\s+\S|\.?\s*$|(?<=[?!])\s)"
)


def citation_title(text: str) -> str | None:
    """The title of a reference written in the citation style of publication pages and
    bibliographies — authors, then the title in quotes, then the venue:
    ``CVPR 2026 **H. Liu, B. Zou, …**, "Unposed-to-3D: Learning …"``; or APA's
    ``Vaswani, A., Shazeer, N., … (2017). Attention is all you need. In …``; or a title
    in Chinese title marks, ``《Title》(CVPR 2021)``."""
    if by := _EMPHASIS_BY.match(first_line(text)):
        return link_title(by.group(2)) or None
    line = first_line(text).replace("*", "")
    if marked := _MARKED_TITLE.match(line):
        return link_title(marked.group(1)) or None
    apa = _APA.match(re.sub(r"^\s*(?:\d{1,3}[.)]\s+)?", "", line))
    if apa and len(_AUTHOR.findall(apa.group("authors"))) >= 1:
        title = link_title(apa.group("title"))
        return title if title and word_count(title) >= 2 else None
    m = _QUOTED_TITLE.search(line)
    if not m or len(_AUTHOR.findall(line[: m.start()])) < 1:
        return None
    before = _AUTHOR.sub(" ", line[: m.start()])
    if len(re.findall(r"\b[a-z]{3,}\b", before)) > 3:
        return None  # prose that quotes something
    title = link_title(m.group(1))
    return title if title and word_count(title) >= 3 else None
