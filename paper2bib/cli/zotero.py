"""The Zotero commands."""

from __future__ import annotations

import click

from ..commands.sync import sync as sync_papers
from ..config import with_overrides
from ..services import Services
from . import present
from .base import err, run, settings_options
from .phases import Phases


@click.group()
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
@settings_options(arxiv=False, hub=False, scholar=False)
@run
def sync(svc: Services, collection: str | None, dry_run: bool, recreate_deleted: bool, zotero_url: str | None) -> int:
    """Put every resolved paper into a Zotero library (idempotent).

    The library and the key come from the environment (or the config file's [zotero] table):
    ZOTERO_API_KEY (a key with write access, from zotero.org/settings/keys), ZOTERO_LIBRARY_ID
    (your user ID, or the group's ID), ZOTERO_LIBRARY_TYPE (user, the default, or group).

    \b
    Examples:
      paper2bib zotero sync --collection "Reading group" --dry-run
      ZOTERO_LIBRARY_TYPE=group ZOTERO_LIBRARY_ID=4711 paper2bib zotero sync
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
            waiting=lambda library: phases.then(err)(present.sync_waiting(library)),
        )
    if dry_run:
        for line in present.sync_plan(result, collection):
            click.echo(line)
    for line in present.sync_summary(result):
        err(line)
    return 0 if result.complete else 1
