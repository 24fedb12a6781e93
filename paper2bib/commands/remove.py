"""``paper2bib remove``: take entries out of the library."""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import InputError
from ..services import Services
from ..store import StoredEntry


def remove(svc: Services, refs: Sequence[str]) -> list[StoredEntry]:
    """Remove entries named by number, arXiv id or citation key; returns what was removed."""
    lib = svc.store
    chosen: dict[int, StoredEntry] = {}
    for ref in refs:
        found = lib.find_entries(ref)
        if not found:
            raise InputError(f"no entry {ref!r} in the library (by number, arXiv id or key; see paper2bib list)")
        chosen |= {e.id: e for e in found}
    lib.remove_entries(list(chosen))
    return list(chosen.values())
