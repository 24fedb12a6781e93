"""The command-line contract: commands, JSON shapes, exit codes, stdout/stderr split."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from paper2bib.cli import main


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_help_lists_every_command(runner):
    out = runner.invoke(main, ["--help"]).stdout
    for cmd in ("parse", "add", "list", "pin", "export", "zotero"):
        assert cmd in out


def test_usage_errors_exit_2(runner):
    assert runner.invoke(main, ["export", "--format", "docx"]).exit_code == 2
    assert runner.invoke(main, ["add"]).exit_code == 2
    assert runner.invoke(main, ["frobnicate"]).exit_code == 2


def test_list_json_shape(seed_library, runner):
    result = runner.invoke(main, ["list", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert len(rows) == 89
    row = next(r for r in rows if r["arxiv_id"] == "2406.04594")
    for field in ("digest_title", "title", "arxiv_id", "version", "status", "score", "citekey", "links", "zotero_key"):
        assert field in row
    assert row["digest_title"].startswith("Boosting Large-scale Parallel Training Efficiency with C4")
    assert row["title"].startswith("Enhancing Large-Scale AI Training Efficiency")
    assert (row["status"], row["version"], row["zotero_key"]) == ("resolved", 2, None)
    assert 0.8 < row["score"] <= 1.0  # the title changed: the abstract carries the score


def test_list_filters_by_status(seed_library, runner):
    assert json.loads(runner.invoke(main, ["list", "--json", "--status", "ambiguous"]).stdout) == []
    assert len(json.loads(runner.invoke(main, ["list", "--json", "--status", "resolved"]).stdout)) == 89


def test_citekey_appears_in_list_once_exported(seed_library, runner):
    runner.invoke(main, ["export"])
    rows = json.loads(runner.invoke(main, ["list", "--json"]).stdout)
    assert all(r["citekey"] for r in rows)
    assert next(r for r in rows if r["arxiv_id"] == "2409.19256")["citekey"] == "sheng2024hybridflow"


def test_pin_settles_an_entry_from_the_library_cache(seed_library, runner):
    rows = json.loads(runner.invoke(main, ["list", "--json"]).stdout)
    entry = next(r for r in rows if r["arxiv_id"] == "2411.00382")["entry"]
    # the ICLR version is not in the library: pinning to it would need arXiv; pin to a cached one
    refused = runner.invoke(main, ["pin", str(entry), "2408.07990v1"])
    assert refused.exit_code == 2 and "already resolved to 2411.00382" in refused.stderr
    result = runner.invoke(main, ["pin", "--force", str(entry), "2408.07990v1"])
    assert result.exit_code == 0, result.stderr
    row = next(r for r in json.loads(runner.invoke(main, ["list", "--json"]).stdout) if r["entry"] == entry)
    assert (row["arxiv_id"], row["version"], row["why"]) == ("2408.07990", 1, "pinned by hand")


def test_pin_rejects_bad_ids_and_unknown_entries(seed_library, runner):
    bad = runner.invoke(main, ["pin", "1", "not-an-id"])
    assert bad.exit_code == 2 and "not an arXiv id" in bad.stderr
    missing = runner.invoke(main, ["pin", "999", "2409.19256"])
    assert missing.exit_code == 2 and "no entry 999" in missing.stderr


@pytest.mark.parametrize("command", [["export"], ["list"], ["list", "--json"], ["pin", "1", "2409.19256"]])
def test_read_only_commands_never_create_a_library(tmp_path, runner, command):
    typo = tmp_path / "typo" / "libary.sqlite"
    result = runner.invoke(main, [*command, "--library", str(typo)])
    assert result.exit_code == 2 and result.stdout == ""
    assert f"no library at {typo}" in result.stderr and result.stderr.count("\n") == 1
    assert not typo.parent.exists()


def test_add_makes_no_folders_for_a_mistyped_library(tmp_path, runner):
    from conftest import DATA

    typo = tmp_path / "typo" / "dir" / "library.sqlite"
    result = runner.invoke(main, ["add", str(DATA / "arxiv-links.txt"), "--library", str(typo)])
    assert result.exit_code == 2 and not (tmp_path / "typo").exists()
    assert result.stderr == (
        f"paper2bib: error: {typo}: the folder {typo.parent} does not exist: create it first, or check"
        " --library / PAPER2BIB_LIBRARY (only the default library's folder is made for you)\n"
    )


def test_export_of_an_empty_library(runner, tmp_path):
    from paper2bib.store import Library

    Library(tmp_path / "library.sqlite").close()
    result = runner.invoke(main, ["export"])
    assert result.exit_code == 0 and result.stdout == ""
    assert "0 papers" in result.stderr


def test_bad_config_file_is_a_clear_error(tmp_path, monkeypatch, runner):
    cfg = tmp_path / "config.toml"
    cfg.write_text("[arxiv]\ndelay = 'soon'\n")
    monkeypatch.setenv("PAPER2BIB_CONFIG", str(cfg))
    result = runner.invoke(main, ["list"])
    assert result.exit_code == 2 and "delay must be a number" in result.stderr


# ---------------------------------------------------------------- what the commands say (issue: the CLI tells the truth)
def _add_unresolved(library) -> int:
    from paper2bib.models import Entry, Resolution
    from paper2bib.store import Library

    with Library(library) as lib:
        ((eid, _),) = lib.add_entries([Entry(title="A Paper arXiv Does Not Have")])
        lib.save_resolutions([(eid, Resolution("unresolved", 0.3, why="no candidate is close"))])
    return eid


def test_export_says_what_it_left_out_and_exits_3(seed_library, runner):
    _add_unresolved(seed_library)
    result = runner.invoke(main, ["export"])
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        "89 papers exported as bibtex; 1 entry left out (1 unresolved) — see paper2bib list --status unresolved"
    ]
    assert result.stdout.count("@misc{") == 89


def test_list_shows_arxivs_title_and_pins(seed_library, runner):
    from paper2bib.store import Library

    with Library(seed_library) as lib:
        renamed = next(e for e in lib.entries() if e.digest_title and e.digest_title.startswith("Redco:"))
    row = next(r for r in json.loads(runner.invoke(main, ["list", "--json"]).stdout) if r["entry"] == renamed.id)
    assert row["digest_title"].startswith("Redco:") and row["title"].startswith("RedCoast:")
    listed = runner.invoke(main, ["list", "--status", "resolved"]).stdout.splitlines()
    line = next(ln for ln in listed if ln.startswith(f"{renamed.id:5}"))
    assert "RedCoast: A Lightweight Tool" in line and "Redco:" not in line
    assert runner.invoke(main, ["pin", str(renamed.id), "2310.16355"]).exit_code == 0
    line = next(ln for ln in runner.invoke(main, ["list"]).stdout.splitlines() if ln.startswith(f"{renamed.id:5}"))
    assert line.split()[1] == "pinned"


def test_key_format_changes_are_reported_and_rekey_warns(seed_library, runner):
    first = runner.invoke(main, ["export"])
    assert first.exit_code == 0 and "sheng2024hybridflow" in first.stdout
    kept = runner.invoke(main, ["export", "--key-format", "{Auth}{year}"])
    assert kept.exit_code == 0 and "sheng2024hybridflow" in kept.stdout  # keys are stable …
    assert kept.stderr.splitlines()[1] == (  # … and the user is told why the format did not apply
        "89 keys kept from earlier exports, made with another key format; "
        "--rekey recomputes them (\\cite commands using the old keys then break)"
    )
    rekeyed = runner.invoke(main, ["export", "--key-format", "{Auth}{year}", "--rekey"])
    assert rekeyed.exit_code == 0 and "@misc{Sheng2024," in rekeyed.stdout
    assert "warning: --rekey changed 89 keys" in rekeyed.stderr
    again = runner.invoke(main, ["export", "--key-format", "{Auth}{year}"])
    assert again.stdout == rekeyed.stdout and len(again.stderr.splitlines()) == 1  # nothing more to say


def test_singular_counts(seed_library, runner, tmp_path):
    one = tmp_path / "one.txt"
    one.write_text("- HybridFlow: A Flexible and Efficient RLHF Framework\n")  # in the library: no request
    parsed = runner.invoke(main, ["parse", str(one)])
    assert parsed.stderr == "1 entry\n"
    exported = runner.invoke(main, ["export", str(one)])
    assert exported.stderr.splitlines()[-1] == "1 paper exported as bibtex"


@pytest.mark.parametrize("command", [["list"], ["remove"], ["zotero", "sync"]])
def test_help_lists_only_the_options_a_command_uses(runner, command):
    text = runner.invoke(main, [*command, "--help"]).stdout
    for unused in ("--arxiv-url", "--delay", "--contact", "--hf-url"):
        assert unused not in text, (command, unused)
    assert "--library" in text


def test_zotero_sync_help_names_its_environment_and_a_group_library(runner):
    text = " ".join(runner.invoke(main, ["zotero", "sync", "--help"]).stdout.split())
    for name in ("ZOTERO_API_KEY", "ZOTERO_LIBRARY_ID", "ZOTERO_LIBRARY_TYPE"):
        assert name in text
    assert "ZOTERO_LIBRARY_TYPE=group ZOTERO_LIBRARY_ID=4711 paper2bib zotero sync" in text


def test_list_status_is_described(runner):
    text = " ".join(runner.invoke(main, ["list", "--help"]).stdout.split())
    assert "--status [resolved|ambiguous|unresolved|pending] Only the entries in this state" in text


SETTINGS = {"--library", "--arxiv-url", "--delay", "--contact", "--hf-url", "--hf-delay", "--s2-url", "--s2-delay",
            "--dblp-url", "--dblp-delay", "--key-format", "--zotero-url"}  # fmt: skip
ARXIV, HUB = {"--arxiv-url", "--delay", "--contact"}, {"--hf-url", "--hf-delay"}
SCHOLAR = {"--s2-url", "--s2-delay", "--dblp-url", "--dblp-delay"}


@pytest.mark.parametrize(
    "command, uses",
    [
        (["parse"], HUB),
        (["add"], {"--library", *ARXIV, *HUB, *SCHOLAR}),
        (["list"], {"--library"}),
        (["remove"], {"--library"}),
        (["pin"], {"--library", *ARXIV, *SCHOLAR}),
        (["update"], {"--library", *ARXIV, *SCHOLAR, "--key-format"}),
        (["tex"], {"--library", *ARXIV, *SCHOLAR, "--key-format"}),
        (["export"], {"--library", *ARXIV, *HUB, *SCHOLAR, "--key-format"}),
        (["refresh"], {"--library", *ARXIV, *SCHOLAR}),
        (["zotero", "sync"], {"--library", "--key-format", "--zotero-url"}),
    ],
    ids=lambda c: " ".join(c) if isinstance(c, list) else "",
)
def test_each_help_lists_the_settings_the_command_uses_with_their_variables(runner, command, uses):
    text = runner.invoke(main, [*command, "--help"]).stdout
    listed = set(re.findall(r"^\s+(?:-\w, )?(--[a-z0-9-]+)", text, re.M))
    assert listed & SETTINGS == uses
    flat = " ".join(text.split())
    assert "Environment (and each option's variable): PAPER2BIB_CONFIG the config file" in flat
    assert ("SEMANTIC_SCHOLAR_API_KEY" in flat) == ("--s2-url" in uses) and ("HF_TOKEN" in flat) == ("--hf-url" in uses)
    for option in uses:  # each with a description naming the environment variable it reads
        assert re.search(re.escape(option) + r" \S+ \w[^[]*\[env (PAPER2BIB|ZOTERO)_[A-Z0-9_]+\]", flat), option
