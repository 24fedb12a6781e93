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
from ..text import latex_to_unicode, squash_space

_SCRIPT = re.compile(r"([\^_])(\{([^{}$]*)\}|([A-Za-z0-9+\-]))")


def _math_markup(math: str) -> str:
    def sub(m: re.Match) -> str:
        body = m.group(3) if m.group(3) is not None else m.group(4)
        tag = "sup" if m.group(1) == "^" else "sub"
        return f"<{tag}>{latex_to_unicode(body) if body else ''}</{tag}>"

    marked = _SCRIPT.sub(sub, math)
    parts = re.split(r"(</?su[bp]>)", marked)
    return "".join(p if p.startswith("<") else latex_to_unicode("$" + p + "$") if p.strip() else p for p in parts)


def csl_text(text: str | None) -> str:
    """arXiv text with TeX → CSL rich text: unicode, ``<sup>``/``<sub>`` for scripts."""
    if not text:
        return ""
    pieces = re.split(r"(?<!\\)\$([^$]+)(?<!\\)\$", text)
    out = []
    for i, piece in enumerate(pieces):
        if i % 2:
            out.append(_math_markup(piece))
        else:
            # "<" and ">" would read as markup in CSL rich text; keep them as text
            out.append(latex_to_unicode(piece).replace("<", "\u2039").replace(">", "\u203a") if ("\\" in piece or "{" in piece) else piece)
    return squash_space("".join(out))


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
        "title": csl_text(record.title),
        "author": [csl_name(a) for a in record.authors],
        "issued": {"date-parts": _date_parts(record.published)},
        "publisher": conf["publisher"],
        "number": f"arXiv:{record.arxiv_id}",
        "DOI": record.best_doi,
        "URL": record.abs_url,
        "version": str(record.version),
    }
    if abstracts and record.summary:
        item["abstract"] = csl_text(record.summary)
    if record.journal_ref:
        item["container-title"] = record.journal_ref
    custom: dict[str, list[str]] = {}
    for link in links:
        name = conf["links"].get(link.kind)
        if name:
            custom.setdefault(name, []).append(link.url)
    if custom:
        item["custom"] = custom
        item["note"] = "; ".join(f"{label(link.kind)}: {link.url}" for link in links if link.kind in conf["links"])
    return item


def render_csl_json(papers: Sequence[Paper], abstracts: bool = True) -> str:
    """A CSL-JSON array of ``papers``."""
    items = [csl_item(p.record, p.key, p.links, abstracts) for p in papers]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
