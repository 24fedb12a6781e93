"""What every command shares: the common options, and turning errors into one line and an exit code."""

from __future__ import annotations

import functools
import logging
import os
import sqlite3
import sys
from collections.abc import Callable
from typing import Any

import click

from ..config import load_settings
from ..errors import Paper2BibError
from ..services import Services
from ..store import describe_db_error

EXIT_REVIEW = 3


def err(msg: str) -> None:
    click.echo(msg, err=True)


def settings_options(
    f: Callable[..., Any] | None = None,
    *,
    arxiv: bool = True,
    hub: bool = True,
    scholar: bool = True,
    keys: bool = True,
) -> Callable[..., Any]:
    """The settings options a command uses, so that its help lists only what it reads: where
    the library is, and how to reach arXiv (``arxiv``), the Hugging Face Hub (``hub``: for
    ``hf:`` sources), Semantic Scholar and DBLP (``scholar``: the publication look-ups), and
    (``keys``) the citation key format. ``@settings_options`` or ``@settings_options(hub=False)``."""
    opts = [
        click.option(
            "--library", "library", type=click.Path(dir_okay=False), help="Library file [env PAPER2BIB_LIBRARY]."
        )
    ]
    if arxiv:
        opts += [
            click.option("--arxiv-url", help="arXiv API endpoint [env PAPER2BIB_ARXIV_URL]."),
            click.option(
                "--delay", "arxiv_delay", type=float, help="Seconds between arXiv requests [env PAPER2BIB_ARXIV_DELAY]."
            ),
            click.option("--contact", help="E-mail for the User-Agent arXiv sees [env PAPER2BIB_CONTACT]."),
        ]
    if hub:
        opts += [
            click.option("--hf-url", help="Hugging Face Hub URL, for hf: sources [env PAPER2BIB_HF_URL]."),
            click.option("--hf-delay", type=float, help="Seconds between Hub requests [env PAPER2BIB_HF_DELAY]."),
        ]
    if scholar:
        opts += [
            click.option("--s2-url", help="Semantic Scholar API URL [env PAPER2BIB_S2_URL]."),
            click.option(
                "--s2-delay", type=float, help="Seconds between Semantic Scholar requests [env PAPER2BIB_S2_DELAY]."
            ),
            click.option("--dblp-url", help="DBLP URL [env PAPER2BIB_DBLP_URL]."),
            click.option("--dblp-delay", type=float, help="Seconds between DBLP requests [env PAPER2BIB_DBLP_DELAY]."),
        ]
    if keys:
        opts.append(
            click.option(
                "--key-format", help="Citation key format, e.g. '{auth}{year}{title}' [env PAPER2BIB_KEY_FORMAT]."
            )
        )
    network = arxiv or hub or scholar
    opts.append(click.option("-v", "--verbose", is_flag=True, help="Log each request." if network else "Log more."))

    def decorate(g: Callable[..., Any]) -> Callable[..., Any]:
        for opt in reversed(opts):
            g = opt(g)
        return environment_help(hub=hub, scholar=scholar)(g)

    return decorate(f) if f is not None else decorate


def environment_help(*, hub: bool, scholar: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add to a command's help the ``Environment:`` block: the variables it reads besides those
    of its options. Click reads the help from the docstring when the command is made (after
    this decorator)."""

    def decorate(g: Callable[..., Any]) -> Callable[..., Any]:
        g.__doc__ = (g.__doc__ or "").rstrip() + _environment(hub, scholar)
        return g

    return decorate


def _environment(hub: bool, scholar: bool) -> str:
    """The ``Environment:`` block (indented as the docstrings are)."""
    lines = ["PAPER2BIB_CONFIG      the config file (TOML) read before the environment"]
    if scholar:
        lines += [
            "PAPER2BIB_LOOKUP_PUBLISHED=0  no look-ups of published versions (nor of papers not on arXiv)",
            "SEMANTIC_SCHOLAR_API_KEY  a Semantic Scholar key (optional)",
        ]
    if hub:
        lines.append("HF_TOKEN              a Hugging Face token (optional)")
    return "\n\n    \b\n    Environment (and each option's variable):\n" + "".join(f"      {line}\n" for line in lines)


#: the settings the common options set, by their parameter names
SETTING_OPTIONS = (
    "library", "arxiv_url", "arxiv_delay", "contact", "key_format", "hf_url", "hf_delay",
    "s2_url", "s2_delay", "dblp_url", "dblp_delay",
)  # fmt: skip


def run(f: Callable[..., Any]) -> Callable[..., Any]:
    """Turn paper2bib errors into one stderr line and their exit code."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        verbose = kwargs.pop("verbose", False)
        quiet = bool((click.get_current_context().find_root().obj or {}).get("quiet"))
        level = logging.INFO if verbose else logging.ERROR if quiet else logging.WARNING
        logging.basicConfig(level=level, format="paper2bib: %(message)s", stream=sys.stderr)
        overrides: dict[str, Any] = {k: kwargs.pop(k) for k in SETTING_OPTIONS if k in kwargs}
        svc: Services | None = None
        try:
            settings = load_settings(overrides)
            svc = (click.get_current_context().find_root().obj or {}).get("services", Services)(settings)
            code = f(svc, *args, **kwargs)
        except Paper2BibError as e:
            err(f"paper2bib: error: {e}")
            sys.exit(e.exit_code)
        except sqlite3.DatabaseError as e:
            where = overrides.get("library") or os.environ.get("PAPER2BIB_LIBRARY") or "the library"
            err(f"paper2bib: error: {where}: {describe_db_error(e)}")
            sys.exit(1)
        except KeyboardInterrupt:
            err("paper2bib: interrupted; everything stored so far is kept")
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(1)
        except Exception as e:  # a bug: one line for the user, the traceback on request
            if os.environ.get("PAPER2BIB_DEBUG"):
                raise
            err(f"paper2bib: internal error: {type(e).__name__}: {e} (set PAPER2BIB_DEBUG=1 for details)")
            sys.exit(1)
        finally:
            if svc is not None:
                svc.close()
        sys.exit(code or 0)

    return wrapper
