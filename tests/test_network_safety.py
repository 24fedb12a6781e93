"""What a hostile or broken server cannot do: take a key elsewhere, read a local file through a
redirect, fill memory, or turn a garbled answer into an internal error. And secrets stay out
of every repr, log line and error message."""

from __future__ import annotations

import gzip
import json
import logging

import httpx2
import pytest
from test_network_faults import SimClock, SimService

from paper2bib.config import load_settings
from paper2bib.errors import Paper2BibError, S2Unavailable, ZoteroError
from paper2bib.hub.client import HubClient
from paper2bib.scholar.dblp import DblpClient
from paper2bib.scholar.s2 import S2Client
from paper2bib.zotero.client import ZoteroClient

S2_KEY = "s2-secret-key-0123456789"
ZOTERO_KEY = "zoteroSecretKey0123456789"
HF_TOKEN = "hf_secretToken0123456789"


def recorder(*answers: tuple[int, dict, bytes]) -> SimService:
    """A service answering ``answers`` in turn (the last repeats), keeping every request sent."""
    queue = list(answers)
    return SimService(SimClock(), lambda request: queue.pop(0) if len(queue) > 1 else queue[0])


BATCH = (200, {"Content-Type": "application/json"}, b'[{"title": "T", "externalIds": {}}]')


# ---------------------------------------------------------------- redirects never carry a key elsewhere
@pytest.mark.parametrize(
    "location", ["https://evil.example/graph/v1/paper/batch", "file:///etc/passwd", "//evil.example/x"]
)
def test_a_redirect_off_the_host_is_not_followed_and_the_key_stays_home(location):
    server = recorder((302, {"Location": location}, b""), BATCH)
    client = S2Client(url="https://api.s2.test", api_key=S2_KEY, adapter=server, sleep=lambda s: None)
    with pytest.raises(S2Unavailable, match="not followed") as e:
        client.papers(["2307.06175"])
    assert [r.url.split("/")[2] for r in server.requests] == ["api.s2.test"]  # nothing went to the other host
    assert S2_KEY not in str(e.value) and len(str(e.value).splitlines()) == 1


def test_a_redirect_on_the_same_host_is_followed():
    server = recorder((307, {"Location": "/graph/v1/paper/batch?fields=title&moved=1"}, b""), BATCH)
    found = S2Client(url="https://api.s2.test", api_key=S2_KEY, adapter=server).papers(["2307.06175"])
    assert found["2307.06175"] == {"title": "T", "externalIds": {}}
    assert [r.headers["x-api-key"] for r in server.requests] == [S2_KEY, S2_KEY]
    assert json.loads(server.requests[1].body) == {"ids": ["ARXIV:2307.06175"]}  # a 307 keeps the body


def test_a_redirect_from_https_to_http_is_not_followed():
    server = recorder((301, {"Location": "http://api.s2.test/graph/v1/paper/batch"}, b""), BATCH)
    with pytest.raises(S2Unavailable, match="from https to http"):
        S2Client(url="https://api.s2.test", api_key=S2_KEY, adapter=server).papers(["2307.06175"])


# ---------------------------------------------------------------- Zotero answers that are not Zotero's
def _zotero(handler) -> ZoteroClient:
    return ZoteroClient(
        "1001", "user", ZOTERO_KEY, url="https://api.zotero.test", transport=httpx2.MockTransport(handler),
        attempts=2, wait=0.0, sleep=lambda s: None,
    )  # fmt: skip


BOMB = gzip.compress(b"\0" * (8 * 1024 * 1024))  # 8 MB of zeros in ~8 KB


