"""Nothing the paper says is lost: every exported title, author and abstract decodes back to arXiv's text.

Each format is read back with an independent reader — bibtexparser + pylatexenc's default
TeX-to-text for BibTeX and biblatex, the JSON for CSL-JSON and Zotero items — and compared
with arXiv's text after TeX → unicode: every word and symbol must be there, in order.
"""

from __future__ import annotations

import json
import re
import unicodedata

import bibtexparser
import pytest
from bibtexparser.bparser import BibTexParser
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from conftest import nasty_records, record_from_json, require_tool, run
from paper2bib.citekeys import assign_keys
from paper2bib.models import Paper, Record
from paper2bib.text import latex_to_unicode
from paper2bib.writers import render
from paper2bib.zotero.items import creator, preprint


def _reader() -> LatexNodes2Text:
    """pylatexenc's TeX-to-text, taught the three LaTeX text symbols it does not know
    (it prints nothing for ``\\textbraceleft``, which LaTeX prints as ``{``)."""
    db = get_default_latex_context_db()
    db.add_context_category(
        "text-symbols",
        prepend=True,
        macros=[
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textasciicircum", "^"),
        ],
    )
    return LatexNodes2Text(latex_context=db, math_mode="text", strict_latex_spaces=False)


_READER = _reader()


def _records(seed_records) -> list[Record]:
    return [record_from_json(d) for d in seed_records] + nasty_records()


def _papers(records: list[Record]) -> list[Paper]:
    keys = assign_keys(records, {})
    return [Paper(r, keys[r.arxiv_id]) for r in records]


def _norm(text: str) -> str:
    """What a reader sees: unicode folded, LaTeX's look-alike glyphs mapped back."""
    text = re.sub(r"\[U\+([0-9A-F]{4,6})\]", lambda m: chr(int(m.group(1), 16)), text)
    text = text.replace("\u02c6", "^").replace("\u00a0", " ").replace("\u2039", "<")
    for tex, glyph in (
        ("``", '"'),
        ("''", '"'),
        ("\u201c", '"'),
        ("\u201d", '"'),
        ("\u2018", "'"),
        ("\u2019", "'"),
        ("`", "'"),
        ("---", "\u2014"),
        ("--", "\u2013"),
    ):
        text = text.replace(tex, glyph)
    return unicodedata.normalize("NFKC", text)


def _symbols(text: str) -> list[str]:
    """Words and single symbols, in order."""
    return re.findall(r"\w+|[^\w\s]", _norm(text))


def _in_order(expected: list[str], got: list[str]) -> bool:
    it = iter(got)
    return all(any(g == e for g in it) for e in expected)


def _assert_faithful(arxiv_text: str, exported_as_text: str, what: str, case: bool = True) -> None:
    """Every word and symbol of ``arxiv_text`` in ``exported_as_text``, in order (up to case
    where the output changes it on purpose: CSL titles are in sentence case)."""
    want = _symbols(latex_to_unicode(arxiv_text) if case else latex_to_unicode(arxiv_text).lower())
    got = _symbols(exported_as_text if case else exported_as_text.lower())
    missing = [w for w in want if w not in got]
    assert not missing and _in_order(want, got), (
        f"{what}: lost {missing[:10]} from {arxiv_text!r}: {exported_as_text!r}"
    )


def _csl_plain(rich: str) -> str:
    return re.sub(r"<[^>]+>", "", rich.replace("<sup>", "^").replace("<sub>", "_"))


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_bibtex_and_biblatex_keep_every_word_and_symbol(seed_records, fmt):
    records = _records(seed_records)
    text = render(fmt, _papers(records), abstracts=True)
    parsed = bibtexparser.loads(text, parser=BibTexParser(common_strings=True, ignore_nonstandard_types=False))
    assert len(parsed.entries) == len(records)
    for rec, entry in zip(records, parsed.entries):
        _assert_faithful(rec.title, _READER.latex_to_text(entry["title"]), f"{fmt} title")
        if rec.summary:
            _assert_faithful(rec.summary, _READER.latex_to_text(entry["abstract"]), f"{fmt} abstract")
        authors = _READER.latex_to_text(entry["author"])
        for name in rec.authors:
            for word in _symbols(name):
                assert word in _symbols(authors), f"{fmt}: author {name!r} lost {word!r}: {authors!r}"


def test_csl_json_keeps_every_word_and_symbol(seed_records):
    records = _records(seed_records)
    items = json.loads(render("csl-json", _papers(records)))
    for rec, item in zip(records, items):
        _assert_faithful(rec.title, _csl_plain(item["title"]), "CSL title", case=False)
        if rec.summary:
            _assert_faithful(rec.summary, _csl_plain(item["abstract"]), "CSL abstract")


def test_zotero_items_keep_every_word_and_symbol(seed_records):
    for paper in _papers(_records(seed_records)):
        item = preprint(paper)
        _assert_faithful(paper.record.title, _csl_plain(item["title"]), "Zotero title")
        _assert_faithful(paper.record.summary, _csl_plain(item["abstractNote"]), "Zotero abstract")
        assert item["creators"] == [creator(a) for a in paper.record.authors]


