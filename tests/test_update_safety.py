"""``update`` and ``tex`` never lose a user's byte: encodings and line endings kept, backups
that are never overwritten, an editor's save detected, links, modes and read-only files
respected; ``tex`` reads \\input files, skips verbatim, refuses bad keys and far paths."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from test_latex_loop import REFS, arxiv  # noqa: F401  (the in-process arXiv fixture)

from paper2bib.cli import main

GS = "@article{sheng2024hybridflow,\n  title={Hybridflow: A flexible and efficient rlhf framework},\n  author={Sheng, Guangming and Zhang, Chi and others},\n  journal={arXiv preprint arXiv:2409.19256},\n  year={2024}\n}\n"
OTHER = "@book{knuth,\n  title={The {\\TeX}book},\n  author={Knuth, Donald E.},\n  publisher={Addison-Wesley},\n  year={1984}\n}\n"


def _run(*args, obj=None):
    return CliRunner().invoke(main, [str(a) for a in args], obj=obj)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("crlf", (OTHER + "\n" + GS).replace("\n", "\r\n").encode("utf-8")),
        ("bom", b"\xef\xbb\xbf" + (OTHER.replace("Knuth", "Kn\u00fcth") + "\n" + GS).encode("utf-8")),
        ("latin-1", (OTHER.replace("Knuth", "Kn\u00fcth") + "\n" + GS).encode("latin-1")),
        ("utf-16", "\ufeff".encode("utf-16-le") + (OTHER + "\n" + GS).encode("utf-16-le")),
    ],
)
def test_encoding_and_line_endings_are_the_files_own(tmp_path, arxiv, name, data):  # noqa: F811
    bib = tmp_path / "refs.bib"
    bib.write_bytes(data)
    result = _run("update", bib, "--in-place", obj=arxiv.cli)
    assert result.exit_code == 0, result.output
    new = bib.read_bytes()
    assert (tmp_path / "refs.bib.orig").read_bytes() == data
    codec = {"crlf": "utf-8", "bom": "utf-8-sig", "latin-1": "latin-1", "utf-16": "utf-16"}[name]
    old_text, new_text = data.decode(codec), new.decode(codec)
    book = old_text[: old_text.index("@article")]
    assert new_text.startswith(book)  # the other entry: the same bytes
    assert new[:3] == data[:3]  # a BOM stays, none appears
    assert "eprint={2409.19256}" in new_text
    if name == "crlf":
        assert new.count(b"\r\n") == new.count(b"\n")  # every new line is CRLF too
    else:
        assert "\r" not in new_text


def test_a_non_text_file_is_refused_and_untouched(tmp_path, arxiv):  # noqa: F811
    bib = tmp_path / "refs.bib"
    data = b"@misc{a, title={\x00\x01\x02}}\n" * 3
    bib.write_bytes(data)
    result = _run("update", bib, "--in-place", obj=arxiv.cli)
    assert result.exit_code == 2 and "nothing was changed" in result.stderr
    assert bib.read_bytes() == data and not (tmp_path / "refs.bib.orig").exists()


def test_in_place_twice_never_overwrites_a_backup_and_a_no_op_writes_nothing(tmp_path, arxiv):  # noqa: F811
    bib = tmp_path / "refs.bib"
    bib.write_text(OTHER + "\n" + GS, encoding="utf-8")
    first = _run("update", bib, "--in-place", obj=arxiv.cli)
    assert first.exit_code == 0 and "the original is in" in first.stderr
    after_first = bib.read_bytes()
    os.utime(bib, (1_000_000, 1_000_000))
    second = _run("update", bib, "--in-place", obj=arxiv.cli)
    assert second.exit_code == 0, second.output
    assert "nothing to change" in second.stderr and "was not rewritten" in second.stderr
    assert bib.read_bytes() == after_first and bib.stat().st_mtime == 1_000_000  # not even touched
    assert not (tmp_path / "refs.bib.orig.1").exists()
    # the user edits the file back; the next update keeps both earlier states
    bib.write_text(OTHER + "\n" + GS, encoding="utf-8")
    assert _run("update", bib, "--in-place", obj=arxiv.cli).exit_code == 0
    assert (tmp_path / "refs.bib.orig").read_text(encoding="utf-8") == OTHER + "\n" + GS
    assert (tmp_path / "refs.bib.orig.1").read_text(encoding="utf-8") == OTHER + "\n" + GS


def test_the_report_counts_add_up_and_diff_writes_nothing(tmp_path, arxiv):  # noqa: F811
    bib = tmp_path / "refs.bib"
    bib.write_text(REFS, encoding="utf-8")
    result = _run("update", bib, "--diff", obj=arxiv.cli)
    assert result.exit_code == 3
    assert bib.read_text(encoding="utf-8") == REFS and not (tmp_path / "refs.bib.orig").exists()
    assert "-@article{sheng2024hybridflow," in result.stdout and "+@misc{sheng2024hybridflow," in result.stdout
    assert "-  journal={arXiv preprint arXiv:2409.19256}," in result.stdout
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith(
        "2 entries updated, 0 already right, 2 kept by request, 1 left for review, "
        "0 unreadable (kept as they were), 1 complete or not papers (untouched)"
    )


def test_an_editors_save_during_the_update_is_detected_and_nothing_is_lost(tmp_path, arxiv):  # noqa: F811
    bib = tmp_path / "refs.bib"
    bib.write_text(GS, encoding="utf-8")

    def editor_saves():  # while paper2bib asks arXiv
        bib.write_text(GS + "\n@misc{mynew, title={Saved meanwhile}}\n", encoding="utf-8")

    arxiv.on_ask = editor_saves
    result = _run("update", bib, "--in-place", obj=arxiv.cli)
    assert result.exit_code == 1 and "changed while paper2bib was working" in result.stderr
    assert "Saved meanwhile" in bib.read_text(encoding="utf-8")
    assert not (tmp_path / "refs.bib.orig").exists()


def test_links_modes_and_read_only_files(tmp_path, arxiv):  # noqa: F811
    real = tmp_path / "library" / "refs.bib"
    real.parent.mkdir()
    real.write_text(GS, encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "refs.bib"
    link.symlink_to(real)
    assert _run("update", link, "--in-place", obj=arxiv.cli).exit_code == 0
    assert link.is_symlink() and "eprint={2409.19256}" in real.read_text(encoding="utf-8")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert (real.parent / "refs.bib.orig").read_text(encoding="utf-8") == GS
    assert not [p for p in real.parent.iterdir() if p.name.endswith("part")]
    real.write_text(GS, encoding="utf-8")
    (real.parent / ".refs.bib.abc123.p2b-part").write_bytes(b"left by a killed run")
    (real.parent / ".other.bib.abc123.p2b-part").write_bytes(b"another file's")
    assert _run("update", link, "--in-place", obj=arxiv.cli).exit_code == 0
    assert sorted(p.name for p in real.parent.iterdir() if p.name.endswith("part")) == [".other.bib.abc123.p2b-part"]
    ro = tmp_path / "ro.bib"
    ro.write_text(GS, encoding="utf-8")
    ro.chmod(0o444)
    result = _run("update", ro, "--in-place", obj=arxiv.cli)
    assert result.exit_code == 2 and "read-only" in result.stderr
    assert ro.read_text(encoding="utf-8") == GS and not (tmp_path / "ro.bib.orig").exists()


def test_stdin_cannot_be_edited_in_place(tmp_path, arxiv):  # noqa: F811
    result = CliRunner().invoke(main, ["update", "-", "--in-place"], obj=arxiv.cli, input=GS)
    assert result.exit_code == 2 and "--in-place needs a file" in result.stderr
    assert not (tmp_path / "-").exists() and not (tmp_path / "-.orig").exists()


def test_a_style_keep_update_keeps_the_type_and_journal(tmp_path, arxiv):  # noqa: F811
    bib = tmp_path / "refs.bib"
    bib.write_text(GS, encoding="utf-8")
    result = _run("update", bib, "--style", "keep", "-o", tmp_path / "out.bib", obj=arxiv.cli)
    out = (tmp_path / "out.bib").read_text(encoding="utf-8")
    assert result.exit_code == 0 and out.startswith("@article{sheng2024hybridflow,")
    assert "journal={arXiv preprint arXiv:2409.19256}" in out and "eprint={2409.19256}" in out


# ----------------------------------------------------------------------------- tex
def _doc(tmp_path, body: str, bib: str = "refs") -> None:
    (tmp_path / "paper.tex").write_text(
        "\\documentclass{article}\n\\begin{document}\n" + body + f"\n\\bibliography{{{bib}}}\n\\end{{document}}\n",
        encoding="utf-8",
    )


def test_tex_reads_inputs_skips_verbatim_and_refuses_bad_keys(tmp_path, arxiv):  # noqa: F811
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "intro.tex").write_text("\\cite{2410.13859}\n", encoding="utf-8")
    _doc(
        tmp_path,
        "\\input{chapters/intro}\n\\begin{verbatim}\\cite{2501.00001}\\end{verbatim}\n"
        "\\begin{comment}\\cite{2501.00002}\\end{comment}\n"
        "\\verb|\\cite{2501.00003}| \\lstinline!\\cite{2501.00004}!\n"
        "\\cite{2409.19256} \\cite{arXiv:2409.19256}\n"
        "\\cite{2411.00382\\immediate\\write18{touch pwn}}",
    )
    result = _run("tex", tmp_path / "paper.tex", obj=arxiv.cli)
    text = (tmp_path / "refs.bib").read_text(encoding="utf-8")
    assert "@misc{2410.13859," in text and "@misc{2409.19256," in text
    assert "2501.00001" not in text and "2501.00002" not in text and "write18" not in text
    assert "2501.0000" not in result.stderr  # never even read as a citation
    assert "not a valid citation key, left out: '2411.00382\\\\immediate\\\\write18{touch pwn'" in result.stderr
    assert "arXiv:2409.19256 and 2409.19256 cite the same paper (2409.19256)" in result.stderr
    assert result.exit_code == 3


def test_tex_writes_only_next_to_the_document(tmp_path, arxiv):  # noqa: F811
    (tmp_path / "doc").mkdir()
    _doc(tmp_path / "doc", "\\cite{2409.19256}", bib="../../outside/evil")
    result = _run("tex", tmp_path / "doc" / "paper.tex", obj=arxiv.cli)
    assert result.exit_code == 2 and "outside its folder" in result.stderr
    assert not (tmp_path.parent / "outside").exists()
    _doc(tmp_path / "doc", "\\cite{2409.19256}", bib="refs,missing")
    result = _run("tex", tmp_path / "doc" / "paper.tex", obj=arxiv.cli)
    assert "missing.bib is named by the document but does not exist" in result.stderr
    assert (tmp_path / "doc" / "refs.bib").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="runs two processes on one file")
def test_two_tex_runs_at_once_lose_nothing(tmp_path, seed_records):
    """Two real processes on one .bib: the second waits for the first and adds nothing twice."""
    import json

    ids = [d["id"] for d in seed_records[:12]]
    _doc(tmp_path, " ".join(f"\\cite{{{a}}}" for a in ids))
    (tmp_path / "refs.bib").write_text("@misc{mine, title={Mine}}\n", encoding="utf-8")
    (tmp_path / "records.json").write_text(json.dumps(seed_records), encoding="utf-8")
    script = tmp_path / "run.py"
    script.write_text(
        "import json, sys, time\n"
        "sys.path.insert(0, {!r})\n"
        "from conftest import record_from_json\n"
        "from test_latex_loop import StubArxiv\n"
        "stub = StubArxiv((record_from_json(d) for d in json.load(open({!r}))), on_ask=lambda: time.sleep(0.5))\n"
        "from paper2bib.cli import main\n"
        "sys.exit(main(['tex', {!r}, '--library', sys.argv[1]], obj=stub.cli))\n".format(
            os.path.dirname(__file__), str(tmp_path / "records.json"), str(tmp_path / "paper.tex")
        )
    )
    env = {**os.environ, "PAPER2BIB_LOOKUP_PUBLISHED": "0"}
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(tmp_path / f"lib{i}.sqlite")], env=env, stderr=subprocess.PIPE
        )
        for i in range(2)
    ]
    outs = [p.communicate(timeout=120)[1].decode() for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    text = (tmp_path / "refs.bib").read_text(encoding="utf-8")
    for a in ids:
        assert text.count(f"@misc{{{a},") == 1
    assert text.startswith("@misc{mine, title={Mine}}\n")
    assert sum("12 entries added" in o for o in outs) == 1
    assert sum("all 12 cited keys are in the bibliography" in o for o in outs) == 1
    time.sleep(0)


def test_an_id_naming_another_work_is_never_rewritten(tmp_path, arxiv):  # noqa: F811
    bib = tmp_path / "refs.bib"
    text = "@book{arfken,\n  title={Mathematical Methods for Physicists},\n  eprint={2409.19256},\n  year={2013}\n}\n"
    bib.write_text(text, encoding="utf-8")
    result = _run("update", bib, "--in-place", obj=arxiv.cli)
    assert result.exit_code == 3 and "its id names arXiv:2409.19256" in result.stderr
    assert bib.read_text(encoding="utf-8") == text and not (tmp_path / "refs.bib.orig").exists()


def test_arxiv_down_leaves_the_file_as_it_was(tmp_path, monkeypatch):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("PAPER2BIB_ARXIV_URL", f"http://127.0.0.1:{port}/api/query")
    monkeypatch.setenv("PAPER2BIB_ARXIV_GIVE_UP_AFTER", "2")
    bib = tmp_path / "refs.bib"
    bib.write_text(GS, encoding="utf-8")
    started = time.monotonic()
    result = _run("update", bib, "--in-place")
    assert result.exit_code == 1 and "arXiv" in result.stderr
    assert time.monotonic() - started < 30
    assert bib.read_text(encoding="utf-8") == GS and not (tmp_path / "refs.bib.orig").exists()
