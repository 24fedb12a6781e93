"""Link extraction and classification (mappings/url-kinds.toml)."""

from __future__ import annotations

import pytest

from conftest import SEED
from paper2bib.digest import parse_file
from paper2bib.links import classify, clean_url, extract_links


def test_seed_listing_has_26_links_on_26_entries():
    entries = parse_file(str(SEED))
    with_links = [e for e in entries if e.links]
    assert len(with_links) == 26
    assert sum(len(e.links) for e in entries) == 26
    urls = {link.url: link.kind for e in entries for link in e.links}
    assert urls["https://github.com/volcengine/verl"] == "code"  # "...verl." at a sentence end
    assert urls["https://github.com/Thisisus7/ING-VP"] == "code"  # "...ING-VP.git."
    assert urls["https://happyeureka.github.io/damcs"] == "project"
    assert urls["https://chenweize1998.github.io/optima-project-page"] == "project"  # "(…)."
    assert urls["https://github.com/MoE-Inf/awesome-moe-inference"] == "code"  # ".../."
    assert urls["https://sites.google.com/view/fightladder/home"] == "project"
    assert urls["https://yongchao98.github.io/MIT-REALM-Multi-Robot/"] == "project"
    assert sorted(set(urls.values())) == ["code", "project"]
    assert sum(1 for k in urls.values() if k == "code") == 19


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Code: github.com/owner/repo.", [("https://github.com/owner/repo", "code")]),
        ("(see https://gitlab.com/a/b)", [("https://gitlab.com/a/b", "code")]),
        (r"at \url{https://codeberg.org/x/y}.", [("https://codeberg.org/x/y", "code")]),
        ("https://bitbucket.org/x/y.git,", [("https://bitbucket.org/x/y", "code")]),
        ("https://huggingface.co/meta-llama/Llama-3-8B", [("https://huggingface.co/meta-llama/Llama-3-8B", "model")]),
        ("huggingface.co/datasets/openai/gsm8k;", [("https://huggingface.co/datasets/openai/gsm8k", "dataset")]),
        ("demo: https://huggingface.co/spaces/a/b!", [("https://huggingface.co/spaces/a/b", "demo")]),
        ("https://www.youtube.com/watch?v=abc123.", [("https://www.youtube.com/watch?v=abc123", "video")]),
        ("https://example.org/project/page/", [("https://example.org/project/page/", "project")]),
        ("https://en.wikipedia.org/wiki/Foo_(bar))", [("https://en.wikipedia.org/wiki/Foo_(bar)", "project")]),
        ("HTTPS://GitHub.com/Owner/Repo", [("https://github.com/Owner/Repo", "code")]),
        ("no links here, e.g. or i.e. or v1.2", []),
        ("twice: github.com/a/b and https://github.com/a/b.", [("https://github.com/a/b", "code")]),
    ],
)
def test_extract_and_classify(text, expected):
    assert [(link.url, link.kind) for link in extract_links(text)] == expected


def test_arxiv_urls_are_papers_not_project_pages():
    assert classify("https://arxiv.org/abs/2409.19256") == "paper"


def test_clean_url_keeps_balanced_parentheses_and_query():
    assert clean_url("https://a.org/x_(y)?q=1).") == "https://a.org/x_(y)?q=1"


def test_urls_python_cannot_split_are_skipped_not_fatal():
    from paper2bib.models import Link

    assert extract_links("see https://[github.com/x, http://a.com:99999/x and https://github.com/a/b") == (
        Link("https://github.com/a/b", "code"),
    )