@pytest.mark.parametrize(
    "title, fragment",
    [
        (
            "T3: Transparent Tracking & Triggering for Fine-grained Overlap of Compute & Collectives",
            "Tracking \\& Triggering",
        ),
        (r"A study (\eg adapters)", "(e.g. adapters)"),
        (r"Using \newmacro in text", "\\textbackslash{}newmacro"),
    ],
)
def test_known_losses_are_fixed(title, fragment):
    rec = Record("2401.16677", 1, title, ("A B",), "x", "2024-01-30")
    assert fragment in render("bibtex", [Paper(rec, "k")])


def test_published_metadata_is_not_mixed_into_the_preprint():
    rec = Record(
        "2401.00004", 1, "T", ("A B",), "x", "2024-01-30", journal_ref="Nature 1 (2024) 2-3", doi="10.1038/abc"
    )
    bl = bibtexparser.loads(render("biblatex", [Paper(rec, "k")]), parser=BibTexParser(ignore_nonstandard_types=False))
    entry = bl.entries[0]
    assert "pubstate" not in entry  # a published paper is not "prepublished"
    assert entry["doi"] == "10.48550/arXiv.2401.00004"
    assert entry["note"] == "Published in Nature 1 (2024) 2-3, doi: 10.1038/abc"
    (item,) = json.loads(render("csl-json", [Paper(rec, "k")]))
    assert "container-title" not in item and item["DOI"] == "10.48550/arXiv.2401.00004"
    assert item["note"] == "Published in Nature 1 (2024) 2-3, doi: 10.1038/abc"
    assert "version" not in item  # the date is the first version's: no other version is claimed
    prepub = bibtexparser.loads(
        render("biblatex", [Paper(Record("2401.00005", 3, "T", (), "x", "2024-01-30"), "k")]),
        parser=BibTexParser(ignore_nonstandard_types=False),
    ).entries[0]
    assert prepub["pubstate"] == "prepublished"


def test_csl_titles_protect_case_for_pandoc(tmp_path):
    require_tool("pandoc")
    recs = [
        Record("2410.13859", 1, "$γ-$MoD: Exploring Mixture-of-Depth Adaptation", ("A B",), "x", "2024-10-17"),
        Record("2401.00001", 1, "AEW10 and the C4 corpus", ("C D",), "x", "2024-01-17"),
        Record("2401.00002", 1, "Heat-bath random walks with Markov bases", ("E F",), "x", "2024-01-18"),
    ]
    (tmp_path / "refs.json").write_text(render("csl-json", _papers(recs)), encoding="utf-8")
    (tmp_path / "doc.md").write_text("---\nbibliography: refs.json\nnocite: '@*'\n---\n")
    out = run(["pandoc", "--citeproc", "--to", "plain", "doc.md"], tmp_path)
    assert out.returncode == 0, out.stderr
    text = " ".join(out.stdout.split())
    assert "γ-MoD" in text and "Γ-MoD" not in text
    assert "AEW10" in text and "Aew10" not in text
    assert "Markov" in text


def test_biber_validates_the_datamodel_with_no_warning(seed_library, tmp_path):
    from click.testing import CliRunner

    from paper2bib.cli import main

    require_tool("biber")
    result = CliRunner().invoke(main, ["export", "--format", "biblatex", "--abstract", "--links-in-note"])
    assert result.exit_code == 0
    (tmp_path / "refs.bib").write_text(result.stdout + render("biblatex", _papers(nasty_records())), encoding="utf-8")
    out = run(["biber", "--tool", "--validate-datamodel", "--output-file", "out.bib", "refs.bib"], tmp_path)
    assert out.returncode == 0, out.stdout
    log = (tmp_path / "refs.blg").read_text() if (tmp_path / "refs.blg").exists() else out.stdout
    assert not re.search(r"\b(WARN|ERROR)\b", log), log[-3000:]
    # the links survive biber: the tool's output still has them
    assert "github.com/volcengine/verl" in (tmp_path / "out.bib").read_text(encoding="utf-8")


def test_pandoc_keeps_every_protected_word_of_the_seed_in_its_case(seed_library, tmp_path):
    from click.testing import CliRunner

    from paper2bib.cli import main

    require_tool("pandoc")
    items = json.loads(CliRunner().invoke(main, ["export", "--format", "csl-json"]).stdout)
    protected = {w for i in items for w in re.findall(r'<span class="nocase">([^<]*)</span>', i["title"])}
    assert len(protected) > 50
    (tmp_path / "refs.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "doc.md").write_text("---\nbibliography: refs.json\nnocite: '@*'\n---\n")
    out = run(["pandoc", "--citeproc", "--to", "plain", "--columns", "10000", "doc.md"], tmp_path)
    assert out.returncode == 0, out.stderr
    text = out.stdout.replace("\u2019", "'")  # pandoc's typographic apostrophe
    lost = sorted(w for w in protected if w.rstrip(":,.") not in text)
    assert not lost, lost
