"""Progress on stderr: a bar per long phase of a command, on a terminal only (not with ``-q``)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click


def _quiet() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and (ctx.find_root().obj or {}).get("quiet"))


def _progress(total: int, label: str) -> Any:
    """A progress bar on stderr when it is a terminal (and not ``-q``); otherwise nothing."""
    if _quiet() or not sys.stderr.isatty() or total <= 1:
        return None
    return click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)


class Phases:
    """The long phases of a command, one bar each on stderr when it is a terminal (not ``-q``):
    a bar with counts when the total is known, a running count when it is not."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.count_label: str | None = None

    def __call__(self, label: str, total: int | None) -> Callable[[int], None]:
        self.close()
        if total is not None:
            self.bar = _progress(total, label)
            if self.bar is None:
                return lambda n: None
            self.bar.__enter__()
            update: Callable[[int], None] = self.bar.update
            return update
        if _progress(2, label) is None:  # not a terminal, or -q
            return lambda n: None
        self.count_label, done = label, [0]

        def count(n: int) -> None:
            done[0] += n
            sys.stderr.write(f"\r{label}: {done[0]}")
            sys.stderr.flush()

        return count

    def then(self, echo: Callable[[str], None]) -> Callable[[str], None]:
        """``echo`` that first ends the running phase, so a line never lands inside a bar."""

        def after(line: str) -> None:
            self.close()
            echo(line)

        return after

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
        if self.count_label is not None:
            sys.stderr.write("\n")
            self.count_label = None

    def __enter__(self) -> Phases:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
