"""Markdown links in a unit of text: their targets (code, project pages…) and their labels."""

from __future__ import annotations

import bisect
import re

from ..arxiv_ids import ArxivRef
from ..links import extract_links
from ..models import Link

IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
# a target holds no "(" but in one balanced pair (Wikipedia-style): a stray "(" cannot make it re-scan the line
LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?((?:[^()\s>]|\([^()\s>]*\))*)>?(?:\s+\"[^\"]*\")?\s*\)")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
#: a link label that is a person's name: "Deokwoo Lee", "Jonathan T. Barron", "Prof. Ann Li"
_PERSON = re.compile(r"(?:(?:Prof|Dr)\.?\s+)?[A-Z][a-z'’-]+(?:\s+[A-Z]\.)*(?:\s+[A-Z][a-z'’-]+){1,2}")


def unit_links(text: str, papers: bool = False) -> tuple[Link, ...]:
    """Code, project, model… links of a unit; images and badges left out, and paper links
    (kept with ``papers``: the PDF and venue page of a paper without an arXiv id)."""
    text = IMAGE.sub(" ", text)
    # a Markdown link's target ends at its ")"; a link on a person's name is theirs, not the paper's
    found = list(LINK.finditer(text))
    targets = [m.group(2) for i, m in enumerate(found) if not (papers and i and _PERSON.fullmatch(m.group(1).strip()))]
    out = []
    for link in extract_links("\n".join([*targets, LINK.sub(" ", text)])):
        path = link.url.lower().split("?", 1)[0]
        if (link.kind == "paper" and not papers) or path.endswith((".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp")):
            continue
        if "img.shields.io" in link.url or "badge" in path:
            continue
        out.append(link)
    return tuple(out)


def ref_labels(text: str, refs: list[ArxivRef]) -> list[str | None]:
    """For each ref, the label of the Markdown link that holds it (its target, or its whole
    link), if any. The links of ``text`` are found once, however many refs it holds."""
    spans = [(m.start(), m.end(), m.start(2), m.end(2), m.group(1)) for m in LINK.finditer(text)]
    starts = [s[0] for s in spans]
    out: list[str | None] = []
    for ref in refs:
        label = None
        # the links starting before the ref, nearest first: links do not overlap, so one suffices
        i = bisect.bisect_right(starts, ref.start) - 1
        if i >= 0:
            start, end, t_start, t_end, text_ = spans[i]
            if t_start <= ref.start < t_end + 1 or start <= ref.start < end:
                label = text_
        out.append(label)
    return out
