"""The ``paper2bib`` command line (see :mod:`.app`); ``paper2bib.cli:main`` is the entry point."""

from .app import main

__all__ = ["main"]
