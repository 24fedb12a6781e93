"""CSL-JSON as CSL styles print it: rendered with citeproc-js (npm, in tests/csl) under APA and
Vancouver, each title must read as the copy editor's sentence case in tests/data/sentence-case.json;
under Chicago (which title-cases) and IEEE, acronyms, symbols and names keep their case.

The styles and the locale are the Citation Style Language project's (tests/data/csl-styles)."""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import DATA, record_from_json, require_tool, run
from paper2bib.models import Paper
from paper2bib.titlecase import is_proper, needs_case_protection
from paper2bib.writers import render

CSL = Path(__file__).parent / "csl"
STYLES = DATA / "csl-styles"
TABLE = json.loads((DATA / "sentence-case.json").read_text(encoding="utf-8"))["titles"]

pytestmark = pytest.mark.citeproc  # every test here runs node


def _rendered(tmp_path: Path, seed_records, style: str, title_case: str = "sentence") -> list[str]:
    base = record_from_json(seed_records[0])
    papers = [
        Paper(replace(base, arxiv_id=f"2401.{n:05d}", title=title), f"t{n}", ()) for n, (title, _) in enumerate(TABLE)
    ]
    items = tmp_path / "items.json"
    items.write_text(render("csl-json", papers, csl_title_case=title_case), encoding="utf-8")
    lines = _node(tmp_path, style, items)
    assert len(lines) == len(TABLE)
    return lines


def _node(tmp_path: Path, style: str, items: Path) -> list[str]:
    """The bibliography citeproc-js prints for ``items`` in ``style``, an entry a line."""
    require_tool("node")
    if not (CSL / "node_modules" / "citeproc").is_dir():
        if os.environ.get("CI"):
            pytest.fail("citeproc-js is not installed; .ci/run installs it (npm ci --prefix tests/csl)")
        pytest.skip("citeproc-js is not installed: npm ci --prefix tests/csl")
    args = [str(STYLES / f"{style}.csl"), str(STYLES / "locales-en-US.xml"), str(items)]
    done = run(["node", str(CSL / "render.js"), *args], tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.parametrize("style", ["apa", "elsevier-vancouver"])
def test_sentence_case_styles_print_each_title_as_a_copy_editor_would(tmp_path, seed_records, style):
    for (title, expected), line in zip(TABLE, _rendered(tmp_path, seed_records, style)):
        assert expected in line, (title, expected, line)


@pytest.mark.parametrize("style", ["chicago-author-date", "ieee"])
def test_title_case_styles_keep_acronyms_symbols_and_names(tmp_path, seed_records, style):
    checked = 0
    for (_, expected), line in zip(TABLE, _rendered(tmp_path, seed_records, style)):
        words = [p for w in re.findall(r"[\w/]+", expected) for p in re.split(r"[/-]", w)]
        for word in (w for w in words if needs_case_protection(w) or is_proper(w)):
            checked += 1
            assert word in line, (word, expected, line)
        assert "Γ-MoD" not in line
    assert checked >= 30


def test_keep_writes_arxivs_case(tmp_path, seed_records):
    lines = _rendered(tmp_path, seed_records, "apa", title_case="keep")
    assert "HybridFlow: A Flexible and Efficient RLHF Framework" in lines[20]


@pytest.mark.parametrize("style", ["apa", "elsevier-vancouver", "ieee"])
def test_every_seed_paper_prints_its_title_as_written_in_sentence_case_styles(tmp_path, seed_records, style):
    records = [record_from_json(d) for d in seed_records]
    papers = [Paper(r, f"s{n}", ()) for n, r in enumerate(records)]
    items = tmp_path / "seed.json"
    items.write_text(render("csl-json", papers), encoding="utf-8")
    lines = _node(tmp_path, style, items)
    assert len(lines) == len(papers)
    for item, line in zip(json.loads(items.read_text(encoding="utf-8")), lines):
        title = re.sub(r"<[^>]+>", "", item["title"].replace("<sup>", "").replace("</sup>", ""))
        assert title.replace("'", "’") in line.replace("'", "’"), (title, line)  # citeproc curls apostrophes
