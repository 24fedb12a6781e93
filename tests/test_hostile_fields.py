"""Huge or hostile field values are cut at a documented cap with a marker and a warning, and
every control and bidi-override character is gone before anything is stored or written."""

from __future__ import annotations

import json
import logging
import re

import pytest

from conftest import DATA
from paper2bib.limits import CAPS, MARKER, clean, clean_record
from paper2bib.models import Paper, Record
from paper2bib.resolver.feed import parse_feed
from paper2bib.scholar.published import parse_dblp_bibtex
from paper2bib.writers import render

CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _feed(title: str, author: str, summary: str) -> bytes:
    feed = (DATA / "arxiv-feed-1605.08386.xml").read_text(encoding="utf-8")
    feed = feed.replace("Heat-bath random walks with Markov bases", title)
    feed = feed.replace("Caprice Stanley", author)
    feed = re.sub(r"<summary>.*?</summary>", f"<summary>{summary}</summary>", feed, flags=re.S)
    return feed.encode("utf-8")


def test_an_arxiv_answer_with_controls_and_a_huge_title_is_cleaned_and_cut(caplog):
    caplog.set_level(logging.WARNING)
    title = "Spoof \u202etxt.exe\u202c title\u0085 " + "long " * 200_000  # 1 MB
    (record,) = parse_feed(_feed(title, "Eve\u2066 Attacker", "An\u0080 abstract\u009b with C1")).records
    assert len(record.title) == CAPS["title"] and record.title.endswith(MARKER)
    assert record.title.startswith("Spoof txt.exe title ")
    assert record.authors[0] == "Eve Attacker" and record.summary == "An abstract with C1"
    assert "arXiv:1605.08386: title is 1,000,0" in caplog.text and "cut at 1,000" in caplog.text


def test_a_dblp_record_with_a_huge_booktitle_is_cut():
    bib = (
        "@inproceedings{DBLP:conf/x/Y24,\n author = {A B},\n title = {T},\n booktitle = {"
        + "B" * 1_000_000
        + "},\n year = {2024}\n}\n"
    )
    version = parse_dblp_bibtex(bib, "conf/x/Y24")
    assert version is not None and len(version.venue) == CAPS["venue"] and version.venue.endswith(MARKER)


def test_clean_keeps_what_is_fine_and_is_idempotent():
    text = "Ångström — ∑ ℵ with a tab\there, LRM\u200e and ZWJ\u200d kept"
    assert clean(text, "title") == "Ångström — ∑ ℵ with a tab here, LRM\u200e and ZWJ\u200d kept"
    assert clean(clean(text, "title"), "title") == clean(text, "title")
    r = Record("2401.00001", 1, "Fine", ("A B",), "S", "2024-01-01")
    assert clean_record(r) is r


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex", "csl-json"])
def test_outputs_of_cleaned_records_hold_no_control_or_bidi_characters(fmt):
    raw = Record(
        "2401.00001", 1, "Title \u202eevil\u202c \x1b[31m", ("Ann\u0085 Author", "B\u2067 C"), "Abs\u0000tract", "2024-01-01",
        comment="c\u009bomment", journal_ref="J\u202a. Ref",
    )  # fmt: skip
    text = render(fmt, [Paper(clean_record(raw), "author2024title", ())], abstracts=True)
    assert not CONTROLS.search(text.replace("\n", "").replace("\t", ""))
    if fmt == "csl-json":
        assert json.loads(text)[0]["title"] == "Title evil [31m"


def test_verbatim_tex_keeps_its_words():
    from paper2bib.text import latex_to_unicode

    assert latex_to_unicode(r"Parsing \verb|x_y| fast") == r"Parsing \verb|x_y| fast"  # was "Parsing \verb fast"
    assert latex_to_unicode(r"\input{secret.txt}") == r"\input{secret.txt}"  # shown, never read


