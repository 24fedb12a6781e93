"""The LaTeX author's loop: update a refs.bib in place, fill a document's missing \\cite's,
remove entries, re-pin with --force; keys are never lost.

arXiv is an in-process stand-in over the recorded real records (tests/data/arxiv-records.json).
"""

from __future__ import annotations

import shutil
import subprocess

import bibtexparser
import pytest
from click.testing import CliRunner

from conftest import DATA, StubArxiv, record_from_json
from paper2bib.bibupdate import describe
from paper2bib.cli import main
from paper2bib.commands.update import update_bib
from paper2bib.config import load_settings
from paper2bib.digest.bibfile import split_bib
from paper2bib.store import Library


@pytest.fixture
def arxiv(seed_records):
    return StubArxiv(record_from_json(d) for d in seed_records)


REFS = r"""% refs.bib of a paper in progress
@string{iclr = "International Conference on Learning Representations"}

@article{sheng2024hybridflow,
  title={Hybridflow: A flexible and efficient rlhf framework},
  author={Sheng, Guangming and Zhang, Chi and others},
  journal={arXiv preprint arXiv:2409.19256},
  year={2024}
}

@inproceedings{vaswani2017attention,
  title={Attention is all you need},
  author={Vaswani, Ashish and Shazeer, Noam},
  booktitle={Advances in neural information processing systems},
  pages={5998--6008},
  year={2017}
}

% paper2bib: keep
@misc{mine,
  title = {My own note on {HybridFlow}},
  eprint = {2409.19256},
  archivePrefix = {arXiv}
}

@misc{KnowledgeCard,
  title = {Knowledge Card: Filling {LLMs'} Knowledge Gaps with Plug-in Specialized Language Models},
  author = {Feng, Shangbin},
  howpublished = {arXiv},
  year = {2023},
  protect = {true}
}

@Article{gmod,
  author  = {Yaxin Luo},
  title   = {{$\gamma$-MoD}: Exploring Mixture-of-Depth Adaptation for Multimodal Large Language Models},
  journal = {CoRR},
  volume  = {abs/2410.13859},
  year    = {2024}
}

@misc{notonarxiv,
  title = {A Paper {arXiv} Has Never Seen About Quantum Gardening},
  howpublished = {arXiv preprint},
  year = {2023}
}
"""


def test_update_rewrites_arxiv_entries_and_keeps_every_other_byte(tmp_path, arxiv):
    settings = load_settings()
    with arxiv.services(settings) as svc:
        report = update_bib(svc, "refs.bib", REFS)
    old, new = split_bib(REFS), split_bib(report.text)
    assert [c.key for c in new if c.kind == "entry"] == [c.key for c in old if c.kind == "entry"]
    keep = {"vaswani2017attention", "mine", "KnowledgeCard", "notonarxiv"}
    for a, b in zip(old, new):
        if a.kind != "entry" or a.key in keep:
            assert a.raw == b.raw  # byte for byte: comments, @string, non-arXiv and protected entries
    db = bibtexparser.loads(report.text)
    by_key = {e["ID"]: e for e in db.entries}
    assert by_key["sheng2024hybridflow"]["eprint"] == "2409.19256"
    assert by_key["sheng2024hybridflow"]["archiveprefix"] == "arXiv"
    assert by_key["sheng2024hybridflow"]["primaryclass"] == "cs.LG"
    assert by_key["gmod"]["eprint"] == "2410.13859"
    assert "HybridFlow" in by_key["sheng2024hybridflow"]["title"]
    by_outcome = {o.key: o for o in report.outcomes}
    described = [describe(c) for c in by_outcome["sheng2024hybridflow"].changes]
    assert "@article → @misc" in described and "-journal {arXiv preprint arXiv:2409.19256}" in described
    assert any(d.startswith("title: {Hybridflow: A flexible and efficient rlhf framework} → {") for d in described)
    assert by_outcome["mine"].status == by_outcome["KnowledgeCard"].status == "kept"
    assert [o.key for o in report.outcomes if o.status == "review"] == ["notonarxiv"]
    assert report.others == 1  # vaswani2017attention: not an arXiv paper
    assert arxiv.asked == ["2409.19256", "2410.13859"]  # the protected ones are never even asked


def test_update_cli_in_place_keeps_orig_and_dry_run_writes_nothing(tmp_path, arxiv):
    bib = tmp_path / "refs.bib"
    bib.write_text(REFS, encoding="utf-8")
    runner = CliRunner()
    dry = runner.invoke(main, ["update", str(bib), "--dry-run"], obj=arxiv.cli)
    assert dry.exit_code == 3 and bib.read_text(encoding="utf-8") == REFS and dry.stdout == ""
    assert "dry run: nothing written" in dry.stderr
    result = runner.invoke(main, ["update", str(bib), "--in-place"], obj=arxiv.cli)
    assert result.exit_code == 3, result.output  # notonarxiv is left as is and listed
    assert (tmp_path / "refs.bib.orig").read_text(encoding="utf-8") == REFS
    assert "eprint={2409.19256}" in bib.read_text(encoding="utf-8")  # in the entry's own layout
    assert "notonarxiv: unresolved, left as is" in result.stderr


