"""Resolving entries to arXiv records with as few requests as possible.

1. Entries that name an id: ``id_list`` look-ups, 100 ids a request.
2. Entries with a title: several titles a request (OR-ed ``ti:"…"`` phrases).
3. What is still open and has an abstract (renamed papers, TeX titles): several
   distinctive abstract phrases a request (OR-ed ``abs:"…"``).

Each batch's outcome is handed to ``on_batch`` as soon as it is known, so a caller can
store it: if arXiv goes down half-way, what was resolved is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from ..errors import ArxivQueryError
from ..models import Entry, Record, Resolution
from .client import ArxivClient
from .matching import decide, decide_by_id
from .queries import abstract_phrase, abstract_query, title_phrase, title_query

OnBatch = Callable[[list[tuple[int, Resolution]], list[Record]], None]


@dataclass
class Resolver:
    """Resolves entries through an :class:`ArxivClient`.

    :param batch: titles or abstract phrases per search request.
    :param max_pages: pages fetched per search at most (a page is ``client.page_size``).
    """

    client: ArxivClient
    batch: int = 10
    max_pages: int = 3

    def resolve(self, entries: Sequence[Entry], on_batch: OnBatch | None = None) -> list[Resolution]:
        """A resolution for every entry, in order. Raises ``ArxivUnavailable`` if arXiv stays down."""
        out: dict[int, Resolution] = {}

        def emit(results: list[tuple[int, Resolution]], records: list[Record]) -> None:
            out.update(results)
            if on_batch:
                on_batch(results, records)

        by_id = [i for i, e in enumerate(entries) if e.arxiv_id]
        by_text = [i for i, e in enumerate(entries) if not e.arxiv_id and not e.aside and title_phrase(e.title)]
        for i, e in enumerate(entries):
            if e.aside and not e.arxiv_id:
                out[i] = Resolution("unresolved", why=f"kept aside, not sent to arXiv: {e.aside}")
            elif not e.arxiv_id and i not in by_text:
                out[i] = Resolution("unresolved", why="the entry has neither an arXiv id nor a title")

        if out and on_batch:
            on_batch(list(out.items()), [])
        self._by_id(entries, by_id, emit)
        leftovers, pools = self._by_title(entries, by_text, emit)
        self._by_abstract(entries, leftovers, pools, emit)
        return [out[i] for i in range(len(entries))]

    def _search(self, query: str) -> list[Record]:
        return self.client.search(query, max_results=self.client.page_size * self.max_pages)

    def _by_id(self, entries: Sequence[Entry], idx: list[int], emit: Callable) -> None:
        by_id: dict[str, list[int]] = {}
        for i in idx:
            by_id.setdefault(entries[i].arxiv_id or "", []).append(i)
        if not by_id:
            return
        for asked, found in self.client.fetch_batches(by_id):
            results = [(i, decide_by_id(entries[i], found.get(a))) for a in asked for i in by_id[a]]
            emit(results, [found[r.arxiv_id] for _, r in results if r.arxiv_id])

    def _batches(
        self, idx: list[int], phrase: Callable[[int], str | None], query: Callable[[list[str]], str], emit: Callable
    ) -> Iterator[tuple[list[int], list[Record]]]:
        """(entries, the records their batched search found), batch after batch."""
        for batch in _chunks_by_phrase(idx, phrase, self.batch):
            yield from self._searches(batch, phrase, query, emit)

    def _searches(
        self, chunk: list[int], phrase: Callable[[int], str | None], query: Callable[[list[str]], str], emit: Callable
    ) -> Iterator[tuple[list[int], list[Record]]]:
        """The search results of a chunk of entries; if arXiv rejects the batched query
        (HTTP 4xx), each entry is asked alone, and one whose own query is rejected is
        marked unresolved with the reason — the rest of the digest goes on."""
        phrases = list(dict.fromkeys(p for i in chunk if (p := phrase(i))))
        try:
            yield chunk, self._search(query(phrases))
        except ArxivQueryError as e:
            if len(phrases) > 1:
                for i in chunk:
                    yield from self._searches([i], phrase, query, emit)
            else:
                emit([(i, Resolution("unresolved", why=f"arXiv cannot search for this entry: {e}")) for i in chunk], [])

    def _by_title(self, entries: Sequence[Entry], idx: list[int], emit: Callable):
        leftovers: list[int] = []
        pools: dict[int, list[Record]] = {}
        for chunk, records in self._batches(idx, lambda i: title_phrase(entries[i].title), title_query, emit):
            final: list[tuple[int, Resolution]] = []
            for i in chunk:
                res = decide(entries[i], records)
                if res.status != "resolved" and abstract_phrase(entries[i].abstract):
                    leftovers.append(i)
                    pools[i] = records
                else:
                    final.append((i, res))
            emit(final, _chosen(final, records))
        return leftovers, pools

    def _by_abstract(
        self, entries: Sequence[Entry], idx: list[int], pools: dict[int, list[Record]], emit: Callable
    ) -> None:
        for chunk, found in self._batches(idx, lambda i: abstract_phrase(entries[i].abstract), abstract_query, emit):
            results, records = [], []
            for i in chunk:
                pool = {r.arxiv_id: r for r in pools.get(i, [])} | {r.arxiv_id: r for r in found}
                res = decide(entries[i], pool.values())
                results.append((i, res))
                if res.arxiv_id:
                    records.append(pool[res.arxiv_id])
            emit(results, records)


def _chunks_by_phrase(idx: list[int], phrase: Callable[[int], str | None], size: int) -> list[list[int]]:
    """Entries grouped so that each group has at most ``size`` distinct phrases."""
    chunks: list[list[int]] = []
    phrases: set[str] = set()
    for i in idx:
        p = phrase(i)
        if p is None:
            continue
        if not chunks or (p not in phrases and len(phrases) >= size):
            chunks.append([])
            phrases = set()
        chunks[-1].append(i)
        phrases.add(p)
    return chunks


def _chosen(results: list[tuple[int, Resolution]], records: list[Record]) -> list[Record]:
    want = {r.arxiv_id for _, r in results if r.arxiv_id}
    return [r for r in records if r.arxiv_id in want]
