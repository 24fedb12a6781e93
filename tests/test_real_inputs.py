"""The parser on real inputs (tests/data/real): references found, none invented.

The corpus (tests/data/real/README.md names every file's source): awesome lists in many layouts
(authors and venues after titles, tables of papers, PDFs kept beside the list, lists of other
lists), researcher pages on Jon Barron's template, reading lists as paragraphs and numbered
references, paper notes with front matter and callouts, a page clipped from Hugging Face, an
assistant's "works cited", news digests, thesis bibliographies, and files that name no paper.
"""

from __future__ import annotations

import re

import pytest
from real_corpus import inputs, score

FILES = inputs()


def test_the_corpus_has_every_kind_of_input():
    assert len(FILES) >= 41
    real = [p for p in FILES if not score(p).expected["source"].startswith("written for this corpus")]
    assert len(real) >= 37  # from public repositories, by other authors
    assert {p.suffix for p in FILES} >= {".md", ".txt", ".bib", ".html"}


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_reference_is_found_with_its_title(path):
    s = score(path)
    assert s.missed == [], f"missed in {s.name}"
    assert s.wrong_titles == []


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_no_spurious_entry(path):
    assert score(path).spurious == []


def test_totals_meet_the_targets():
    """≥ 99 % of the arXiv ids, no wrong id, ≥ 95 % of the papers without one by their exact
    title, at most one junk entry a file, no file aborted (score() raises if one does)."""
    scores = [score(p) for p in FILES]
    assert sum(s.ids_found for s in scores) >= 0.99 * sum(s.ids_true for s in scores)
    assert [w for s in scores for w in s.wrong_ids] == []
    assert sum(s.titles_found for s in scores) >= 0.95 * sum(s.titles_true for s in scores)
    assert max(len(s.spurious) for s in scores) <= 1


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_links_are_those_of_the_reference(path):
    s = score(path)
    links = {e.arxiv_id: [link.url for link in e.links if link.kind != "paper"] for e in s.entries if e.arxiv_id}
    for arxiv_id, want in s.expected.get("links", {}).items():
        assert links[arxiv_id] == want
    for e in s.entries:  # never leftovers of a URL, a tag or a badge as a title ("< 1MB" is a title's own)
        assert e.title is None or not any(bit in e.title for bit in ("http", "://", "](", "✅", "💡"))
        assert e.title is None or not re.search(r"<[a-zA-Z/!]", e.title)


def test_bibliography_keys_and_kept_aside():
    (path,) = [p for p in FILES if p.suffix == ".bib" and "kept_aside" in score(p).expected]
    s = score(path)
    assert [e.key for e in s.entries] == [r[2] for r in s.expected["references"]]
    assert [e.key for e in s.entries if e.aside] == s.expected["kept_aside"]
