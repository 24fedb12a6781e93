"""paper2bib: paper digests → resolved arXiv records → BibTeX, biblatex, CSL-JSON and Zotero."""

__version__ = "0.1.0"
