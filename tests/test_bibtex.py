"""BibTeX and biblatex output: exact entries, bibtexparser round-trips, keys, injections."""

from __future__ import annotations

from dataclasses import replace

import bibtexparser
import pytest
from bibtexparser.bparser import BibTexParser
from click.testing import CliRunner

from conftest import nasty_records, record_from_json
from paper2bib.citekeys import assign_keys
from paper2bib.cli import main
from paper2bib.models import Entry, Link, Paper, Resolution
from paper2bib.store import Library
from paper2bib.writers.bibtex import biblatex_fields, bibtex_fields, render_biblatex, render_bibtex
from paper2bib.writers.latex import balanced, to_latex


def _hybridflow(seed_records) -> Paper:
    rec = record_from_json(next(d for d in seed_records if d["id"] == "2409.19256"))
    return Paper(rec, "sheng2024hybridflow", (Link("https://github.com/volcengine/verl", "code"),))


def test_exact_bibtex_entry(seed_records):
    assert render_bibtex([_hybridflow(seed_records)]) == (
        "@misc{sheng2024hybridflow,\n"
        "  title = {{HybridFlow}: {A} Flexible and Efficient {RLHF} Framework},\n"
        "  author = {Sheng, Guangming and Zhang, Chi and Ye, Zilingfeng and Wu, Xibin and Zhang, Wang and Zhang, Ru"
        " and Peng, Yanghua and Lin, Haibin and Wu, Chuan},\n"
        "  year = {2024},\n"
        "  month = sep,\n"
        "  eprint = {2409.19256},\n"
        "  archiveprefix = {arXiv},\n"
        "  primaryclass = {cs.LG},\n"
        "  doi = {10.48550/arXiv.2409.19256},\n"
        "  url = {https://arxiv.org/abs/2409.19256},\n"
        "  code = {https://github.com/volcengine/verl},\n"
        "}\n"
    )


def test_exact_biblatex_entry(seed_records):
    out = render_biblatex([_hybridflow(seed_records)], links_in_note=True)
    assert out == (
        "@online{sheng2024hybridflow,\n"
        "  title = {{HybridFlow}: {A} Flexible and Efficient {RLHF} Framework},\n"
        "  author = {Sheng, Guangming and Zhang, Chi and Ye, Zilingfeng and Wu, Xibin and Zhang, Wang and Zhang, Ru"
        " and Peng, Yanghua and Lin, Haibin and Wu, Chuan},\n"
        "  date = {2024-09-28},\n"
        "  eprinttype = {arxiv},\n"
        "  eprint = {2409.19256},\n"
        "  eprintclass = {cs.LG},\n"
        "  pubstate = {prepublished},\n"
        "  doi = {10.48550/arXiv.2409.19256},\n"
        "  url = {https://arxiv.org/abs/2409.19256},\n"
        "  addendum = {Code: \\url{https://github.com/volcengine/verl}},\n"
        "  verba = {https://github.com/volcengine/verl},\n"
        "}\n"
    )


