"""Writing what a command produces: to a file atomically and safely, or to stdout checked.

* A file is written to a new temporary file in the target folder (created exclusively,
  so a link planted at a predictable name is never followed), flushed to disk, then
  renamed over the target. The library and the command's own inputs are never targets.
* stdout is written in full and flushed; a short write (full disk, file-size limit,
  closed pipe) is an error, never a silent truncation.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputError


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_target(path: str, protected: Iterable[tuple[str, Path]]) -> Path:
    """The output path, or :class:`OutputError` (exit 2) if writing there would destroy
    something: ``protected`` names (what, path) pairs such as the library and the inputs."""
    target = Path(path)
    for what, other in protected:
        if _same_file(target, other) or target.resolve() == other.resolve():
            err = OutputError(f"refusing to write the output over {what} ({path}); choose another -o")
            err.exit_code = 2
            raise err
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        err = OutputError(f"cannot write {path}: the folder {folder} does not exist")
        err.exit_code = 2
        raise err
    if target.is_dir():
        err = OutputError(f"cannot write {path}: it is a folder")
        err.exit_code = 2
        raise err
    return target


def write_file(target: Path, data: str, encoded: bytes | None = None, exclusive: bool = False) -> None:
    """Replace ``target`` with ``data`` (UTF-8, or ``encoded`` bytes) atomically: all of it
    or, on failure, nothing. ``exclusive``: only if no file of that name appeared meanwhile."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    except OSError as e:
        raise OutputError(f"cannot write {target}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(encoded if encoded is not None else data.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
        if exclusive:
            os.link(tmp, target)  # fails if the file exists: never over one that appeared meanwhile
            os.unlink(tmp)
        else:
            os.replace(tmp, target)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"cannot write {target}: {_reason(e)}; nothing was written") from None


def write_stdout(data: str) -> None:
    """All of ``data`` to stdout, flushed; :class:`OutputError` if any of it could not be written."""
    if sys.stdout is None:  # started with stdout closed (">&-")
        raise OutputError("stdout is closed: nothing can be written; use -o FILE")
    try:
        out = sys.stdout.buffer
    except AttributeError:  # a text-only stream (tests, IDEs)
        sys.stdout.write(data)
        sys.stdout.flush()
        return
    try:
        fd: int | None = out.fileno()
    except (OSError, ValueError):  # an in-memory stream (click's test runner)
        fd = None
    try:
        sys.stdout.flush()
        out.flush()
        if fd is None:
            out.write(data.encode("utf-8"))
            out.flush()
        else:
            write_all(fd, data.encode("utf-8"))
    except BrokenPipeError:
        raise
    except OSError as e:
        raise OutputError(f"the output was cut short: {_reason(e)}") from None


def write_all(fd: int, data: bytes) -> None:
    """Every byte of ``data`` to ``fd``. A write may take only part of what it is given
    (a file-size limit, a full disk); the rest is written again, and then fails loudly."""
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:
            raise OSError(errno.EIO, "the output took no more bytes")
        view = view[n:]


def _reason(e: OSError) -> str:
    if e.errno == errno.ENOSPC:
        return "no space left on the disk"
    if e.errno == errno.EFBIG:
        return "the file would exceed the size limit"
    return e.strerror or str(e)
