"""Zotero sync against (recorded) Zotero: idempotent, deduplicated, safe to interrupt.

Each test uses its own Zotero library, so the cassettes can be recorded in one run of
the stand-in (cassettes/record.sh). Faults that a cassette cannot hold — an answer lost
after the server committed, a 429 or 500 at a chosen moment — are injected on the
client side by an httpx2 transport wrapped around the real (or replayed) one.
"""

from __future__ import annotations

import collections
import json

import httpx2
import pytest
from click.testing import CliRunner

from conftest import ROOT, run_sync
from paper2bib.cli import main
from paper2bib.config import load_settings
from paper2bib.errors import ZoteroError
from paper2bib.services import Services
from paper2bib.store import Library
from paper2bib.zotero import items as zitems

KEYS = {
    "users/1001": "P2Btestkeyuser1001xxxxxx",
    "users/1002": "P2Btestkeyuser1002xxxxxx",
    "users/1003": "P2Btestkeyuser1003xxxxxx",
    "users/1004": "P2Btestkeyuser1004xxxxxx",
    "users/1005": "P2Btestkeyuser1005xxxxxx",
    "users/1006": "P2Btestkeyuser1006xxxxxx",
    "users/1008": "P2Btestkeyuser1008xxxxxx",
    "users/1010": "P2Btestkeyuser1010xxxxxx",
    "groups/4711": "P2Btestkeygroup4711xxxxx",
    "groups/4712": "P2Btestkeygroup4712xxxxx",
}
READ_ONLY_KEY = "P2Btestkeyreadonly1007xx"  # read access to users/1007 only


@pytest.fixture(scope="module")
def vcr_config(vcr_config):
    """Replays match what is sent too: a wrong title, DOI or ``extra`` in a write finds no
    recorded answer and fails the test."""
    return {**vcr_config, "match_on": ["method", "scheme", "host", "port", "path", "query", "body"]}


class Faults(httpx2.BaseTransport):
    """Wraps a transport: counts requests, and injects faults by request number."""

    def __init__(
        self,
        drop_after_write: set[int] = frozenset(),
        fail_write: dict[int, int] | None = None,
        rate_limit: set[int] = frozenset(),
        before_first_write=None,
        tamper=None,
    ):
        self.inner = httpx2.HTTPTransport()
        self.drop_after_write, self.fail_write, self.rate_limit = drop_after_write, fail_write or {}, rate_limit
        self.before_first_write = before_first_write
        self.tamper = tamper  # rewrites the JSON body of a write before it is sent
        self.methods: collections.Counter = collections.Counter()
        self.n = self.writes = self.writes_sent = 0
        self.sent: list[tuple[str, str, object]] = []  # (method, path, JSON body) of every write

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        self.n += 1
        self.writes_sent += request.method != "GET"  # every write sent, answered or not
        if self.n in self.rate_limit:
            return httpx2.Response(429, headers={"Retry-After": "1"}, text="Too Many Requests", request=request)
        if request.method != "GET" and self.tamper and request.content:
            body = self.tamper(json.loads(request.content))
            headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
            request = httpx2.Request(request.method, request.url, headers=headers, json=body)
        if request.method != "GET":
            self.sent.append((request.method, request.url.path, json.loads(request.content or b"null")))
            self.writes += 1
            if self.writes == 1 and self.before_first_write:
                self.before_first_write(self.inner, request)
            if self.writes in self.fail_write:
                return httpx2.Response(self.fail_write[self.writes], text="An error occurred", request=request)
        self.methods[request.method] += 1
        response = self.inner.handle_request(request)
        if request.method != "GET" and self.writes in self.drop_after_write:
            response.read()
            raise httpx2.RemoteProtocolError("Server disconnected without sending a response.", request=request)
        return response


def _settings(library: str, key: str | None = None):
    kind, lid = library.split("/")
    return load_settings(
        {"zotero_api_key": key or KEYS[library], "zotero_library_id": lid, "zotero_library_type": kind[:-1]}
    )


def _sync(
    library: str, transport: Faults | None = None, key: str | None = None, **kw
) -> tuple[int, list[str], list[str]]:
    settings = _settings(library, key)
    errs, outs = [], []
    svc = Services(settings, zotero_transport=transport or Faults(), zotero_wait=0.01)
    with svc.open():
        code = run_sync(svc, echo=errs.append, out=outs.append, **kw)
    return code, errs, outs


def _zotero_items(library: str) -> list[dict]:
    settings = _settings(library)
    zc = Services(settings, zotero_transport=Faults(), zotero_wait=0.01).zotero()
    return [it["data"] for it in zc.all_items()]


