"""Access to the data files in ``mappings/`` (URL kinds, arXiv categories, field maps).

In an installed wheel they live in ``paper2bib/mappings``; in a source checkout,
in the top-level ``mappings/`` folder beside the package.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_HERE = Path(__file__).resolve().parent


def mappings_dir() -> Path:
    """The folder holding the mapping files, installed or in a checkout."""
    for candidate in (_HERE / "mappings", _HERE.parent / "mappings"):
        if (candidate / "url-kinds.toml").is_file():
            return candidate
    raise FileNotFoundError("paper2bib's mappings/ data files are missing from the installation")


@cache
def load(name: str) -> Any:
    """Load ``mappings/<name>`` (TOML or JSON), cached for the life of the process."""
    path = mappings_dir() / name
    if name.endswith(".toml"):
        with path.open("rb") as f:
            return tomllib.load(f)
    with path.open(encoding="utf-8") as f:
        return json.load(f)


@cache
def old_style_archives() -> frozenset[str]:
    """Archive names usable in old-style ids (``hep-th`` in ``hep-th/9901001``)."""
    cats = load("arxiv-categories.json")["categories"]
    names = {c.split(".")[0] for c in cats} | {v["archive"] for v in cats.values()}
    return frozenset(n for n in names if n)
