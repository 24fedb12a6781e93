"""The command-line contract: commands, JSON shapes, exit codes, stdout/stderr split."""

from __future__ import annotations

import json

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
    result = runner.invoke(main, ["pin", str(entry), "2408.07990v1"])
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


def test_export_of_an_empty_library(runner, tmp_path):
    from paper2bib.library import Library

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
