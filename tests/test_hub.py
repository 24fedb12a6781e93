"""Hugging Face Hub papers as a source: what users write, the Hub's answers, faults.

The Hub answers are replayed from cassettes recorded against a stand-in of the Hub's papers
API serving the seed listing's 89 papers over 2025-03-17..21 (see cassettes/README.md); the
rate-limit and pagination behaviours run against a scripted server on 127.0.0.1.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from conftest import DATA
from paper2bib.cli import main
from paper2bib.commands.add import add
from paper2bib.commands.parse import parse_files
from paper2bib.config import load_settings
from paper2bib.digest import parse_file
from paper2bib.errors import HubUnavailable
from paper2bib.hub.client import HubClient
from paper2bib.hub.sources import HubSource, hub_links, parse_source
from paper2bib.models import Link
from paper2bib.net import announced_wait
from paper2bib.services import Services

COLLECTION = "p2b-test/multi-agent-llm-reading-list-10d5f90e29b820c716bbcd2c"


@pytest.mark.parametrize(
    "text, source",
    [
        ("hf:2025-03-20", HubSource("date", "2025-03-20")),
        ("hf:2025-w12", HubSource("week", "2025-W12")),
        ("hf:2025-03", HubSource("month", "2025-03")),
        ("hf:2311.10090", HubSource("paper", "2311.10090")),
        (f"hf:collections/{COLLECTION}", HubSource("collection", COLLECTION)),
        ("https://huggingface.co/papers?date=2025-03-20", HubSource("date", "2025-03-20")),
        ("https://huggingface.co/papers/date/2025-03-20", HubSource("date", "2025-03-20")),
        ("https://huggingface.co/papers/week/2025-W12", HubSource("week", "2025-W12")),
        ("https://huggingface.co/papers/month/2025-03", HubSource("month", "2025-03")),
        ("https://huggingface.co/papers/2311.10090", HubSource("paper", "2311.10090")),
        ("https://hf.co/papers/2311.10090", HubSource("paper", "2311.10090")),
        (f"https://huggingface.co/collections/{COLLECTION}", HubSource("collection", COLLECTION)),
        ("http://127.0.0.1:9999/papers/2311.10090", HubSource("paper", "2311.10090")),  # the configured mirror
        ("https://huggingface.co/papers/week/2025-03-20", None),  # a date is not a week
        ("https://huggingface.co/models", None),
        ("digest.txt", None),
        ("https://example.org/papers/2311.10090", None),
    ],
)
def test_what_users_write(text, source):
    assert parse_source(text, "http://127.0.0.1:9999") == source


def test_the_hubs_links_join_the_abstracts():
    abstract = (Link("https://github.com/flairox/jaxmarl", "code"), Link("https://github.com/qiuzh20/RMoE", "code"))
    out = hub_links(abstract, "https://github.com/FLAIROx/JaxMARL", "https://example.org/proj")
    # the same repository (up to case) once, as the Hub writes it; a different one kept beside it
    assert [(link.url, link.hub) for link in out] == [
        ("https://github.com/FLAIROx/JaxMARL", True),
        ("https://github.com/qiuzh20/RMoE", False),
        ("https://example.org/proj", True),
    ]


@pytest.mark.vcr
def test_a_week_gives_the_listings_89_papers_in_one_hub_and_one_arxiv_request(tmp_path):
    settings = load_settings()
    svc = Services(settings)
    entries = parse_files(svc, ["hf:2025-W12"])
    hub = svc.hub()
    assert hub.requests_made == 1 and len(entries) == 89
    listing = parse_file(str(DATA / "hf-papers-listing.txt"))
    listing_links = {link.url.lower().rstrip("/") for e in listing for link in e.links}
    hub_entry_links = {link.url.lower().rstrip("/") for e in entries for link in e.links}
    assert listing_links <= hub_entry_links  # every link of the copied listing …
    assert "https://github.com/p2b-moved-org/rmoe" in hub_entry_links  # … and the Hub's own
    with svc:
        report = add(svc, entries)
        resolved = {e.resolved_id for e in svc.store.entries()}
    assert report.requests == 1 and report.statuses["resolved"] == 89
    truth = {d["id"] for d in json.loads((DATA / "arxiv-records.json").read_text()) if d.get("digest_title")}
    assert resolved == truth  # the same papers as the copied listing


@pytest.mark.vcr
def test_a_day_a_paper_url_and_the_collection_url(tmp_path):
    runner = CliRunner()
    day = runner.invoke(main, ["parse", "hf:2025-03-20", "--json"])
    assert day.exit_code == 0 and len(json.loads(day.stdout)) == 18
    paper = runner.invoke(main, ["parse", "https://huggingface.co/papers/2311.10090", "--json"])
    (jax,) = json.loads(paper.stdout)
    assert jax["arxiv_id"] == "2311.10090" and jax["title"] == "JaxMARL: Multi-Agent RL Environments in JAX"
    assert {"url": "https://github.com/FLAIROx/JaxMARL", "kind": "code", "hub": True} in jax["links"]
    coll = runner.invoke(main, ["parse", f"https://huggingface.co/collections/{COLLECTION}", "--json"])
    ids = [e["arxiv_id"] for e in json.loads(coll.stdout)]
    assert len(ids) == 10 and ids[0] == "2502.05453" and "2311.10090" in ids


@pytest.mark.vcr
@pytest.mark.parametrize(
    "source, message",
    [
        ("hf:2025-03-22", "Hugging Face lists no papers for 2025-03-22"),
        ("hf:2025-13-01", "Hugging Face refused daily papers for 2025-13-01: Invalid date: 2025-13-01"),
        ("hf:2501.99999", "Hugging Face has no paper 2501.99999"),
        (f"hf:collections/{COLLECTION[:-24]}0123456789abcdef01234567", "Hugging Face has no collection"),
    ],
    ids=["weekend", "bad-date", "unknown-paper", "unknown-collection"],
)
def test_unknown_sources_are_one_clear_line_and_exit_2(source, message):
    result = CliRunner().invoke(main, ["add", source])
    assert result.exit_code == 2 and message in result.stderr and result.stderr.count("\n") == 1


def test_a_misspelt_hub_source_is_not_read_as_a_file():
    result = CliRunner().invoke(main, ["parse", "hf:banana"])
    assert result.exit_code == 2 and "not a Hugging Face source" in result.stderr


def test_a_saved_page_parses_offline_from_its_data_props():
    (paper,) = parse_file(str(DATA / "hf-paper-page-2502.05453.html"))
    assert paper.arxiv_id == "2502.05453" and len(paper.abstract or "") > 1000  # the whole abstract
    assert [(link.url, link.hub) for link in paper.links] == [("https://happyeureka.github.io/damcs", True)]
    day = parse_file(str(DATA / "hf-daily-2025-03-20.html"))
    assert len(day) == 18 and all(e.arxiv_id and e.abstract for e in day)


# ---------------------------------------------------------------- rate limits, faults, pages
class Script:
    def __init__(self, *answers: tuple[int, dict, object]):
        self.answers = list(answers)
        self.paths: list[str] = []


@contextmanager
def hub_server(script: Script) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.do_GET()

        def do_GET(self):
            script.paths.append(self.path)
            status, headers, body = script.answers.pop(0) if len(script.answers) > 1 else script.answers[0]
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _item(i: int) -> dict:
    return {"paper": {"id": f"2503.{i:05d}", "title": f"Paper {i}", "summary": "An abstract."}, "title": f"Paper {i}"}


def test_rate_limits_without_retry_after_are_waited_out_as_ratelimit_says(caplog):
    caplog.set_level("INFO", logger="paper2bib")
    limited = (429, {"RateLimit": '"api";r=0;t=2'}, {"error": "We had to rate limit you"})
    script = Script(limited, (500, {}, {"error": "Internal Error"}), (200, {}, [_item(1)]))
    slept: list[float] = []
    with hub_server(script) as url:
        client = HubClient(url=url, delay=0, sleep=slept.append)
        items = client.daily_papers("date", "2025-03-20")
    assert len(items) == 1 and client.requests_made == 3
    assert (
        slept[0] == 2.0 and 2.0 <= slept[1] <= 2.2
    )  # the RateLimit window, then the backoff (with jitter) after the 500
    assert "Hugging Face: daily papers for 2025-03-20: HTTP 429, asking to wait 2 s; waiting 2 s" in caplog.text
    assert announced_wait(429, {"RateLimit": '"api";r=0;t=55'}) == 55.0
    assert announced_wait(429, {"RateLimit": '"api";r=0;t=55', "Retry-After": "7"}) == 7.0
    assert announced_wait(500, {"RateLimit": '"api";r=0;t=55'}) is None  # a 500 announces no wait


def test_pages_are_followed_to_the_end_against_the_configured_hub():
    page0 = (
        200,
        {"Link": '<https://huggingface.co/api/daily_papers?week=2025-W12&limit=100&p=1>; rel="next"'},
        [_item(i) for i in range(100)],
    )
    page1 = (200, {}, [_item(i) for i in range(100, 130)])
    script = Script(page0, page1)
    with hub_server(script) as url:
        items = HubClient(url=url, delay=0).daily_papers("week", "2025-W12")
    assert len(items) == 130
    assert script.paths == [
        "/api/daily_papers?week=2025-W12&limit=100",
        "/api/daily_papers?week=2025-W12&limit=100&p=1",
    ]


def test_a_hub_that_stays_down_is_one_line_and_exit_1(tmp_path):
    with hub_server(Script((503, {}, {"error": "down"}))) as url:

        def services(settings):
            return Services(settings, hub_client=HubClient(url=url, attempts=3, sleep=lambda _: None))

        result = CliRunner().invoke(main, ["add", "hf:2025-03-20"], obj={"services": services})
    assert result.exit_code == 1 and result.stderr.count("error:") == 1
    assert "Hugging Face" in result.stderr and "HTTP 503" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "library.sqlite").exists()  # a source that cannot be read writes nothing
    with pytest.raises(HubUnavailable):
        HubClient(url=url, attempts=1).paper("2311.10090")  # the server is gone now: connection refused
