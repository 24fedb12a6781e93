"""Resolving entries to arXiv records with as few requests as possible.

1. Entries that name an id: ``id_list`` look-ups, 100 ids a request.
2. Entries with a title: several titles a request (OR-ed ``ti:"…"`` phrases, the
   title's runs of plain words).
3. What is still open and has an abstract (renamed papers, TeX titles): several
   distinctive abstract phrases a request (OR-ed ``abs:"…"``).
4. What is still open: a few of the title's content words in either number, or the
   coined name before its colon (plurals, dropped articles, earlier titles).

Each entry is decided on everything its searches found so far; an entry is final when
it is resolved or no later search applies to it. A digest that resolves on its titles
costs no more requests than that.

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
from .queries import abstract_terms, search_query, title_terms, word_terms

OnBatch = Callable[[list[tuple[int, Resolution]], list[Record]], None]


@dataclass
class Resolver:
    """Resolves entries through an :class:`ArxivClient`.

    :param batch: entries' searches per search request.
    :param max_pages: pages fetched per search at most (a page is ``client.page_size``).
    :param max_query_chars: characters of search terms per request at most (a longer
        URL risks HTTP 414).
    """

    client: ArxivClient
    batch: int = 10
    max_pages: int = 3
    max_query_chars: int = 2000

    def resolve(self, entries: Sequence[Entry], on_batch: OnBatch | None = None) -> list[Resolution]:
        """A resolution for every entry, in order. Raises ``ArxivUnavailable`` if arXiv stays down."""
        out: dict[int, Resolution] = {}

        def emit(results: list[tuple[int, Resolution]], records: list[Record]) -> None:
            out.update(results)
            if on_batch:
                on_batch(results, records)

        by_id = [i for i, e in enumerate(entries) if e.arxiv_id]
        titles = {i: title_terms(e.title) for i, e in enumerate(entries) if not e.arxiv_id and not e.aside}
        for i, e in enumerate(entries):
            if e.aside and not e.arxiv_id:
                out[i] = Resolution("unresolved", why=f"kept aside, not sent to arXiv: {e.aside}")
            elif not e.arxiv_id and not titles[i]:
                out[i] = Resolution("unresolved", why="the entry has neither an arXiv id nor a title")

        if out and on_batch:
            on_batch(list(out.items()), [])
        self._by_id(entries, by_id, emit)
        self._by_text(entries, {i: t for i, t in titles.items() if t}, emit)
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

    def _by_text(self, entries: Sequence[Entry], titles: dict[int, str], emit: Callable) -> None:
        """The searches, in order, for the entries with title searches (by index); each
        entry is decided on everything found for it so far."""
        idx = list(titles)
        searches: list[dict[int, str | None]] = [
            {**titles},
            {i: abstract_terms(entries[i].abstract) for i in idx},
            {i: word_terms(entries[i].title) for i in idx},
        ]
        pools: dict[int, dict[str, Record]] = {i: {} for i in idx}
        still_open = list(idx)
        for k, terms in enumerate(searches):
            later = searches[k + 1 :]
            todo = [i for i in still_open if terms[i]]
            asked = set(todo)
            still_open = [i for i in still_open if i not in asked]
            for chunk, found in self._batches(todo, terms.get, emit):
                final: list[tuple[int, Resolution]] = []
                for i in chunk:
                    pools[i].update((r.arxiv_id, r) for r in found)
                    res = decide(entries[i], pools[i].values())
                    if res.status == "resolved" or not any(t[i] for t in later):
                        final.append((i, res))
                    else:
                        still_open.append(i)
                emit(final, [pools[i][r.arxiv_id] for i, r in final if r.arxiv_id])

    def _batches(
        self, idx: list[int], terms: Callable[[int], str | None], emit: Callable
    ) -> Iterator[tuple[list[int], list[Record]]]:
        """(entries, the records their batched search found), batch after batch."""
        for batch in _chunks_by_terms(idx, terms, self.batch, self.max_query_chars):
            yield from self._searches(batch, terms, emit)

    def _searches(
        self, chunk: list[int], terms: Callable[[int], str | None], emit: Callable
    ) -> Iterator[tuple[list[int], list[Record]]]:
        """The search results of a chunk of entries; if arXiv rejects the batched query
        (HTTP 4xx), each entry is asked alone, and one whose own query is rejected is
        marked unresolved with the reason — the rest of the digest goes on."""
        asked = list(dict.fromkeys(t for i in chunk if (t := terms(i))))
        try:
            yield chunk, self._search(search_query(asked))
        except ArxivQueryError as e:
            if len(asked) > 1:
                for i in chunk:
                    yield from self._searches([i], terms, emit)
            else:
                emit([(i, Resolution("unresolved", why=f"arXiv cannot search for this entry: {e}")) for i in chunk], [])


def _chunks_by_terms(idx: list[int], terms: Callable[[int], str | None], size: int, max_chars: int) -> list[list[int]]:
    """Entries grouped so that each group has at most ``size`` distinct searches, and
    (unless one search alone is longer) at most ``max_chars`` characters of them."""
    chunks: list[list[int]] = []
    asked: set[str] = set()
    chars = 0
    for i in idx:
        t = terms(i)
        if t is None:
            continue
        if not chunks or (t not in asked and (len(asked) >= size or chars + len(t) > max_chars)):
            chunks.append([])
            asked, chars = set(), 0
        chunks[-1].append(i)
        if t not in asked:
            asked.add(t)
            chars += len(t) + 4
    return chunks
