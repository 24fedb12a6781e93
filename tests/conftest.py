"""Shared fixtures. Tests run offline: HTTP is replayed from cassettes/ (VCR.py).

To re-record against the local stand-ins, see cassettes/README.md: the env variable
PAPER2BIB_RECORD_ARXIV_URL points the client at a stand-in, and the recorded requests
are rewritten to name the real endpoint, so replays run under the default configuration.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from paper2bib.config import DEFAULT_ARXIV_URL, DEFAULT_DBLP_URL, DEFAULT_HF_URL, DEFAULT_S2_URL, DEFAULT_ZOTERO_URL
from paper2bib.models import Record

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED = DATA / "hf-papers-listing.txt"

RECORD_ARXIV_URL = os.environ.get("PAPER2BIB_RECORD_ARXIV_URL")
RECORD_ZOTERO_URL = os.environ.get("PAPER2BIB_RECORD_ZOTERO_URL")
RECORD_HF_URL = os.environ.get("PAPER2BIB_RECORD_HF_URL")
RECORD_S2_URL = os.environ.get("PAPER2BIB_RECORD_S2_URL")
RECORD_DBLP_URL = os.environ.get("PAPER2BIB_RECORD_DBLP_URL")


def _rewrite(uri: str, stand_in: str | None, real: str) -> str:
    if not stand_in:
        return uri
    s, r = urlsplit(stand_in), urlsplit(real)
    u = urlsplit(uri)
    if (u.scheme, u.netloc) == (s.scheme, s.netloc):
        return urlunsplit((r.scheme, r.netloc, u.path, u.query, u.fragment))
    return uri


def _before_record_request(request):
    request.uri = _rewrite(request.uri, RECORD_ARXIV_URL, DEFAULT_ARXIV_URL)
    request.uri = _rewrite(request.uri, RECORD_ZOTERO_URL, DEFAULT_ZOTERO_URL)
    request.uri = _rewrite(request.uri, RECORD_HF_URL, DEFAULT_HF_URL)
    request.uri = _rewrite(request.uri, RECORD_S2_URL, DEFAULT_S2_URL)
    request.uri = _rewrite(request.uri, RECORD_DBLP_URL, DEFAULT_DBLP_URL)
    return request


def batch_body(r1, r2) -> None:
    """Semantic Scholar's batch requests share one URL and differ in the papers they name:
    they match on their body too, so a replay answers each batch with its own recording."""
    if r1.path.endswith("/paper/batch") or r2.path.endswith("/paper/batch"):
        assert r1.body == r2.body, "a batch of other papers"


def pytest_recording_configure(config, vcr) -> None:
    vcr.register_matcher("batch_body", batch_body)


def vcr_options() -> dict:
    """How every cassette is recorded: secrets filtered, stand-in URLs rewritten to the real ones."""
    return {
        "match_on": ["method", "scheme", "host", "port", "path", "query", "batch_body"],
        "filter_headers": ["authorization", "zotero-api-key", "user-agent", "x-api-key"],
        "before_record_request": _before_record_request,
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="module")
def vcr_config():
    return vcr_options()


@pytest.fixture(scope="module")
def vcr_cassette_dir(request):
    return str(ROOT / "cassettes" / request.module.__name__.split(".")[-1])


#: the external programs some tests run, and the marker such a test carries
TOOLS = {"pdflatex": "latex", "bibtex": "latex", "biber": "latex", "pandoc": "pandoc", "node": "citeproc"}
_TOOL_LITERAL = re.compile(r"[\"'](pdflatex|biber|pandoc|node)[\"']")


def _tools_named(item: pytest.Item) -> set[str]:
    """The markers of the tools a test names, in its own source or in a helper of its module it calls."""
    fn = getattr(item, "function", None)
    if fn is None:
        return set()
    source = inspect.getsource(fn)
    module = sys.modules[fn.__module__]
    for name in set(re.findall(r"\b(_?[a-z]\w*)\(", source)):
        helper = getattr(module, name, None)
        if inspect.isfunction(helper) and helper.__module__ == fn.__module__ and helper is not fn:
            source += inspect.getsource(helper)
    return {TOOLS[t] for t in _TOOL_LITERAL.findall(source)}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """``latex``, ``pandoc`` and ``citeproc`` markers on every test that runs those tools, so
    that ``pytest -m "not latex and not pandoc and not citeproc"`` runs none of them."""
    for item in items:
        for marker in _tools_named(item) - {m.name for m in item.iter_markers()}:
            item.add_marker(marker)


@pytest.fixture(autouse=True)
def unmarked_tests_run_no_tool(request, tmp_path_factory, monkeypatch):
    """A test without the marker finds, first on its PATH, a stand-in of the tool that fails
    saying so: a marker missing is a failing test, not a slow suite."""
    marks = {m.name for m in request.node.iter_markers()}
    blocked = sorted(t for t, m in TOOLS.items() if m not in marks)
    if not blocked:
        return
    shims = tmp_path_factory.getbasetemp() / ("no-" + "-".join(blocked))
    if not shims.exists():
        shims.mkdir()
        for tool in blocked:
            shim = shims / tool
            shim.write_text(f"#!/bin/sh\necho 'a test without the {TOOLS[tool]} marker ran {tool}' >&2\nexit 97\n")
            shim.chmod(0o755)
    monkeypatch.setenv("PATH", f"{shims}{os.pathsep}{os.environ.get('PATH', '')}")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """No user config, a fresh library, no delay, the default (or recording) endpoints."""
    for var in list(os.environ):
        if var.startswith(("PAPER2BIB_", "ZOTERO_")) and not var.startswith("PAPER2BIB_RECORD_"):
            monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PAPER2BIB_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("PAPER2BIB_LIBRARY", str(tmp_path / "library.sqlite"))
    monkeypatch.setenv("PAPER2BIB_ARXIV_DELAY", "0")
    monkeypatch.setenv("PAPER2BIB_HF_DELAY", "0")
    monkeypatch.setenv("PAPER2BIB_S2_DELAY", "0")
    monkeypatch.setenv("PAPER2BIB_DBLP_DELAY", "0")
    monkeypatch.setenv("PAPER2BIB_LOOKUP_PUBLISHED", "0")  # on only where a test records or replays the look-ups
    monkeypatch.delenv("SEMANTIC_SCHOLAR_API_KEY", raising=False)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    if RECORD_ARXIV_URL:
        monkeypatch.setenv("PAPER2BIB_ARXIV_URL", RECORD_ARXIV_URL)
    if RECORD_ZOTERO_URL:
        monkeypatch.setenv("PAPER2BIB_ZOTERO_URL", RECORD_ZOTERO_URL)
    if RECORD_HF_URL:
        monkeypatch.setenv("PAPER2BIB_HF_URL", RECORD_HF_URL)
    if RECORD_S2_URL:
        monkeypatch.setenv("PAPER2BIB_S2_URL", RECORD_S2_URL)
    if RECORD_DBLP_URL:
        monkeypatch.setenv("PAPER2BIB_DBLP_URL", RECORD_DBLP_URL)
    yield


@pytest.fixture(scope="session")
def seed_records() -> list[dict]:
    """Real arXiv metadata of the seed listing's papers (and two look-alikes)."""
    return json.loads((DATA / "arxiv-records.json").read_text(encoding="utf-8"))


