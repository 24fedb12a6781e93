"""Real clients read what paper2bib writes: pdflatex + bibtex/biber, pandoc, citeproc-py, the CSL schema."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3

import bibtexparser
import jsonschema
import pytest
from bibtexparser.bparser import BibTexParser
from click.testing import CliRunner

from conftest import DATA, nasty_records, require_tool, run
from paper2bib.citekeys import assign_keys
from paper2bib.cli import main
from paper2bib.models import Link, Paper
from paper2bib.writers import render


def _export(fmt: str, *extra: str) -> str:
    result = CliRunner().invoke(main, ["export", "--format", fmt, *extra])
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _nasty(fmt: str, **kw) -> str:
    recs = nasty_records()
    keys = assign_keys(recs, {})
    links = (Link("https://github.com/x/y_z", "code"), Link("https://example.org/a%20b#frag", "project"))
    return render(fmt, [Paper(r, keys[r.arxiv_id], links) for r in recs], **kw)


PREAMBLE = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage{lmodern}
\usepackage{url}
"""


def _latex_warnings(log: str) -> list[str]:
    return [ln for ln in log.splitlines() if re.search(r"^!|Warning|Error", ln) and "Font Warning" not in ln]


def _compile(tmp_path, fmt: str, body: str, processor: str) -> tuple[str, str]:
    """Seed library + nasty records in ``fmt``, compiled: pdflatex, ``processor``, pdflatex twice.

    Returns the processor's log (.blg) and the bibliography it made (.bbl); asserts every
    run succeeds and LaTeX warns of nothing.
    """
    for tool in ("pdflatex", processor):
        require_tool(tool)
    (tmp_path / "refs.bib").write_text(
        _export(fmt, "--links-in-note", "--abstract") + "\n" + _nasty(fmt, abstracts=True, links_in_note=True),
        encoding="utf-8",
    )
    (tmp_path / "doc.tex").write_text(PREAMBLE + body)
    (tmp_path / "secret.tex").write_text("SECRET-MARKER\n")  # hostile records try to \input this
    pdflatex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    first = run(pdflatex, tmp_path)
    assert first.returncode == 0, first.stdout[-2000:]
    bib = run([processor, "doc"], tmp_path)
    blg = (tmp_path / "doc.blg").read_text()
    assert bib.returncode == 0, blg
    for _ in range(2):
        final = run(pdflatex, tmp_path)
        assert final.returncode == 0, final.stdout[-2000:]
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert _latex_warnings(log) == []
    # nothing in the .bib ran: no file read or written on its behalf
    assert "secret.tex" not in log and not list(tmp_path.glob("pwned*")), log[-3000:]
    assert (
        "SECRET-MARKER" not in run(["pdftotext", "doc.pdf", "-"], tmp_path).stdout
        if shutil.which("pdftotext")
        else True
    )
    return blg, (tmp_path / "doc.bbl").read_text()


def test_natbib_plainnat_compiles_without_warnings(seed_library, tmp_path):
    body = "\\usepackage{natbib}\n\\begin{document}\n\\nocite{*}\n\\bibliographystyle{plainnat}\n\\bibliography{refs}\n\\end{document}\n"
    blg, bbl = _compile(tmp_path, "bibtex", body, "bibtex")
    assert "Warning" not in blg and "error" not in blg.lower(), blg
    assert bbl.count("\\bibitem") == 89 + len(nasty_records())


def test_biblatex_biber_compiles_without_warnings(seed_library, tmp_path):
    body = (
        "\\usepackage[style=authoryear,backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n"
        "\\begin{document}\n\\nocite{*}\n\\printbibliography\n\\end{document}\n"
    )
    blg, bbl = _compile(tmp_path, "biblatex", body, "biber")
    assert not re.search(r"\b(WARN|ERROR)\b", blg), blg
    assert bbl.count("\\entry{") == 89 + len(nasty_records())


# ---------------------------------------------------------------- CSL-JSON
SCHEMA = json.loads((DATA / "csl-data.json").read_text(encoding="utf-8"))


