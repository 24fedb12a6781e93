"""``paper2bib pin``: settle an entry by hand as a given arXiv paper."""

from __future__ import annotations

from ..arxiv_ids import ArxivRef
from ..errors import InputError
from ..models import Record
from ..services import Services


def pin(svc: Services, entry: str, ref: ArxivRef, force: bool = False) -> tuple[int, Record]:
    """Settle ``entry`` (a number or a title) as the paper ``ref``: its record from the
    library, or from arXiv when the library does not have it yet. An entry resolved to
    another paper is only re-pinned with ``force``; its citation key moves with it."""
    lib = svc.store
    target = lib.find_entry(entry)
    if target.status == "resolved" and target.resolved_id and target.resolved_id != ref.arxiv_id and not force:
        old = lib.records([target.resolved_id]).get(target.resolved_id)
        key = f" (exported as {target.citekey})" if target.citekey else ""
        raise InputError(
            f"entry {target.id} is already resolved to {target.resolved_id}{key}: "
            f"{old.title if old else target.digest_title}; pin --force replaces it"
        )
    record = lib.records([ref.arxiv_id]).get(ref.arxiv_id)
    if record is None:
        record = svc.arxiv().fetch([ref.arxiv_id]).get(ref.arxiv_id)
    if record is None:
        raise InputError(f"arXiv has no paper {ref.arxiv_id}")
    lib.pin(target.id, record, ref.version)
    return target.id, record
