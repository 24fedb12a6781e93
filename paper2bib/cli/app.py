"""The ``paper2bib`` command line: one click command per use case in :mod:`paper2bib.commands`.

Data goes to stdout; progress, summaries and errors to stderr (the words are in
:mod:`.present`). Exit codes: 0 ok, 1 runtime failure, 2 usage or unreadable input,
3 done but some entries need review.
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

from .. import __version__, bibupdate, userfile
from ..arxiv_ids import parse_id
from ..commands.add import AddReport
from ..commands.add import add as add_entries
from ..commands.export import export as export_papers
from ..commands.listing import list_entries
from ..commands.parse import parse_files
from ..commands.pin import pin as pin_entry
from ..commands.published import refresh_all
from ..commands.remove import remove as remove_entries
from ..commands.sync import sync as sync_papers
from ..commands.tex import fill_citations
from ..commands.update import UpdateReport, update_bib
from ..config import load_settings, with_overrides
from ..errors import InputError, Paper2BibError
from ..models import Entry
from ..output import check_target, write_file, write_stdout
from ..services import Services
from ..store import describe_db_error
from ..texdocument import read_document, target_of
from ..text import plural
from ..writers import FORMATS, render
from . import present
from .phases import Phases

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
        svc: Services | None = None
        try:
            settings = load_settings(overrides)
            svc = (click.get_current_context().find_root().obj or {}).get("services", Services)(settings)
            code = f(svc, *args, **kwargs)
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
        finally:
            if svc is not None:
                svc.close()
        sys.exit(code or 0)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paper2bib")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars and no warnings: summaries and errors only.")
@click.pass_context
def main(ctx: click.Context, quiet: bool) -> None:
    """Turn paper digests into arXiv-resolved BibTeX, biblatex, CSL-JSON and Zotero items.

    \b
    paper2bib add digest.txt && paper2bib export > refs.bib

    ``obj`` may hold ``services``: how to make :class:`~paper2bib.services.Services` from the
    settings (tests give stand-in clients this way).
    """
    ctx.ensure_object(dict)["quiet"] = quiet


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the entries as a JSON array.")
@click.option("--hf-url", help="Hugging Face Hub URL, for hf: sources [env PAPER2BIB_HF_URL].")
@click.option("-v", "--verbose", is_flag=True, hidden=True)
@_run
def parse(svc: Services, files: tuple[str, ...], as_json: bool) -> int:
    """Show the entries FILES hold, as parsed. FILE '-' reads stdin; hf:2025-W12 and other
    Hugging Face sources are read from the Hub (files need no network).

    \b
    Example:
      paper2bib parse hf-papers-listing.txt --json
    """
    with Phases() as phases:
        entries = parse_files(svc, files, phases=phases)
    if as_json:
        click.echo(json.dumps([e.to_json() for e in entries], ensure_ascii=False, indent=2))
    else:
        for line in present.entries_text(entries):
            click.echo(line)
    _err(plural(len(entries), "entry", "entries"))
    return 0


@main.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--refresh", is_flag=True, help="Look up entries again even if already resolved.")
@_settings_options
@_run
def add(svc: Services, files: tuple[str, ...], refresh: bool) -> int:
    """Parse FILES, resolve every entry on arXiv and store it in the library.

    Exits 3 when some entries need review (ambiguous or unresolved).

    \b
    Example:
      paper2bib add hf-papers-listing.txt
    """
    with Phases() as phases:
        entries = parse_files(svc, files, phases=phases)  # bad input fails before the library is touched
    svc.open()
    report = _add(svc, entries, refresh)
    return EXIT_REVIEW if report.needs_review else 0


def _add(svc: Services, entries: list[Entry], refresh: bool) -> AddReport:
    with Phases() as phases:
        report = add_entries(svc, entries, refresh, phases=phases)
    _err(present.add_summary(report))
    if report.published and (line := present.published_summary(report.published)):
        _err(line)
    return report


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option("--status", type=click.Choice(["resolved", "ambiguous", "unresolved", "pending"]))
@_settings_options
@_run
def list_(svc: Services, as_json: bool, status: str | None) -> int:
    """Show the library's entries and what each resolved to (arXiv's title; "pinned" when settled by hand).

    \b
    Example:
      paper2bib list --status unresolved
    """
    svc.open(create=False)
    listed = list_entries(svc, status)
    if as_json:
        click.echo(json.dumps([present.listed_json(x) for x in listed], ensure_ascii=False, indent=2))
    else:
        for item in listed:
            for line in present.listed_text(item):
                click.echo(line)
    _err(plural(len(listed), "entry", "entries"))
    return 0


@main.command()
@click.argument("entry")
@click.argument("arxiv_id")
@click.option("--force", is_flag=True, help="Replace the paper an already resolved entry points at.")
@_settings_options
@_run
def pin(svc: Services, entry: str, arxiv_id: str, force: bool) -> int:
    """Settle ENTRY (its number in 'list', or its title) as the paper ARXIV_ID.

    \b
    Example:
      paper2bib pin 92 2402.16107
    """
    ref = parse_id(arxiv_id)
    if not ref:
        raise InputError(f"{arxiv_id!r} is not an arXiv id (e.g. 2409.19256 or hep-th/9901001)")
    svc.open(create=False)
    entry_id, record = pin_entry(svc, entry, ref, force=force)
    _err(present.pinned(entry_id, record))
    return 0


@main.command()
@click.argument("entries", nargs=-1, required=True)
@_settings_options
@_run
def remove(svc: Services, entries: tuple[str, ...]) -> int:
    """Remove ENTRIES (numbers in 'list', arXiv ids or citation keys) from the library.

    \b
    Example:
      paper2bib remove 12 2307.06175
    """
    svc.open(create=False)
    for e in remove_entries(svc, entries):
        _err(present.removed(e))
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
    svc: Services,
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
            output, [("the library", Path(svc.settings.library)), (f"the input {bibfile}", Path(bibfile))]
        )
    if in_place and not dry_run:
        userfile.check_writable(bibfile)
    with userfile.locked(bibfile) if bibfile != "-" else contextlib.nullcontext():
        snapshot = userfile.read(bibfile)
        svc.open()
        with Phases() as phases:
            report = update_bib(
                svc, bibfile, snapshot.text, preprint=preprint, style=style, ascii_only=not snapshot.utf, phases=phases
            )
        if as_diff:
            write_stdout(_diff(bibfile, report))
        elif dry_run:
            pass
        elif in_place:
            saved = userfile.replace(snapshot, userfile.encode(snapshot, report.text)) if report.changed else None
        elif target is not None:
            write_file(target, report.text, userfile.encode(snapshot, report.text))
        else:
            write_stdout(report.text)
    for line in present.update_lines(report):
        _err(line)
    written = " (dry run: nothing written)" if dry_run else " (diff only: nothing written)" if as_diff else ""
    if in_place and not dry_run:
        written = f"; the original is in {saved}" if saved else f"; {bibfile} was not rewritten"
    _err(present.update_summary(report, written))
    return EXIT_REVIEW if report.needs_review else 0


def _diff(bibfile: str, report: UpdateReport) -> str:
    return "".join(
        difflib.unified_diff(
            report.original.splitlines(keepends=True),
            report.text.splitlines(keepends=True),
            fromfile=bibfile,
            tofile=bibfile + " (updated)",
        )
    )


@main.command()
@click.argument("document")
@click.option("-o", "--output", help="Append to this .bib instead of the first bibliography DOCUMENT names.")
@_settings_options
@_run
def tex(svc: Services, document: str, output: str | None) -> int:
    """Add to the bibliography the arXiv papers DOCUMENT (.tex or .aux) cites but it lacks.

    Keys that are arXiv ids (2307.06175, arXiv:2307.06175) or keys of the library are
    filled, under exactly the cited key. Files pulled in with \\input/\\include are read;
    comments and verbatim environments are not. paper2bib writes only next to DOCUMENT
    (or to -o). Exits 3 if cited keys are still missing.

    \b
    Example:
      paper2bib tex paper.tex
    """
    doc = read_document(document)
    target = target_of(doc, output)
    with userfile.locked(target):
        snapshot = userfile.read(str(target)) if target.exists() and target.stat().st_size else None
        svc.open()
        report = fill_citations(svc, doc, target, snapshot.text if snapshot else "")
        if report.text:
            if snapshot is None:
                write_file(target, report.text, exclusive=not target.exists())
            else:
                userfile.replace(snapshot, userfile.encode(snapshot, snapshot.text + report.text), backup=False)
    for line in present.tex_lines(report):
        _err(line)
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
    svc: Services,
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
    with Phases() as phases:
        entries = parse_files(svc, files, phases=phases) if files else []
    target = None
    if output:
        protected = [("the library", Path(svc.settings.library))]
        protected += [(f"the input {f}", Path(f)) for f in files if f != "-"]
        target = check_target(output, protected)
    svc.open(create=bool(files))
    ids = None
    if files:
        added = _add(svc, entries, refresh=False)
        ids = added.entry_ids
        code = EXIT_REVIEW if added.needs_review else 0
    report = export_papers(svc, ids, rekey=rekey, preprint=preprint, venue_style=venue_style)
    text = render(fmt, report.papers, abstracts=with_abstract, links_in_note=links_in_note)
    if target is not None:
        write_file(target, text)
    else:
        write_stdout(text)
    for line in present.export_summary(report, fmt, output):
        _err(line)
    return code or (EXIT_REVIEW if report.left_out else 0)


@main.command()
@_settings_options
@_run
def refresh(svc: Services) -> int:
    """Ask again what every resolved paper became (preprints get published later).

    \b
    Example:
      paper2bib refresh
    """
    svc.open(create=False)
    with Phases() as phases:
        resolved = len({e.resolved_id for e in svc.store.entries(status="resolved") if e.resolved_id})
        report = refresh_all(svc, phases("Published versions", resolved) if resolved > 1 else None)
    _err(present.published_summary(report) or "nothing to check")
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
def sync(svc: Services, collection: str | None, dry_run: bool, recreate_deleted: bool, zotero_url: str | None) -> int:
    """Put every resolved paper into a Zotero library (idempotent).

    \b
    Example:
      paper2bib zotero sync --collection "Reading group" --dry-run
    """
    if zotero_url:
        svc.settings = with_overrides(svc.settings, zotero_url=zotero_url)
    svc.open(create=False)
    with Phases() as phases:
        result = sync_papers(
            svc,
            collection=collection,
            dry_run=dry_run,
            recreate_deleted=recreate_deleted,
            phases=phases,
            waiting=lambda library: phases.then(_err)(present.sync_waiting(library)),
        )
    if dry_run:
        for line in present.sync_plan(result, collection):
            click.echo(line)
    for line in present.sync_summary(result):
        _err(line)
    return 0 if result.complete else 1


if __name__ == "__main__":  # pragma: no cover
    main()
