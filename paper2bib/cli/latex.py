"""The LaTeX author's commands: update a .bib in place, fill a document's missing citations."""

from __future__ import annotations

import contextlib
import difflib
from pathlib import Path

import click

from .. import bibupdate, userfile
from ..commands.tex import fill_citations
from ..commands.update import UpdateReport, update_bib
from ..errors import InputError
from ..output import check_target, write_file, write_stdout
from ..services import Services
from ..texdocument import read_document, target_of
from . import present
from .base import EXIT_REVIEW, err, run, settings_options
from .phases import Phases


@click.command()
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
@settings_options(hub=False)
@run
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
    """Edit the arXiv entries of BIBFILE field by field from arXiv, and complete the entries
    that give only a title (from arXiv, or from DBLP for a paper not on arXiv), keeping every
    key, every field paper2bib does not own, and every byte of every other entry.

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
        err(line)
    written = " (dry run: nothing written)" if dry_run else " (diff only: nothing written)" if as_diff else ""
    if in_place and not dry_run:
        written = f"; the original is in {saved}" if saved else f"; {bibfile} was not rewritten"
    err(present.update_summary(report, written))
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


@click.command()
@click.argument("document")
@click.option("-o", "--output", help="Append to this .bib instead of the first bibliography DOCUMENT names.")
@settings_options(hub=False)
@run
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
        err(line)
    return EXIT_REVIEW if report.missing or report.invalid else 0