@pytest.mark.parametrize(
    "tex, latex",
    [
        ("$γ-$MoD: Exploring", r"$\gamma-${MoD}: {Exploring}"),
        ("MoE$^2$: Optimizing", r"{MoE}$^2$: {Optimizing}"),
        (r"$\ell_1$-norm", r"$\ell_1$-norm"),
        ("RedCoast: on Any GPU/TPUs with JAX and LLMs", r"{RedCoast}: on Any {GPU/TPUs} with {JAX} and {LLMs}"),
        # the colon outside the braces (BibTeX keeps the capital after it), a subtitle's first word kept for
        # biblatex's sentence case, compounds kept only where a part is an acronym or a name
        (
            "HybridFlow: A Flexible and Efficient RLHF Framework",
            "{HybridFlow}: {A} Flexible and Efficient {RLHF} Framework",
        ),
        (
            "SciRIFF: A Novel Dataset and Fine-Tuning Framework",
            "{SciRIFF}: {A} Novel Dataset and Fine-Tuning Framework",
        ),
        (
            "Deep Q-Learning with GPT-4 (RLHF) for Multi-Agent Play",
            "Deep {Q}-Learning with {GPT}-4 ({RLHF}) for Multi-Agent Play",
        ),
        ("The C4 Solution", "The {C4} Solution"),
        ("Ljubešić — Đorđević", r"Ljube{\v{s}}i{\'c} --- {\DJ}or{\dj}evi{\'c}"),
        ("Søren’s", r"S{\o}ren{\textquoteright}s"),
        ("a & b % c # d _ e ~ f ^ g $ h", r"a \& b \% c \# d \_ e \textasciitilde{} f \textasciicircum{} g \$ h"),
        (r"Schr\"odinger's \& {\em Cat} $ 5", r"{Schr{\"o}dinger's} \& Cat \$ 5"),  # a name keeps its capital
        ("x }, note = {x} @misc{evil,", r"x \textbraceright{}, note = \{x\} @misc\textbraceleft{}evil,"),
        ("😀", r"{{\ttfamily [U+1F600]}}"),
        (r"$\mathbb{R}$ is not plain LaTeX", r"{{\ttfamily [U+211D]}} is not plain {LaTeX}"),
        (r"$\text{Memory}^3$: Language Modeling", r"$\textrm{Memory}^3$: {Language} Modeling"),
        (r"$^^5cinput{/etc/passwd}$", r"\textasciicircum{}\textasciicircum{}5cinput/etc/passwd"),
        (r"plug & play (\eg adapters) \foo", r"plug \& play (e.g. adapters) \textbackslash{}foo"),
        ("Heat-bath random walks with Markov bases", "Heat-bath random walks with {Markov} bases"),
    ],
)
def test_tex_and_specials_become_valid_latex(tex, latex):
    assert to_latex(tex, ascii_only=True, protect=True) == latex


def _papers(records) -> list[Paper]:
    keys = assign_keys(records, {})
    links = (Link("https://github.com/x/y_z", "code"), Link("https://example.org/a%20b#frag", "project"))
    return [Paper(r, keys[r.arxiv_id], links) for r in records]


@pytest.mark.parametrize("style", ["bibtex", "biblatex"])
def test_bibtexparser_reads_back_every_field(seed_records, style):
    records = [record_from_json(d) for d in seed_records] + nasty_records()
    papers = _papers(records)
    render, fields_of = (render_bibtex, bibtex_fields) if style == "bibtex" else (render_biblatex, biblatex_fields)
    text = render(papers, abstracts=True, links_in_note=True)
    parsed = bibtexparser.loads(text, parser=BibTexParser(common_strings=True, ignore_nonstandard_types=False))
    assert [e["ID"] for e in parsed.entries] == [p.key for p in papers]
    months = {
        "jan": "January",
        "feb": "February",
        "mar": "March",
        "apr": "April",
        "may": "May",
        "jun": "June",
        "jul": "July",
        "aug": "August",
        "sep": "September",
        "oct": "October",
        "nov": "November",
        "dec": "December",
    }
    for paper, entry in zip(papers, parsed.entries):
        expected = fields_of(paper.record, paper.links, True, True)
        if "month" in expected:
            expected["month"] = months[expected["month"]]
        got = {k: v for k, v in entry.items() if k not in ("ID", "ENTRYTYPE")}
        assert got == expected, paper.key
        assert all(balanced(v) for v in got.values())


def test_injection_cannot_add_an_entry():
    text = render_bibtex(_papers(nasty_records()), abstracts=True)
    parsed = bibtexparser.loads(text)
    assert len(parsed.entries) == len(nasty_records())
    assert "evil" not in {e["ID"] for e in parsed.entries}
    assert text.isascii()