def _assert_each_paper_once(items: list[dict], papers: int = 89, links: int = 26) -> None:
    preprints = [i for i in items if i["itemType"] == "preprint"]
    ids = collections.Counter(i["archiveID"] for i in preprints)
    assert len(ids) == papers and max(ids.values()) == 1
    attachments = [i for i in items if i["itemType"] == "attachment"]
    assert len(attachments) == links
    assert len({(a["parentItem"], a["url"]) for a in attachments}) == links


@pytest.mark.vcr
def test_first_sync_then_second_sync_writes_nothing(seed_library):
    transport = Faults()
    code, errs, _ = _sync("users/1001", transport, collection="Seed papers")
    assert code == 0, errs
    assert "89 were created" in errs[-1]
    assert transport.methods["POST"] == 1 + 2 + 1  # the collection, 89 items in 2 batches, 30 children
    # what was sent, not only what the recording answers
    (_, path, collection), (_, _, batch1), (_, _, batch2), (_, _, children) = transport.sent
    assert path == "/users/1001/collections" and collection == [{"name": "Seed papers", "parentCollection": ""}]
    assert len(batch1) == 50 and len(batch2) == 39 and len(children) == 30
    sent_hf = next(i for i in batch1 + batch2 if i["archiveID"] == "arXiv:2409.19256")
    assert sent_hf == {
        "itemType": "preprint",
        "title": "HybridFlow: A Flexible and Efficient RLHF Framework",
        "creators": [
            zitems.creator(a)
            for a in (
                "Guangming Sheng",
                "Chi Zhang",
                "Zilingfeng Ye",
                "Xibin Wu",
                "Wang Zhang",
                "Ru Zhang",
                "Yanghua Peng",
                "Haibin Lin",
                "Chuan Wu",
            )
        ],
        "abstractNote": sent_hf["abstractNote"],
        "date": "2024-09-28",
        "repository": "arXiv",
        "archiveID": "arXiv:2409.19256",
        "DOI": "10.48550/arXiv.2409.19256",
        "url": "https://arxiv.org/abs/2409.19256",
        "extra": "arXiv:2409.19256 [cs.LG]\nCitation Key: sheng2024hybridflow",
        "libraryCatalog": "arXiv.org",
        "tags": [{"tag": "Computer Science - Machine Learning"}],
        "collections": sent_hf["collections"],
        "citationKey": "sheng2024hybridflow",
    }
    assert sent_hf["abstractNote"].startswith("Reinforcement Learning from Human Feedback (RLHF) is widely used")
    t3 = next(i for i in batch1 + batch2 if i["archiveID"] == "arXiv:2401.16677")
    assert t3["title"] == "T3: Transparent Tracking & Triggering for Fine-grained Overlap of Compute & Collectives"
    assert {"parentItem", "linkMode", "url", "title"} <= set(children[0])
    items = _zotero_items("users/1001")
    _assert_each_paper_once(items)
    preprints = [i for i in items if i["itemType"] == "preprint"]
    assert len({tuple(i["collections"]) for i in preprints}) == 1 and preprints[0]["collections"]
    hf = next(i for i in preprints if i["archiveID"] == "arXiv:2409.19256")
    assert hf["DOI"] == "10.48550/arXiv.2409.19256" and hf["url"] == "https://arxiv.org/abs/2409.19256"
    assert hf["extra"] == "arXiv:2409.19256 [cs.LG]\nCitation Key: sheng2024hybridflow"
    assert hf["citationKey"] == "sheng2024hybridflow" and hf["repository"] == "arXiv" and hf["date"] == "2024-09-28"
    assert {"tag": "Computer Science - Machine Learning"} in hf["tags"]
    assert hf["creators"][0] == {"creatorType": "author", "firstName": "Guangming", "lastName": "Sheng"}
    code_link = next(i for i in items if i["itemType"] == "attachment" and i["parentItem"] == hf["key"])
    assert (code_link["linkMode"], code_link["title"], code_link["url"]) == (
        "linked_url",
        "Code",
        "https://github.com/volcengine/verl",
    )
    notes = [i for i in items if i["itemType"] == "note"]
    assert notes and all(zitems.COMMENT_MARKER in n["note"] for n in notes)
    # the item keys are in the local library
    rows = json.loads(CliRunner().invoke(main, ["list", "--json"]).stdout)
    assert all(r["zotero_key"] for r in rows)
    assert next(r for r in rows if r["arxiv_id"] == "2409.19256")["zotero_key"] == hf["key"]
    # a second sync finds everything in place
    again = Faults()
    code, errs, _ = _sync("users/1001", again, collection="Seed papers")
    assert code == 0 and again.methods["POST"] == 0 and again.writes == 0
    # …and says so: nothing linked anew (paper2bib made these), all 89 unchanged
    assert "0 were created, 0 linked to existing items" in errs[-1] and "89 unchanged" in errs[-1]


