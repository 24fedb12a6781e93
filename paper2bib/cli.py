"""The ``paper2bib`` command line.

Data goes to stdout; progress, summaries and errors to stderr. Exit codes: 0 ok,
1 runtime failure, 2 usage or unreadable input, 3 done but some entries need review.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import json
import logging
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__, bibupdate, latexloop, userfile, workflow
from .arxiv_ids import parse_id
from .config import Settings, load_settings
from .errors import InputError, Paper2BibError
from .library import Library, describe_db_error
from .output import check_target, write_file, write_stdout
from .text import plural, published_line
from .writers import FORMATS, render

EXIT_REVIEW = 3


def _err(msg: str) -> None:
    click.echo(msg, err=True)


def _settings_options(f: Callable) -> Callable:
    """Options every command takes: where the library is and how to reach arXiv."""
    opts = [
        click.option(
            "--library", "library", type=click.Path(dir_okay=False), help="Library file [env PAPER2BIB_LIBRARY]."
        ),
        click.option("--arxiv-url", help="arXiv API endpoint [env PAPER2BIB_ARXIV_URL]."),
        click.option(
            "--delay", "arxiv_delay", type=float, help="Seconds between arXiv requests [env PAPER2BIB_ARXIV_DELAY]."
        ),
        click.option("--contact", help="E-mail for the User-Agent arXiv sees [env PAPER2BIB_CONTACT]."),
        click.option("--hf-url", help="Hugging Face Hub URL, for hf: sources [env PAPER2BIB_HF_URL]."),
        click.option("--key-format", help="Citation key format, e.g. '{auth}{year}{title}'."),
        click.option("-v", "--verbose", is_flag=True, help="Log each request."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def _run(f: Callable) -> Callable:
    """Turn paper2bib errors into one stderr line and their exit code."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        verbose = kwargs.pop("verbose", False)
        quiet = bool((click.get_current_context().find_root().obj or {}).get("quiet"))
        level = logging.INFO if verbose else logging.ERROR if quiet else logging.WARNING
        logging.basicConfig(level=level, format="paper2bib: %(message)s", stream=sys.stderr)
        overrides: dict[str, Any] = {
            k: kwargs.pop(k)
            for k in ("library", "arxiv_url", "arxiv_delay", "contact", "key_format", "hf_url")
            if k in kwargs
        }
        try:
            settings = load_settings(overrides)
            code = f(settings, *args, **kwargs)
        except Paper2BibError as e:
            _err(f"paper2bib: error: {e}")
            sys.exit(e.exit_code)
        except sqlite3.DatabaseError as e:
            where = overrides.get("library") or os.environ.get("PAPER2BIB_LIBRARY") or "the library"
            _err(f"paper2bib: error: {where}: {describe_db_error(e)}")
            sys.exit(1)
        except KeyboardInterrupt:
            _err("paper2bib: interrupted; everything stored so far is kept")
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(1)
        except Exception as e:  # a bug: one line for the user, the traceback on request
            if os.environ.get("PAPER2BIB_DEBUG"):
                raise
            _err(f"paper2bib: internal error: {type(e).__name__}: {e} (set PAPER2BIB_DEBUG=1 for details)")
            sys.exit(1)
        sys.exit(code or 0)

    return wrapper


def _open(settings: Settings, create: bool = True) -> Library:
    """The library; commands that only read it pass ``create=False`` and never make one."""
    return Library(settings.library, create=create)


def _progress(total: int, label: str):
    """A progress bar on stderr when it is a terminal (and not ``-q``); otherwise nothing."""
    quiet = bool((click.get_current_context().find_root().obj or {}).get("quiet"))
    if quiet or not sys.stderr.isatty() or total <= 1:
        return None
    return click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)


