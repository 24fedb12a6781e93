"""Digest parsing: every input kind, exact titles and abstracts, and every bad input."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import DATA, SEED
from paper2bib.cli import main
from paper2bib.digest import detect_format, parse_file, parse_text
from paper2bib.errors import InputError

SEED_TEXT = SEED.read_text(encoding="utf-8")


def _expected_pairs() -> list[tuple[str, str]]:
    lines = [ln.strip() for ln in SEED_TEXT.splitlines() if ln.strip()][5:]
    return list(zip(lines[0::2], lines[1::2]))


def test_seed_listing_gives_89_exact_entries():
    entries = parse_file(str(SEED))
    assert detect_format(SEED_TEXT) == "hf-listing"
    assert [(e.title, e.abstract) for e in entries] == _expected_pairs()
    assert len(entries) == 89
    assert entries[0].title.startswith("LLM-Powered Decentralized Generative Agents")
    assert entries[-1].title == "Autonomous Agents for Collaborative Task under Information Asymmetry"
    assert all(e.arxiv_id is None for e in entries)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t.replace("\n", "\r\n"),  # CRLF
        lambda t: t.replace("\n\n", "\n"),  # no blank lines at all
        lambda t: t.replace("\n\n", "\n\n\n\n"),  # doubled blank lines
        lambda t: t.replace("\n", "   \n"),  # trailing spaces
        lambda t: t.replace("Mar 20", "November 3, 2025"),  # another header date
        lambda t: t.replace("Mar 20", "2025-11-03"),
        lambda t: t.split("Mar 20", 1)[1],  # no header at all
    ],
    ids=["crlf", "no-blank-lines", "doubled-blank-lines", "trailing-spaces", "long-date", "iso-date", "no-header"],
)
def test_seed_listing_survives_copy_paste_damage(tmp_path, mangle):
    f = tmp_path / "listing.txt"
    f.write_bytes(mangle(SEED_TEXT).encode("utf-8"))
    entries = parse_file(str(f))
    assert [(e.title, e.abstract) for e in entries] == _expected_pairs()


def test_listing_pairs_short_abstracts_and_skips_headers_anywhere():
    header = SEED_TEXT.split("Mar 20", 1)[0] + "Mar 20\n\n"
    long = "A long abstract sentence that goes on and on for a while. " * 5
    text = (
        header
        + "Title One: A Thing\n\nWe release the weights\n\nTitle Two For Tests\n\nA short one.\n\n"
        + "Title Three\n\nEnds with a backslash \\\\\n\n"
        + header.replace("Mar 20", "Mar 21")  # a second listing pasted after the first
        + "Title Four Here\n\n"
        + long
        + "\n"
    )
    entries = parse_text(text)
    assert [(e.title, e.abstract) for e in entries] == [
        ("Title One: A Thing", "We release the weights"),
        ("Title Two For Tests", "A short one."),
        ("Title Three", "Ends with a backslash \\\\"),
        ("Title Four Here", long.strip()),
    ]


def test_wrapped_abstract_is_joined():
    text = "A Title Here\n\nThis abstract was wrapped by a mail client so that\nevery line is short. It goes on for a while and\nthen ends here. Really it does end.\n"
    (entry,) = parse_text(text)
    assert entry.title == "A Title Here"
    assert entry.abstract.startswith("This abstract was wrapped") and entry.abstract.endswith("Really it does end.")


def test_reading_list_with_bullets_numbers_and_ids():
    text = "# My reading list\n\n- Attention Is All You Need\n2. **Gemma Technical Report**\n* [ ] Denoising Diffusion Probabilistic Models\n- arXiv:2409.19256v2 HybridFlow\n"
    entries = parse_text(text)
    assert [(e.title, e.arxiv_id, e.version) for e in entries] == [
        ("Attention Is All You Need", None, None),
        ("Gemma Technical Report", None, None),
        ("Denoising Diffusion Probabilistic Models", None, None),
        ("HybridFlow", "2409.19256", 2),
    ]
    assert all(e.abstract is None for e in entries)


def test_every_id_form_is_recognised():
    text = "\n".join(
        [
            "2409.19256",
            "2409.19257v2",
            "hep-th/9901001",
            "arXiv:2301.00001",
            "https://arxiv.org/abs/2301.00002v3",
            "https://arxiv.org/pdf/2301.00003v1.pdf",
            "arxiv.org/html/2301.00004",
            "https://doi.org/10.48550/arXiv.2301.00005",
            "math.GT/0309136v1",
        ]
    )
    got = [(e.arxiv_id, e.version) for e in parse_text(text)]
    assert got == [
        ("2409.19256", None),
        ("2409.19257", 2),
        ("hep-th/9901001", None),
        ("2301.00001", None),
        ("2301.00002", 3),
        ("2301.00003", 1),
        ("2301.00004", None),
        ("2301.00005", None),
        ("math/0309136", 1),  # the subject class is not part of the id
    ]


def test_free_text_references():
    text = (
        "We build on HybridFlow (arXiv:2409.19256) and on earlier work, see https://arxiv.org/abs/hep-th/9901001. "
        "The dataset paper is 10.48550/arXiv.2301.00001, and again 2409.19256v2 is cited twice."
    )
    assert detect_format(text) == "markdown"
    assert [e.arxiv_id for e in parse_text(text)] == ["2409.19256", "hep-th/9901001", "2301.00001"]


def test_numbers_that_are_not_ids_are_ignored():
    with pytest.raises(InputError):
        parse_text(
            "Version 1.2345 of the 2013.12345 report came out. Then and/or 1234567 things happened in 1999. "
            "Nobody cited anything on arXiv that year, as far as we know."
        )


def test_saved_hugging_face_page():
    html = (DATA / "hf-papers-page.html").read_text(encoding="utf-8")
    entries = parse_text(html)
    assert detect_format(html) == "html"
    assert [(e.arxiv_id, e.title) for e in entries] == [
        ("2409.19256", "HybridFlow: A Flexible and Efficient RLHF Framework"),
        ("2410.13859", "γ-MoD: Exploring Mixture-of-Depth Adaptation for Multimodal Large Language Models"),
        ("2501.09410", "MoE^2: Optimizing Collaborative Inference for Edge Large Language Models"),
    ]


def test_single_paper_page_has_its_abstract():
    html = (DATA / "hf-paper-page.html").read_text(encoding="utf-8")
    (entry,) = parse_text(html)
    assert entry.arxiv_id == "2409.19256"
    assert entry.title == "HybridFlow: A Flexible and Efficient RLHF Framework"
    assert entry.abstract.startswith("Reinforcement Learning from Human Feedback")
    assert [link.url for link in entry.links] == ["https://github.com/volcengine/verl"]


def test_bib_file_every_paper_is_one_entry():
    bib = (DATA / "digest.bib").read_text(encoding="utf-8")
    entries = parse_text(bib)
    assert detect_format(bib) == "bibtex"
    assert [(e.key, e.arxiv_id, e.version, e.title) for e in entries] == [
        ("sheng2024hybridflow", "2409.19256", None, "HybridFlow: A Flexible and Efficient RLHF Framework"),
        ("luo2024gmod", "2410.13859", 2, "γ-MoD: Exploring Mixture-of-Depth Adaptation"),
        ("shangbin2024", "2305.09955", None, "Knowledge Card: Filling LLMs' Knowledge Gaps"),
        ("knuth1984", None, None, entries[3].title),
        ("old", "hep-th/9901001", None, "An old paper by Schrödinger"),
    ]
    assert entries[0].also_keys == ("dup",)  # the same paper again: one entry, both keys
    assert [e.aside for e in entries].count(None) == 4
    assert entries[3].aside == "@book from a publisher, not a paper on arXiv"
    assert entries[0].authors == ("Sheng, Guangming", "Zhang, Chi") and entries[0].year == "2024"


def test_an_entry_commented_out_line_by_line_is_said_to_be(tmp_path, caplog):
    f = tmp_path / "refs.bib"
    f.write_text(
        "@unpublished{WOO-20,\n%  title = {Planning as Inference},\n%  eprint = {2003.13221},\n%}\n\n"
        "@misc{ok, title={Fine}, eprint={2401.00001}}\n",
        encoding="utf-8",
    )
    assert [e.key for e in parse_file(str(f))] == ["ok"]
    assert "refs.bib: line 1: @unpublished{WOO-20 its fields are commented out: skipped" in caplog.text


@pytest.mark.parametrize(
    "text, line, rest",
    [
        (
            "@article{a,\n  title={Fine},\n}\n\n@article{b,\n  title={Broken,\n  year={2020}\n}\n\n@misc{c, title={C}}\n",
            5,
            ["a", "c"],
        ),
        ("% header\n@misc{x,\n  title = {Never closed},\n", 2, []),
        ("@article{a, title={A}}\n@article{b, title={B}, note={x}}}\n@misc(c, title={C}\n", 3, ["a", "b"]),
        # a missing brace that a later stray one would balance: the entry that is open is named
        ("@article{a,\n  title={A},\n\n@article{b, title={B}}}\n", 1, ["b"]),
    ],
    ids=["unbalanced-then-next-entry", "never-closed", "paren-never-closed", "balanced-by-a-later-brace"],
)
def test_a_broken_bib_entry_is_named_and_skipped_and_the_rest_is_read(tmp_path, caplog, text, line, rest):
    f = tmp_path / "refs.bib"
    f.write_text(text, encoding="utf-8")
    if rest:
        assert [e.key for e in parse_file(str(f))] == rest
    else:  # nothing else in the file: nothing to read
        with pytest.raises(InputError, match="no recognisable entry"):
            parse_file(str(f))
    assert f"refs.bib: line {line}: " in caplog.text and "skipped" in caplog.text
    result = CliRunner().invoke(main, ["parse", str(f)])
    assert result.exit_code == (0 if rest else 2)  # parse reads what it can; the warning is logged (above)


def test_a_bib_entry_without_a_key_is_read_and_one_paper_cited_twice_is_one_entry():
    bib = (
        "@inproceedings{,\n  title={No Key Here},\n  eprint={2104.00001}\n}\n"
        "@article{Vaswani2017AttentionIA, title={Attention is All you Need}, journal={ArXiv}, volume={abs/1706.03762}}\n"
        "@misc{again, title={Attention Is All You Need}, eprint={1706.03762}, archivePrefix={arXiv}}\n"
        "@misc{third, title={Attention}, url={https://arxiv.org/abs/1706.03762v5}}\n"
    )
    entries = parse_text(bib, "refs.bib")
    assert [(e.key, e.arxiv_id, e.also_keys) for e in entries] == [
        (None, "2104.00001", ()),
        ("Vaswani2017AttentionIA", "1706.03762", ("again", "third")),  # Semantic Scholar's ArXiv + abs/ style
    ]


def test_arxiv_links_in_the_link_fields_of_bibbase_and_bibdesk_name_the_paper():
    bib = (
        "@inproceedings{BER-21, title={Sequential core-set Monte Carlo}, url={https://proceedings.mlr.press/v161/a.html},"
        " url_ArXiv={https://arxiv.org/abs/2012.07823}}\n"
        "@article{desk, title={Desk}, bdsk-url-1={https://arxiv.org/pdf/2003.13221.pdf}}\n"
        "@article{other, title={Other}, urldate={2024-01-02}, abstract={We improve on arXiv:1706.03762.}}\n"
    )
    assert [(e.key, e.arxiv_id) for e in parse_text(bib, "refs.bib")] == [
        ("BER-21", "2012.07823"),
        ("desk", "2003.13221"),
        ("other", None),  # an id in the abstract is another paper's
    ]


def test_a_readme_quoting_bibtex_is_not_a_bib_file():
    text = "# Paper\n\npaper link: [here](https://arxiv.org/abs/2309.17288)\n\n```bibtex\n@article{c,\n  title={AutoAgents},\n  journal={arXiv preprint arXiv:2309.17288}\n}\n```\n"
    assert detect_format(text) == "markdown"


def test_bib_split_gives_the_file_back_byte_for_byte():
    from paper2bib.digest.bibfile import split_bib

    for path in [DATA / "digest.bib", DATA / "real" / "refs-mixed-styles.bib"]:
        text = path.read_text(encoding="utf-8")
        chunks = split_bib(text)
        assert "".join(c.raw for c in chunks) == text
        assert [c.kind for c in chunks if c.kind not in ("text", "entry")] in ([], ["string", "comment"])


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty input"),
        (b"   \n\n  \t\n", "empty input"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary data"),
        (bytes(range(256)) * 4, "binary data"),
        (
            b"Lorem ipsum dolor sit amet, consectetur adipiscing elit. Sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud.",
            "no recognisable entry",
        ),
    ],
    ids=["empty", "blank", "png", "bytes", "prose"],
)
def test_bad_input_is_one_clear_line_and_exit_2(tmp_path, content, message):
    f = tmp_path / "digest.txt"
    f.write_bytes(content)
    result = CliRunner().invoke(main, ["add", str(f)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "library.sqlite").exists(), "nothing is written for bad input"


def test_missing_file_and_directory(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(main, ["parse", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    folder = runner.invoke(main, ["parse", str(tmp_path)])
    assert folder.exit_code == 2 and "directory" in folder.stderr


def test_one_bad_file_among_good_ones_writes_nothing(tmp_path):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\x00\x01\x02")
    result = CliRunner().invoke(main, ["add", str(SEED), str(bad)])
    assert result.exit_code == 2
    assert not (tmp_path / "library.sqlite").exists()


def test_stdin_is_read_with_dash():
    result = CliRunner().invoke(main, ["parse", "--json", "-"], input="2409.19256\nhep-th/9901001\n")
    assert result.exit_code == 0
    assert [e["arxiv_id"] for e in json.loads(result.stdout)] == ["2409.19256", "hep-th/9901001"]


def test_parse_json_shape_for_seed():
    result = CliRunner().invoke(main, ["parse", "--json", str(SEED)])
    data = json.loads(result.stdout)
    assert len(data) == 89
    assert set(data[0]) == {"title", "abstract", "arxiv_id", "links"}
    assert data[0]["links"] == [{"url": "https://happyeureka.github.io/damcs", "kind": "project"}]
    assert result.stderr.strip() == "89 entries"


def test_latin1_text_is_decoded(tmp_path):
    f = tmp_path / "list.txt"
    f.write_bytes("- Schr\xf6dinger Equations for Caf\xe9 Owners\n".encode("latin-1"))
    (entry,) = parse_file(str(f))
    assert entry.title == "Schrödinger Equations for Café Owners"


def test_oversized_input_is_refused(tmp_path):
    from paper2bib.digest.source import read_source

    f = tmp_path / "big.txt"
    f.write_bytes(b"2409.19256\n" * 1000)
    with pytest.raises(InputError, match="larger than"):
        read_source(str(f), max_bytes=1024)


def test_more_links_people_share_name_the_paper():
    from paper2bib.arxiv_ids import find_ids

    text = (
        "https://huggingface.co/papers/2409.19256 hf.co/papers/2410.13859v2 https://ar5iv.labs.arxiv.org/html/2307.06175 "
        "https://ar5iv.org/abs/2306.08302 https://www.alphaxiv.org/abs/2502.05453 arXiv:math.GT/0309136v2"
    )
    assert [str(r) for r in find_ids(text)] == [
        "2409.19256",
        "2410.13859v2",
        "2307.06175",
        "2306.08302",
        "2502.05453",
        "math/0309136v2",
    ]


def test_utf16_text_and_a_lone_bom():
    from paper2bib.digest.source import decode
    from paper2bib.errors import InputError

    assert decode("2409.19256\r\n".encode("utf-16"), "x") == "2409.19256\n"  # PowerShell's ">" (LE, BOM)
    assert decode("\ufeff2409.19256".encode("utf-16-be"), "x") == "2409.19256"
    with pytest.raises(InputError, match="empty input"):
        decode(b"\xef\xbb\xbf", "x")