def record_from_json(d: dict) -> Record:
    """A Record from an entry of tests/data/arxiv-records.json (arXiv API field names)."""
    return Record(
        arxiv_id=d["id"],
        version=int(d.get("version") or 1),
        title=d["title"],
        authors=tuple(d.get("authors") or ()),
        summary=d.get("summary") or "",
        published=d["published"][:10],
        primary_category=d.get("primary_category"),
        categories=tuple(d.get("categories") or ()),
        comment=d.get("comment"),
        journal_ref=d.get("journal_ref"),
        doi=d.get("doi"),
    )


@pytest.fixture(scope="session")
def seed_truth(seed_records) -> dict[str, str]:
    """Digest title → the arXiv id it must resolve to."""
    return {d["digest_title"]: d["id"] for d in seed_records if d.get("digest_title")}


def require_tool(name: str) -> str:
    """The path of an external tool; skip without it, but fail in CI, where it must exist."""
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{name} is not installed; .ci/run installs it")
    pytest.skip(f"{name} is not installed")


def run(cmd: list[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


SEED_CASSETTE = ROOT / "cassettes" / "test_resolve_seed" / "test_seed_listing_resolves_every_entry.yaml"


@pytest.fixture(scope="session")
def seed_library_file(tmp_path_factory) -> Path:
    """A library holding the seed listing, resolved from the recorded arXiv answers."""
    import vcr

    from paper2bib.commands.add import add
    from paper2bib.config import load_settings
    from paper2bib.digest import parse_file
    from paper2bib.services import Services
    from paper2bib.store import Library

    path = tmp_path_factory.mktemp("seed") / "seed.sqlite"
    settings = load_settings(
        {"library": str(path), "arxiv_delay": 0, "lookup_published": False},
        env={"PAPER2BIB_CONFIG": str(path.with_suffix(".toml"))},
    )
    with vcr.VCR(record_mode="none").use_cassette(str(SEED_CASSETTE), allow_playback_repeats=True):
        with Library(path) as lib:
            add(Services(settings, library=lib), parse_file(str(SEED)))
    return path


@pytest.fixture
def seed_library(seed_library_file, tmp_path, monkeypatch) -> Path:
    """A private copy of the seed library, set as the library the CLI uses."""
    path = tmp_path / "library.sqlite"
    shutil.copy(seed_library_file, path)
    monkeypatch.setenv("PAPER2BIB_LIBRARY", str(path))
    return path


def nasty_records() -> list[Record]:
    """Records built to break writers: TeX, every special character, injections, emoji."""
    base = {
        "version": 1,
        "summary": "A plain abstract.",
        "published": "2024-03-05",
        "primary_category": "cs.LG",
        "categories": ("cs.LG",),
    }
    return [
        Record(
            "2401.00001",
            title=r"$\ell_1$-norm Regularisation of $γ$-Networks with MoE$^2$ on $\mathbb{R}^n$",
            authors=("Nikola Ljubešić", "Đorđe Đorđević", "Søren Kierkegaard", "Łukasz Kaiser", "Ömer Faruk Şahin"),
            **base,
        ),
        Record(
            "2401.00002",
            title=r"Costs & Benefits: 100% of #1 in_place ~tilde ^caret \backslash {braces} $dollar",
            authors=("王小明", "José María Aznar-López", "Ludwig van Beethoven", "Martin Luther King Jr."),
            **base,
        ),
        Record(
            "2401.00003",
            title="Unbalanced } brace { here {{ and \\",
            authors=("Foo and Bar Consortium", "Plato"),
            **{**base, "summary": "}, note = {x} @misc{evil, title={pwned}} % comment \\end{document}"},
        ),
        Record(
            "2401.00004",
            title="🤗 Transformers: State-of-the-Art NLP 🚀 — “quoted” ‘text’…",
            authors=("Thomas Wolf",),
            journal_ref="Proc. ACM & IEEE 2024, pp. 1--10 % note",
            doi="10.1145/1234567.8901234",
            comment="12 pages; code at https://github.com/x/y_z",
            **base,
        ),
        Record("hep-th/9901001", title="An Old-Style Identifier: Schr\\\"odinger's {\\em Cat}", authors=(), **base),
        Record(
            "2401.00005",
            title="$$ unmatched $ dollars $x$ and $\\frac{a}{b}$ and $\\unknownmacro{x}$",
            authors=("A B",),
            **base,
        ),
        Record(
            "2401.00006",
            title=r"$\text{Memory}^3$: T3 & Tracking, plug & play (\eg adapters); heat-bath walks with Markov bases",
            authors=("A B",),
            **{**base, "summary": r"50% of #1 & \eg $\alpha_{i}$ \$5 \{x\} a_b ~c ^d \unknown{arg}"},
        ),
        *hostile_records(),
    ]


#: TeX that would read ``secret.tex`` or write ``pwned.tex`` if any of it ran when compiling.
HOSTILE_TEX = [
    r"\input{secret}",
    r"$\input{secret}$",
    r"^^5cinput{secret}",
    r"$^^5cinput{secret}$",
    r"$x^^5cinput{secret}$",
    r"\immediate\openout9=pwned.tex \immediate\write9{x}\immediate\closeout9",
    r"$\immediate\write18{touch pwned.tex}$",
    r"\catcode`\^^5c=0 \csname input\endcsname{secret}",
    r"$\text{\input{secret}}$ $\mathrm{\input{secret}}$ $\frac{\input{secret}}{2}$",
    r"}, note = {\input{secret}}, junk = {",
]


def hostile_records() -> list[Record]:
    """Records whose every field tries to make the exported file run TeX (issue: hostile metadata)."""
    base = {"version": 1, "published": "2024-03-05", "categories": ("cs.LG",)}
    out = []
    for n, tex in enumerate(HOSTILE_TEX):
        out.append(
            Record(
                f"2402.{n + 1:05d}",
                title=f"Hostile {n} {tex} end",
                authors=(f"Eve {tex}", "Mallory}, and {Trent", f"{tex}"),
                summary=f"Abstract {tex} end",
                primary_category="cs.LG" if n % 2 else "cs.LG}, note = {\\input{secret}",
                journal_ref=f"J. Hostile {tex}",
                doi="10.1234/x}, note = {\\input{secret}}, junk = {",
                comment=tex,
                **base,
            )
        )
    out.append(
        Record(
            "2402.99999}, note = {\\input{secret}}, x = {",
            title="Bad id",
            authors=("A B",),
            summary="x",
            primary_category="cs.LG",
            **base,
        )
    )
    return out


def run_sync(services, echo=print, out=print, **kw) -> int:
    """``paper2bib zotero sync`` as the CLI runs it, lines to ``echo`` (stderr) and ``out`` (stdout)."""
    from paper2bib.cli import present
    from paper2bib.commands.sync import sync

    result = sync(services, waiting=lambda library: echo(present.sync_waiting(library)), **kw)
    if kw.get("dry_run"):
        for line in present.sync_plan(result, kw.get("collection")):
            out(line)
    for line in present.sync_summary(result):
        echo(line)
    return 0 if result.complete else 1


class StubArxiv:
    """arXiv answering id look-ups and searches from known records; counts requests."""

    page_size = 100

    def __init__(self, records, on_ask=None):
        self.records = {r.arxiv_id: r for r in records}
        self.requests_made = 0
        self.asked: list[str] = []
        self.on_ask = on_ask  # called at every request: a slow arXiv, a file saved meanwhile

    def services(self, settings):
        """Services whose arXiv is this stand-in."""
        from paper2bib.services import Services

        return Services(settings, arxiv_client=self)

    @property
    def cli(self) -> dict:
        """The ``obj`` that makes the command line use this stand-in."""
        return {"services": self.services}

    def _ask(self):
        self.requests_made += 1
        if self.on_ask:
            self.on_ask()

    def fetch_batches(self, ids):
        ids = list(dict.fromkeys(ids))
        self._ask()
        self.asked += ids
        yield ids, {a: self.records[a] for a in ids if a in self.records}

    def fetch(self, ids):
        return {a: r for _, found in self.fetch_batches(ids) for a, r in found.items()}

    def search(self, query, max_results=100):
        self._ask()
        return list(self.records.values())


def nocite_document(style: str) -> str:
    """A LaTeX document citing every entry of ``refs.bib``: natbib + plainnat for ``bibtex``,
    biblatex (authoryear, biber) for ``biblatex``."""
    preamble = "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n"
    preamble += "\\usepackage{lmodern}\n\\usepackage{url}\n"
    if style == "bibtex":
        body = "\\usepackage{natbib}\n\\begin{document}\n\\nocite{*}\n\\bibliographystyle{plainnat}\n\\bibliography{refs}\n"
    else:
        body = "\\usepackage[style=authoryear,backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n"
        body += "\\begin{document}\n\\nocite{*}\n\\printbibliography\n"
    return preamble + body + "\\end{document}\n"


def compile_nocite(tmp_path: Path, bib: str, style: str, processor: str) -> tuple[str, str]:
    """``bib`` as ``refs.bib`` of :func:`nocite_document`, compiled: pdflatex, ``processor``
    (which must report no warning), pdflatex twice. Returns the ``.log`` and the ``.bbl``."""
    for tool in ("pdflatex", processor):
        require_tool(tool)
    (tmp_path / "refs.bib").write_text(bib, encoding="utf-8")
    (tmp_path / "doc.tex").write_text(nocite_document(style))
    pdflatex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc.tex"]
    assert run(pdflatex, tmp_path).returncode == 0
    assert run([processor, "doc"], tmp_path).returncode == 0
    blg = (tmp_path / "doc.blg").read_text()
    assert not re.search(r"\b(WARN|ERROR)\b|Warning--", blg), blg
    for _ in range(2):
        assert run(pdflatex, tmp_path).returncode == 0
    return (tmp_path / "doc.log").read_text(errors="replace"), (tmp_path / "doc.bbl").read_text(errors="replace")


@pytest.fixture(scope="module")
def one_thread():
    """The publication look-ups in the caller's thread, as they are fed. VCR.py does not record
    two threads' requests at once reliably (one can be lost), so a cassette recorded with the
    worker thread may lack a Semantic Scholar batch its replay then asks for. Modules whose
    cassettes hold look-ups made beside arXiv's requests use this (recording and replaying)."""
    from paper2bib.scholar.lookup import Background, look_up

    class InThread(Background):
        def feed(self, records) -> None:
            if records:
                self.fed += len(records)
                look_up(list(records), self.s2, self.dblp, self.outcome, self._count)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("paper2bib.commands.add.Background", InThread)
        yield
