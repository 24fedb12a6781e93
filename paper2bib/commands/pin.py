"""``paper2bib pin``: settle an entry by hand as a given arXiv paper, or a DBLP record."""

from __future__ import annotations

from ..arxiv_ids import ArxivRef
from ..errors import InputError
from ..models import PUBLISHED_ONLY, PublishedCheck, Record
from ..scholar.published import parse_dblp_bibtex
from ..scholar.published_only import record_of
from ..services import Services
from ..store import StoredEntry


def _target(svc: Services, entry: str, paper_id: str, force: bool) -> StoredEntry:
    """The entry to pin; one resolved to another paper only with ``force``."""
    lib = svc.store
    target = lib.find_entry(entry)
    if target.status == "resolved" and target.resolved_id and target.resolved_id != paper_id and not force:
        old = lib.records([target.resolved_id]).get(target.resolved_id)
        key = f" (exported as {target.citekey})" if target.citekey else ""
        raise InputError(
            f"entry {target.id} is already resolved to {target.resolved_id}{key}: "
            f"{old.title if old else target.digest_title}; pin --force replaces it"
        )
    return target


def pin(svc: Services, entry: str, ref: ArxivRef, force: bool = False) -> tuple[int, Record]:
    """Settle ``entry`` (a number or a title) as the paper ``ref``: its record from the
    library, or from arXiv when the library does not have it yet. An entry resolved to
    another paper is only re-pinned with ``force``; its citation key moves with it."""
    lib = svc.store
    target = _target(svc, entry, ref.arxiv_id, force)
    record = lib.records([ref.arxiv_id]).get(ref.arxiv_id)
    if record is None:
        record = svc.arxiv().fetch([ref.arxiv_id]).get(ref.arxiv_id)
    if record is None:
        raise InputError(f"arXiv has no paper {ref.arxiv_id}")
    lib.pin(target.id, record, ref.version)
    return target.id, record


def pin_dblp(svc: Services, entry: str, dblp_key: str, force: bool = False) -> tuple[int, Record]:
    """Settle ``entry`` as the publication DBLP records under ``dblp_key`` (a paper not on
    arXiv): its record is read from DBLP, and the entry is exported as that publication."""
    if dblp_key.startswith("journals/corr/"):
        raise InputError(f"DBLP:{dblp_key} is DBLP's copy of an arXiv preprint: pin the arXiv id instead")
    target = _target(svc, entry, PUBLISHED_ONLY + dblp_key, force)
    _, dblp = svc.scholar()
    text = dblp.record_bibtex(dblp_key)
    pub = parse_dblp_bibtex(text, dblp_key) if text else None
    if pub is None:
        raise InputError(f"DBLP has no conference or journal paper {dblp_key}")
    record = record_of(pub)
    lib = svc.store
    lib.pin(target.id, record, 0)
    lib.store_published({record.arxiv_id: PublishedCheck("published", pub, f"pinned by hand: DBLP {dblp_key}")})
    return target.id, record
