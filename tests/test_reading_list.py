"""A reading list written from memory against (recorded) arXiv: found, and never wrong.

``tests/data/reading-list/reading-list.md`` holds 71 titles as people write them: plurals
and hyphens changed, articles dropped, unicode for TeX (``π0``, ``γ-MoD``, ``∞Bench``),
``H2O`` for ``H$_2$O``, titles of first versions, and titles that are not on arXiv.
The cassette was recorded from the arXiv stand-in serving the seed's records, the
reading list's (``records.json``) and synthetic near misses around both (``crowd.json``,
"Revisiting X", "X for Robotics", "X: A Survey", "X++: …", "X3: …").
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import vcr

from conftest import RECORD_ARXIV_URL, batch_body, vcr_options
from paper2bib.commands.add import add
from paper2bib.config import load_settings
from paper2bib.digest import parse_file
from paper2bib.services import Services

DATA = Path(__file__).parent / "data" / "reading-list"
CASSETTE = Path(__file__).parent.parent / "cassettes" / "test_reading_list" / "reading_list.yaml"


@pytest.fixture(scope="module")
def expected() -> dict[str, dict]:
    rows = json.loads((DATA / "reading-list.expected.json").read_text(encoding="utf-8"))["entries"]
    return {r["title"]: r for r in rows}


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    """Every entry of the reading list as ``add`` stores it, the add report, and the
    searches sent (recorded from the stand-in when PAPER2BIB_RECORD_ARXIV_URL is set)."""
    mode = "all" if RECORD_ARXIV_URL else "none"
    path = tmp_path_factory.mktemp("reading") / "library.sqlite"
    settings = load_settings(
        {"library": str(path), "arxiv_delay": 0, "lookup_published": False},
        env={"PAPER2BIB_CONFIG": str(path.with_suffix(".toml"))}
        | ({"PAPER2BIB_ARXIV_URL": RECORD_ARXIV_URL} if RECORD_ARXIV_URL else {}),
    )
    recorder = vcr.VCR(record_mode=mode, **vcr_options())
    recorder.register_matcher("batch_body", batch_body)
    with recorder.use_cassette(str(CASSETTE)) as cassette:
        with Services(settings) as svc:
            report = add(svc, parse_file(str(DATA / "reading-list.md")))
            stored = svc.store.entries()
        played = [r for i, r in enumerate(cassette.requests) if mode == "all" or cassette.play_counts[i]]
    sent = [parse_qs(urlsplit(r.uri).query)["search_query"][0] for r in played]
    return stored, report, sent


def test_the_list_is_the_one_expected(outcome, expected):
    stored, _, _ = outcome
    assert [e.digest_title for e in stored] == list(expected)


def test_no_title_is_matched_to_a_wrong_paper(outcome, expected):
    stored, _, _ = outcome
    wrong = [
        (e.digest_title, e.resolved_id)
        for e in stored
        if e.resolved_id and e.resolved_id != expected[e.digest_title]["arxiv_id"]
    ]
    assert wrong == []


def test_most_titles_on_arxiv_resolve(outcome, expected):
    stored, _, _ = outcome
    on_arxiv = [e for e in stored if expected[e.digest_title]["arxiv_id"]]
    resolved = [e for e in on_arxiv if e.status == "resolved"]
    assert len(resolved) / len(on_arxiv) >= 0.85, f"{len(resolved)}/{len(on_arxiv)}"
    # every title that is not an old version's (or renamed) resolves outright
    allowed = {t for t, x in expected.items() if x["ambiguous_allowed"] or x["miss_allowed"]}
    assert [e.digest_title for e in on_arxiv if e.status != "resolved" and e.digest_title not in allowed] == []


def test_an_ambiguous_title_shows_the_right_paper_first(outcome, expected):
    stored, _, _ = outcome
    ambiguous = [e for e in stored if e.status == "ambiguous"]
    assert ambiguous, "the old titles without an abstract are left for the user to confirm"
    for e in ambiguous:
        want = expected[e.digest_title]
        assert want["ambiguous_allowed"], e.digest_title
        assert e.candidates[0].arxiv_id == want["arxiv_id"], (e.digest_title, e.why)
        assert "pin it" in e.why


def test_titles_not_on_arxiv_stay_unresolved(outcome, expected):
    stored, _, _ = outcome
    absent = [e for e in stored if not expected[e.digest_title]["arxiv_id"]]
    assert len(absent) == 9
    assert {e.status for e in absent} == {"unresolved"}
    assert all("no arXiv title is this one" in e.why for e in absent)


def test_the_why_names_the_difference(outcome):
    stored, _, _ = outcome
    why = {e.digest_title: e.why for e in stored}
    assert "adds the name 'chatdev' before the colon" in why["Communicative Agents for Software Development"]
    assert "plural" in why["Tree of Thought: Deliberate Problem Solving with Large Language Models"]
    assert "small words a" in why["MetaGPT: Meta Programming for Multi-Agent Collaborative Framework"]
    assert "arXiv's title has 'qwen' and the digest's has 'qwen3'" in why["Qwen3 Technical Report"]


def test_searches_are_few_and_tex_free(outcome):
    """What is sent: titles by their plain words in batches, then word searches for the rest."""
    _, report, sent = outcome
    assert report.requests == len(sent) <= 12
    first, later = " ".join(sent[:8]), " ".join(sent[8:])
    # the runs of plain words, not the symbols: whatever arXiv's tokenizer does with them
    assert 'ti:"a vision language action flow model for general robot control"' in first
    assert 'ti:"exploring mixture of depth adaptation for multimodal large language models"' in first
    assert not any(c in first for c in "πγ∞^$\\")
    # a phrase missed for a plural: its words asked in either number
    assert '(ti:"instruction" OR ti:"instructions")' in later
    # an old title: the name before its colon
    assert 'ti:"jaxmarl"' in later