def test_a_broken_entry_is_kept_and_named_while_the_others_are_updated(tmp_path, arxiv):
    bib = tmp_path / "refs.bib"
    text = "@article{a,\n  title={A},\n\n@misc{b, eprint={2409.19256}}\n@inproceedings{,\n  title={No key}\n}\n"
    bib.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["update", str(bib), "--in-place"], obj=arxiv.cli)
    assert result.exit_code == 3, result.output
    assert "line 1: @a kept as it was: its braces do not close" in result.stderr
    assert "line 5: @(no key) kept as it was" in result.stderr
    new = bib.read_text(encoding="utf-8")
    assert new.startswith("@article{a,\n  title={A},\n\n@misc{b, eprint={2409.19256}, ")  # b is updated
    assert new.endswith("@inproceedings{,\n  title={No key}\n}\n")
    assert (tmp_path / "refs.bib.orig").read_text(encoding="utf-8") == text


def _document(ids: list[str], package: str) -> str:
    cites = [f"\\citep{{{ids[0]}}}", f"\\citet[see][p.~3]{{{ids[1]},arXiv:{ids[2]}}}"]
    cites += [f"\\cite{{{a}}}" for a in ids[3:]]
    if package == "natbib":
        head, tail = "\\usepackage{natbib}\n", "\\bibliographystyle{plainnat}\n\\bibliography{refs}\n"
    else:
        head, tail = "\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n", "\\printbibliography\n"
        cites = [c.replace("\\citep", "\\parencite").replace("\\citet", "\\textcite") for c in cites]
    return (
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{lmodern}\n\\usepackage{url}\n"
        + head
        + "\\begin{document}\n"
        + " ".join(cites)
        + "\n% \\cite{commented_out_key}\n"
        + tail
        + "\\end{document}\n"
    )


def _ten_ids(seed_records) -> list[str]:
    return [d["id"] for d in seed_records[:10]]


def test_tex_fills_missing_cites_under_the_cited_keys_once(tmp_path, arxiv, seed_records):
    ids = _ten_ids(seed_records)
    doc = tmp_path / "paper.tex"
    doc.write_text(_document(ids, "natbib").replace("\\cite{" + ids[9] + "}", "\\cite{" + ids[9] + ",smith2020}"))
    (tmp_path / "refs.bib").write_text("@misc{other, title={Other}}\n", encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(main, ["tex", str(doc)], obj=arxiv.cli)
    assert first.exit_code == 3 and "still missing: smith2020" in first.stderr
    text = (tmp_path / "refs.bib").read_text(encoding="utf-8")
    keys = [c.key for c in split_bib(text) if c.kind == "entry"]
    assert keys == ["other", ids[0], ids[1], f"arXiv:{ids[2]}", *ids[3:]]
    assert "commented_out_key" not in text
    second = runner.invoke(main, ["tex", str(doc)], obj=arxiv.cli)
    assert second.exit_code == 3 and (tmp_path / "refs.bib").read_text(encoding="utf-8") == text


@pytest.mark.latex
@pytest.mark.parametrize("package", ["natbib", "biblatex"])
def test_a_document_citing_ten_ids_compiles_without_undefined_citations(tmp_path, arxiv, seed_records, package):
    for tool in ("pdflatex", "bibtex" if package == "natbib" else "biber"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} is not installed")
    ids = _ten_ids(seed_records)
    (tmp_path / "paper.tex").write_text(_document(ids, package), encoding="utf-8")
    result = CliRunner().invoke(main, ["tex", str(tmp_path / "paper.tex")], obj=arxiv.cli)
    assert result.exit_code == 0, result.output
    run = lambda *cmd: subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)  # noqa: E731
    run("pdflatex", "-interaction=nonstopmode", "paper.tex")
    run("bibtex" if package == "natbib" else "biber", "paper")
    run("pdflatex", "-interaction=nonstopmode", "paper.tex")
    final = run("pdflatex", "-interaction=nonstopmode", "paper.tex")
    log = (tmp_path / "paper.log").read_text(encoding="latin-1")
    assert final.returncode == 0
    assert "undefined" not in log.lower(), [ln for ln in log.splitlines() if "undefined" in ln.lower()]


