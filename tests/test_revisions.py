"""Papers change after they are added: ``refresh`` fetches every record again by id, says what
changed, keeps the citation keys, and the new metadata reaches the export and Zotero (where a
field the user edited stays theirs).

The cassette was recorded against the arXiv, Semantic Scholar, DBLP and Zotero stand-ins
(cassettes/record.sh): arXiv serves the seed's current records (real) and cond-mat/0102536 with
its journal reference and DOI (tests/data/revisions/README.md).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import datetime, timezone

import httpx2
import pytest
from click.testing import CliRunner

from conftest import ROOT, StubArxiv, record_from_json, run_sync
from paper2bib.cli import main
from paper2bib.config import load_settings
from paper2bib.errors import ArxivUnavailable
from paper2bib.models import Entry, Published, PublishedCheck, Record, Resolution
from paper2bib.services import Services
from paper2bib.store import Library

KEY, LIBRARY = "P2Btestkeyuser1011xxxxxx", "users/1011"
#: the seed's papers renamed on arXiv after the listing was made (the listing shows the earlier title)
RENAMED = ("2305.09955", "2310.16355", "2311.10090", "2402.02338", "2406.04594", "2502.00409", "2502.20330")
JOURNAL = "cond-mat/0102536"


@pytest.fixture(scope="module")
def vcr_config(vcr_config):
    """Replays match what is sent too: the Zotero writes and the Semantic Scholar batch."""
    return {**vcr_config, "match_on": [*vcr_config["match_on"], "body"]}


class Sent(httpx2.BaseTransport):
    """The real (or replayed) transport, keeping the JSON body of every write."""

    def __init__(self) -> None:
        self.inner, self.writes = httpx2.HTTPTransport(), []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        if request.method != "GET":
            self.writes.append(json.loads(request.content or b"null"))
        return self.inner.handle_request(request)


def _services(transport: Sent | None = None) -> Services:
    settings = load_settings({"zotero_api_key": KEY, "zotero_library_id": "1011", "zotero_library_type": "user"})
    return Services(settings, zotero_transport=transport or Sent(), zotero_wait=0.01)


def _sync(transport: Sent) -> list[str]:
    lines: list[str] = []
    svc = _services(transport)
    with svc.open():
        assert run_sync(svc, echo=lines.append, out=lines.append) == 0, lines
    return lines


def _earlier(seed_library, seed_records) -> dict[str, Record]:
    """Store the renamed papers as they were when the listing was made, and a paper whose
    journal reference and DOI came later."""
    now = {d["id"]: d for d in seed_records}
    with Library(seed_library) as lib:
        current = lib.records(RENAMED)
        earlier = {a: replace(current[a], title=now[a]["digest_title"], version=1) for a in RENAMED}
        earlier["2402.02338"] = replace(earlier["2402.02338"], authors=current["2402.02338"].authors[:2])
        earlier[JOURNAL] = Record(
            JOURNAL,
            1,
            "Impact of Electron-Electron Cusp on Configuration Interaction Energies",
            ("David Prendergast", "M. Nolan", "Claudia Filippi", "Stephen Fahy", "J. C. Greer"),
            json.loads((ROOT / "tests/data/revisions/records.json").read_text())[0]["summary"],
            "2001-02-28",
            primary_category="cond-mat.str-el",
            categories=("cond-mat.str-el",),
        )
        ((eid, _),) = lib.add_entries([Entry(title=earlier[JOURNAL].title, arxiv_id=JOURNAL)])
        lib.save_resolutions([(eid, Resolution("resolved", 1.0, JOURNAL, 1, "named by arXiv id"))], [earlier[JOURNAL]])
        lib.store_revised(earlier.values())
        with lib.transaction() as db:  # the entries as resolved then: to the versions of that time
            db.executemany("UPDATE entries SET version = 1 WHERE arxiv_id = ?", [(a,) for a in earlier])
    return earlier


@pytest.mark.vcr
def test_refresh_reports_revisions_keeps_keys_and_updates_export_and_zotero(seed_library, seed_records):
    earlier = _earlier(seed_library, seed_records)
    runner = CliRunner()
    first = runner.invoke(main, ["export", "--format", "csl-json"])
    keys = {item["number"]: item["id"] for item in json.loads(first.stdout)}
    created = Sent()
    assert "90 were created" in _sync(created)[-1]
    svc = _services()
    zc = svc.zotero()
    with Library(seed_library) as lib:
        zkeys = lib.zotero_items(LIBRARY)
    (jax,) = zc.items_by_key([zkeys["2311.10090"]])
    zc.create_items([{**jax["data"], "title": "JaxMARL (my reading notes)"}])  # the user edits one title

    result = runner.invoke(main, ["refresh"])
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert "2305.09955 v1 → v3: title changed" in lines
    assert "2402.02338 v1 → v3: title changed; authors changed (2 → 7)" in lines
    assert (
        f"{JOURNAL}: journal DOI 10.1063/1.1383585 added; journal reference J. Chem. Phys. 115, 1626 (2001) added"
        in lines
    )
    assert "90 papers checked on arXiv (1 request): 8 revised, 82 unchanged" in lines
    with Library(seed_library) as lib:
        assert lib.records(["2305.09955"])["2305.09955"].title.startswith("Knowledge Card:")
        entry = next(e for e in lib.entries() if e.resolved_id == "2305.09955")
        assert entry.resolved_version == 3 and lib.fetched_at([JOURNAL])[JOURNAL] > "2000"

    after = json.loads(runner.invoke(main, ["export", "--format", "csl-json"]).stdout)
    assert {item["number"]: item["id"] for item in after} == keys  # no key moved
    by_id = {item["number"].removeprefix("arXiv:"): item for item in after}
    assert by_id["2305.09955"]["title"].startswith('Knowledge card: <span class="nocase">Filling</span>')
    assert "J. Chem. Phys. 115, 1626 (2001)" in by_id[JOURNAL]["note"] and "10.1063/1.1383585" in by_id[JOURNAL]["note"]

    updated = Sent()
    summary = _sync(updated)
    assert "2311.10090: title edited in Zotero, kept" in summary
    written = {w["key"]: w for batch in updated.writes for w in batch if "key" in w}
    assert {w["parentItem"] for batch in updated.writes for w in batch if "key" not in w} == {zkeys[JOURNAL]}
    assert zkeys["2311.10090"] not in written or "title" not in written[zkeys["2311.10090"]]
    assert written[zkeys["2305.09955"]]["title"].startswith("Knowledge Card: Filling")
    assert written[zkeys[JOURNAL]]["extra"].splitlines()[-1] == (
        "Published in J. Chem. Phys. 115, 1626 (2001), doi: 10.1063/1.1383585"
    )
    assert set(written) <= {zkeys[a] for a in earlier}  # only the revised papers are written
    items = [i["data"] for i in zc.all_items()]
    assert next(i for i in items if i["key"] == zkeys["2311.10090"])["title"] == "JaxMARL (my reading notes)"
    notes = [i for i in items if i.get("parentItem") == zkeys[JOURNAL] and i["itemType"] == "note"]
    assert [n["note"] for n in notes] == [  # the arXiv comment, made once
        "<p>arXiv comment: 11 pages, 6 figures, 3 tables, LaTeX209, submitted to The Journal of Chemical Physics</p>"
    ]


@pytest.mark.vcr
def test_refresh_asks_what_the_preprints_became_not_the_published(seed_library, monkeypatch):
    known = ("2307.06175", "2409.19256")
    with Library(seed_library) as lib:
        records = lib.records(known)
        lib.store_published(
            {
                a: PublishedCheck(
                    "published",
                    Published("inproceedings", records[a].title, records[a].authors, "ICLR", 2024, f"conf/iclr/{a}"),
                    "settled by an earlier look-up",
                )
                for a in known
            }
        )
    monkeypatch.setenv("PAPER2BIB_LOOKUP_PUBLISHED", "1")
    result = CliRunner().invoke(main, ["refresh"])
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "89 papers checked on arXiv (1 request): 0 revised, 89 unchanged"
    assert lines[1].startswith("published versions: ") and "(1 Semantic Scholar request," in lines[1]
    with Library(seed_library) as lib:
        checks = lib.published()
    assert len(checks) == 89 and all(checks[a].why == "settled by an earlier look-up" for a in known)
    found, preprints = (int(n) for n in lines[1].split(": ")[1].replace(",", "").split()[0:3:2])
    assert found + preprints == 87  # every preprint asked, the two published papers not


def test_add_refresh_fetches_a_resolved_paper_by_id_and_never_searches_its_old_title_again(tmp_path):
    """Searching "JaxMARL: Multi-Agent RL Environments in JAX" again today would meet two titles
    keeping the name (the paper renamed, and a decoy): a refresh must not make it ambiguous."""
    renames = json.loads((ROOT / "tests/data/renames/renames.json").read_text())
    rows = {r["id"]: r for r in renames["records"] + renames["decoys"]}
    now, decoy = rows["2311.10090"], rows["2407.96410"]

    def record(r: dict, **kw) -> Record:
        return Record(r["id"], r["version"], r["title"], tuple(r["authors"]), r["summary"], r["published"], **kw)

    old_title = "JaxMARL: Multi-Agent RL Environments in JAX"
    settings = load_settings({"library": str(tmp_path / "lib.sqlite"), "lookup_published": False})
    with Library(settings.library) as lib:
        ((eid, _),) = lib.add_entries([Entry(title=old_title)])
        earlier = replace(record(now), title=old_title, version=1)
        lib.save_resolutions([(eid, Resolution("resolved", 0.95, "2311.10090", 1, "matched"))], [earlier])
    arxiv = StubArxiv([record(now), record(decoy)])
    digest = tmp_path / "list.md"
    digest.write_text(f"- {old_title}\n")
    result = CliRunner().invoke(main, ["add", "--refresh", str(digest), "--library", settings.library], obj=arxiv.cli)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[:2] == [
        "2311.10090 v1 → v5: title changed",
        "1 paper checked on arXiv (1 request): 1 revised, 0 unchanged",
    ]
    assert arxiv.asked == ["2311.10090"] and arxiv.requests_made == 1  # by id, and no search
    with Library(settings.library) as lib:
        (entry,) = lib.entries()
        assert (entry.status, entry.resolved_id, entry.resolved_version) == ("resolved", "2311.10090", 5)
        assert lib.records(["2311.10090"])["2311.10090"].title == now["title"]


class HalfDown(StubArxiv):
    """arXiv answering the first ``id_list`` batch, then going down."""

    def fetch_batches(self, ids):
        ids = list(ids)
        self._ask()
        yield ids[:2], {a: self.records[a] for a in ids[:2] if a in self.records}
        raise ArxivUnavailable("arXiv did not answer: connection refused by export.arxiv.org")


def test_arxiv_going_down_mid_refresh_keeps_what_was_fetched_and_says_how_to_continue(seed_library, seed_records):
    now = {d["id"]: record_from_json(d) for d in seed_records}
    with Library(seed_library, clock=lambda: datetime(2026, 1, 1, tzinfo=timezone.utc)) as lib:
        papers = sorted({e.resolved_id for e in lib.entries(status="resolved") if e.resolved_id})
        lib.store_revised([replace(now[a], title="An Earlier Title") for a in papers[:4]])
    first = papers[:2]
    arxiv = HalfDown(now.values())
    result = CliRunner().invoke(main, ["refresh"], obj=arxiv.cli)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[:2] == [
        f"{first[0]}: title changed",
        f"{first[1]}: title changed",
    ]
    assert lines[2] == "2 papers checked on arXiv (1 request): 2 revised, 0 unchanged"
    assert re.fullmatch(
        r"arXiv did not answer: connection refused by export\.arxiv\.org\. 2 of 89 papers checked and stored; "
        r"paper2bib refresh --since (\S+) checks the rest",
        lines[3],
    )
    since = lines[3].split("--since ")[1].split()[0]
    with Library(seed_library) as lib:
        records = lib.records()
        assert [records[a].title for a in papers[:4]] == [now[first[0]].title, now[first[1]].title] + [
            "An Earlier Title"
        ] * 2
    rest = StubArxiv(now.values())
    again = CliRunner().invoke(main, ["refresh", "--since", since], obj=rest.cli)
    assert again.exit_code == 0, again.stderr
    assert sorted(rest.asked) == papers[2:]  # the rest, not what was stored before arXiv went down
    assert "2 papers fetched since the cut-off, not asked" in again.stderr.splitlines()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--since", "last week"], "--since: 'last week' is not a date (2026-11-01 or 2026-11-01T12:00Z)"),
        (["--older-than", "-3"], "--older-than: -3.0 is not a number of days (0 to 36500)"),
        (["--older-than", "inf"], "--older-than: inf is not a number of days (0 to 36500)"),
        (["--since", "2026-01-01", "--older-than", "3"], "--since and --older-than say the same thing two ways"),
    ],
)
def test_refresh_options_are_checked(seed_library, args, message):
    result = CliRunner().invoke(main, ["refresh", *args])
    assert result.exit_code == 2 and message in result.stderr


def test_arxiv_down_from_the_start_is_one_line_and_changes_nothing(seed_library):
    class Down(StubArxiv):
        def fetch_batches(self, ids):
            self._ask()
            raise ArxivUnavailable("arXiv at https://export.arxiv.org/api/query: query failed (timed out)")
            yield  # a generator, like the client's

    with Library(seed_library) as lib:
        before = (lib.records(), lib.fetched_at(lib.records()))
    result = CliRunner().invoke(main, ["refresh"], obj=Down([]).cli)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "arXiv at https://export.arxiv.org/api/query: query failed (timed out). "
        "Nothing was changed; run paper2bib refresh again later"
    ]
    with Library(seed_library) as lib:
        assert (lib.records(), lib.fetched_at(lib.records())) == before
