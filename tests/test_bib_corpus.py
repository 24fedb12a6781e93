"""``update`` on real bibliographies from public repositories (tests/data/bibs/, see its README).

Each file's ``.expected.json`` lists every entry's own fields (made by bibtexparser from the
original file, not by the code under test). After ``update``: every listed field is there
with its value, every entry that is not an arXiv paper is byte-identical, keys and order are
the same, a second run changes nothing, and bibtexparser (and biber) read the result.
"""

from __future__ import annotations

import json
import subprocess

import bibtexparser
import pytest
from bibtexparser.bparser import BibTexParser
from test_latex_loop import StubArxiv

from conftest import DATA, record_from_json, require_tool
from paper2bib.commands.update import update_bib
from paper2bib.config import load_settings
from paper2bib.digest.bibfile import read_fields, split_bib
from paper2bib.userfile import decode_exact

BIBS = DATA / "bibs"
FILES = sorted(p.name for p in BIBS.glob("*.bib"))


@pytest.fixture
def corpus_arxiv():
    records = json.loads((BIBS / "arxiv-records.json").read_text(encoding="utf-8"))
    return StubArxiv(record_from_json(d) for d in records)


def _update(arxiv: StubArxiv, text: str):
    with arxiv.services(load_settings()) as svc:
        return update_bib(svc, "refs.bib", text)


def test_the_corpus_is_large_and_varied():
    assert len(FILES) >= 15
    texts = {name: (BIBS / name).read_bytes() for name in FILES}
    assert any(b"\r\n" in t for t in texts.values())  # a CRLF file
    assert any(b"adsnote" in t for t in texts.values()) and any(b"biburl" in t for t in texts.values())
    assert any(b"mendeley-tags" in t or b"arxivId" in t for t in texts.values())
    assert any(b"eprinttype" in t and b"journaltitle" in t for t in texts.values())  # biblatex


@pytest.mark.parametrize("name", FILES)
def test_update_keeps_every_user_field_and_every_other_entry(name, corpus_arxiv):
    data = (BIBS / name).read_bytes()
    text, encoding, bom = decode_exact(data, name)
    expected = json.loads((BIBS / name).with_suffix(".expected.json").read_text(encoding="utf-8"))["entries"]
    report = _update(corpus_arxiv, text)
    assert (bom + report.text.encode(encoding)).count(b"\r\n") == data.count(b"\r\n") or b"\r\n" not in data
    old, new = split_bib(text, strict=False), split_bib(report.text, strict=False)
    assert [(c.kind, c.key) for c in old] == [(c.kind, c.key) for c in new]
    arxiv_keys = {e["key"] for e in expected if e.get("arxiv_id")}
    for a, b in zip(old, new):
        if a.kind != "entry" or a.key not in arxiv_keys:
            assert a.raw == b.raw, a.key
    fields = [f for f in read_fields(report.text, new) if f is not None]
    by_key: dict[str, dict] = {}
    for f in fields:
        by_key.setdefault(f["ID"], f)
    for e in expected:
        if e.get("readable") is False:
            continue
        got = by_key[e["key"]]
        for k, v in e["user_fields"].items():
            assert got.get(k) == v, (e["key"], k)
        if e.get("note"):
            assert e["note"].rstrip(".") in got.get("note", ""), e["key"]
    second = _update(corpus_arxiv, report.text)
    assert second.text == report.text and not any(o.status == "updated" for o in second.outcomes)
    count = lambda t: len(bibtexparser.loads(t, parser=BibTexParser(ignore_nonstandard_types=False)).entries)  # noqa: E731
    assert count(report.text) == count(text)


@pytest.mark.latex
@pytest.mark.parametrize("name", [*[n for n in FILES if n != "biblatex-examples.bib"][:6], "biblatex-examples.bib"])
def test_updated_files_pass_biber(name, corpus_arxiv, tmp_path):
    biber = require_tool("biber")
    data = (BIBS / name).read_bytes()
    text, encoding, bom = decode_exact(data, name)
    report = _update(corpus_arxiv, text)
    (tmp_path / "in.bib").write_bytes(data)
    (tmp_path / "out.bib").write_bytes(bom + report.text.encode(encoding))
    errors = []
    for f in ("in.bib", "out.bib"):
        run = subprocess.run(
            [biber, "--tool", "--output-file", f + ".checked", f], cwd=tmp_path, capture_output=True, text=True
        )
        errors.append(run.stdout.count("ERROR"))
    assert errors[1] <= errors[0], run.stdout[-2000:]
