"""What paper2bib relies on in its dependencies, checked: an upgrade that breaks it fails here,
not in a user's sync. Only public interfaces are used (no ``_private`` parts)."""

from __future__ import annotations

import inspect
import json

import httpx2
import requests
import tenacity
from pyzotero import zotero
from pyzotero import zotero_errors as ze
from requests.adapters import BaseAdapter
from requests.utils import parse_header_links


def test_pyzotero_sends_through_the_client_it_is_given_with_its_public_headers():
    sent: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        item = {"key": "ABCD2345", "version": 3, "data": {"key": "ABCD2345", "version": 3, "itemType": "preprint"}}
        return httpx2.Response(
            200,
            json=[item],
            headers={"Last-Modified-Version": "3", "Total-Results": "1", "Content-Type": "application/json"},
        )

    zot = zotero.Zotero("1001", "user", "KEY", client=httpx2.Client(transport=httpx2.MockTransport(handler)))
    zot.endpoint = "https://api.zotero.test"
    items = zot.everything(zot.items(limit=100))
    assert [i["key"] for i in items] == ["ABCD2345"]
    assert sent and sent[0].url.host == "api.zotero.test" and sent[0].url.path == "/users/1001/items"
    assert zot.request.headers["Last-Modified-Version"] == "3"  # the last answer, read for library versions
    headers = zot.default_headers()
    assert headers["Zotero-API-Version"] == "3" and "KEY" in headers.get("Authorization", "") + headers.get(
        "Zotero-API-Key", ""
    )


def test_pyzotero_writes_send_the_version_precondition_and_raise_on_412():
    def handler(request: httpx2.Request) -> httpx2.Response:
        assert request.headers["If-Unmodified-Since-Version"] == "7"
        assert json.loads(request.content)[0]["title"] == "T"
        return httpx2.Response(412, text="Library has been modified since specified version")

    zot = zotero.Zotero("1001", "user", "KEY", client=httpx2.Client(transport=httpx2.MockTransport(handler)))
    try:
        zot.create_items([{"itemType": "preprint", "title": "T"}], last_modified=7)
    except ze.PreConditionFailedError:
        pass
    else:  # pragma: no cover - the contract broke
        raise AssertionError("pyzotero no longer raises PreConditionFailedError on 412")


def test_the_pyzotero_interface_paper2bib_calls_is_there():
    for name in ("items", "everything", "deleted", "collections", "item_type_fields", "default_headers"):
        assert callable(getattr(zotero.Zotero, name)), name
    assert "client" in inspect.signature(zotero.Zotero.__init__).parameters
    assert "last_modified" in inspect.signature(zotero.Zotero.create_items).parameters
    assert "last_modified" in inspect.signature(zotero.Zotero.create_collections).parameters
    for name in ("PyZoteroError", "PreConditionFailedError", "UserNotAuthorisedError"):
        assert issubclass(getattr(ze, name), Exception), name


def test_requests_and_tenacity_offer_what_the_network_layer_uses():
    session = requests.Session()

    class Adapter(BaseAdapter):
        def send(self, request, **kwargs):
            raise requests.ConnectionError("no network in this test")

        def close(self) -> None:
            pass

    session.mount("https://", Adapter())  # a transport adapter takes every request to its prefix
    try:
        session.get("https://example.test/")
    except requests.ConnectionError as e:
        assert "no network in this test" in str(e)
    assert parse_header_links('<https://h/p?page=2>; rel="next"') == [{"url": "https://h/p?page=2", "rel": "next"}]
    params = inspect.signature(tenacity.Retrying.__init__).parameters
    assert {"stop", "wait", "retry", "sleep", "before_sleep", "reraise"} <= set(params)
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ValueError
        return "ok"

    slept: list[float] = []
    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception_type(ValueError),
        stop=lambda s: s.attempt_number >= 5,
        wait=lambda s: 0.5,
        sleep=slept.append,
        reraise=True,
    )
    assert retrying(flaky) == "ok" and slept == [0.5, 0.5]
