"""A service that is down costs seconds: the seed listing's look-ups against services that fail
in every way, on an injected clock (no real sleeping, no real waiting).

Each service is simulated by a ``requests`` transport adapter that answers from the seed's
records, or fails as scripted: refused connections, 500s, DBLP's bot-challenge page, a hung
server (the exchange's whole deadline passes), 429s with and without ``Retry-After``. Each
test states the requests made and the simulated wall time; with arXiv's share of the seed
(10 requests 3 s apart) the whole job stays under a minute.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from conftest import SEED
from paper2bib.cli.present import published_summary
from paper2bib.commands.add import add
from paper2bib.commands.published import RECHECK_PREPRINTS, PublishedReport
from paper2bib.config import load_settings
from paper2bib.digest import parse_file
from paper2bib.errors import ArxivUnavailable, HubUnavailable
from paper2bib.hub.client import HubClient
from paper2bib.models import Record
from paper2bib.net.policy import Failure
from paper2bib.net.service import gave_up
from paper2bib.resolver.client import ArxivClient
from paper2bib.scholar.dblp import DblpClient, search_words
from paper2bib.scholar.s2 import S2Client
from paper2bib.services import Services
from paper2bib.store import Library

#: the arXiv share of the seed job at the default delay: 10 requests, 3 s apart
ARXIV_SHARE = 9 * 3.0


class SimClock:
    """Time that passes only when the code sleeps or an exchange hangs."""

    def __init__(self) -> None:
        self.now = 0.0
        self.lock = threading.Lock()

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += max(seconds, 0.0)


Answer = tuple[int, dict, bytes]
Handler = Callable[[requests.PreparedRequest], "Answer | str"]


class SimService(BaseAdapter):
    """A service as a transport adapter: ``handler(request)`` returns an answer or a fault
    (``"refused"``, ``"hang"``); every request is counted."""

    def __init__(self, clock: SimClock, handler: Handler):
        super().__init__()
        self.clock, self.handler = clock, handler
        self.requests: list[requests.PreparedRequest] = []

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        self.requests.append(request)
        outcome = self.handler(request)
        if outcome == "refused":
            raise requests.ConnectionError("connection refused")
        if outcome == "hang":  # accepted, never answered: the whole deadline passes
            self.clock.sleep(timeout[1] if isinstance(timeout, tuple) else timeout)
            raise requests.ReadTimeout("read timed out")
        status, headers, body = outcome
        resp = requests.Response()
        resp.status_code, resp.headers = status, CaseInsensitiveDict(headers)
        resp.raw, resp.url, resp.request = io.BytesIO(body), request.url, request
        return resp

    def close(self) -> None:
        pass


# ---------------------------------------------------------------- the seed's answers
def _bib(key: str, r: Record) -> str:
    authors = " and\n                  ".join(r.authors)
    return (
        f"@inproceedings{{DBLP:{key},\n  author       = {{{authors}}},\n  title        = {{{r.title}}},\n"
        f"  booktitle    = {{Proceedings of a Conference}},\n  year         = {{{int(r.published[:4]) + 1}}}\n}}\n"
    )


def plan(records: dict[str, Record]) -> tuple[dict[str, str], set[str]]:
    """Every other paper linked to a DBLP record; of the rest, every fifth at a venue S2 names."""
    ids = sorted(records)
    linked = {a: f"conf/sim/{a.replace('.', '')}" for a in ids[::2]}
    return linked, {a for a in ids[1::5] if a not in linked}


def asked_dblp(records: dict[str, Record]) -> int:
    linked, venue_only = plan(records)
    return len(linked) + len(venue_only)


def seed_services(records: dict[str, Record]) -> tuple[Handler, Handler]:
    """Semantic Scholar and DBLP answers for the seed: every other paper linked to a DBLP
    record, every fifth named at a venue without a link (a title search), the rest preprints."""
    linked, venue_only = plan(records)
    by_title = {records[a].title: a for a in venue_only}

    def s2(request) -> Answer:
        asked = [i.removeprefix("ARXIV:") for i in json.loads(request.body)["ids"]]
        out = []
        for a in asked:
            ext = {"ArXiv": a} | ({"DBLP": linked[a]} if a in linked else {})
            venue = "International Conference on Simulation" if a in linked or a in venue_only else "arXiv.org"
            out.append({"externalIds": ext, "venue": venue, "title": records[a].title})
        return 200, {"Content-Type": "application/json"}, json.dumps(out).encode()

    def dblp(request) -> Answer:
        url = request.url
        if "/rec/" in url:
            key = url.split("/rec/", 1)[1].removesuffix(".bib")
            a = next(a for a, k in linked.items() if k == key)
            return 200, {"Content-Type": "text/x-bibtex"}, _bib(key, records[a]).encode()
        q = parse_qs(urlsplit(url).query)["q"][0]
        hits = [a for t, a in by_title.items() if search_words(t) == q]
        body = "\n".join(_bib(f"conf/sim/T{a.replace('.', '')}", records[a]) for a in hits)
        return 200, {"Content-Type": "text/x-bibtex"}, body.encode()

    return s2, dblp


def challenge(request) -> Answer:
    return 200, {"Content-Type": "text/html"}, b"<html><title>Making sure you're not a bot!</title></html>"


def status(code: int, headers: dict | None = None) -> Handler:
    return lambda request: (code, headers or {}, b'{"message": "no"}')


def run_seed(
    seed_library, s2_handler: Handler, dblp_handler: Handler
) -> tuple[PublishedReport, SimClock, SimService, SimService]:
    """``add`` of the seed listing on its library (resolved: arXiv is not asked), with the
    published versions looked up against the simulated services at the default delays."""
    clock = SimClock()
    s2 = SimService(clock, s2_handler)
    dblp = SimService(clock, dblp_handler)
    clients = (
        S2Client(url="https://s2.test", adapter=s2, clock=clock.clock, sleep=clock.sleep),
        DblpClient(url="https://dblp.test", adapter=dblp, clock=clock.clock, sleep=clock.sleep),
    )
    settings = load_settings({"lookup_published": True})
    with Library(seed_library) as lib:
        report = add(
            Services(settings, library=lib, s2_client=clients[0], dblp_client=clients[1]), parse_file(str(SEED))
        )
    assert report.published is not None
    return report.published, clock, s2, dblp


@pytest.fixture
def seed(seed_library):
    with Library(seed_library) as lib:
        records = lib.records()
    return seed_library, records


def test_all_up_the_seed_asks_dblp_only_where_there_is_something_to_find(seed):
    path, records = seed
    report, clock, s2, dblp = run_seed(path, *seed_services(records))
    assert (report.published, report.unknown) == (asked_dblp(records), 0)
    assert len(s2.requests) == 1 and len(dblp.requests) == asked_dblp(records)  # one request per paper, no more
    assert clock.now == pytest.approx(len(dblp.requests) - 1, abs=1)  # DBLP's 1 s delay is the floor
    _again, clock2, s2b, dblp2 = run_seed(path, *seed_services(records))  # within a day: nothing is asked
    assert (len(s2b.requests), len(dblp2.requests), clock2.now) == (0, 0, 0)


@pytest.mark.parametrize(
    "fault",
    [lambda r: "refused", status(500), challenge],
    ids=["refused", "500-every-request", "challenge-page-every-request"],
)
def test_dblp_down_costs_seconds_and_leaves_its_papers_to_ask_later(seed, fault):
    path, records = seed
    s2_ok, _ = seed_services(records)
    report, clock, _s2, dblp = run_seed(path, s2_ok, fault)
    assert len(dblp.requests) == 3  # three failed attempts in a row: DBLP is down for the run
    assert clock.now < 5 and clock.now + ARXIV_SHARE < 60
    assert report.unknown == asked_dblp(records) and report.published == 0
    assert "; DBLP at https://dblp.test: " in published_summary(report) and published_summary(report).endswith(
        "asked again next time"
    )
    with Library(path) as lib:  # nothing stored as "not published": asked again next run
        assert not any(c.status == "published" for c in lib.published().values())
        assert len(lib.published_due(sorted(records), RECHECK_PREPRINTS)) == report.unknown


def test_a_hung_semantic_scholar_is_abandoned_within_its_budget(seed):
    path, records = seed
    _, dblp_ok = seed_services(records)
    report, clock, s2, dblp = run_seed(path, lambda r: "hang", dblp_ok)
    assert len(s2.requests) == 2 and len(dblp.requests) == 0
    assert 15 <= clock.now <= 25 and clock.now + ARXIV_SHARE < 60
    assert report.unknown == len(records) and "Semantic Scholar" in published_summary(report)


def test_semantic_scholar_429_without_retry_after_backs_off_then_gives_up(seed):
    path, records = seed
    report, clock, s2, _ = run_seed(path, status(429), lambda r: "refused")
    # 1 s, 2 s, 4 s (up to 10% jitter): a rate limit is waited out, within the request's budget
    assert len(s2.requests) == 4 and 7 <= clock.now <= 7.8
    assert report.unknown == len(records)


def test_semantic_scholar_429_with_a_short_retry_after_is_waited_out(seed):
    path, records = seed
    s2_ok, dblp_ok = seed_services(records)
    answers = iter([(429, {"Retry-After": "7"}, b"{}")])
    report, clock, s2, dblp = run_seed(path, lambda r: next(answers, None) or s2_ok(r), dblp_ok)
    assert len(s2.requests) == 2 and report.unknown == 0
    assert clock.now == pytest.approx(7 + len(dblp.requests) - 1, abs=1.5)


def test_semantic_scholar_429_with_a_huge_retry_after_means_ask_later_at_once(seed):
    path, records = seed
    report, clock, s2, _ = run_seed(path, status(429, {"Retry-After": "100000"}), lambda r: "refused")
    assert len(s2.requests) == 1 and clock.now == 0
    assert report.unknown == len(records)


def test_a_hub_500_with_a_long_ratelimit_reset_is_not_a_wait():
    clock = SimClock()
    hub = SimService(clock, status(500, {"RateLimit": '"api";r=0;t=300'}))
    client = HubClient(url="https://hub.test", adapter=hub, clock=clock.clock, sleep=clock.sleep)
    with pytest.raises(HubUnavailable, match=r"collection x/y failed \(HTTP 500; 3 tries in \d+ s\); try again later$"):
        client.collection("x/y")
    assert len(hub.requests) == 3 and clock.now < 5  # backoff 1 s, 2 s: never the 300 s window


def test_arxiv_down_fails_in_bounded_time_keeping_what_is_done(tmp_path):
    clock = SimClock()
    arxiv = SimService(clock, lambda r: "refused")
    client = ArxivClient(adapter=arxiv, clock=clock.clock, sleep=clock.sleep)  # the defaults: 3 s delay
    settings = load_settings({"library": str(tmp_path / "lib.sqlite"), "lookup_published": False})
    with Library(settings.library) as lib, pytest.raises(ArxivUnavailable, match="run the same command again"):
        add(Services(settings, library=lib, arxiv_client=client), parse_file(str(SEED)))
    assert len(arxiv.requests) == 4 and clock.now < 25  # 3 s, 6 s, 12 s; the next wait would pass 25 s
    with Library(settings.library) as lib:
        assert len(lib.entries()) == 89  # the entries are stored: the next run continues


def test_arxiv_hung_fails_within_the_readme_s_25_seconds():
    clock = SimClock()
    arxiv = SimService(clock, lambda r: "hang")
    client = ArxivClient(adapter=arxiv, clock=clock.clock, sleep=clock.sleep)
    with pytest.raises(ArxivUnavailable, match="timed out"):
        client.fetch(["1605.08386"])
    assert clock.now <= 25


def test_what_the_tool_sends_semantic_scholar_is_one_batch_of_the_papers_asked(seed):
    path, records = seed
    _report, _, s2, _ = run_seed(path, *seed_services(records))
    (sent,) = s2.requests
    assert sent.method == "POST" and sent.url.startswith("https://s2.test/graph/v1/paper/batch?fields=")
    assert sorted(json.loads(sent.body)["ids"]) == sorted(f"ARXIV:{a}" for a in records)


def test_the_long_phases_are_told_with_their_totals(seed):
    path, records = seed
    seen: list[tuple[str, int | None, list[int]]] = []

    def phases(label: str, total: int | None):
        steps: list[int] = []
        seen.append((label, total, steps))
        return steps.append

    clock = SimClock()
    s2_ok, dblp_ok = seed_services(records)
    clients = (
        S2Client(url="https://s2.test", adapter=SimService(clock, s2_ok), clock=clock.clock, sleep=clock.sleep),
        DblpClient(url="https://dblp.test", adapter=SimService(clock, dblp_ok), clock=clock.clock, sleep=clock.sleep),
    )
    with Library(path) as lib:
        svc = Services(
            load_settings({"lookup_published": True}), library=lib, s2_client=clients[0], dblp_client=clients[1]
        )
        add(svc, parse_file(str(SEED)), phases=phases)
    labels = [label for label, _, _ in seen]
    assert labels in (["Resolving"], ["Resolving", "Published versions"])  # nothing to resolve: all stored
    if len(seen) == 2:
        _, total, steps = seen[1]
        assert total <= len(records) and sum(steps) == total


@pytest.mark.parametrize("quiet, tty", [(False, True), (True, True), (False, False)])
def test_bars_are_drawn_on_a_terminal_only_and_q_silences_them(monkeypatch, quiet, tty):
    import click

    from paper2bib.cli import main
    from paper2bib.cli.phases import Phases

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return tty

    err = Terminal()
    monkeypatch.setattr("sys.stderr", err)
    with click.Context(main, obj={"quiet": quiet}), Phases() as phases:
        advance = phases("Published versions", 40)
        for _ in range(40):
            advance(1)
        count = phases("Zotero requests", None)
        count(3)
    shown = err.getvalue()
    if tty and not quiet:
        assert "Published versions" in shown and "40/40" in shown and "Zotero requests: 3" in shown
    else:
        assert shown == ""


@pytest.mark.parametrize(
    "failure, tries, line",
    [
        (
            Failure("timed out after 20 s"),
            2,
            "arXiv at U: query timed out (no complete answer; 2 tries in 25 s); it is slow or unreachable: "
            "try again later",
        ),
        (
            Failure("connection refused: nothing listens at that address"),
            4,
            "arXiv at U: query failed (connection refused: nothing listens at that address; 4 tries in 25 s); "
            "check the URL, or try again later",
        ),
        (
            Failure("host not found: check the URL, or whether this machine is online"),
            3,
            "arXiv at U: query failed (host not found: check the URL, or whether this machine is online; "
            "3 tries in 25 s); try again later",
        ),
        (
            Failure("connection reset by the other side"),
            3,
            "arXiv at U: query failed (connection reset by the other side; 3 tries in 25 s); try again later",
        ),
        (Failure("HTTP 404", 404, transient=False), 1, "arXiv at U: query failed (HTTP 404); check the URL"),
    ],
    ids=["timeout", "refused", "unknown-host", "reset", "not-found"],
)
def test_a_request_given_up_says_how_it_failed_and_what_to_do(failure, tries, line):
    assert gave_up("arXiv at U", "query", failure, tries, 25.2) == line