@pytest.mark.vcr
def test_items_already_in_zotero_are_linked_not_duplicated(seed_library):
    settings = _settings("users/1002")
    zc = Services(settings, zotero_transport=Faults(), zotero_wait=0.01).zotero()
    # what a user saved by hand / with the Connector: no archiveID, the id only in a URL or extra
    made = zc.create_items(
        [
            {
                "itemType": "preprint",
                "title": "HybridFlow (saved by hand)",
                "url": "https://arxiv.org/abs/2409.19256v2",
                "creators": [],
                "tags": [{"tag": "mine"}],
                "collections": [],
                "relations": {},
            },
            {
                "itemType": "journalArticle",
                "title": "gamma-MoD",
                "extra": "arXiv: 2410.13859",
                "creators": [],
                "tags": [],
                "collections": [],
                "relations": {},
            },
        ]
    )
    hand_keys = {v["key"] for v in made["successful"].values()}
    code, errs, _ = _sync("users/1002", collection="Reading")
    assert code == 0, errs
    assert "87 were created, 2 linked to existing items, 2 added to the collection" in errs[-1]
    items = _zotero_items("users/1002")
    tops = [i for i in items if not i.get("parentItem")]
    assert len(tops) == 89
    mine = next(i for i in tops if i["key"] in hand_keys and i["itemType"] == "preprint")
    assert mine["title"] == "HybridFlow (saved by hand)" and mine["tags"] == [{"tag": "mine"}]  # never clobbered
    assert mine["collections"]  # but now in the collection
    assert any(
        i.get("parentItem") == mine["key"] and i.get("url") == "https://github.com/volcengine/verl" for i in items
    )


@pytest.mark.vcr
def test_an_item_edited_during_the_sync_is_reread_not_clobbered(seed_library):
    settings = _settings("users/1008")
    zc = Services(settings, zotero_transport=Faults(), zotero_wait=0.01).zotero()
    made = zc.create_items(
        [
            {
                "itemType": "preprint",
                "title": "HybridFlow",
                "archiveID": "arXiv:2409.19256",
                "creators": [],
                "tags": [],
                "collections": [],
                "relations": {},
            }
        ]
    )
    key = made["successful"]["0"]["key"]

    def user_edits_the_item(inner: httpx2.BaseTransport, request: httpx2.Request) -> None:
        # between our read and our update, the user renames the item in Zotero
        url = str(request.url).split("/items")[0].replace("/collections", "") + f"/items/{key}"
        body = json.dumps({"title": "HybridFlow (my notes)"}).encode()
        headers = {k: v for k, v in request.headers.items() if k.lower() in ("authorization", "zotero-api-version")}
        edit = httpx2.Request("PATCH", url, headers=headers, content=body)
        answer = inner.handle_request(edit)
        answer.read()
        assert answer.status_code == 204, (url, answer.status_code)

    code, errs, _ = _sync("users/1008", Faults(before_first_write=user_edits_the_item), collection="Edited")
    assert code == 0, errs
    item = next(i for i in _zotero_items("users/1008") if i["key"] == key)
    assert item["title"] == "HybridFlow (my notes)" and item["collections"]  # the edit kept, the collection added


@pytest.mark.vcr
def test_group_library(seed_library):
    code, errs, _ = _sync("groups/4711")
    assert code == 0 and "groups/4711: 89 papers; 89 were created" in errs[-1]
    _assert_each_paper_once(_zotero_items("groups/4711"))


@pytest.mark.vcr
def test_partial_batch_failure_is_reported_and_finished_by_a_rerun(seed_library, monkeypatch):
    def broken(body):
        for item in body if isinstance(body, list) else []:
            if item.get("archiveID") in ("arXiv:2409.19256", "arXiv:2410.13859"):
                item["notAField"] = "x"  # Zotero rejects the object: a `failed` entry in the answer
        return body

    code, errs, _ = _sync("users/1003", Faults(tamper=broken))
    assert code == 1
    assert "87 were created" in errs[-3]
    assert "not done (2)" in errs[-2] and "2409.19256" in errs[-2] and "notAField" in errs[-2]
    code, errs, _ = _sync("users/1003")
    assert code == 0 and "2 were created, 0 linked" in errs[-1] and "87 unchanged" in errs[-1]
    _assert_each_paper_once(_zotero_items("users/1003"))