def test_aux_citations_and_bibdata_are_read():
    from paper2bib.texfiles import bibliographies, citations

    aux = "\\relax\n\\citation{a,b}\n\\citation{2307.06175}\n\\bibdata{refs,more.bib}\n\\abx@aux@cite{0}{x}\n"
    assert citations(aux) == ["a", "b", "2307.06175", "x"]
    assert bibliographies(aux) == ["refs.bib", "more.bib"]
    tex = "\\autocite*[p.~2]{k1} \\nocite{*} \\textcite{k2, k3} \\Citet{k4} 50\\% \\cite{k5} % \\cite{gone}\n"
    assert citations(tex) == ["k1", "k2", "k3", "k4", "k5"]


def test_remove_and_pin_force_keep_keys(seed_library, arxiv):
    runner = CliRunner()
    with Library(seed_library) as lib:
        e1, e2 = lib.entries()[:2]
    runner.invoke(main, ["export", "-o", str(seed_library.parent / "out.bib")], obj=arxiv.cli)
    with Library(seed_library) as lib:
        key1 = lib.entries([e1.id])[0].citekey
    refused = runner.invoke(main, ["pin", str(e1.id), e2.resolved_id], obj=arxiv.cli)
    assert refused.exit_code == 2 and "already resolved to" in refused.stderr and key1 in refused.stderr
    other = next(d for d in arxiv.records if d not in {e.resolved_id for e in Library(seed_library).entries()})
    forced = runner.invoke(main, ["pin", "--force", str(e1.id), other], obj=arxiv.cli)
    assert forced.exit_code == 0, forced.output
    with Library(seed_library) as lib:
        moved = lib.entries([e1.id])[0]
        assert moved.resolved_id == other and moved.citekey == key1  # the key moved with the entry
    listing = runner.invoke(main, ["list"], obj=arxiv.cli).stdout
    assert f"{e1.id:5}  pinned" in listing
    gone = runner.invoke(main, ["remove", str(e2.id), key1], obj=arxiv.cli)
    assert gone.exit_code == 0 and gone.stderr.count("removed entry") == 2
    with Library(seed_library) as lib:
        assert {e.id for e in lib.entries()}.isdisjoint({e1.id, e2.id})
    assert runner.invoke(main, ["remove", "no-such-key"], obj=arxiv.cli).exit_code == 2


@pytest.mark.latex
def test_update_of_a_bibliography_in_four_styles_parses_with_biber(tmp_path, arxiv):
    if not shutil.which("biber"):
        pytest.skip("biber is not installed")
    text = (DATA / "real" / "refs-mixed-styles.bib").read_text(encoding="utf-8")
    settings = load_settings()
    with arxiv.services(settings) as svc:
        report = update_bib(svc, "refs.bib", text)
    old, new = split_bib(text), split_bib(report.text)
    assert [c.key for c in new if c.kind == "entry"] == [c.key for c in old if c.kind == "entry"]
    changed = {o.key for o in report.outcomes if o.status == "updated"}
    for a, b in zip(old, new):
        assert (a.raw == b.raw) or a.key in changed  # only the entries it names changed
    (tmp_path / "out.bib").write_text(report.text, encoding="utf-8")
    run = subprocess.run(
        ["biber", "--tool", "--output-file", "checked.bib", "out.bib"], cwd=tmp_path, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ERROR" not in run.stdout
    assert len(bibtexparser.loads(report.text).entries) == len([c for c in old if c.kind == "entry"])


def test_a_biblatex_aux_names_its_bibliography_through_the_bcf(tmp_path):
    from paper2bib.texdocument import read_document, target_of

    (tmp_path / "paper.aux").write_text(
        "\\relax\n\\abx@aux@refcontext{nyt/global//global/global}\n"
        "\\abx@aux@cite{0}{vaswani2017attention}\n\\abx@aux@segm{0}{0}{vaswani2017attention}\n"
        "\\abx@aux@cite{0}{2409.19256}\n"
    )
    (tmp_path / "paper.bcf").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<bcf:controlfile version="3.10" bltxversion="3.19"'
        ' xmlns:bcf="https://sourceforge.net/projects/biblatex">\n  <bcf:bibdata section="0">\n'
        '    <bcf:datasource type="file" datatype="bibtex" glob="false">refs.bib</bcf:datasource>\n'
        '  </bcf:bibdata>\n  <bcf:section number="0">\n'
        '    <bcf:citekey order="1" intorder="1">vaswani2017attention</bcf:citekey>\n'
        '    <bcf:citekey order="2" intorder="1">2409.19256</bcf:citekey>\n    <bcf:citekey order="3">*</bcf:citekey>\n'
        "  </bcf:section>\n</bcf:controlfile>\n"
    )
    doc = read_document(str(tmp_path / "paper.aux"))
    assert doc.cited == ["vaswani2017attention", "2409.19256"]
    assert doc.bibliographies == [tmp_path / "refs.bib"]
    assert target_of(doc, None) == tmp_path / "refs.bib"
