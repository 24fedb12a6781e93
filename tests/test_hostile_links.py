"""Links that are not web links never reach a file or Zotero: a Hub record or an abstract with
``javascript:``, ``file:``, ``data:``, credentials, controls or an RTL override is dropped with
a warning, and nothing of it is written or attached."""

from __future__ import annotations

import json
import logging

import pytest

from paper2bib.hub.sources import entry_from_paper, hub_links
from paper2bib.links import MAX_URL, attached, extract_links, not_a_web_link
from paper2bib.models import Link, Paper, Record
from paper2bib.writers import render
from paper2bib.zotero.items import link_attachment

HOSTILE = [
    "javascript:alert(document.cookie)",
    "file:///etc/passwd",
    "data:text/html,<script>alert(1)</script>",
    "https://github.com/evil/\u202egnp.exe",  # right-to-left override: reads as exe.png
    "https://user:secret@github.com/evil/repo",
    "https://github.com/evil/re\u0000po",
    "https://github.com/evil/repo\u0085x",  # C1 control
    "https://github.com/" + "a" * MAX_URL,
    "vbscript:msgbox",
    "https://github.com/evil/\u2066repo\u2069",  # bidi isolates
]


@pytest.mark.parametrize("url", HOSTILE)
def test_a_link_that_is_not_a_web_link_is_refused(url):
    assert not_a_web_link(url) is not None


@pytest.mark.parametrize(
    "url", ["https://github.com/FLAIROx/JaxMARL", "http://example.org/proj?x=1#y", "https://例え.jp/page"]
)
def test_web_links_pass(url):
    assert not_a_web_link(url) is None


@pytest.mark.parametrize("url", HOSTILE)
def test_a_hub_record_with_a_hostile_link_keeps_its_paper_and_drops_the_link(url, caplog):
    caplog.set_level(logging.WARNING)
    paper = {"id": "2401.00001", "title": "A paper", "summary": "An abstract.", "githubRepo": url, "projectPage": url}
    entry = entry_from_paper(paper, "hf:2401.00001", 0)
    assert entry is not None and entry.arxiv_id == "2401.00001"
    assert [link.url for link in entry.links] == []
    assert "dropped a link from Hugging Face that is not safe to write" in caplog.text
    assert "\u202e" not in caplog.text and ":secret@" not in caplog.text


def test_hub_links_keep_the_good_ones():
    out = hub_links((), "javascript:alert(1)", "https://example.org/proj")
    assert [(link.url, link.kind) for link in out] == [("https://example.org/proj", "project")]


def test_abstract_links_with_bidi_characters_are_dropped():
    text = "Code: https://github.com/evil/\u202egnp.exe and https://github.com/good/repo."
    assert [link.url for link in extract_links(text)] == ["https://github.com/good/repo"]


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex", "csl-json"])
def test_a_library_holding_hostile_links_writes_none_of_them(fmt):
    """A library written by an older version may hold such links: the writers drop them too."""
    record = Record(
        "2401.00001", 1, "A paper", ("Ann Author",), "An abstract.", "2024-01-02", "2024-01-02", "cs.LG", ("cs.LG",)
    )
    links = (*(Link(u, "code") for u in HOSTILE), Link("https://github.com/good/repo", "code"))
    text = render(fmt, [Paper(record, "author2024paper", links)], abstracts=True)
    for url in HOSTILE:
        assert url not in text and url[:20] not in text.replace("https://github.com/good/repo", "")
    assert "https://github.com/good/repo" in text
    if fmt == "csl-json":
        json.loads(text)
    assert attached(links) == [Link("https://github.com/good/repo", "code")]


def test_no_zotero_attachment_for_a_hostile_link():
    from paper2bib.zotero.index import ZoteroIndex
    from paper2bib.zotero.plan import children_for

    record = Record(
        "2401.00001", 1, "A paper", ("Ann Author",), "An abstract.", "2024-01-02", "2024-01-02", "cs.LG", ("cs.LG",)
    )
    links = (*(Link(u, "code") for u in HOSTILE), Link("https://github.com/good/repo", "code"))
    children = children_for(Paper(record, "author2024paper", links), "PARENT", ZoteroIndex({}), set())
    assert [(ref, obj) for _, ref, obj in children] == [
        ("https://github.com/good/repo", link_attachment(Link("https://github.com/good/repo", "code"), "PARENT"))
    ]