def test_seed_csl_json_is_schema_valid_with_the_bibtex_keys(seed_library):
    items = json.loads(_export("csl-json"))
    assert len(items) == 89
    jsonschema.validate(items, SCHEMA)
    db = sqlite3.connect(seed_library)
    keys = {k for (k,) in db.execute("SELECT key FROM citekeys")}
    assert {i["id"] for i in items} == keys
    gmod = next(i for i in items if i["number"] == "arXiv:2410.13859")
    assert gmod["title"].startswith('<span class="nocase">γ-MoD</span>: <span class="nocase">Exploring</span> mixture')
    assert gmod["type"] == "article" and gmod["publisher"] == "arXiv"
    assert gmod["DOI"] == "10.48550/arXiv.2410.13859" and gmod["URL"] == "https://arxiv.org/abs/2410.13859"
    moe = next(i for i in items if i["number"] == "arXiv:2501.09410")
    assert moe["title"].startswith(
        '<span class="nocase">MoE<sup>2</sup></span>: <span class="nocase">Optimizing</span>'
    )
    verl = [i for i in items if "custom" in i]
    assert len(verl) == 26
    hf = next(i for i in items if i["number"] == "arXiv:2409.19256")
    assert hf["custom"] == {"code": ["https://github.com/volcengine/verl"]}
    assert hf["note"] == "Code: https://github.com/volcengine/verl"
    assert hf["issued"] == {"date-parts": [[2024, 9, 28]]}


