"""Finding URLs in abstracts and classifying them (code, project page, model, ...).

The host → kind rules are data: ``mappings/url-kinds.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fnmatch import fnmatchcase
from functools import lru_cache
from urllib.parse import SplitResult
from urllib.parse import urlsplit as _urlsplit

from . import mappings
from .models import Link, LinkKind


def urlsplit(url: str) -> SplitResult:
    """``urllib.parse.urlsplit`` that never raises: a URL it cannot read (``http://[x``) has no host."""
    try:
        parts = _urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return SplitResult("", "", url, "", "")
    return parts


_TRAILING = ".,;:!?'\"*>]}"
_SCHEME_URL = r"https?://[^\s<>\"'{}\\`|^]+"


@lru_cache(maxsize=1)
def _url_re() -> re.Pattern[str]:
    bare = mappings.load("url-kinds.toml")["bare"]
    hosts = "|".join(re.escape(h) for h in bare["hosts"])
    suffixes = "|".join(r"[\w-]+" + re.escape(s) for s in bare["suffixes"])
    # \url{...} first, so its closing brace is never part of the URL.
    return re.compile(
        rf"\\url\{{(?P<tex>[^}}\s]+)\}}"
        rf"|(?P<url>{_SCHEME_URL})"
        rf"|(?<![\w@./-])(?P<bare>(?:www\.)?(?:{hosts}|{suffixes})(?:/[^\s<>\"'{{}}\\`|^]*)?)",
        re.IGNORECASE,
    )


def clean_url(raw: str) -> str:
    """Trim what a sentence glued to a URL: trailing punctuation, unbalanced ')', ``.git``."""
    url = raw
    while True:
        before = url
        url = url.rstrip(_TRAILING)
        if url.endswith(")") and url.count("(") < url.count(")"):
            url = url[:-1]
        if url.lower().endswith(".git"):
            url = url[:-4]
        if url == before:
            break
    if not re.match(r"(?i)https?://", url):
        url = "https://" + url
    parts = urlsplit(url)
    host = parts.netloc.lower()
    url = (
        f"{parts.scheme.lower()}://{host}{parts.path}"
        + (f"?{parts.query}" if parts.query else "")
        + (f"#{parts.fragment}" if parts.fragment else "")
    )
    if classify(url) == "code":
        url = url.rstrip("/")
    return url


def classify(url: str) -> LinkKind:
    """The kind of a URL by the first matching rule of ``mappings/url-kinds.toml``."""
    parts = urlsplit(url if "://" in url else "https://" + url)
    host = (parts.hostname or "").lower()
    path = parts.path or "/"
    for rule in mappings.load("url-kinds.toml")["rule"]:
        if any(fnmatchcase(host, pat) for pat in rule["host"]) and path.startswith(rule.get("path", "")):
            return rule["kind"]
    return "project"


def extract_links(text: str | None) -> tuple[Link, ...]:
    """The distinct URLs in ``text``, cleaned and classified, in order of appearance."""
    if not text:
        return ()
    out: list[Link] = []
    seen: set[str] = set()
    for m in _url_re().finditer(text):
        raw = m.group("tex") or m.group("url") or m.group("bare")
        url = clean_url(raw)
        host = urlsplit(url).hostname or ""
        if "." not in host or url in seen:
            continue
        seen.add(url)
        out.append(Link(url, classify(url)))
    return tuple(out)


def attached(links: Iterable[Link]) -> list[Link]:
    """The links a paper carries into its outputs: all but links to (other) papers."""
    return [link for link in links if link.kind != "paper"]


def label(kind: str) -> str:
    """A human label for a link kind (``code`` → ``Code``)."""
    return mappings.load("url-kinds.toml")["labels"].get(kind, kind.capitalize())
