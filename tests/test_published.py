"""Citing the published version: Semantic Scholar links by arXiv id, DBLP gives the record, nothing wrong.

The look-ups are replayed from cassettes recorded against stand-ins of Semantic Scholar and
DBLP serving the seed listing's papers, real DBLP records where they exist, and the traps a
real client meets (see cassettes/README.md). Faults run against scripted servers on 127.0.0.1.
"""

from __future__ import annotations

import json

import bibtexparser
import jsonschema
import pytest
from bibtexparser.bparser import BibTexParser
from click.testing import CliRunner
from test_hub import Script, hub_server
from test_real_clients import SCHEMA, _latex_warnings

from conftest import compile_nocite, require_tool, run
from paper2bib.cli import main
from paper2bib.commands.published import PublishedReport, look_up_published
from paper2bib.config import load_settings
from paper2bib.net import RetryPolicy
from paper2bib.scholar.dblp import DblpClient
from paper2bib.scholar.s2 import S2Client
from paper2bib.services import Services
from paper2bib.store import Library

#: Every seed paper whose published version the data supports (S2 links a DBLP record, or
#: names a venue whose DBLP record a title search finds): 45 linked, 4 found by title.
PUBLISHED = set(
    """2204.01464 2302.05910 2304.13138 2305.05091 2305.09955 2306.01920 2306.08302 2307.06175 2308.08165 2310.06213
    2310.08446 2310.16355 2311.10090 2312.03549 2401.08383 2401.08732 2401.08743 2401.12686 2401.16265 2401.16677
    2402.01739 2402.02338 2402.19446 2403.03950 2406.02081 2406.04594 2406.14088 2406.14928 2407.18553 2408.04498
    2408.06793 2408.07990 2408.11743 2409.19256 2410.08115 2410.10626 2410.12112 2410.13080 2410.16236 2410.19123
    2410.21666 2411.02829 2501.00316 2501.06184 2501.10714 2501.16937 2502.10391 2502.20330 2502.21231""".split()
)


def _look_up(seed_library, refresh: bool = False) -> PublishedReport:
    with Services(load_settings()) as svc:
        return look_up_published(svc, sorted(svc.store.records()), refresh=refresh)


def _checks(seed_library) -> dict:
    with Library(seed_library) as lib:
        return lib.published()


@pytest.mark.vcr
def test_the_seed_is_upgraded_where_the_evidence_holds_and_never_wrongly(seed_library):
    report = _look_up(seed_library)
    assert (report.published, report.preprints, report.unknown) == (49, 40, 0)
    assert report.s2_requests == 1  # 89 papers: one batch
    checks = _checks(seed_library)
    assert {a for a, c in checks.items() if c.status == "published"} == PUBLISHED
    # the traps
    assert checks["2309.03118"].status == "preprint" and "other authors" in checks["2309.03118"].why  # a wrong merge
    # DBLP holds a paper of the same title by others; S2 names no venue, so DBLP is not even asked
    assert checks["2412.14219"].status == "preprint" and checks["2412.14219"].why == "no published version known yet"
    assert checks["2412.06832"].why == "Semantic Scholar does not know the paper"
    for workshop in ("2211.16385", "2405.18208", "2410.10846"):
        assert checks[workshop].status == "preprint"
    iclr = checks["2307.06175"].version  # S2 names ICLR but links only CoRR: found by title, DBLP's year
    assert iclr.dblp_key == "conf/iclr/0001HFK24" and iclr.year == 2024 and "found by title" in checks["2307.06175"].why
    tkde = checks["2306.08302"].version
    assert (tkde.kind, tkde.volume, tkde.number, tkde.pages, tkde.doi) == (
        "article",
        "36",
        "7",
        "3580-3599",
        "10.1109/TKDE.2024.3352100",
    )
    # a second look-up asks nothing
    again = _look_up(seed_library)
    assert (again.s2_requests, again.dblp_requests, again.published) == (0, 0, 0)


@pytest.mark.vcr
def test_published_papers_export_as_their_venue_with_the_same_keys(seed_library, tmp_path):
    runner = CliRunner()
    before = {e["ID"]: e for e in bibtexparser.loads(runner.invoke(main, ["export"]).stdout).entries}
    _look_up(seed_library)
    bib = runner.invoke(main, ["export"])
    entries = {e["ID"]: e for e in bibtexparser.loads(bib.stdout).entries}
    assert set(entries) == set(before)  # the citation keys never change
    hf = entries["sheng2024hybridflow"]
    assert hf["ENTRYTYPE"] == "inproceedings" and "EuroSys" in hf["booktitle"] and hf["eprint"] == "2409.19256"
    assert hf["archiveprefix"] == "arXiv" and "primaryclass" in hf
    tkde = next(e for e in entries.values() if e.get("eprint") == "2306.08302")
    assert (tkde["ENTRYTYPE"], tkde["volume"], tkde["number"], tkde["pages"]) == ("article", "36", "7", "3580--3599")
    assert sum(e["ENTRYTYPE"] == "misc" for e in entries.values()) == 40
    bl = runner.invoke(main, ["export", "--format", "biblatex"]).stdout
    parsed = bibtexparser.loads(bl, parser=BibTexParser(ignore_nonstandard_types=False)).entries
    hf_bl = next(e for e in parsed if e["ID"] == "sheng2024hybridflow")
    assert hf_bl["ENTRYTYPE"] == "inproceedings" and hf_bl["eprinttype"] == "arxiv" and "pubstate" not in hf_bl
    short = {
        e["ID"]: e for e in bibtexparser.loads(runner.invoke(main, ["export", "--venue-style", "short"]).stdout).entries
    }
    assert short["sheng2024hybridflow"]["booktitle"] == "Proc. EuroSys"
    assert next(e for e in short.values() if e.get("eprint") == "2306.08302")["journal"] == "IEEE TKDE"
    preprints = runner.invoke(main, ["export", "--preprint"]).stdout
    assert preprints.count("@misc{") == 89
    listed = runner.invoke(main, ["list", "--status", "resolved"]).stdout
    assert "       still a preprint: DBLP conf/iclr/FengSBBHT24 has other authors" in listed  # list says why
    assert "       published: IEEE Trans. Knowl. Data Eng. (2024)" in listed
    rows = {r["arxiv_id"]: r for r in json.loads(runner.invoke(main, ["list", "--json"]).stdout)}
    assert rows["2306.08302"]["published"]["journal"] == "IEEE Trans. Knowl. Data Eng."
    assert rows["2309.03118"]["published"] is None and "other authors" in rows["2309.03118"]["publication_check"]


