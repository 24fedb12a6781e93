"""The commands' use cases, one module each: they take :class:`~paper2bib.services.Services`,
do the work, and return what happened as data. No text for the user is written here:
:mod:`paper2bib.cli.present` says it.

parse → add (resolve, published versions) → export / update / tex / sync; list, pin,
remove and refresh work on what is stored.
"""
