"""Zotero sync: library papers → Zotero ``preprint`` items, through the Web API (pyzotero)."""
