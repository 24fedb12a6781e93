"""arXiv faults against a scripted HTTP server on 127.0.0.1: retried, bounded, never lost."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from conftest import DATA
from paper2bib.cli import main
from paper2bib.errors import ArxivQueryError, ArxivUnavailable
from paper2bib.resolver.client import ArxivClient
from paper2bib.resolver.feed import repair_feed

FEED = (DATA / "arxiv-feed-1605.08386.xml").read_bytes()  # a real arXiv answer
EMPTY_PAGE = FEED.split(b"<entry>")[0] + b"</feed>\n"  # claims 1 result, holds none


class Script:
    """What the server does, request by request; the last action repeats."""

    def __init__(self, *actions: tuple):
        self.actions = list(actions)
        self.seen: list[tuple[float, str, dict]] = []

    def next(self) -> tuple:
        return self.actions.pop(0) if len(self.actions) > 1 else self.actions[0]


@contextmanager
def arxiv_server(script: Script) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            script.seen.append((time.monotonic(), self.path, dict(self.headers)))
            action = script.next()
            kind = action[0]
            if kind == "drop":  # the connection dies before any answer
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            if kind == "trickle":  # headers at once, then a byte every 0.3 s, for ever
                self.send_response(200)
                self.send_header("Content-Length", str(len(FEED)))
                self.end_headers()
                try:
                    for i in range(len(FEED)):
                        self.wfile.write(FEED[i : i + 1])
                        self.wfile.flush()
                        time.sleep(0.3)
                        if time.monotonic() - script.seen[-1][0] > 30:
                            break
                except OSError:
                    pass
                self.close_connection = True
                return
            status, headers, body = {
                "ok": (200, {}, FEED),
                "empty": (200, {}, EMPTY_PAGE),
                "malformed": (200, {}, b"<?xml version='1.0'?><feed><entry>cut off"),
                "raw": (200, {}, action[1] if len(action) > 1 else b""),
                "status": (
                    action[1] if len(action) > 1 else 503,
                    action[2] if len(action) > 2 else {},
                    b"Service Unavailable\n",
                ),
            }[kind]
            self.send_response(status)
            self.send_header("Content-Type", "application/atom+xml")
            self.send_header("Content-Length", str(len(body)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/query"
    finally:
        server.shutdown()
        server.server_close()


def client(url: str, **kw) -> ArxivClient:
    kw.setdefault("backoff_floor", 0.05)
    return ArxivClient(url=url, delay=0.0, timeout=5, **kw)


@pytest.mark.parametrize(
    "fault",
    [("status", 503), ("status", 500), ("status", 502), ("empty",), ("malformed",), ("drop",)],
    ids=["503", "500", "502", "empty-page", "malformed-xml", "dropped-connection"],
)
def test_transient_faults_are_retried(fault):
    script = Script(fault, fault, ("ok",))
    with arxiv_server(script) as url:
        c = client(url)
        found = c.fetch(["1605.08386"])
    assert found["1605.08386"].title == "Heat-bath random walks with Markov bases"
    assert c.requests_made == 3


class FakeTime:
    """A clock that only sleeping moves: waits are recorded, never slept."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_429_honours_retry_after():
    script = Script(("status", 429, {"Retry-After": "2"}), ("ok",))
    t = FakeTime()
    with arxiv_server(script) as url:
        client(url, clock=t.clock, sleep=t.sleep).fetch(["1605.08386"])
    assert len(script.seen) == 2 and sum(t.slept) >= 2  # the server's 2 s, waited before asking again


def test_backoff_is_exponential_from_the_delay():
    script = Script(("status", 503), ("status", 503), ("status", 503), ("ok",))
    t = FakeTime()
    with arxiv_server(script) as url:
        ArxivClient(url=url, delay=0.2, backoff_floor=0.2, timeout=5, clock=t.clock, sleep=t.sleep).fetch(
            ["1605.08386"]
        )
    assert len(script.seen) == 4
    waits = [w for w in t.slept if w > 0]
    assert len(waits) == 3 and waits[0] >= 0.19 and waits[1] >= 0.39 and waits[2] >= 0.79
    assert waits[2] < 2  # from the delay, not from a fixed floor


def test_a_bad_query_is_not_retried():
    script = Script(("status", 400))
    with arxiv_server(script) as url:
        c = client(url)
        with pytest.raises(ArxivQueryError, match="HTTP 400"):
            c.search('ti:"x"')
    assert c.requests_made == 1


def test_arxiv_that_stays_down_gives_up_with_a_clear_error():
    script = Script(("status", 503))
    with arxiv_server(script) as url:
        c = client(url, attempts=4)
        with pytest.raises(ArxivUnavailable, match=r"query failed \(HTTP 503; 4 tries in \d+ s\); try again later$"):
            c.fetch(["1605.08386"])
    assert c.requests_made == 4


