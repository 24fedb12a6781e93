"""What reads of a Zotero library showed, indexed for a sync: items by arXiv id and by key,
the children under each item, the trash. Pure: it only takes the API's items."""

from __future__ import annotations

from typing import Any

from .items import COMMENT_MARKER, arxiv_ids_of


class ZoteroIndex:
    """The top-level items of a Zotero library by the arXiv ids they name, and their children.

    :param known: arXiv id → the item key an earlier sync made or linked; such an item is
        preferred over look-alike items (and the mapping grows as the sync creates items).
    """

    def __init__(self, known: dict[str, str]):
        self.known = known
        self.by_id: dict[str, dict[str, Any]] = {}  # arXiv id → item data (top-level)
        self.by_key: dict[str, dict[str, Any]] = {}  # item key → item data (top-level)
        self.child_refs: dict[str, set[str]] = {}  # parent key → refs (URLs, "note:comment")
        self.trashed: set[str] = set()  # keys of items seen in the trash

    def absorb(self, items: list[dict[str, Any]]) -> None:
        """Index items (as the API returns them) by arXiv id and by parent."""
        for it in sorted(items, key=lambda x: (x["data"].get("dateAdded") or "", x["key"])):
            data = it["data"]
            if data.get("deleted"):
                self.trashed.add(it["key"])
            elif data.get("parentItem"):
                self._absorb_child(data)
            elif data.get("itemType") not in ("attachment", "note", "annotation"):
                self._absorb_item(data)

    def _absorb_child(self, data: dict[str, Any]) -> None:
        refs = self.child_refs.setdefault(data["parentItem"], set())
        if data.get("itemType") == "attachment" and data.get("url"):
            refs.add(data["url"])
        elif data.get("itemType") == "note" and COMMENT_MARKER in (data.get("note") or ""):
            refs.add("note:comment")

    def _absorb_item(self, data: dict[str, Any]) -> None:
        self.by_key[data["key"]] = data
        self.trashed.discard(data["key"])
        for aid in arxiv_ids_of(data):
            current = self.by_id.get(aid)
            # the item we made before wins; otherwise the oldest (sorted above)
            if current is None or (self.known.get(aid) == data["key"] and current["key"] != data["key"]):
                self.by_id[aid] = data
            elif current["key"] == data["key"]:
                self.by_id[aid] = data  # a newer version of the same item

    def current(self, aid: str) -> dict[str, Any] | None:
        """Zotero's data of the item of ``aid``, as last read."""
        key = self.known.get(aid)
        return self.by_key.get(key) if key else self.by_id.get(aid)

    def key_of(self, aid: str) -> str | None:
        """The key of the item that names ``aid``, if one was read."""
        return (self.by_id.get(aid) or {}).get("key")