@pytest.mark.vcr
def test_a_write_whose_answer_is_lost_is_not_written_twice(seed_library):
    transport = Faults(drop_after_write={1, 2})  # the first item batch and the second: committed, unanswered
    code, errs, _ = _sync("users/1004", transport)
    assert code == 0, errs
    assert "89 were created" in errs[-1]
    _assert_each_paper_once(_zotero_items("users/1004"))


@pytest.mark.vcr
def test_rate_limits_and_server_errors_are_retried(seed_library):
    transport = Faults(rate_limit={2, 5}, fail_write={1: 500, 3: 503})
    code, errs, _ = _sync("users/1005", transport, collection="Faults")
    assert code == 0, errs
    # the summary counts what was sent, retries and pages included
    assert f"({transport.n} requests, {transport.writes_sent} writes)" in errs[-1]
    items = _zotero_items("users/1005")
    _assert_each_paper_once(items)
    assert len({c for i in items if i["itemType"] == "preprint" for c in i["collections"]}) == 1


@pytest.mark.vcr
def test_dry_run_writes_nothing(seed_library):
    transport = Faults()
    code, errs, outs = _sync("users/1006", transport, collection="Later", dry_run=True)
    assert code == 0 and transport.writes == 0
    assert outs[0] == "would create collection 'Later'"
    assert sum(1 for o in outs if o.startswith("would create 2")) == 89
    assert outs[-1] == "would create 30 child links and notes"
    gmod = next(o for o in outs if o.startswith("would create 2410.13859"))
    assert gmod.endswith(": γ-MoD: Exploring Mixture-of-Depth Adaptation for Multimodal Large Language Models")
    assert not any("$" in o for o in outs)  # titles as the items say them, not arXiv's TeX
    with Library(seed_library) as lib:
        assert lib.zotero_items("users/1006") == {}
    # the dry run's summary is the real run's
    real = Faults()
    code, real_errs, _ = _sync("users/1006", real, collection="Later")
    assert code == 0
    strip = lambda line: line.split(" (")[0].replace("would be", "were")  # noqa: E731
    assert strip(errs[-1]) == strip(real_errs[-1])
    assert "30 child links/notes" in real_errs[-1]


@pytest.mark.vcr
def test_a_bad_key_says_which_permission_is_missing(seed_library):
    # a key Zotero does not know is said to be unknown, not short of a permission
    with pytest.raises(
        ZoteroError, match=r"Zotero does not know this API key \(Invalid key\): check ZOTERO_API_KEY"
    ) as bad:
        _sync("users/1001", key="P2Bnotakey000000000000000")
    assert "P2Bnotakey" not in str(bad.value)
    with pytest.raises(ZoteroError, match="needs write access to this library") as ro:
        _sync("users/1007", key=READ_ONLY_KEY)
    assert READ_ONLY_KEY not in str(ro.value)


def test_missing_credentials_are_named(seed_library):
    result = CliRunner().invoke(main, ["zotero", "sync"])
    assert result.exit_code == 2 and "ZOTERO_API_KEY and ZOTERO_LIBRARY_ID" in result.stderr


def test_no_key_in_any_cassette():
    texts = [p.read_text(errors="replace") for p in (ROOT / "cassettes").rglob("*.yaml")]
    assert texts, "cassettes are missing"
    for key in [*KEYS.values(), READ_ONLY_KEY]:
        assert not any(key in t for t in texts)
    assert not any("Bearer" in t for t in texts)


