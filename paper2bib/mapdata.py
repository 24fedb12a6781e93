"""The data files in ``mappings/`` (URL kinds, arXiv categories, field maps, venues, names).

They are package data, ``paper2bib/mappings`` (in a checkout a link to the top-level
``mappings/`` folder), read with :mod:`importlib.resources`: one way, installed or not.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from importlib import resources
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


@cache
def load(name: str) -> Any:
    """Load ``mappings/<name>`` (TOML or JSON), cached for the life of the process."""
    data = (resources.files("paper2bib") / "mappings" / name).read_bytes()
    if name.endswith(".toml"):
        return tomllib.loads(data.decode("utf-8"))
    return json.loads(data)


@cache
def old_style_archives() -> frozenset[str]:
    """Archive names usable in old-style ids (``hep-th`` in ``hep-th/9901001``)."""
    cats = load("arxiv-categories.json")["categories"]
    names = {c.split(".")[0] for c in cats} | {v["archive"] for v in cats.values()}
    return frozenset(n for n in names if n)
