"""Field-by-field editing of one entry (pure): the entry's own layout, the same-meaning
rules, what paper2bib leaves alone. Exact outputs."""

from __future__ import annotations

from paper2bib.bibedit import Change, apply, format_value, parse_entry, style_of
from paper2bib.bibupdate import describe, plan
from paper2bib.digest.bibfile import arxiv_ref, authors, split_names
from paper2bib.models import Paper, Record

REC = Record(
    "2409.19256",
    2,
    "HybridFlow: A Flexible and Efficient RLHF Framework",
    ("Guangming Sheng", "Chi Zhang", "Ljubiša Ćirić"),
    "",
    "2024-09-28",
    primary_category="cs.LG",
)


def _edit(raw: str, paper: Paper | None = None, **kw) -> tuple[str, list[str]]:
    entry = parse_entry(raw)
    style = style_of(entry)
    changes = plan(entry, style, paper or Paper(REC, "k"), **kw)
    return apply(entry, list(changes), style), [describe(c) for c in changes]


def test_mendeleys_arxivid_names_the_paper_its_bare_eprint_does_not():
    ref = arxiv_ref({"eprint": "0401008", "arxivid": "hep-ex/0401008", "archiveprefix": "arXiv"})
    assert ref is not None and ref.arxiv_id == "hep-ex/0401008"


def test_names_split_outside_braces_and_in_any_case():
    assert split_names("{Barnes and Noble} and Smith, John AND Doe, Jane and others") == [
        "{Barnes and Noble}",
        "Smith, John",
        "Doe, Jane",
        "others",
    ]
    assert authors("{Barnes and Noble} and Smith, John") == ("Barnes and Noble", "Smith, John")


def test_nasa_ads_layout_right_aligned_names_and_crlf():
    raw = (
        "@ARTICLE{2024arXiv240919256S,\r\n"
        "       author = {{Sheng}, Guangming and {Zhang}, Chi and {{\\'C}iri{\\'c}}, Ljubi{\\v{s}}a},\r\n"
        '        title = "{HybridFlow: A Flexible and Efficient RLHF Framework}",\r\n'
        "      journal = {arXiv e-prints},\r\n"
        "         year = 2024,\r\n"
        "       adsurl = {https://ui.adsabs.harvard.edu/abs/2024arXiv240919256S},\r\n"
        "      adsnote = {Provided by the SAO/NASA Astrophysics Data System}\r\n"
        "}"
    )
    out, said = _edit(raw)
    assert out == (
        "@MISC{2024arXiv240919256S,\r\n"
        "       author = {{Sheng}, Guangming and {Zhang}, Chi and {{\\'C}iri{\\'c}}, Ljubi{\\v{s}}a},\r\n"
        '        title = "{HybridFlow: A Flexible and Efficient RLHF Framework}",\r\n'
        "         year = 2024,\r\n"
        "       adsurl = {https://ui.adsabs.harvard.edu/abs/2024arXiv240919256S},\r\n"
        "      adsnote = {Provided by the SAO/NASA Astrophysics Data System},\r\n"
        "       eprint = {2409.19256},\r\n"
        "archiveprefix = {arXiv},\r\n"
        "          doi = {10.48550/arXiv.2409.19256},\r\n"
        "          url = {https://arxiv.org/abs/2409.19256},\r\n"
        " primaryclass = {cs.LG}\r\n"
        "}"
    )
    assert said[0] == "@article → @misc" and said[-1] == "-journal {arXiv e-prints}"


def test_one_line_entries_and_left_aligned_values_keep_their_shape():
    out, _ = _edit("@misc{k,  title={HybridFlow: A Flexible and Efficient RLHF Framework},  year={2024}}")
    assert out.startswith(
        "@misc{k,  title={HybridFlow: A Flexible and Efficient RLHF Framework},  year={2024},  author={"
    )
    assert out.endswith(",  primaryclass={cs.LG}}")
    raw = "@Misc{k,\n  TITLE  = {HybridFlow: A Flexible and Efficient RLHF Framework},\n  YEAR   = {2024},\n}"
    out, _ = _edit(raw)
    assert "\n  YEAR   = {2024},\n  AUTHOR = {Sheng, Guangming and" in out and out.endswith(
        "  PRIMARYCLASS = {cs.LG},\n}"
    )