class _Phases:
    """The long phases of a command, one bar each on stderr when it is a terminal (not ``-q``):
    a bar with counts when the total is known, a running count when it is not."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.count_label: str | None = None

    def __call__(self, label: str, total: int | None) -> Callable[[int], None]:
        self.close()
        if total is not None:
            self.bar = _progress(total, label)
            if self.bar is None:
                return lambda n: None
            self.bar.__enter__()
            return self.bar.update
        if _progress(2, label) is None:  # not a terminal, or -q
            return lambda n: None
        self.count_label, done = label, [0]

        def count(n: int) -> None:
            done[0] += n
            sys.stderr.write(f"\r{label}: {done[0]}")
            sys.stderr.flush()

        return count

    def then(self, echo: Callable[[str], None]) -> Callable[[str], None]:
        """``echo`` that first ends the running phase, so a line never lands inside a bar."""

        def after(line: str) -> None:
            self.close()
            echo(line)

        return after

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        if self.count_label is not None:
            sys.stderr.write("\n")
            self.count_label = None

    def __enter__(self) -> _Phases:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paper2bib")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars and no warnings: summaries and errors only.")
@click.pass_context
def main(ctx: click.Context, quiet: bool) -> None:
    """Turn paper digests into arXiv-resolved BibTeX, biblatex, CSL-JSON and Zotero items.

    \b
    paper2bib add digest.txt && paper2bib export > refs.bib
    """
    ctx.obj = {"quiet": quiet}


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the entries as a JSON array.")
@click.option("--hf-url", help="Hugging Face Hub URL, for hf: sources [env PAPER2BIB_HF_URL].")
@click.option("-v", "--verbose", is_flag=True, hidden=True)
@_run
def parse(settings: Settings, files: tuple[str, ...], as_json: bool) -> int:
    """Show the entries FILES hold, as parsed. FILE '-' reads stdin; hf:2025-W12 and other
    Hugging Face sources are read from the Hub (files need no network).

    \b
    Example:
      paper2bib parse hf-papers-listing.txt --json
    """
    with _Phases() as phases:
        entries = workflow.parse_files(files, settings, phases=phases)
    if as_json:
        click.echo(json.dumps([e.to_json() for e in entries], ensure_ascii=False, indent=2))
    else:
        for n, e in enumerate(entries, 1):
            head = e.title or "(no title)"
            if e.arxiv_id:
                head += f"  [arXiv:{e.arxiv_id}{'v' + str(e.version) if e.version else ''}]"
            click.echo(f"{n:4}. {head}")
            for link in e.links:
                click.echo(f"      {link.kind:8} {link.url}" + ("  (as Hugging Face lists it)" if link.hub else ""))
    _err(plural(len(entries), "entry", "entries"))
    return 0


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--refresh", is_flag=True, help="Look up entries again even if already resolved.")
@_settings_options
@_run
def add(settings: Settings, files: tuple[str, ...], refresh: bool) -> int:
    """Parse FILES, resolve every entry on arXiv and store it in the library.

    Exits 3 when some entries need review (ambiguous or unresolved).

    \b
    Example:
      paper2bib add hf-papers-listing.txt
    """
    with _Phases() as phases:
        entries = workflow.parse_files(files, settings, phases=phases)  # bad input fails before the library is touched
    with _open(settings) as lib:
        report = _add(lib, settings, entries, refresh)
    return EXIT_REVIEW if report.needs_review else 0


def _add(lib: Library, settings: Settings, entries: list, refresh: bool) -> workflow.AddReport:
    with _Phases() as phases:
        report = workflow.add(lib, settings, entries, refresh, phases=phases)
    _err(report.summary())
    if report.published and (line := report.published.summary()):
        _err(line)
    return report


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option("--status", type=click.Choice(["resolved", "ambiguous", "unresolved", "pending"]))
@_settings_options
@_run
def list_(settings: Settings, as_json: bool, status: str | None) -> int:
    """Show the library's entries and what each resolved to (arXiv's title; "pinned" when settled by hand).

    \b
    Example:
      paper2bib list --status unresolved
    """
    with _open(settings, create=False) as lib:
        entries = lib.entries(status=status)
        records = lib.records({e.resolved_id for e in entries if e.resolved_id})
        checks = lib.published(records)
        if as_json:
            rows = [e.to_json(records.get(e.resolved_id or ""), checks.get(e.resolved_id or "")) for e in entries]
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            for e in entries:
                rid = f"{e.resolved_id}v{e.resolved_version}" if e.resolved_id else "-"
                score = f"{e.score:.2f}" if e.score is not None else "  - "
                record = records.get(e.resolved_id or "") if e.status == "resolved" else None
                title = record.title if record else (e.digest_title or "")
                status = "pinned" if e.pinned else e.status
                click.echo(f"{e.id:5}  {status:10} {score}  {rid:18} {title}")
                check = checks.get(e.resolved_id or "") if record else None
                if check and check.version:
                    click.echo(f"       published: {check.version.venue} ({check.version.year})")
                elif check and check.status == "preprint" and "DBLP" in check.why:
                    click.echo(f"       still a preprint: {check.why}")  # a candidate was found, and refused
                elif record and record.is_published:
                    click.echo(f"       {published_line(record.journal_ref, record.journal_doi)}")
                if e.status in ("ambiguous", "unresolved"):
                    if e.why:
                        click.echo(f"       {e.why}")
                    for c in e.candidates:
                        click.echo(f"       candidate {c.arxiv_id}v{c.version} ({c.score:.2f}) {c.title}")
        _err(plural(len(entries), "entry", "entries"))
    return 0


@main.command()
@click.argument("entry")
@click.argument("arxiv_id")
@click.option("--force", is_flag=True, help="Replace the paper an already resolved entry points at.")
@_settings_options
@_run
def pin(settings: Settings, entry: str, arxiv_id: str, force: bool) -> int:
    """Settle ENTRY (its number in 'list', or its title) as the paper ARXIV_ID.

    \b
    Example:
      paper2bib pin 92 2402.16107
    """
    ref = parse_id(arxiv_id)
    if not ref:
        raise InputError(f"{arxiv_id!r} is not an arXiv id (e.g. 2409.19256 or hep-th/9901001)")
    with _open(settings, create=False) as lib:
        entry_id, record = workflow.pin(lib, settings, entry, ref, force=force)
    _err(f"entry {entry_id} pinned to {record.arxiv_id}: {record.title}")
    return 0


@main.command()
@click.argument("entries", nargs=-1, required=True)
@_settings_options
@_run
def remove(settings: Settings, entries: tuple[str, ...]) -> int:
    """Remove ENTRIES (numbers in 'list', arXiv ids or citation keys) from the library.

    \b
    Example:
      paper2bib remove 12 2307.06175
    """
    with _open(settings, create=False) as lib:
        removed = workflow.remove(lib, entries)
    for e in removed:
        _err(f"removed entry {e.id}: {e.resolved_id or e.hint_id or '-'} {e.digest_title or ''}".rstrip())
    return 0


@main.command()
@click.argument("bibfile")
@click.option("-o", "--output", help="Write the updated file here (atomically) instead of stdout.")
@click.option(
    "--in-place",
    is_flag=True,
    help="Edit BIBFILE itself, keeping the replaced bytes in BIBFILE.orig (then .orig.1, …).",
)
@click.option("--diff", "as_diff", is_flag=True, help="Print a unified diff of the changes; write nothing.")
@click.option("--dry-run", is_flag=True, help="Only say what would change; write nothing.")
@click.option("--preprint", is_flag=True, help="Write every arXiv entry as its preprint, even when published.")
@click.option(
    "--style",
    type=click.Choice(bibupdate.STYLES),
    default="arxiv",
    show_default=True,
    help="arxiv: a preprint becomes arXiv's @misc/@online form; keep: its entry type and venue text stay.",
)
@_settings_options
@_run
def update(
    settings: Settings,
    bibfile: str,
    output: str | None,
    in_place: bool,
    as_diff: bool,
    dry_run: bool,
    preprint: bool,
    style: str,
) -> int:
    """Edit the arXiv entries of BIBFILE field by field from arXiv, keeping every key, every
    field paper2bib does not own, and every byte of every other entry.

    Entries marked 'protect = {true}' or preceded by '% paper2bib: keep' are never touched;
    an entry that cannot be read is kept as it is and named. The file keeps its encoding
    and line endings. Exits 3 when some entries were left for review.

    \b
    Example:
      paper2bib update refs.bib --in-place
    """
    if sum(map(bool, (output, in_place, as_diff))) > 1:
        raise InputError("give one of -o, --in-place and --diff")
    if in_place and bibfile == "-":
        raise InputError("--in-place needs a file, not stdin ('-'); use -o PATH or stdout")
    target = None
    if output and not dry_run:
        target = check_target(
            output, [("the library", Path(settings.library)), (f"the input {bibfile}", Path(bibfile))]
        )
    if in_place and not dry_run:
        userfile.check_writable(bibfile)
    with userfile.locked(bibfile) if bibfile != "-" else contextlib.nullcontext():
        snapshot = userfile.read(bibfile)
        with _open(settings) as lib, _Phases() as phases:
            report = latexloop.update_bib(
                lib,
                settings,
                bibfile,
                snapshot.text,
                preprint=preprint,
                style=style,
                ascii_only=not snapshot.utf,
                phases=phases,
            )
        saved = None
        if as_diff:
            write_stdout(
                "".join(
                    difflib.unified_diff(
                        report.original.splitlines(keepends=True),
                        report.text.splitlines(keepends=True),
                        fromfile=bibfile,
                        tofile=bibfile + " (updated)",
                    )
                )
            )
        elif dry_run:
            pass
        elif in_place:
            if report.changed:
                saved = userfile.replace(snapshot, userfile.encode(snapshot, report.text))
        elif target is not None:
            write_file(target, report.text, userfile.encode(snapshot, report.text))
        else:
            write_stdout(report.text)
    for line in _update_lines(report):
        _err(line)
    written = " (dry run: nothing written)" if dry_run else " (diff only: nothing written)" if as_diff else ""
    if in_place and not dry_run:
        written = f"; the original is in {saved}" if saved else f"; {bibfile} was not rewritten"
    _err(_update_summary(report) + written)
    return EXIT_REVIEW if report.needs_review else 0


def _update_lines(report: latexloop.UpdateReport) -> list[str]:
    out = []
    for o in report.outcomes:
        if o.status == "updated":
            out.append(f"{o.key}: " + "; ".join(bibupdate.describe(c) for c in o.changes))
        elif o.status == "kept":
            out.append(f"{o.key}: marked to keep, left as is")
        elif o.status == "review":
            out.append(f"{o.key}: {o.why}")
        elif o.status == "unreadable":
            out.append(f"line {o.line}: @{o.key or '(no key)'} kept as it was: {o.why}")
    return out


def _update_summary(report: latexloop.UpdateReport) -> str:
    if not report.changed and not report.needs_review:
        head = "nothing to change"
    else:
        head = f"{plural(report.count('updated'), 'entry', 'entries')} updated"
    parts = [
        head,
        f"{report.count('unchanged')} already right",
        f"{report.count('kept')} kept by request",
        f"{report.count('review')} left for review",
        f"{report.count('unreadable')} unreadable (kept as they were)",
        f"{report.others} not arXiv papers (untouched)",
    ]
    return ", ".join(parts)


@main.command()
@click.argument("document")
@click.option("-o", "--output", help="Append to this .bib instead of the first bibliography DOCUMENT names.")
@_settings_options
@_run
def tex(settings: Settings, document: str, output: str | None) -> int:
    """Add to the bibliography the arXiv papers DOCUMENT (.tex or .aux) cites but it lacks.

    Keys that are arXiv ids (2307.06175, arXiv:2307.06175) or keys of the library are
    filled, under exactly the cited key. Files pulled in with \\input/\\include are read;
    comments and verbatim environments are not. paper2bib writes only next to DOCUMENT
    (or to -o). Exits 3 if cited keys are still missing.

    \b
    Example:
      paper2bib tex paper.tex
    """
    doc = latexloop.read_document(document)
    target = latexloop.target_of(doc, output)
    with userfile.locked(target):
        snapshot = userfile.read(str(target)) if target.exists() and target.stat().st_size else None
        with _open(settings) as lib:
            report = latexloop.fill_citations(lib, settings, doc, target, snapshot.text if snapshot else "")
        if report.text:
            if snapshot is None:
                write_file(target, report.text, exclusive=not target.exists())
            else:
                userfile.replace(snapshot, userfile.encode(snapshot, snapshot.text + report.text), backup=False)
    if report.added:
        _err(f"{plural(len(report.added), 'entry', 'entries')} added to {report.target}: {', '.join(report.added)}")
    for line in report.same_paper:
        _err(line)
    for bib in report.missing_files:
        _err(f"{bib} is named by the document but does not exist")
    for name in report.outside:
        _err(f"{name} is outside the document's folder: not read, not written")
    for key in report.invalid:
        _err(f"not a valid citation key, left out: {key!r}")
    if report.missing:
        _err(f"{plural(len(report.missing), 'cited key')} still missing: {', '.join(report.missing)}")
    if not report.added and not report.missing:
        _err(f"all {plural(len(report.cited), 'cited key')} are in the bibliography")
    return EXIT_REVIEW if report.missing or report.invalid else 0


@main.command()
@click.argument("files", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="bibtex", show_default=True)
@click.option("-o", "--output", help="Write here instead of stdout (atomically: all or nothing).")
@click.option("--abstract", "with_abstract", is_flag=True, help="Include abstracts.")
@click.option("--links-in-note", is_flag=True, help="Also list code/project links in the visible note.")
@click.option("--preprint", is_flag=True, help="Cite every paper as its arXiv preprint, even when published.")
@click.option(
    "--venue-style",
    type=click.Choice(["dblp", "short"]),
    default="dblp",
    show_default=True,
    help="Venue names as DBLP writes them, or short (Proc. ICLR) from mappings/venues.toml.",
)
@click.option("--rekey", is_flag=True, help="Make every key anew with the current key format (breaks old \\cite's).")
@_settings_options
@_run
def export(
    settings: Settings,
    files: tuple[str, ...],
    fmt: str,
    output: str | None,
    with_abstract: bool,
    links_in_note: bool,
    preprint: bool,
    venue_style: str,
    rekey: bool,
) -> int:
    """Write the library (or just the papers of FILES) as BibTeX, biblatex or CSL-JSON.

    Exits 3 when entries were left out because they need review.

    \b
    Example:
      paper2bib export --format biblatex -o refs.bib
    """
    code = 0
    with _Phases() as phases:
        entries = workflow.parse_files(files, settings, phases=phases) if files else []
    target = None
    if output:
        protected = [("the library", Path(settings.library))] + [(f"the input {f}", Path(f)) for f in files if f != "-"]
        target = check_target(output, protected)
    with _open(settings, create=bool(files)) as lib:
        ids = None
        if files:
            added = _add(lib, settings, entries, refresh=False)
            ids = added.entry_ids
            code = EXIT_REVIEW if added.needs_review else 0
        report = workflow.export(lib, settings, ids, rekey=rekey, preprint=preprint, venue_style=venue_style)
        text = render(fmt, report.papers, abstracts=with_abstract, links_in_note=links_in_note)
    if target is not None:
        write_file(target, text)
    else:
        write_stdout(text)
    for line in report.summary(fmt, output):
        _err(line)
    return code or (EXIT_REVIEW if report.left_out else 0)


@main.command()
@_settings_options
@_run
def refresh(settings: Settings) -> int:
    """Ask again what every resolved paper became (preprints get published later).

    \b
    Example:
      paper2bib refresh
    """
    with _open(settings, create=False) as lib, _Phases() as phases:
        resolved = sorted({e.resolved_id for e in lib.entries(status="resolved") if e.resolved_id})
        progress = phases("Published versions", len(resolved)) if len(resolved) > 1 else None
        report = workflow.look_up_published(lib, settings, resolved, refresh=True, progress=progress)
    _err(report.summary() or "nothing to check")
    return 0


@main.group()
def zotero() -> None:
    """Zotero Web API commands.

    \b
    Example:
      paper2bib zotero sync --collection "Reading group"
    """


@zotero.command()
@click.option("--collection", help="Put the items in this collection (created if missing).")
@click.option("--dry-run", is_flag=True, help="Say what would be created or linked; write nothing.")
@click.option("--recreate-deleted", is_flag=True, help="Make again the items deleted in Zotero since a sync made them.")
@click.option("--zotero-url", help="Zotero API URL [env PAPER2BIB_ZOTERO_URL].")
@_settings_options
@_run
def sync(
    settings: Settings, collection: str | None, dry_run: bool, recreate_deleted: bool, zotero_url: str | None
) -> int:
    """Put every resolved paper into a Zotero library (idempotent).

    \b
    Example:
      paper2bib zotero sync --collection "Reading group" --dry-run
    """
    from .config import with_overrides

    if zotero_url:
        settings = with_overrides(settings, zotero_url=zotero_url)
    with _open(settings, create=False) as lib, _Phases() as phases:
        return workflow.run_sync(
            lib,
            settings,
            collection=collection,
            dry_run=dry_run,
            echo=phases.then(_err),
            out=click.echo,
            recreate_deleted=recreate_deleted,
            phases=phases,
        )


if __name__ == "__main__":  # pragma: no cover
    main()
