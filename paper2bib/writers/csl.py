"""CSL-JSON, following Zotero's preprint → CSL mapping (``type: article``).

Titles become plain unicode (``$γ-$MoD`` → ``γ-MoD``), with CSL's rich-text markup
for super- and subscripts (``MoE$^2$`` → ``MoE<sup>2</sup>``). Code and project links
go in ``custom`` (CSL 1.0.2's place for extra data) and, for engines that ignore it,
in ``note``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from .. import mappings
from ..links import label
from ..models import Link, Paper, Record
from ..names import split_name
from ..text import CaseProtection, keep_edges, latex_to_unicode, split_math, squash_space

_SCRIPT = re.compile(r"([\^_])(\{([^{}$]*)\}|([A-Za-z0-9+\-]))")
#: What CSL processors read as markup; text that looks like it must not become markup.
_MARKUP_LIKE = re.compile(r"<(?=/?(?:i|b|sup|sub|span|sc)\b)", re.I)


def _math_markup(math: str) -> str:
    def sub(m: re.Match) -> str:
        body = m.group(3) if m.group(3) is not None else m.group(4)
        tag = "sup" if m.group(1) == "^" else "sub"
        return f"<{tag}>{_plain(latex_to_unicode(body)) if body else ''}</{tag}>"

    marked = _SCRIPT.sub(sub, math)
    parts = re.split(r"(</?su[bp]>)", marked)
    return "".join(p if re.fullmatch(r"</?su[bp]>", p) else _plain(latex_to_unicode("$" + p + "$")) if p.strip() else p for p in parts)


def _plain(text: str) -> str:
    """Text that CSL processors must print as is: only a ``<`` that looks like a tag is changed."""
    return _MARKUP_LIKE.sub("\u2039", text)


def csl_text(text: str | None, protect: bool = False) -> str:
    """arXiv text with TeX → CSL rich text: unicode, ``<sup>``/``<sub>`` for scripts.

    With ``protect`` (titles), the words BibTeX brace-protects are wrapped in
    ``<span class="nocase">`` so styles that change case leave them alone.
    """
    if not text:
        return ""
    out = [_math_markup(body) if is_math else _plain(keep_edges(body, latex_to_unicode(body))) for is_math, body in split_math(text)]
    rich = squash_space("".join(out))
    if not protect:
        return rich
    case = CaseProtection(re.sub(r"<[^>]+>", "", rich))
    return " ".join(
        f'<span class="nocase">{w}</span>' if case.protect(re.sub(r"</?su[bp]>", "", w)) else w for w in rich.split(" ")
    )


def csl_name(raw: str) -> dict:
    n = split_name(raw)
    if n.literal or not n.given:
        return {"literal": n.family}
    out = {"family": n.family, "given": n.given}
    if n.particle:
        out["non-dropping-particle"] = n.particle
    if n.suffix:
        out["suffix"] = n.suffix
    return out


def _date_parts(iso: str) -> list[list[int]]:
    return [[int(p) for p in iso.split("-") if p.isdigit()][:3]]


def csl_item(record: Record, key: str, links: Sequence[Link], abstracts: bool = True) -> dict:
    """One CSL-JSON item for ``record``."""
    conf = mappings.load("fields.toml")["csl"]
    item: dict = {
        "id": key,
        "citation-key": key,
        "type": conf["type"],
        "title": csl_text(record.title, protect=True),
        "author": [csl_name(a) for a in record.authors],
        "issued": {"date-parts": _date_parts(record.published)},
        "publisher": conf["publisher"],
        "number": f"arXiv:{record.arxiv_id}",
        "DOI": record.datacite_doi,
        "URL": record.abs_url,
    }
    if abstracts and record.summary:
        item["abstract"] = csl_text(record.summary)
    notes = [published_in(record)] if record.is_published else []
    custom: dict[str, list[str]] = {}
    for link in links:
        name = conf["links"].get(link.kind)
        if name:
            custom.setdefault(name, []).append(link.url)
    if custom:
        item["custom"] = custom
        notes.append("; ".join(f"{label(link.kind)}: {link.url}" for link in links if link.kind in conf["links"]))
    if notes:
        item["note"] = ". ".join(notes)
    return item


def published_in(record: Record) -> str:
    """The published version arXiv names, as one line of text (the preprint's fields stay the preprint's)."""
    parts = []
    if record.journal_ref:
        parts.append("Published in " + csl_text(record.journal_ref))
    if record.journal_doi:
        parts.append("doi: " + record.journal_doi)
    return ", ".join(parts)


def render_csl_json(papers: Sequence[Paper], abstracts: bool = True) -> str:
    """A CSL-JSON array of ``papers``."""
    items = [csl_item(p.record, p.key, p.links, abstracts) for p in papers]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