def test_an_entry_already_right_in_other_words_is_not_touched():
    raw = (
        "@misc{k,\n"
        "  title = {{{HybridFlow}}: {{A Flexible}} and Efficient {{RLHF}} Framework},\n"
        "  author = {Guangming Sheng and Chi Zhang and Ljubisa Ciric},\n"
        "  year = {2024},\n  month = sep,\n"
        "  eprint = {2409.19256v1},\n  archivePrefix = {arXiv},\n  primaryClass = {cs},\n"
        "  doi = {https://doi.org/10.48550/arXiv.2409.19256},\n"
        "  url = {http://arxiv.org/pdf/2409.19256v2.pdf},\n"
        "  file = {/home/me/Zotero/storage/X/HybridFlow.pdf}\n}"
    )
    out, said = _edit(raw)
    assert out == raw and said == []


def test_a_note_that_says_more_is_extended_and_one_naming_the_id_is_replaced():
    rec = Record("2409.19256", 2, REC.title, REC.authors, "", "2024-09-28", journal_ref="EuroSys 2025")
    base = "@misc{k,\n  title = {HybridFlow: A Flexible and Efficient RLHF Framework},\n  eprint = {2409.19256},\n"
    out, _ = _edit(base + "  note = {Read section 4 first}\n}", Paper(rec, "k"))
    assert "note = {Read section 4 first. Published in EuroSys 2025}" in out
    out, _ = _edit(base + "  note = {arXiv:2409.19256}\n}", Paper(rec, "k"))
    assert "note = {Published in EuroSys 2025}" in out


def test_a_real_venue_the_user_names_keeps_the_entry_and_gains_only_the_eprint():
    raw = (
        "@article{k,\n  title = {Hybridflow: a flexible and efficient rlhf framework},\n"
        "  author = {Sheng, G.},\n  journal = {Proceedings of EuroSys},\n  year = {2025},\n"
        "  url = {https://dl.acm.org/doi/10.1145/3689031.3696075}\n}"
    )
    out, said = _edit(raw)
    assert said == ["+eprint {2409.19256}", "+archiveprefix {arXiv}", "+primaryclass {cs.LG}"]
    assert out.startswith(raw[:-2])


def test_style_keep_and_types_that_are_not_papers():
    gs = "@article{k,\n  title={HybridFlow: A Flexible and Efficient RLHF Framework},\n  journal={arXiv preprint arXiv:2409.19256},\n  year={2024}\n}"
    out, said = _edit(gs, how="keep")
    assert out.startswith("@article{k,") and "journal={arXiv preprint arXiv:2409.19256}" in out
    assert not [d for d in said if d.startswith(("-", "@"))]
    thesis = gs.replace("@article", "@phdthesis").replace("journal={arXiv preprint arXiv:2409.19256},\n", "")
    out, _ = _edit(thesis)
    assert out.startswith("@phdthesis{k,")


def test_a_latin1_biblatex_entry_gets_tex_for_every_letter():
    raw = "@online{k,\n  title = {HybridFlow: A Flexible and Efficient RLHF Framework},\n  date = {2024-09-28},\n}"
    out, _ = _edit(raw, ascii_only=True)
    assert out.isascii() and "{\\'C}iri{\\'c}" in out and "eprinttype = {arxiv}" in out
    out, _ = _edit(raw, ascii_only=False)
    assert "Ćirić" in out


def test_format_value_follows_the_entrys_quotes():
    style = style_of(parse_entry('@misc{k, title = "A", year = "2024"}'))
    assert format_value("B", style) == '"B"' and format_value('say "hi"', style) == '{say "hi"}'
    assert format_value("sep", style) == "sep"
    assert apply(parse_entry("@misc{k,\n  a = {1},\n  b = {2},\n  c = {3}\n}"), [Change("removed", "b")]) == (
        "@misc{k,\n  a = {1},\n  c = {3}\n}"
    )


def test_dblp_alignment_is_followed_although_archiveprefix_breaks_it():
    raw = (
        "@article{DBLP:journals/corr/abs-2409-19256,\n"
        "  author    = {Guangming Sheng and\n               Chi Zhang},\n"
        "  title     = {HybridFlow: A Flexible and Efficient RLHF Framework},\n"
        "  journal   = {CoRR},\n  volume    = {abs/2409.19256},\n  year      = {2024},\n"
        "  url       = {https://doi.org/10.48550/arXiv.2409.19256},\n"
        "  archivePrefix = {arXiv},\n  eprint    = {2409.19256},\n"
        "  bibsource = {dblp computer science bibliography, https://dblp.org}\n}"
    )
    out, _ = _edit(raw)
    assert "  bibsource = {dblp computer science bibliography, https://dblp.org},\n  doi       = {10.48550" in out
