"""Fuzzing (hypothesis): bad input is a tested path, and writers hold for any record."""

from __future__ import annotations

import contextlib
import json

import bibtexparser
import jsonschema
from bibtexparser.bparser import BibTexParser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA, SEED
from paper2bib.digest import parse_text
from paper2bib.digest.source import decode, read_source
from paper2bib.errors import InputError
from paper2bib.models import Link, Paper, Record
from paper2bib.writers.bibtex import biblatex_fields, bibtex_fields, render_biblatex, render_bibtex
from paper2bib.writers.csl import render_csl_json
from paper2bib.writers.latex import balanced

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SEED_TEXT = SEED.read_text(encoding="utf-8")
SCHEMA = json.loads((DATA / "csl-data.json").read_text(encoding="utf-8"))

# text full of what breaks things: TeX, BibTeX syntax, unicode of every kind
nasty_text = st.lists(
    st.one_of(
        st.sampled_from(list("{}$\\^_~%#&@,=\"'`()[]<>|\n\t -:;.!?")),
        st.sampled_from(
            [
                "\\emph{",
                "$x^2$",
                "\\'",
                '\\"',
                "}}",
                "@misc{",
                "αβγ",
                "ø",
                "ł",
                "王",
                "😀",
                "\u200b",
                "\u00a0",
                "\\end{document}",
                " and ",
                "RLHF",
            ]
        ),
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8),
    ),
    max_size=40,
).map("".join)


@FUZZ
@given(st.text(max_size=2000))
def test_any_text_parses_or_fails_cleanly(text):
    try:
        entries = parse_text(text)
    except InputError:
        return
    assert entries and all(e.title or e.arxiv_id for e in entries)


@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes_decode_or_fail_cleanly(data):
    try:
        text = decode(data, "fuzz")
    except InputError:
        return
    with contextlib.suppress(InputError):
        parse_text(text)


@FUZZ
@given(st.integers(0, len(SEED_TEXT) - 1), st.integers(0, 500), nasty_text)
def test_near_miss_listings_never_crash(pos, cut, junk):
    mangled = SEED_TEXT[:pos] + junk + SEED_TEXT[pos + cut :]
    try:
        entries = parse_text(mangled)
    except InputError:
        return
    assert len(entries) >= 1


names = st.lists(nasty_text.filter(lambda s: s.strip()), max_size=4)
records = st.builds(
    lambda title, authors, summary, jref, comment: Record(
        "2401.00001", 1, title, tuple(authors), summary, "2024-01-31", None, "cs.LG", ("cs.LG",), comment, jref, None
    ),
    nasty_text,
    names,
    nasty_text,
    st.one_of(st.none(), nasty_text),
    st.one_of(st.none(), nasty_text),
)


def _read_back(text: str) -> list[dict]:
    parser = BibTexParser(common_strings=True, ignore_nonstandard_types=False)
    return bibtexparser.loads(text, parser=parser).entries


@FUZZ
@given(records)
def test_bibtex_reads_back_to_the_same_values(record):
    paper = Paper(record, "key2024x", (Link("https://github.com/a/b", "code"),))
    for render, fields_of in ((render_bibtex, bibtex_fields), (render_biblatex, biblatex_fields)):
        text = render([paper], abstracts=True, links_in_note=True)
        (entry,) = _read_back(text)
        expected = fields_of(record, paper.links, True, True)
        expected.pop("month", None)
        got = {k: v for k, v in entry.items() if k not in ("ID", "ENTRYTYPE", "month")}
        assert got == expected
        assert all(balanced(v) for v in got.values())


@FUZZ
@given(records)
def test_csl_json_is_always_schema_valid(record):
    items = json.loads(render_csl_json([Paper(record, "key2024x", (Link("https://example.org/p", "project"),))]))
    jsonschema.validate(items, SCHEMA)


@settings(max_examples=20, deadline=None)
@given(st.lists(nasty_text, min_size=1, max_size=30))
def test_a_list_of_anything_as_a_reading_list(lines):
    with contextlib.suppress(InputError):
        parse_text("\n".join(lines))


def test_a_50_mb_listing_is_refused_without_loading_it(tmp_path):
    import resource

    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        chunk = SEED_TEXT.encode("utf-8")
        while f.tell() < 50 * 1024 * 1024:
            f.write(chunk)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        read_source(str(big))
    except InputError as e:
        assert "larger than 20 MiB" in str(e)
    else:
        raise AssertionError("a 50 MB digest must be refused")
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 60 * 1024, "reads at most the limit, once"
