"""Saved arXiv pages — a listing and search results — read from their fields: the title,
authors, abstract and the links in the comments, not the text around the ``/abs/`` links.
The markup follows arxiv.org's (single-quoted classes in listings, ``li.arxiv-result`` in search)."""

from __future__ import annotations

from pathlib import Path

from paper2bib.digest import detect_format, parse_text

DATA = Path(__file__).parent / "data"

SEARCH = """<!DOCTYPE html><html><head><title>Search | arXiv e-print repository</title></head><body>
<h1 class="title is-clearfix">Showing 1&ndash;2 of 2 results for all: <span class="mathjax">tracking</span></h1>
<ol class="breathe-horizontal" start="1">
<li class="arxiv-result">
  <div class="is-marginless">
    <p class="list-title is-inline-block"><a href="https://arxiv.org/abs/2412.01234">arXiv:2412.01234</a>
      <span>&nbsp;[<a href="https://arxiv.org/pdf/2412.01234">pdf</a>, <a href="https://arxiv.org/format/2412.01234">other</a>]&nbsp;</span></p>
    <div class="tags is-inline-block"><span class="tag is-small is-link tooltip is-tooltip-top">cs.CV</span></div>
  </div>
  <p class="title is-5 mathjax">Video Diffusion Models Are Strong Zero-Shot <span class="search-hit mathjax">Trackers</span></p>
  <p class="authors"><span class="search-hit">Authors:</span> <a href="/search/?searchtype=author&amp;query=Doe%2C+J">Jane Doe</a>, <a href="/search/?searchtype=author&amp;query=Roe%2C+R">Richard Roe</a></p>
  <p class="abstract mathjax"><span class="search-hit">Abstract</span>:
    <span class="abstract-short has-text-grey-dark mathjax" id="2412.01234v2-abstract-short">We show that video&hellip; <a class="is-size-7">&#9661; More</a></span>
    <span class="abstract-full has-text-grey-dark mathjax" id="2412.01234v2-abstract-full" style="display: none;">We show that video diffusion models track objects without training. <a class="is-size-7">&#9651; Less</a></span></p>
  <p class="comments is-size-7"><span class="has-text-black-bis has-text-weight-semibold">Comments:</span>
    <span class="has-text-grey-dark mathjax">Code: <a href="https://github.com/doe/vdt">this https URL</a></span></p>
</li>
<li class="arxiv-result">
  <div class="is-marginless"><p class="list-title is-inline-block"><a href="https://arxiv.org/abs/hep-th/9901001v3">arXiv:hep-th/9901001</a></p></div>
  <p class="title is-5 mathjax">An Old Paper on Strings</p>
  <p class="authors"><span class="search-hit">Authors:</span> <a href="/search/?query=X">A. Old</a></p>
</li>
</ol></body></html>"""


def test_an_arxiv_listing_gives_each_paper_its_title_abstract_and_comment_links():
    text = (DATA / "arxiv-listing.html").read_text(encoding="utf-8")
    assert detect_format(text) == "html"
    entries = parse_text(text, "new.html")
    assert [(e.arxiv_id, e.title) for e in entries] == [
        ("2412.01234", "Video Diffusion Models Are Strong Zero-Shot Trackers"),
        ("2412.01240", r"Sparse Voxels for Real-Time $\mathcal{O}(n)$ Rendering"),
    ]
    assert entries[0].abstract == "We show that video diffusion models track objects without training."
    assert entries[0].authors == ("Jane Doe", "Richard Roe")
    assert [(link.url, link.kind) for link in entries[0].links] == [("https://example.github.io/vdt", "project")]
    assert entries[1].abstract is None and entries[1].links == ()


def test_arxiv_search_results_give_the_full_abstract_and_versions():
    entries = parse_text(SEARCH, "search.html")
    assert [(e.arxiv_id, e.version, e.title) for e in entries] == [
        ("2412.01234", None, "Video Diffusion Models Are Strong Zero-Shot Trackers"),
        ("hep-th/9901001", 3, "An Old Paper on Strings"),
    ]
    assert entries[0].abstract == "We show that video diffusion models track objects without training."
    assert entries[0].authors == ("Jane Doe", "Richard Roe")
    assert [link.url for link in entries[0].links] == ["https://github.com/doe/vdt"]
