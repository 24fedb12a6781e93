"""The ``paper2bib`` command line: one click command per use case in :mod:`paper2bib.commands`.

Data goes to stdout; progress, summaries and errors to stderr (the words are in
:mod:`.present`). Exit codes: 0 ok, 1 runtime failure, 2 usage or unreadable input,
3 done but some entries need review.
"""

from __future__ import annotations

import click

from .. import __version__
from . import latex, library, zotero

#: ``paper2bib --help`` lists the commands by job, in the order a user meets them
JOBS = (
    ("Read and resolve papers", ("parse", "add", "list", "pin", "remove", "refresh")),
    ("Write bibliographies", ("export", "update", "tex")),
    ("Zotero", ("zotero",)),
)


class _ByJob(click.Group):
    """A group whose help lists its commands under the job each serves."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        order = [name for _, names in JOBS for name in names]
        return sorted(self.commands, key=lambda n: order.index(n) if n in order else len(order))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        width = formatter.width - 6 - max(len(n) for n in self.commands)
        for title, names in JOBS:
            rows = [(n, self.commands[n].get_short_help_str(width)) for n in names if n in self.commands]
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


@click.group(cls=_ByJob, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paper2bib")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars and no warnings: summaries and errors only.")
@click.pass_context
def main(ctx: click.Context, quiet: bool) -> None:
    """Turn paper digests into arXiv-resolved BibTeX, biblatex, CSL-JSON and Zotero items.

    \b
    paper2bib add digest.txt && paper2bib export > refs.bib
    \f
    ``obj`` may hold ``services``: how to make :class:`~paper2bib.services.Services` from the
    settings (tests give stand-in clients this way).
    """
    ctx.ensure_object(dict)["quiet"] = quiet


for command in (
    library.parse,
    library.add,
    library.list_,
    library.pin,
    library.remove,
    latex.update,
    latex.tex,
    library.export,
    library.refresh,
    zotero.zotero,
):
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    main()