@pytest.mark.parametrize(
    "answer, message",
    [
        (httpx2.Response(302, headers={"Location": "file:///etc/passwd"}), "redirect to a file: address, not followed"),
        (httpx2.Response(302, headers={"Location": "https://evil.example/items"}), "redirect to another host"),
        (httpx2.Response(200, content=b"{not json", headers={"Content-Type": "application/json"}), "not JSON"),
        (
            httpx2.Response(
                200,
                content=b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
                headers={"Content-Type": "application/atom+xml"},
            ),
            "something that is not JSON (application/atom+xml)",
        ),
        (httpx2.Response(200, json={"unexpected": "shape"}), "not a list of items"),
        (httpx2.Response(200, json=[{"key": "A"}]), "not a list of items"),
        (httpx2.Response(200, content=BOMB, headers={"Content-Encoding": "gzip"}), "larger than 1,048,576 bytes"),
        (httpx2.Response(200, content=b"x" * (2 * 1024 * 1024)), "larger than 1,048,576 bytes"),
    ],
    ids=["file-redirect", "host-redirect", "bad-json", "xxe", "dict", "no-data", "gzip-bomb", "oversized"],
)
def test_a_bad_zotero_answer_is_one_clear_line(monkeypatch, answer, message):
    monkeypatch.setattr("paper2bib.net.bounded.MAX_RESPONSE_BYTES", 1024 * 1024)
    sent: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        return answer

    with pytest.raises(ZoteroError) as e:
        _zotero(handler).all_items()
    text = str(e.value)
    assert message in text and len(text.splitlines()) == 1 and ZOTERO_KEY not in text
    assert all(r.url.host == "api.zotero.test" for r in sent)  # never followed elsewhere
    assert "passwd" not in text.replace("file:///etc/passwd", "") and "root:" not in text


@pytest.mark.parametrize("retry_after", ["100000", "70"])
def test_a_retry_after_beyond_a_minute_means_ask_later_at_once(retry_after):
    slept: list[float] = []
    answers = [httpx2.Response(429, headers={"Retry-After": retry_after})]
    client = ZoteroClient(
        "1001", "user", ZOTERO_KEY, url="https://api.zotero.test",
        transport=httpx2.MockTransport(lambda r: answers[0]), attempts=6, sleep=slept.append,
    )  # fmt: skip
    with pytest.raises(ZoteroError, match="HTTP 429"):
        client.all_items()
    assert slept == [] and client.requests == 1  # a long wait is "down, ask later", at once


def test_zotero_backoff_is_waited_by_the_policy_not_by_pyzotero():
    slept: list[float] = []
    item = {"key": "A", "version": 1, "data": {"key": "A", "version": 1, "itemType": "preprint"}}
    answers = [
        httpx2.Response(200, json=[item], headers={"Backoff": "5", "Last-Modified-Version": "1", "Total-Results": "1"}),
        httpx2.Response(200, json=[item], headers={"Last-Modified-Version": "1", "Total-Results": "1"}),
    ]
    client = ZoteroClient(
        "1001", "user", ZOTERO_KEY, url="https://api.zotero.test",
        transport=httpx2.MockTransport(lambda r: answers.pop(0)), sleep=slept.append,
    )  # fmt: skip
    assert [i["key"] for i in client.all_items()] == ["A"]
    assert slept == []
    client.all_items()  # the next request waits what the Backoff asked
    assert len(slept) == 1 and 4.5 <= slept[0] <= 5


# ---------------------------------------------------------------- secrets
def test_secrets_are_never_in_a_repr_a_log_line_or_an_error(caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("ZOTERO_API_KEY", ZOTERO_KEY)
    monkeypatch.setenv("SEMANTIC_SCHOLAR_API_KEY", S2_KEY)
    monkeypatch.setenv("HF_TOKEN", HF_TOKEN)
    settings = load_settings()
    assert (settings.zotero_api_key, settings.s2_api_key, settings.hf_token) == (ZOTERO_KEY, S2_KEY, HF_TOKEN)
    failing = recorder((500, {}, b"down"))
    s2 = S2Client(api_key=S2_KEY, adapter=failing, sleep=lambda s: None)
    hub = HubClient(token=HF_TOKEN, adapter=failing, sleep=lambda s: None)
    zot = _zotero(lambda r: httpx2.Response(503))
    texts = [repr(settings), repr(s2), repr(hub), repr(zot), repr(s2.http), repr(DblpClient())]
    for call in (lambda: s2.papers(["2307.06175"]), lambda: hub.paper("2307.06175"), zot.all_items):
        with pytest.raises(Paper2BibError) as e:
            call()
        texts.append(str(e.value))
    texts.append(caplog.text)
    for text in texts:
        for secret in (ZOTERO_KEY, S2_KEY, HF_TOKEN):
            assert secret not in text
    assert failing.requests[0].headers["x-api-key"] == S2_KEY  # sent where it belongs, and only there
