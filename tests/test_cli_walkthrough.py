"""The README's examples, run in order as a new user types them, against recorded arXiv.

Every command of the README's example block runs here, and every line the README shows
under it must be what the command prints (stderr and stdout, as a terminal shows them).
The README cannot drift from what the tool says: this test reads it.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil

import pytest
from click.testing import CliRunner

from conftest import DATA, ROOT
from paper2bib.cli import main


def readme_examples() -> list[tuple[str, list[str]]]:
    """(command, the lines shown under it) from the README's ``Examples:`` block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"Examples \(a test runs them.*?\n\n```sh\n(.*?)```", text, re.S)
    assert block, "the README has no Examples block"
    steps: list[tuple[str, list[str]]] = []
    for line in block.group(1).splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return steps


def run(command: str, runner: CliRunner) -> list[str]:
    """What the terminal shows for ``command``: paper2bib, ``cat``, ``| jq length`` and ``> file``."""
    command = re.sub(r"\s+#.*$", "", command)  # a comment for the reader
    command, _, pipe = command.partition(" | ")
    words = shlex.split(command)
    redirect = None
    if ">" in words:
        redirect = words[words.index(">") + 1]
        words = words[: words.index(">")]
    if words[0] == "cat":
        with open(words[1], encoding="utf-8") as f:
            return f.read().splitlines()
    assert words[0] == "paper2bib", command
    result = runner.invoke(main, words[1:])
    stdout = result.stdout
    if redirect:
        with open(redirect, "w", encoding="utf-8") as f:
            f.write(stdout)
        stdout = ""
    if pipe == "jq length":
        stdout = f"{len(json.loads(stdout))}\n"
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return stdout.splitlines() + result.stderr.splitlines()


@pytest.mark.vcr
def test_the_readme_examples_print_what_the_readme_shows(tmp_path, monkeypatch, one_thread):
    for name in ("hf-papers-listing.txt", "reading-list.md", "arxiv-links.txt"):
        shutil.copy(DATA / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PAPER2BIB_LOOKUP_PUBLISHED", "1")  # as a user has it
    runner = CliRunner()
    for command, shown in readme_examples():
        assert run(command, runner) == shown, command
    refs = (tmp_path / "refs.bib").read_text(encoding="utf-8")
    assert refs.count("@online{") + refs.count("@inproceedings{") + refs.count("@article{") == 92
    assert "@inproceedings{sheng2024hybridflow," in refs  # published (EuroSys 2025), under its key
    assert len(json.loads((tmp_path / "refs.json").read_text(encoding="utf-8"))) == 92
    assert (tmp_path / "just-these.bib").read_text(encoding="utf-8").count("\n@") + 1 == 2


def test_the_readme_command_list_matches_help():
    """Each command line in the README names exactly the options ``--help`` lists."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Command line\n\n```\n(.*?)```", text, re.S)
    assert block
    common = {
        "--library",
        "--arxiv-url",
        "--delay",
        "--contact",
        "--key-format",
        "--hf-url",
        "--hf-delay",
        "--s2-url",
        "--s2-delay",
        "--dblp-url",
        "--dblp-delay",
        "--verbose",
        "--help",
        "--zotero-url",
    }
    listed = {}
    for line in block.group(1).splitlines():
        words = line.split("#")[0].split()
        name = " ".join(w for w in words[1:3] if re.fullmatch(r"[a-z]+", w) and w.isalpha())
        name = "zotero sync" if name.startswith("zotero") else name.split()[0]
        listed[name] = set(re.findall(r"--[a-z-]+|-o\b", line.split("#")[0]))
    runner = CliRunner()
    for name, options in listed.items():
        help_text = runner.invoke(main, [*name.split(), "--help"]).stdout
        assert "Example:" in help_text or "Examples:" in help_text, name
        in_help = set(re.findall(r"^\s+(?:-\w, )?(--[a-z0-9-]+)", help_text, re.M)) - common
        in_help |= {"-o"} if re.search(r"^\s+-o, --output", help_text, re.M) else set()
        in_help -= {"--output"}
        assert options == in_help, (name, options ^ in_help)
    top = runner.invoke(main, ["--help"]).stdout
    jobs = top.split("Read and resolve papers:")[1]  # commands are listed by job
    assert "Write bibliographies:" in jobs and "Zotero:" in jobs
    commands = set(re.findall(r"^  (\w+)\s", jobs, re.M))
    assert {n.split()[0] for n in listed} == commands


def test_every_file_the_readme_names_is_in_the_repository():
    """Paths in backticks and the scripts the README runs: a new user finds each one."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:tests|cassettes|benchmarks|mappings|paper2bib|\.ci)/[^`\s*<]*)`", text))
    named |= set(re.findall(r"python (benchmarks/\S+\.py)", text))
    assert len(named) > 30
    assert sorted(p for p in named if not (ROOT / p.rstrip("/")).exists()) == []