class FakeClock:
    """Time that passes only when the client sleeps: backoff policies tested in no time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def test_no_network_gives_up_within_30_seconds():
    with socket.socket() as s:  # a port nobody listens on: connections are refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    fake = FakeClock()
    c = ArxivClient(
        url=f"http://127.0.0.1:{port}/api/query", delay=3.0, sleep=fake.sleep, clock=fake.clock
    )  # the defaults
    start = time.monotonic()
    refused = (
        r"arXiv at .*: query failed \(connection refused: nothing listens at that address; 4 tries in 21 s\); "
        r"check the URL, or try again later$"
    )
    with pytest.raises(ArxivUnavailable, match=refused):
        c.fetch(["1605.08386"])
    assert fake.sleeps == [3.0, 6.0, 12.0]  # exponential from the delay; the next (24 s) would pass 25 s
    assert fake.now < 30 and time.monotonic() - start < 5


def test_user_agent_names_the_contact():
    script = Script(("ok",))
    with arxiv_server(script) as url:
        client(url, contact="me@example.org").fetch(["1605.08386"])
    ua = script.seen[0][2]["User-Agent"]
    assert ua.startswith("paper2bib/") and "mailto:me@example.org" in ua


def test_cli_keeps_what_was_resolved_when_arxiv_goes_down(tmp_path, monkeypatch):
    listing = tmp_path / "list.txt"
    listing.write_text("- Heat-bath random walks with Markov bases\n- Another Paper That Will Not Be Reached\n")
    monkeypatch.setenv("PAPER2BIB_ARXIV_BATCH", "1")
    monkeypatch.setenv("PAPER2BIB_ARXIV_GIVE_UP_AFTER", "3")
    script = Script(("ok",), ("status", 503))
    runner = CliRunner()
    with arxiv_server(script) as url:
        monkeypatch.setenv("PAPER2BIB_ARXIV_URL", url)
        down = runner.invoke(main, ["add", str(listing)])
    assert down.exit_code == 1
    assert down.stderr.count("error:") == 1 and "Stored so far: 1 of 2 entries settled (1 resolved)" in down.stderr
    assert "Traceback" not in down.stderr
    listed = runner.invoke(main, ["list", "--status", "pending"])
    assert "Another Paper That Will Not Be Reached" in listed.stdout
    # arXiv is back: the next run asks only for what is left
    script2 = Script(("ok",))
    with arxiv_server(script2) as url:
        monkeypatch.setenv("PAPER2BIB_ARXIV_URL", url)
        again = runner.invoke(main, ["add", str(listing)])
    # its title, then its words in either number (the title found nothing)
    assert len(script2.seen) == 2 and not any("Heat-bath" in s[1].replace("+", " ") for s in script2.seen)
    assert "ti%3A%22paper%22+OR+ti%3A%22papers%22" in script2.seen[1][1]
    assert again.exit_code == 3  # the unknown title is unresolved: needs review
    assert "1 resolved, 1 unresolved" in again.stderr


def test_a_trickling_server_is_abandoned_within_the_deadline():
    script = Script(("trickle",))
    with arxiv_server(script) as url:
        c = ArxivClient(url=url, delay=0.0, timeout=1.5, give_up_after=4, attempts=2, backoff_floor=0.05)
        start = time.monotonic()
        with pytest.raises(
            ArxivUnavailable,
            match=r"query timed out \(no complete answer; 2 tries in [34] s\); it is slow or unreachable: try again later$",
        ):
            c.fetch(["1605.08386"])
    assert time.monotonic() - start < 5  # 2 tries of at most 1.5 s each, not the 5 minutes the trickle lasts
    assert c.requests_made == 2


def test_an_oversized_answer_is_refused_with_a_clear_error(monkeypatch):
    monkeypatch.setattr("paper2bib.net.bounded.MAX_RESPONSE_BYTES", 1000)
    with arxiv_server(Script(("ok",))) as url:
        c = client(url)
        with pytest.raises(ArxivUnavailable, match="larger than 1,000 bytes"):
            c.fetch(["1605.08386"])
    assert c.requests_made == 1


def test_a_feed_that_echoes_an_unescaped_query_loses_no_text():
    head, _, rest = FEED.partition(b"<entry>")
    broken = head.replace(
        b"</title>", b'</title>\n  <link href="https://arxiv.org/api/query?search_query=ti:"a b"&amp;x=1"/>', 1
    )
    broken += b"<entry>" + rest.replace(b"Heat-bath random walks", b"Heat-bath &amp; random walks", 1)
    assert repair_feed(broken) != broken
    script = Script(("raw", broken))
    with arxiv_server(script) as url:
        found = client(url).fetch(["1605.08386"])
    assert found["1605.08386"].title == "Heat-bath & random walks with Markov bases"


def test_a_connection_that_fails_says_how():
    import requests

    from paper2bib.net import connection_failure

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(requests.ConnectionError) as refused:
        requests.get(f"http://127.0.0.1:{port}/", timeout=5)
    assert connection_failure(refused.value) == "connection refused: nothing listens at that address"
    unknown = requests.ConnectionError(socket.gaierror(-2, "Name or service not known"))
    assert connection_failure(unknown) == "host not found: check the URL, or whether this machine is online"
    try:
        raise requests.ConnectionError("aborted") from ConnectionResetError(104, "Connection reset by peer")
    except requests.ConnectionError as reset:
        assert connection_failure(reset) == "connection reset by the other side"
    assert connection_failure(requests.ConnectionError("something else")) == "connection failed"