def test_nasty_csl_json_is_schema_valid():
    items = json.loads(_nasty("csl-json"))
    jsonschema.validate(items, SCHEMA)
    names = [a for i in items for a in i["author"]]
    assert {"literal": "王小明"} in names
    assert {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"} in names
    assert {"family": "King", "given": "Martin Luther", "suffix": "Jr."} in names


def test_pandoc_citeproc_renders_every_item_without_warning(seed_library, tmp_path):
    require_tool("pandoc")
    (tmp_path / "refs.json").write_text(_export("csl-json") + "\n", encoding="utf-8")
    doc = tmp_path / "doc.md"
    doc.write_text("---\nbibliography: refs.json\nnocite: '@*'\n---\n\n# References\n")
    result = run(["pandoc", "--citeproc", "--to", "plain", "--verbose", str(doc)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    out = result.stdout
    assert "Sheng, Guangming" in out and "HybridFlow" in out
    assert out.count("arXiv") >= 89


def test_pandoc_renders_nasty_items(tmp_path):
    require_tool("pandoc")
    (tmp_path / "refs.json").write_text(_nasty("csl-json"), encoding="utf-8")
    doc = tmp_path / "doc.md"
    doc.write_text("---\nbibliography: refs.json\nnocite: '@*'\n---\n")
    result = run(["pandoc", "--citeproc", "--to", "plain", str(doc)], tmp_path)
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr
    assert "王小明" in result.stdout and "Ljubešić" in result.stdout


def test_citeproc_py_renders_every_item(seed_library):
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    items = json.loads(_export("csl-json"))
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bib = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bib.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bib.bibliography()]
    assert len(rendered) == 89
    assert any("HybridFlow" in r for r in rendered)


# ---------------------------------------------------------------- what the reader sees
def _bbl_titles(bbl: str) -> dict[str, str]:
    """Each entry's title as plainnat typesets it (the first ``\\newblock``), TeX braces dropped."""
    out = {}
    for item in re.split(r"\\bibitem", bbl)[1:]:
        key = re.match(r"\[[^\]]*(?:\][^\]]*)*?\]\{([^}]+)\}", item, re.S) or re.match(r"\{([^}]+)\}", item)
        block = re.search(r"\\newblock\s+(.*?)(?=\\newblock|\Z)", item, re.S)
        if key and block:
            title = re.sub(r"\s+", " ", block.group(1)).strip()
            out[key.group(1)] = re.sub(r"[{}]", "", title)
    return out


def test_plainnat_keeps_subtitle_capitals_and_acronyms_and_lowers_the_rest(seed_library, tmp_path):
    from paper2bib.text import latex_to_unicode
    from paper2bib.titlecase import is_proper, needs_case_protection

    body = "\\usepackage{natbib}\n\\begin{document}\n\\nocite{*}\n\\bibliographystyle{plainnat}\n\\bibliography{refs}\n\\end{document}\n"
    _, bbl = _compile(tmp_path, "bibtex", body, "bibtex")
    typeset = _bbl_titles(bbl)
    db = sqlite3.connect(seed_library)
    titles = dict(db.execute("SELECT c.key, r.title FROM citekeys c JOIN records r ON r.arxiv_id = c.arxiv_id"))
    assert len(titles) == 89 and set(titles) <= set(typeset)
    subtitles = ordinary = 0
    for key, title in titles.items():
        math, title, shown = "$" in title or "\\" in title, latex_to_unicode(title), typeset[key]
        if m := re.search(r":\s+(\w)", title):
            subtitles += m.group(1).isupper()
            assert re.search(r":\s+" + re.escape(m.group(1)), shown), (title, shown)  # the subtitle's capital
        words, seen = re.findall(r"[\w'’-]+", title), re.findall(r"[\w'’-]+", shown)
        if math or len(seen) < len(words):
            continue  # math: its words are not the title's words one for one
        for k, (word, got) in enumerate(zip(words, seen)):
            parts = [p for p in re.split(r"[-/]", word) if p]
            kept = [p for p in parts if needs_case_protection(p) or is_proper(p)]
            if kept:  # acronyms and names keep their case ("LLM-based", "Bayesian")
                assert all(p in got for p in kept), (word, title, shown)
            elif k and word[:1].isupper() and not re.search(r"[:?!.]\s+" + re.escape(word), title):
                ordinary += 1  # an ordinary capitalised word mid-title is lower-cased (sentence case)
                lone = re.match(r"[A-Z]-", word)  # "Q-Learning": a lone capital before a hyphen is a name
                assert got == (word[:2] + word[2:].lower() if lone else word.lower()), (word, title, shown)
    assert subtitles >= 50 and ordinary >= 300


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_no_field_of_the_seed_export_holds_two_urls(seed_library, fmt):
    text = _export(fmt, "--abstract")
    parsed = bibtexparser.loads(text, parser=BibTexParser(common_strings=True, ignore_nonstandard_types=False))
    assert len(parsed.entries) == 89
    for entry in parsed.entries:
        for name, value in entry.items():
            if name != "abstract":  # an abstract may name several sites; a link field is one \\url
                assert len(re.findall(r"https?://", value)) <= 1, (entry["ID"], name, value)
    jax = next(e for e in parsed.entries if "JaxMARL" in e["title"])
    links = [v for k, v in jax.items() if k not in ("abstract", "url", "doi", "title", "ID")]
    assert sum("jaxmarl" in v.lower() for v in links) == 1, jax  # one repository, spelled two ways, is one link


def test_csl_abstracts_keep_every_word_and_url_of_the_seed(seed_library):
    items = json.loads(_export("csl-json", "--abstract"))
    db = sqlite3.connect(seed_library)
    summaries = dict(db.execute("SELECT 'arXiv:' || arxiv_id, summary FROM records"))
    with_urls = 0
    for item in items:
        summary, shown = summaries[item["number"]], re.sub(r"</?(?:i|b|sup|sub|sc|span)\b[^>]*>", "", item["abstract"])
        urls = re.findall(r"https?://[^\s{}]+[^\s{}.,;)]", summary)
        with_urls += bool(urls)
        assert all(u in shown for u in urls), (item["number"], urls, shown)
        words = re.findall(r"[A-Za-z]{3,}", re.sub(r"\\[A-Za-z]+|https?://\S+", " ", summary))
        missing = [w for w in words if w.lower() not in shown.lower()]
        assert missing == [], (item["number"], missing)
    assert with_urls >= 20


def test_csl_abstracts_keep_urls_and_the_text_of_formatting_macros(seed_records):
    from dataclasses import replace as with_fields

    from conftest import record_from_json

    summary = (
        r"Code is available at \url{https://github.com/apple/corenet}; the \texttt{corenet} library and "
        r"\textsc{CoreNet} models, with \input{/etc/passwd} shown, never run."
    )
    record = with_fields(record_from_json(seed_records[0]), summary=summary)
    (item,) = json.loads(render("csl-json", [Paper(record, "k", ())], abstracts=True))
    assert item["abstract"] == (
        "Code is available at https://github.com/apple/corenet; the corenet library and CoreNet models, "
        "with \\input{/etc/passwd} shown, never run."
    )


@pytest.mark.parametrize("style", ["apa", "elsevier-vancouver", "ieee", "chicago-author-date"])
def test_pandoc_prints_seed_titles_in_each_styles_case(seed_library, tmp_path, style):
    require_tool("pandoc")
    (tmp_path / "refs.json").write_text(_export("csl-json") + "\n", encoding="utf-8")
    doc = tmp_path / "doc.md"
    doc.write_text("---\nbibliography: refs.json\nnocite: '@*'\n---\n\n# References\n")
    csl = str(DATA / "csl-styles" / f"{style}.csl")
    result = run(["pandoc", "--citeproc", "--csl", csl, "--to", "plain", "--wrap=none", str(doc)], tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("arXiv") >= 89
    if style == "chicago-author-date":  # a title-case style: capitals come back, acronyms and symbols stay
        assert "HybridFlow: A Flexible and Efficient RLHF Framework" in out and "γ-MoD: Exploring" in out
    else:  # sentence case, as the data has it
        assert "HybridFlow: A flexible and efficient RLHF framework" in out
        assert "γ-MoD: Exploring mixture-of-depth adaptation for multimodal large language models" in out
