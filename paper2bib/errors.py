"""The exceptions paper2bib raises. Each maps to one CLI exit code."""

from __future__ import annotations


class Paper2BibError(Exception):
    """Base class of every error paper2bib raises on purpose."""

    exit_code = 1


class InputError(Paper2BibError):
    """Input that cannot be read or holds no recognisable entry (exit 2)."""

    exit_code = 2


class ConfigError(Paper2BibError):
    """A configuration file, variable or flag with a bad value (exit 2)."""

    exit_code = 2


class LibraryError(Paper2BibError):
    """The local library file cannot be opened or is of an unknown schema."""


class LibraryMissing(LibraryError):
    """A command that only reads the library was pointed at a file that does not exist (exit 2)."""

    exit_code = 2


class EntryNotFound(LibraryError):
    """A command named an entry the library does not have (exit 2)."""

    exit_code = 2


class OutputError(Paper2BibError):
    """The output cannot be written where asked (exit 2 when the path is refused, 1 on a write failure)."""


class ServiceUnavailable(Paper2BibError):
    """A service could not be reached, kept failing, or is down for the rest of this run:
    what it was asked is "unknown, ask later". One subclass per service."""

    service = "a service"


class ArxivUnavailable(ServiceUnavailable):
    """arXiv could not be reached or kept failing after all retries."""

    service = "arXiv"


class S2Unavailable(ServiceUnavailable):
    """Semantic Scholar could not be reached or kept failing."""

    service = "Semantic Scholar"


class DblpUnavailable(ServiceUnavailable):
    """DBLP could not be reached, kept failing or kept answering with its bot-challenge page."""

    service = "DBLP"


class ArxivQueryError(Paper2BibError):
    """arXiv rejected a query (HTTP 400): retrying the same request cannot help."""


class ZoteroError(Paper2BibError):
    """The Zotero API refused or kept failing a request."""


class ZoteroUnavailable(ZoteroError, ServiceUnavailable):
    """Zotero could not be reached or kept failing after all retries."""

    service = "Zotero"


class WriteUncertain(ZoteroError):
    """A Zotero write not known to be in place: its answer was lost or a 5xx (it may have been
    committed), or a 412 (it was not: the library changed since it was read, or the same write
    was already made). Retrying blindly could duplicate items; the caller re-reads the library first."""

    def __init__(self, message: str, refused: bool = False):
        super().__init__(message)
        self.refused = refused  # a 412: certainly not committed


class HubError(InputError):
    """The Hugging Face Hub has no such date, paper or collection, or refused the request (exit 2)."""


class HubUnavailable(ServiceUnavailable):
    """The Hugging Face Hub could not be reached or kept failing after all retries."""

    service = "Hugging Face"
