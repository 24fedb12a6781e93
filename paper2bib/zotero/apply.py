"""Writing a sync's plan to Zotero: batches of 50, each confirmed before it is remembered.

A write whose answer is lost (dropped connection, 5xx) may have been committed: before
writing again, what changed since the library version seen before the write is read
(``?since=``) and what is already there is dropped. An update refused with 412 (changed
in Zotero since it was read) is read again, rebuilt and resent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import WriteUncertain, ZoteroError
from .client import MAX_WRITE, ZoteroClient
from .index import ZoteroIndex

log = logging.getLogger(__name__)
ROUNDS = 6  # tries for one batch whose outcome keeps being uncertain

Find = Callable[[str], "str | None"]


@dataclass
class _Job:
    """One :meth:`Writer.write`: the objects, their ids, how to find and rebuild them, what is done."""

    objects: list[dict[str, Any]]
    ids: list[str]
    find: Find
    rebuild: Callable[[str], dict[str, Any]] | None
    done: dict[int, str] = field(default_factory=dict)


class Writer:
    """Writes objects to one Zotero library, keeping ``index`` up to date with what it learns.

    ``failed`` collects, one line each, what could not be written; ``written_here`` the
    positions (in the last :meth:`write`) this run's own writes made.
    """

    def __init__(self, zc: ZoteroClient, index: ZoteroIndex):
        self.zc, self.index = zc, index
        self.failed: list[str] = []
        self.written_here: set[int] = set()

    def write(
        self,
        objects: list[dict[str, Any]],
        ids: list[str],
        find: Find,
        rebuild: Callable[[str], dict[str, Any]] | None = None,
    ) -> dict[int, str]:
        """Write ``objects`` in batches of 50; return index → item key for those now in Zotero.

        ``find(id)`` says whether an object is already in place after a re-read; ``rebuild(id)``
        makes an update anew after a 412. Objects Zotero rejects are reported in ``failed``.
        """
        job = _Job(objects, ids, find, rebuild)
        self.written_here = set()
        for start in range(0, len(objects), MAX_WRITE):
            pending = list(range(start, min(start + MAX_WRITE, len(objects))))
            for round_ in range(ROUNDS):
                # what a re-read showed is there already (made by another sync) is not sent
                job.done.update({i: key for i in pending if (key := find(ids[i]))})
                pending = [i for i in pending if i not in job.done]
                if not pending:
                    break
                pending = self._send(job, pending, round_)
            self.failed.extend(f"{ids[i]}: the write could not be confirmed" for i in pending)
        return job.done

    def _send(self, job: _Job, pending: list[int], round_: int) -> list[int]:
        """Send one batch; return the positions to send again."""
        seen = self.zc.version
        based = self.zc.has_read and not any("key" in job.objects[i] for i in pending)
        try:
            answer = self.zc.create_items([job.objects[i] for i in pending])
        except WriteUncertain as e:
            log.warning("Zotero: a write's outcome is unknown (%s); checking what arrived before writing again", e)
            self.zc.service.sleep(min(2**round_, 30) * self.zc.wait)
            self.index.absorb(self.zc.all_items(since=seen))
            still = []
            for i in pending:
                if key := job.find(job.ids[i]):
                    job.done[i] = key
                    # a creation sent on version ``seen`` that went through made exactly
                    # version seen + 1: an item of that version is this run's
                    if based and not e.refused and (self.index.by_key.get(key) or {}).get("version") == seen + 1:
                        self.written_here.add(i)
                else:
                    still.append(i)
            return still
        return self._answered(job, answer, pending, last=round_ == ROUNDS - 1)

    def _answered(self, job: _Job, answer: dict[str, Any], pending: list[int], last: bool) -> list[int]:
        """Take in Zotero's answer to a batch; return the positions to send again (412s rebuilt)."""
        for pos, obj in (answer.get("successful") or {}).items():
            job.done[pending[int(pos)]] = obj["key"]
            self.written_here.add(pending[int(pos)])
        for pos, key in (answer.get("unchanged") or {}).items():
            job.done[pending[int(pos)]] = key
        self.index.absorb(list((answer.get("successful") or {}).values()))
        rebuild = None if last else job.rebuild
        conflicts = []
        for pos, err in (answer.get("failed") or {}).items():
            i = pending[int(pos)]
            if err.get("code") == 412 and rebuild:
                conflicts.append(i)
            else:
                self.failed.append(f"{job.ids[i]}: {err.get('message', err)} (HTTP {err.get('code', '?')})")
        if conflicts and rebuild:  # changed in Zotero since we read it: read it again, rebuild, resend
            self.index.absorb(self.zc.items_by_key([job.objects[i]["key"] for i in conflicts]))
            for i in conflicts:
                job.objects[i] = rebuild(job.ids[i])
        return [i for i in conflicts if not job.find(job.ids[i])]

    def replace(
        self, aid: str, item: dict[str, Any], updated: Find, update_of: Callable[[str], dict[str, Any] | None]
    ) -> str | None:
        """PUT one retyped item; after a conflict or a lost answer, re-read, re-merge, try again.
        The item key once Zotero holds the update, else None (reported in ``failed``)."""
        for _ in range(ROUNDS):
            try:
                if self.zc.replace_item(item):
                    return str(item["key"])
            except WriteUncertain:
                pass
            self.index.absorb(self.zc.items_by_key([item["key"]]))  # changed meanwhile, or perhaps written
            if key := updated(aid):
                return key
            item = update_of(aid) or {}
        self.failed.append(f"{aid}: its new item type could not be written")
        return None

    def create_collection(self, name: str) -> str:
        """Create the collection ``name`` (not found when the library was read); returns its key."""
        for _ in range(ROUNDS):
            try:
                answer = self.zc.create_collection(name)
            except WriteUncertain:  # it may exist now: look before creating again
                if key := self.find_collection(name):
                    return key
                # the library moved on since it was read: catch up, so the next try is based on it
                self.index.absorb(self.zc.all_items(since=self.zc.version))
                continue
            if answer.get("successful"):
                return str(next(iter(answer["successful"].values()))["key"])
            raise ZoteroError(f"Zotero refused to create the collection {name!r}: {answer.get('failed')}")
        raise ZoteroError(f"could not create the collection {name!r}; run the sync again")

    def find_collection(self, name: str) -> str | None:
        """The key of the (not deleted) collection called ``name``, if there is one."""
        for c in self.zc.collections():
            if c["data"].get("name") == name and not c["data"].get("deleted"):
                return str(c["key"])
        return None
