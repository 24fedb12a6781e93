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


class ArxivUnavailable(Paper2BibError):
    """arXiv could not be reached or kept failing after all retries."""


class ArxivQueryError(Paper2BibError):
    """arXiv rejected a query (HTTP 400): retrying the same request cannot help."""


class ZoteroError(Paper2BibError):
    """The Zotero API refused or kept failing a request."""


class HubError(InputError):
    """The Hugging Face Hub has no such date, paper or collection, or refused the request (exit 2)."""


class HubUnavailable(Paper2BibError):
    """The Hugging Face Hub could not be reached or kept failing after all retries."""
