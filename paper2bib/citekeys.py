"""Citation keys: Google Scholar style by default (``sheng2024hybridflow``), stable forever.

A key is made from a format of placeholders:

=============  ============================================================
``{auth}``     first author's family name (no particle), lower-case ASCII
``{Auth}``     the same, capitalised
``{year}``     year of the first arXiv version
``{title}``    first significant word of the title, lower-case ASCII
``{Title}``    the same, capitalised
``{shorttitle}`` first three significant words, joined
``{id}``       the arXiv id with ``.`` and ``/`` as ``_``
=============  ============================================================

Collisions get ``a``, ``b``, … ``z``, ``aa``, ``ab``, … in arXiv-id order. Keys already
stored are never changed; new keys never take a stored one.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator, Mapping

from .errors import ConfigError
from .models import Record
from .names import ascii_fold, split_name
from .text import latex_to_unicode

PLACEHOLDERS = ("auth", "Auth", "year", "title", "Title", "shorttitle", "id")
DEFAULT_FORMAT = "{auth}{year}{title}"

_STOP = frozenset(
    """a an the of on in and or for to with from by at as is are be via its into over under towards toward
        what when how why do does can your you we our not no all any""".split()
)


def validate_format(fmt: str) -> str:
    """Check that ``fmt`` names only known placeholders and makes a non-empty key."""
    try:
        names = [f for _, f, _, _ in string.Formatter().parse(fmt) if f is not None]
    except ValueError as e:
        raise ConfigError(f"key format {fmt!r}: {e}") from None
    unknown = [n for n in names if n not in PLACEHOLDERS]
    if unknown:
        raise ConfigError(
            f"key format {fmt!r}: unknown placeholder {{{unknown[0]}}}; use {', '.join('{' + p + '}' for p in PLACEHOLDERS)}"
        )
    if not names:
        raise ConfigError(f"key format {fmt!r} has no placeholder")
    return fmt


def _ascii_word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", ascii_fold(text).lower())


def _title_words(title: str) -> list[str]:
    words = [_ascii_word(w) for w in re.split(r"[\s\-–—:/]+", latex_to_unicode(title))]
    return [w for w in words if len(w) > 1 and w not in _STOP]


def base_key(record: Record, fmt: str = DEFAULT_FORMAT) -> str:
    """The key ``fmt`` makes for ``record``, before collisions are settled."""
    auth = ""
    if record.authors:
        n = split_name(record.authors[0])
        auth = _ascii_word(n.family)
    words = _title_words(record.title)
    values = {
        "auth": auth or "anon",
        "Auth": (auth or "anon").capitalize(),
        "year": record.year,
        "title": words[0] if words else "untitled",
        "Title": (words[0] if words else "untitled").capitalize(),
        "shorttitle": "".join(words[:3]) or "untitled",
        "id": re.sub(r"[./]", "_", record.arxiv_id),
    }
    key = fmt.format(**values)
    key = re.sub(r"[^A-Za-z0-9_:\-]", "", key)
    return key or f"arxiv{values['id']}"


def _suffixes() -> Iterator[str]:
    letters = string.ascii_lowercase
    yield from letters
    for a in letters:
        for b in letters:
            yield a + b
    n = 0
    while True:
        n += 1
        yield f"_{n}"


def assign_keys(records: Iterable[Record], existing: Mapping[str, str], fmt: str = DEFAULT_FORMAT) -> dict[str, str]:
    """Keys for every record: stored ones kept, new ones made unique. Returns only new keys.

    Deterministic: new records are keyed in arXiv-id order, so the same library always
    gets the same keys. Linear in the number of records.
    """
    validate_format(fmt)
    taken = set(existing.values())
    new: dict[str, str] = {}
    cursors: dict[str, Iterator[str]] = {}
    for rec in sorted((r for r in records if r.arxiv_id not in existing), key=lambda r: r.arxiv_id):
        if rec.arxiv_id in new:
            continue
        base = base_key(rec, fmt)
        key = base
        if key in taken:
            # one suffix generator per base keeps many collisions linear, not quadratic
            suffixes = cursors.setdefault(base, _suffixes())
            key = base + next(suffixes)
            while key in taken:
                key = base + next(suffixes)
        taken.add(key)
        new[rec.arxiv_id] = key
    return new