@pytest.mark.vcr
@pytest.mark.parametrize("style, processor", [("bibtex", "bibtex"), ("biblatex", "biber")])
def test_upgraded_entries_compile_without_warnings(seed_library, tmp_path, style, processor):
    require_tool(processor)
    _look_up(seed_library)
    bib = CliRunner().invoke(main, ["export", "--format", style]).stdout
    log, _ = compile_nocite(tmp_path, bib, style, processor)
    assert _latex_warnings(log) == []


@pytest.mark.vcr
def test_upgraded_csl_is_valid_and_renders(seed_library, tmp_path):
    _look_up(seed_library)
    items = json.loads(CliRunner().invoke(main, ["export", "--format", "csl-json"]).stdout)
    jsonschema.validate(items, SCHEMA)
    types = {i["type"] for i in items}
    assert {"paper-conference", "article-journal", "article"} <= types
    require_tool("pandoc")
    (tmp_path / "refs.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "doc.md").write_text("---\nbibliography: refs.json\nnocite: '@*'\n---\n")
    out = run(["pandoc", "--citeproc", "--to", "plain", "--verbose", "doc.md"], tmp_path)
    assert out.returncode == 0 and "WARNING" not in out.stderr, out.stderr
    assert "Knowl. Data Eng." in out.stdout


# ---------------------------------------------------------------- faults: "unknown, ask later", never "not published"
def test_s2_rate_limits_without_retry_after_back_off():
    limited = (429, {}, {"message": "Too Many Requests.", "code": "429"})
    answer = (200, {}, [{"externalIds": {"DBLP": "conf/iclr/X24"}, "venue": "ICLR", "title": "T", "authors": []}])
    slept: list[float] = []
    script = Script(limited, limited, answer)
    with hub_server(script) as url:
        found = S2Client(url=url, delay=0, sleep=slept.append).papers(["2307.06175"])
    assert found["2307.06175"]["externalIds"]["DBLP"] == "conf/iclr/X24"
    assert 1.0 <= slept[0] <= 1.1 and 2.0 <= slept[1] <= 2.2  # no Retry-After: exponential, with jitter
    assert script.paths[0].startswith("/graph/v1/paper/batch?fields=title,authors,year,venue")


def test_a_dblp_challenge_page_is_asked_again_not_read():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    answers = [
        (200, "text/html", b"<html><title>Making sure you're not a bot!</title></html>"),
        (200, "text/x-bibtex", b"@inproceedings{DBLP:conf/x/Y24,\n title = {T},\n year = {2024}\n}\n"),
    ]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            status, ctype, body = answers.pop(0) if len(answers) > 1 else answers[0]
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        text = DblpClient(
            url=f"http://127.0.0.1:{server.server_address[1]}", delay=0, sleep=lambda s: None
        ).record_bibtex("conf/x/Y24")
    finally:
        server.shutdown()
        server.server_close()
    assert text is not None and text.startswith("@inproceedings")


def test_services_that_are_down_never_fail_add_and_are_asked_later(seed_library, monkeypatch, tmp_path):
    listing = tmp_path / "one.md"
    listing.write_text("- HybridFlow: A Flexible and Efficient RLHF Framework\n")  # in the library: no arXiv request
    monkeypatch.setenv("PAPER2BIB_LOOKUP_PUBLISHED", "1")
    with hub_server(Script((503, {}, {"message": "down"}))) as url:
        clients = (
            S2Client(url=url, delay=0, policy=RetryPolicy(attempts=2), sleep=lambda s: None),
            DblpClient(url=url, delay=0),
        )

        def services(settings):
            return Services(settings, s2_client=clients[0], dblp_client=clients[1])

        result = CliRunner().invoke(main, ["add", str(listing)], obj={"services": services})
    assert result.exit_code == 0, result.stderr
    assert "asked again next time" in result.stderr and "Traceback" not in result.stderr
    assert _checks(seed_library) == {}  # nothing stored as "not published": asked again next time


def test_why_a_paper_is_published_names_its_year_once(seed_records):
    from conftest import record_from_json
    from paper2bib.models import Published
    from paper2bib.scholar.lookup import _first_fitting

    record = record_from_json(next(d for d in seed_records if d["id"] == "2409.19256"))
    venue = "Proceedings of the Twentieth European Conference on Computer Systems, EuroSys 2025, Rotterdam, March 30 - April 3, 2025"
    version = Published("inproceedings", record.title, record.authors, venue, 2025, "conf/eurosys/ShengZYWZZPL025")
    check = _first_fitting(record, [(version, False)])
    assert check.status == "published"
    assert check.why == f"{venue} (linked by Semantic Scholar: conf/eurosys/ShengZYWZZPL025)"
    undated = Published("inproceedings", record.title, record.authors, "EuroSys", 2025, "conf/eurosys/X")
    assert _first_fitting(record, [(undated, False)]).why.startswith("EuroSys 2025 (")