@pytest.mark.vcr
def test_updates_reach_zotero_without_clobbering_edits_or_deletions(seed_library):
    from dataclasses import replace

    code, errs, _ = _sync("users/1010", collection="Kept up to date")
    assert code == 0 and "89 were created" in errs[-1], errs
    settings = _settings("users/1010")
    zc = Services(settings, zotero_transport=Faults(), zotero_wait=0.01).zotero()
    with Library(seed_library) as lib:
        keys = lib.zotero_items("users/1010")
        recs = lib.records(["2307.06175", "2409.19256"])
        # arXiv posts new versions: a new title and a journal DOI; another paper is renamed too
        lib.save_resolutions(
            [],
            [
                replace(
                    recs["2307.06175"],
                    version=3,
                    title="Learning Decentralized Mean Field Control (v3)",
                    doi="10.1000/jmlr.7",
                ),
                replace(
                    recs["2409.19256"], version=2, title="HybridFlow: A Flexible and Efficient RLHF Framework (v2)"
                ),
            ],
        )
    hf, gone = zc.items_by_key([keys["2409.19256"], keys["2410.13859"]])
    if hf["key"] != keys["2409.19256"]:
        hf, gone = gone, hf
    zc.create_items([{**hf["data"], "title": "HybridFlow (my notes)"}])  # the user renames one item …
    zc.zot.delete_item([gone])  # … and deletes another
    transport = Faults()
    code, errs, _ = _sync("users/1010", transport, collection="Kept up to date")
    assert code == 0, errs
    assert "1 was brought up to date" in errs[0] and "0 were created" in errs[0]
    assert "2409.19256: title edited in Zotero, kept" in errs
    assert "1 paper deleted in Zotero was not made again (--recreate-deleted makes them)" in errs
    ((method, path, body),) = transport.sent  # exactly one write: the update of the changed paper
    assert (method, path) == ("POST", "/users/1010/items")
    (update,) = body
    assert update["key"] == keys["2307.06175"] and update["version"] > 0
    assert update["title"] == "Learning Decentralized Mean Field Control (v3)"
    assert update["extra"].startswith("arXiv:2307.06175 ")
    assert update["extra"].splitlines()[1:] == ["Citation Key: cui2023learning", "doi: 10.1000/jmlr.7"]
    assert update["DOI"] == "10.48550/arXiv.2307.06175" and update["collections"]
    items = {i["key"]: i for i in _zotero_items("users/1010")}
    assert items[keys["2409.19256"]]["title"] == "HybridFlow (my notes)"  # the user's edit survives
    assert keys["2410.13859"] not in items and sum(i["itemType"] == "preprint" for i in items.values()) == 88
    again = Faults()
    code, errs, _ = _sync("users/1010", again, collection="Kept up to date")
    assert code == 0 and again.writes_sent == 0 and again.n <= 3  # a sync with nothing new: incremental


@pytest.mark.parametrize(
    "venue, dblp_key, year, event",
    [
        (
            "The Twelfth International Conference on Learning Representations, ICLR 2024, Vienna, Austria, May 7-11, 2024",
            "conf/iclr/ZhangX24",
            2024,
            "ICLR 2024",
        ),
        (
            "Advances in Neural Information Processing Systems 36: Annual Conference on Neural Information Processing"
            " Systems 2023, NeurIPS 2023, New Orleans, LA, USA, December 10 - 16, 2023",
            "conf/nips/X23",
            2023,
            "NeurIPS 2023",
        ),
        (
            "Proceedings of the Twentieth European Conference on Computer Systems",
            "conf/eurosys/ShengZY25",
            2025,
            "EuroSys 2025",
        ),
        ("Proceedings of a Workshop on Things", "conf/things/X", 2022, ""),
        # a stream mappings/venues.toml does not know: the event as the title names it
        (
            "Proceedings of the 3rd Conference on Lifelong Learning Agents, CoLLAs 2024, Pisa",
            "conf/collas/Y24",
            2024,
            "CoLLAs 2024",
        ),
    ],
)
def test_a_conference_paper_names_the_event_not_the_proceedings_twice(venue, dblp_key, year, event):
    from paper2bib.models import Published

    pub = Published("inproceedings", "T", ("A B",), venue, year, dblp_key)
    assert zitems.event_name(pub) == event


@pytest.mark.vcr
def test_a_group_library_named_by_the_environment_as_the_readme_shows(seed_library, monkeypatch):
    """``export ZOTERO_API_KEY=… ZOTERO_LIBRARY_ID=… ZOTERO_LIBRARY_TYPE=group``, then the CLI."""
    monkeypatch.setenv("ZOTERO_API_KEY", "P2Btestkeygroup4712xxxxx")
    monkeypatch.setenv("ZOTERO_LIBRARY_ID", "4712")
    monkeypatch.setenv("ZOTERO_LIBRARY_TYPE", "group")
    transport = Faults()
    cli = {"services": lambda settings: Services(settings, zotero_transport=transport, zotero_wait=0.01)}
    runner = CliRunner()
    dry = runner.invoke(main, ["zotero", "sync", "--collection", "Reading group", "--dry-run"], obj=cli)
    assert dry.exit_code == 0, dry.stderr
    assert dry.stderr.splitlines()[-1].startswith("Zotero groups/4712: 89 papers; 89 would be created")
    assert transport.writes_sent == 0
    result = runner.invoke(main, ["zotero", "sync", "--collection", "Reading group"], obj=cli)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1].startswith("Zotero groups/4712: 89 papers; 89 were created")
    assert transport.sent and {path.split("/")[1:3] == ["groups", "4712"] for _, path, _ in transport.sent} == {True}
    _assert_each_paper_once(_zotero_items("groups/4712"))
