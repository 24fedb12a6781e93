"""What the commands work with: the settings, the library, the clock, and the clients of the
five services, each built in one place from :class:`~paper2bib.config.Settings`.

A command takes a :class:`Services` and asks it for what it needs; a client is built the
first time it is asked for, so a run that needs no service sends nothing. Tests and other
callers pass ready-made clients (a stand-in, a recorded one) instead of patching anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx2

from .config import Settings, default_library
from .errors import ConfigError, Paper2BibError
from .hub.client import HubClient
from .resolver.client import ArxivClient
from .scholar.dblp import DblpClient
from .scholar.s2 import S2Client
from .store import Clock, Library, utc_now
from .zotero.client import ZoteroClient

Progress = Callable[[int], None]
#: starts a long phase of work — its label, its total (None: not known) — and returns its
#: progress callback; the CLI draws a bar per phase on a terminal
Phases = Callable[[str, "int | None"], Progress]


@dataclass
class Services:
    """The settings, the open library and the service clients one command uses.

    :param library: the open library (:meth:`open` opens it from the settings).
    :param clock: the time stored with what is written.
    :param sync_lock_wait: seconds a Zotero sync waits for another sync of the same library.
    """

    settings: Settings
    library: Library | None = None
    clock: Clock = utc_now
    sync_lock_wait: float = 600.0
    arxiv_client: ArxivClient | None = field(default=None, repr=False)
    s2_client: S2Client | None = field(default=None, repr=False)
    dblp_client: DblpClient | None = field(default=None, repr=False)
    hub_client: HubClient | None = field(default=None, repr=False)
    zotero_client: ZoteroClient | None = field(default=None, repr=False)
    zotero_transport: httpx2.BaseTransport | None = field(default=None, repr=False)
    zotero_wait: float = 1.0  # the first backoff step of Zotero retries

    def open(self, create: bool = True) -> Library:
        """Open the library the settings name; with ``create`` false a missing one is an error."""
        # folders are made only for the default library: a mistyped --library is an error, not a new tree
        default = Path(self.settings.library).expanduser() == default_library()
        self.library = Library(self.settings.library, create=create, clock=self.clock, make_folders=default)
        return self.library

    @property
    def store(self) -> Library:
        """The open library."""
        if self.library is None:
            raise Paper2BibError("no library is open")  # a bug in the caller, not the user's doing
        return self.library

    def arxiv(self) -> ArxivClient:
        """The arXiv API client."""
        if self.arxiv_client is None:
            s = self.settings
            self.arxiv_client = ArxivClient(
                url=s.arxiv_url,
                delay=s.arxiv_delay,
                contact=s.contact,
                timeout=s.arxiv_timeout,
                give_up_after=s.arxiv_give_up_after,
                page_size=s.arxiv_page_size,
            )
        return self.arxiv_client

    def scholar(self) -> tuple[S2Client, DblpClient]:
        """The Semantic Scholar and DBLP clients, for published versions."""
        if self.s2_client is None:
            self.s2_client = S2Client(
                url=self.settings.s2_url, delay=self.settings.s2_delay, api_key=self.settings.s2_api_key
            )
        if self.dblp_client is None:
            self.dblp_client = DblpClient(url=self.settings.dblp_url, delay=self.settings.dblp_delay)
        return self.s2_client, self.dblp_client

    def hub(self) -> HubClient:
        """The Hugging Face Hub client, for ``hf:`` sources."""
        if self.hub_client is None:
            s = self.settings
            self.hub_client = HubClient(url=s.hf_url, delay=s.hf_delay, token=s.hf_token)
        return self.hub_client

    def zotero(self) -> ZoteroClient:
        """The Zotero Web API client, or a clear error naming the credentials that are missing."""
        if self.zotero_client is None:
            s = self.settings
            missing = [
                name
                for name, value in (("ZOTERO_API_KEY", s.zotero_api_key), ("ZOTERO_LIBRARY_ID", s.zotero_library_id))
                if not value
            ]
            if missing or not s.zotero_api_key or not s.zotero_library_id:
                raise ConfigError(
                    f"Zotero credentials missing: set {' and '.join(missing)} (and ZOTERO_LIBRARY_TYPE=user|group), "
                    "or [zotero] api_key / library_id in the config file"
                )
            self.zotero_client = ZoteroClient(
                s.zotero_library_id,
                s.zotero_library_type,
                s.zotero_api_key,
                url=s.zotero_url,
                transport=self.zotero_transport,
                wait=self.zotero_wait,
            )
        return self.zotero_client

    def __enter__(self) -> Services:
        if self.library is None:
            self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the library, if open."""
        if self.library is not None:
            self.library.close()
            self.library = None
