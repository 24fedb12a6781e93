"""Commands on the library: parse, add, list, pin, remove, export, refresh."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click

from ..arxiv_ids import parse_id
from ..commands.add import AddReport
from ..commands.add import add as add_entries
from ..commands.export import export as export_papers
from ..commands.listing import list_entries
from ..commands.parse import parse_files
from ..commands.pin import pin as pin_entry
from ..commands.pin import pin_dblp
from ..commands.refresh import refresh as refresh_library
from ..commands.remove import remove as remove_entries
from ..errors import InputError
from ..models import Entry
from ..output import check_target, write_file, write_stdout
from ..services import Services
from ..text import plural
from ..writers import FORMATS, render
from . import present
from .base import EXIT_REVIEW, environment_help, err, run, settings_options
from .phases import Phases


@click.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the entries as a JSON array.")
@click.option("--hf-url", help="Hugging Face Hub URL, for hf: sources [env PAPER2BIB_HF_URL].")
@click.option("--hf-delay", type=float, help="Seconds between Hub requests [env PAPER2BIB_HF_DELAY].")
@click.option("-v", "--verbose", is_flag=True, hidden=True)
@environment_help(hub=True, scholar=False)
@run
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
        click.echo(json.dumps([present.entry_json(e) for e in entries], ensure_ascii=False, indent=2))
    else:
        for line in present.entries_text(entries):
            click.echo(line)
    err(plural(len(entries), "entry", "entries"))
    return 0


@click.command()
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--refresh",
    is_flag=True,
    help="Fetch the resolved papers' arXiv records again (say what changed); resolve the others again.",
)
@settings_options(keys=False)
@run
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
    for revised in present.records_lines(report.revisions) if report.revisions else []:
        err(revised)
    err(present.add_summary(report))
    if report.published and (line := present.published_summary(report.published)):
        err(line)
    if line := present.published_only_summary(report):
        err(line)
    return report


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option(
    "--status",
    type=click.Choice(["resolved", "ambiguous", "unresolved", "pending"]),
    help="Only the entries in this state (pending: not yet looked up on arXiv).",
)
@settings_options(arxiv=False, hub=False, scholar=False, keys=False)
@run
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
    err(plural(len(listed), "entry", "entries"))
    return 0


@click.command()
@click.argument("entry")
@click.argument("arxiv_id")
@click.option("--force", is_flag=True, help="Replace the paper an already resolved entry points at.")
@settings_options(hub=False, keys=False)
@run
def pin(svc: Services, entry: str, arxiv_id: str, force: bool) -> int:
    """Settle ENTRY (its number in 'list', or its title) as the paper ARXIV_ID, or as the
    publication DBLP:KEY for a paper that is not on arXiv.

    \b
    Examples:
      paper2bib pin 92 2402.16107
      paper2bib pin 17 DBLP:conf/cvpr/HeZRS16
    """
    dblp = re.fullmatch(r"(?i)dblp:\s*(\S+)", arxiv_id.strip())
    ref = None if dblp else parse_id(arxiv_id)
    if not dblp and not ref:
        raise InputError(
            f"{arxiv_id!r} is not an arXiv id (e.g. 2409.19256 or hep-th/9901001) nor a DBLP key (DBLP:conf/cvpr/HeZRS16)"
        )
    svc.open(create=False)
    if dblp:
        entry_id, record = pin_dblp(svc, entry, dblp.group(1).removeprefix("rec/"), force=force)
    else:
        assert ref is not None
        entry_id, record = pin_entry(svc, entry, ref, force=force)
    err(present.pinned(entry_id, record))
    return 0


@click.command()
@click.argument("entries", nargs=-1, required=True)
@settings_options(arxiv=False, hub=False, scholar=False, keys=False)
@run
def remove(svc: Services, entries: tuple[str, ...]) -> int:
    """Remove ENTRIES (numbers in 'list', arXiv ids or citation keys) from the library.

    \b
    Example:
      paper2bib remove 12 2307.06175
    """
    svc.open(create=False)
    for e in remove_entries(svc, entries):
        err(present.removed(e))
    return 0


@click.command()
@click.argument("files", nargs=-1)
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), default="bibtex", show_default=True, help="The file format to write."
)
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
@click.option(
    "--csl-title-case",
    type=click.Choice(["sentence", "keep"]),
    default="sentence",
    show_default=True,
    help="CSL-JSON titles in sentence case (what CSL styles expect), or as arXiv writes them.",
)
@settings_options
@run
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
    csl_title_case: str,
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
    text = render(
        fmt, report.papers, abstracts=with_abstract, links_in_note=links_in_note, csl_title_case=csl_title_case
    )
    if target is not None:
        write_file(target, text)
    else:
        write_stdout(text)
    for line in present.export_summary(report, fmt, output):
        err(line)
    return code or (EXIT_REVIEW if report.left_out else 0)


@click.command()
@click.option(
    "--since", metavar="DATE", help="Only papers not fetched from arXiv since DATE (2026-11-01 or 2026-11-01T12:00Z)."
)
@click.option(
    "--older-than", type=float, metavar="DAYS", help="Only papers last fetched from arXiv over DAYS days ago."
)
@settings_options(hub=False, keys=False)
@run
def refresh(svc: Services, since: str | None, older_than: float | None) -> int:
    """Fetch every paper's arXiv record again and say what changed (new version, title, authors,
    journal DOI or reference), then ask again what the preprints became. Keys never change;
    the next export and Zotero sync carry the new metadata.

    \b
    Example:
      paper2bib refresh --older-than 30
    """
    moment = _cutoff(since, older_than, svc.clock())
    svc.open(create=False)
    with Phases() as phases:
        report = refresh_library(svc, moment, phases)
    for line in present.refresh_lines(report):
        err(line)
    return 1 if report.records.down else 0


#: ``--older-than`` at most: a century (more is every paper, and overflows a date)
MAX_DAYS = 36500


def _cutoff(since: str | None, older_than: float | None, now: datetime) -> datetime | None:
    """The moment ``--since`` or ``--older-than`` name (records fetched before it are asked)."""
    if since is not None and older_than is not None:
        raise InputError("--since and --older-than say the same thing two ways: give one")
    if older_than is not None:
        if not 0 <= older_than <= MAX_DAYS:
            raise InputError(f"--older-than: {older_than} is not a number of days (0 to {MAX_DAYS})")
        return now - timedelta(days=older_than)
    if since is None:
        return None
    try:
        moment = datetime.fromisoformat(since.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"--since: {since!r} is not a date (2026-11-01 or 2026-11-01T12:00Z)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
