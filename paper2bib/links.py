"""Finding URLs in abstracts and classifying them (code, project page, model, ...).

The host → kind rules are data: ``mappings/url-kinds.toml``.
"""

from __future__ import annotations

import fnmatch
import logging
import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import SplitResult
from urllib.parse import urlsplit as _urlsplit

from . import mapdata
from .models import Link, LinkKind

log = logging.getLogger(__name__)

#: the longest link paper2bib writes or attaches (browsers and Zotero handle far longer, but no
#: code or project page needs more)
MAX_URL = 2000
# controls, spaces, zero-width and bidi formatting characters: never part of a link a reader can trust
_NOT_IN_URL = re.compile(r"[\x00-\x20\x7f-\xa0\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]")
_HOST = re.compile(r"(?i)^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})\.?$")


def urlsplit(url: str) -> SplitResult:
    """``urllib.parse.urlsplit`` that never raises: a URL it cannot read (``http://[x``) has no host."""
    try:
        parts = _urlsplit(url)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return SplitResult("", "", url, "", "")
    return parts


def not_a_web_link(url: str) -> str | None:
    """Why ``url`` is not a web link paper2bib may write or attach (None if it is one):
    ``http``/``https`` only, a host name, no credentials, no control, space or bidi characters,
    at most :data:`MAX_URL` characters."""
    if len(url) > MAX_URL:
        return f"longer than {MAX_URL} characters"
    if _NOT_IN_URL.search(url):
        return "it holds control, space or bidi characters"
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return f"not a web link ({parts.scheme or 'no'} scheme)"
    if "@" in parts.netloc:
        return "it holds credentials"
    try:
        host = (parts.hostname or "").encode("idna").decode("ascii")  # 例え.jp → xn--r8jz45g.jp
    except UnicodeError:
        return "no host name"
    if not _HOST.match(host):
        return "no host name"
    return None


def web_links(links: Iterable[Link], what: str = "") -> list[Link]:
    """``links`` without those that are not web links (see :func:`not_a_web_link`), each dropped with a warning."""
    out = []
    for link in links:
        why = not_a_web_link(link.url)
        if why is None:
            out.append(link)
        else:
            shown = re.sub(r"^([^/]*//)[^/@]*@", r"\1…@", link.url[:80])  # never a password in a log
            log.warning("dropped a link%s that is not safe to write (%s): %s", what, why, ascii(shown))
    return out


_TRAILING = ".,;:!?'\"*>]}"
_SCHEME_URL = r"https?://[^\s<>\"'{}\\`|^]+"


@lru_cache(maxsize=1)
def _url_re() -> re.Pattern[str]:
    bare = mapdata.load("url-kinds.toml")["bare"]
    hosts = "|".join(re.escape(h) for h in bare["hosts"])
    suffixes = "|".join(r"[\w-]+" + re.escape(s) for s in bare["suffixes"])
    # \url{...} first, so its closing brace is never part of the URL.
    return re.compile(
        rf"\\url\{{(?P<tex>[^}}\s]+)\}}"
        rf"|(?P<url>{_SCHEME_URL})"
        rf"|(?<![\w@./-])(?P<bare>(?:www\.)?(?:{hosts}|{suffixes})(?:/[^\s<>\"'{{}}\\`|^]*)?)",
        re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def _needles() -> tuple[str, ...]:
    """What every URL :func:`_url_re` finds contains, lower-cased."""
    bare = mapdata.load("url-kinds.toml")["bare"]
    return ("://", "\\url{", *(h.lower() for h in bare["hosts"]), *(x.lower() for x in bare["suffixes"]))


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
    """The kind of a URL: a PDF is a paper, else the first matching rule of ``mappings/url-kinds.toml``."""
    parts = urlsplit(url if "://" in url else "https://" + url)
    host = (parts.hostname or "").lower()
    path = parts.path or "/"
    if path.lower().endswith(".pdf"):
        return "paper"  # a paper's document, wherever it is kept
    return _kind(host, path)


@lru_cache(maxsize=1 << 14)  # pure: hosts repeat (github.com/…) across a library's abstracts
def _kind(host: str, path: str) -> LinkKind:
    for hosts, prefix, kind in _rules():
        if hosts.fullmatch(host) and path.startswith(prefix):
            return kind
    return "project"


@lru_cache(maxsize=1)
def _rules() -> list[tuple[re.Pattern[str], str, LinkKind]]:
    """The rules of ``mappings/url-kinds.toml``, each rule's host patterns one regular expression."""
    return [
        (re.compile("|".join(fnmatch.translate(p) for p in rule["host"])), rule.get("path", ""), rule["kind"])
        for rule in mapdata.load("url-kinds.toml")["rule"]
    ]


def extract_links(text: str | None) -> tuple[Link, ...]:
    """The distinct URLs in ``text``, cleaned and classified, in order of appearance."""
    if not text:
        return ()
    low = text.lower()
    if not any(needle in low for needle in _needles()):
        return ()  # most abstracts name no site: a substring test spares them the pattern
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
    return tuple(web_links(out))


def attached(links: Iterable[Link]) -> list[Link]:
    """The links a paper carries into its outputs and Zotero: all but links to (other) papers,
    and only web links (a library written by an older version may hold others), each once."""
    return distinct(link for link in links if link.kind != "paper" and not_a_web_link(link.url) is None)


def link_identity(url: str) -> str:
    """What makes two URLs one link: equal but for the scheme, ``www.``, a trailing slash or
    ``.git``, the host's case, and the path's case on hosts that ignore it (GitHub, GitLab,
    Hugging Face…: ``case_insensitive_paths`` in ``mappings/url-kinds.toml``)."""
    parts = urlsplit(url if "://" in url else "https://" + url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = re.sub(r"(?:\.git)?/*$", "", parts.path)
    if host in mapdata.load("url-kinds.toml")["case_insensitive_paths"]:
        path = path.lower()
    return host + path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def distinct(links: Iterable[Link]) -> list[Link]:
    """``links`` with each link once (:func:`link_identity`), in order: the spelling the Hugging
    Face Hub gives where it names the link, else the first one seen."""
    out: list[Link] = []
    where: dict[str, int] = {}
    for link in links:
        key = link_identity(link.url)
        if key not in where:
            where[key] = len(out)
            out.append(link)
        elif link.hub and not out[where[key]].hub:
            out[where[key]] = link
    return out


def label(kind: str) -> str:
    """A human label for a link kind (``code`` → ``Code``)."""
    return mapdata.load("url-kinds.toml")["labels"].get(kind, kind.capitalize())