@pytest.mark.latex
@pytest.mark.pandoc
def test_pandoc_to_pdflatex_compiles_records_that_held_controls_and_a_huge_title(tmp_path):
    from conftest import require_tool, run

    require_tool("pandoc")
    require_tool("pdflatex")
    raw = Record(
        "2401.00001", 1, "Spoof \u202etxt.exe\u202c and \u0085C1\u009b " + "word " * 50_000, ("Ann\u0085 Author",),
        "Abs\u0000tract", "2024-01-01",
    )  # fmt: skip
    (tmp_path / "refs.json").write_text(render("csl-json", [Paper(clean_record(raw), "a2024", ())]), encoding="utf-8")
    (tmp_path / "doc.md").write_text("---\nbibliography: refs.json\nnocite: '@*'\n---\n")
    made = run(["pandoc", "--citeproc", "-s", "--to", "latex", "-o", "doc.tex", "doc.md"], tmp_path)
    assert made.returncode == 0, made.stderr
    compiled = run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], tmp_path, timeout=120)
    assert compiled.returncode == 0, compiled.stdout[-2000:]
    tex = (tmp_path / "doc.tex").read_text(encoding="utf-8")
    assert (
        "Spoof Txt.exe and {C1} Word" in tex and "\u202e" not in tex and "\x85" not in tex
    )  # title-cased by the style


@pytest.mark.parametrize(
    "tex, shown",
    [
        (r"\foo{bar} baz", r"\foo{bar} baz"),  # was "\foobar baz": the braces of an unknown macro's group kept
        (r"\href{https://evil.example}{click}", r"\href{https://evil.example}{click}"),  # was "hrefhttps://…click"
        (r"\input{secret.txt}", r"\input{secret.txt}"),
        (r"\textbf{Bold} and \'e", "Bold and é"),  # known TeX still reads as text
    ],
)
def test_tex_that_is_not_text_stays_visible_as_written(tex, shown):
    from paper2bib.text import latex_to_unicode

    assert latex_to_unicode(tex) == shown


def test_a_dblp_record_whose_url_is_not_a_web_link_loses_the_url(caplog):
    bib = "@inproceedings{DBLP:conf/x/Y24,\n author = {A B},\n title = {T},\n booktitle = {B},\n year = {2024},\n url = {javascript:alert(1)}\n}\n"
    version = parse_dblp_bibtex(bib, "conf/x/Y24")
    assert version is not None and version.url is None
    assert "DBLP conf/x/Y24: its url dropped (not a web link (javascript scheme))" in caplog.text


def test_a_bib_key_with_a_bidi_override_is_not_written():
    """A user's .bib key is kept when it can be written; one carrying an override is made anew."""
    from dataclasses import replace

    from paper2bib.commands.papers import bib_keys
    from paper2bib.store import StoredEntry
    from paper2bib.texfiles import valid_key

    assert valid_key("cui2024learning") and valid_key("Müller:2024")
    assert not valid_key("evil\u202egnp") and not valid_key("a\u0085b") and not valid_key("a}b")
    base = StoredEntry(
        1, "T", None, None, None, "refs.bib", 0, "resolved", 1.0, "", (), "2401.00001", 1, False, (), None, None
    )
    good = replace(base, bib_key="cui2024learning")
    bad = replace(base, id=2, resolved_id="2401.00002", bib_key="evil\u202egnp")
    assert bib_keys([good, bad]) == {"2401.00001": "cui2024learning"}


def test_an_entry_read_from_a_digest_is_clean(tmp_path):
    from paper2bib.commands.parse import parse_files
    from paper2bib.config import load_settings
    from paper2bib.services import Services

    listing = tmp_path / "list.md"
    listing.write_text("# Papers\n\n- Spoof \u202etxt.exe\u202c title\u0085 here https://arxiv.org/abs/2401.00001\n")
    (entry,) = parse_files(Services(load_settings()), [str(listing)])
    assert entry.title == "Spoof txt.exe title here"


def test_a_string_chain_is_measured_not_expanded(caplog):
    from paper2bib.digest.bibfile import read_fields, split_bib

    text = "@string{a0 = {x}}\n" + "".join(f"@string{{a{i} = a{i - 1} # a{i - 1}}}\n" for i in range(1, 19))
    text += "@misc{k, title = a18}\n@misc{ok, title = {Fine}}\n"
    fields = read_fields(text, split_bib(text))
    assert fields[0] is None and fields[1]["title"] == "Fine"  # the entry using it is left as it is
    assert "@string a17 would expand to 131,072 characters (and 1 more that use it): not expanded" in caplog.text