def test_seed_export_has_unique_stable_keys_and_links(seed_library):
    runner = CliRunner()
    first = runner.invoke(main, ["export"])
    assert first.exit_code == 0
    parsed = bibtexparser.loads(first.stdout)
    keys = [e["ID"] for e in parsed.entries]
    assert len(keys) == 89 == len(set(keys))
    assert "sheng2024hybridflow" in keys
    with_links = [e for e in parsed.entries if "code" in e or "project" in e]
    assert len(with_links) == 26
    hf = next(e for e in parsed.entries if e["ID"] == "sheng2024hybridflow")
    assert hf["code"] == "https://github.com/volcengine/verl"
    assert runner.invoke(main, ["export"]).stdout == first.stdout  # stable across runs
    bl = runner.invoke(main, ["export", "--format", "biblatex"])
    parsed_bl = bibtexparser.loads(bl.stdout, parser=BibTexParser(ignore_nonstandard_types=False))
    assert [e["ID"] for e in parsed_bl.entries] == keys  # same keys in every format


def test_keys_survive_library_growth(seed_library, tmp_path):
    runner = CliRunner()
    before = {e["ID"]: e["eprint"] for e in bibtexparser.loads(runner.invoke(main, ["export"]).stdout).entries}
    # a new paper whose natural key collides with an existing one
    hf = before["sheng2024hybridflow"]
    with Library(seed_library) as lib:
        rec = lib.records([hf])[hf]
        twin = replace(rec, arxiv_id="2409.00001", title="HybridFlow Revisited")
        ((eid, _),) = lib.add_entries([Entry(title="HybridFlow Revisited")])
        lib.save_resolutions([(eid, Resolution("resolved", 1.0, twin.arxiv_id, 1, "test"))], [twin])
    after = {e["ID"]: e["eprint"] for e in bibtexparser.loads(runner.invoke(main, ["export"]).stdout).entries}
    assert {k: v for k, v in after.items() if k in before} == before
    assert after["sheng2024hybridflowa"] == "2409.00001"


def test_export_writes_a_file_atomically(seed_library, tmp_path):
    out = tmp_path / "refs.bib"
    result = CliRunner().invoke(main, ["export", "-o", str(out), "--format", "biblatex"])
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text(encoding="utf-8").count("@online{") == 89
    assert not (tmp_path / "refs.bib.part").exists()


def test_one_repository_spelled_two_ways_is_one_link_and_each_field_holds_one_url(seed_records):
    rec = record_from_json(seed_records[0])
    links = (
        Link("https://github.com/flairox/jaxmarl", "code"),  # as the abstract writes it
        Link("https://github.com/FLAIROx/JaxMARL", "code", hub=True),  # as the Hub lists it
        Link("https://gitlab.com/other/mirror.git", "code"),
        Link("https://flairox.github.io/jaxmarl/", "project"),
        Link("https://huggingface.co/FLAIROx/model", "model"),
        Link("https://huggingface.co/datasets/flairox/data", "dataset"),
    )
    paper = Paper(rec, "k", links)
    parser = BibTexParser(ignore_nonstandard_types=False)
    bib = bibtexparser.loads(render_bibtex([paper]), parser=parser).entries[0]
    assert (bib["code"], bib["code2"], bib["project"]) == (
        "https://github.com/FLAIROx/JaxMARL",  # the Hub's spelling, once
        "https://gitlab.com/other/mirror.git",
        "https://flairox.github.io/jaxmarl/",
    )
    blx = bibtexparser.loads(render_biblatex([paper]), parser=BibTexParser(ignore_nonstandard_types=False)).entries[0]
    assert (blx["verba"], blx["verbb"], blx["verbc"]) == (
        "https://github.com/FLAIROx/JaxMARL",
        "https://flairox.github.io/jaxmarl/",
        "https://huggingface.co/FLAIROx/model",
    )
    # what three one-URL fields cannot hold is printed, each as its own \url
    assert blx["addendum"] == (
        r"Code: \url{https://gitlab.com/other/mirror.git}; Dataset: \url{https://huggingface.co/datasets/flairox/data}"
    )


def test_csl_json_is_written_as_json_writes_it(seed_records):
    import json

    from paper2bib.writers.csl import csl_item, render_csl_json

    papers = _papers([record_from_json(d) for d in seed_records])
    items = [csl_item(p.record, p.key, p.links) for p in papers]
    assert render_csl_json(papers) == json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    assert render_csl_json([]) == "[]\n"
