"""Rewriting a file the user owns (a ``refs.bib``) without ever losing a byte of it.

* :func:`read` takes a snapshot: the exact bytes, their hash, and the text decoded in the
  file's own encoding (UTF-8 with or without BOM, UTF-16 with BOM, Latin-1), line endings
  untouched. :func:`encode` writes text back in that same encoding.
* :func:`locked` holds a per-file lock (in the user's cache folder, never beside the file)
  so two paper2bib runs on one file take turns.
* :func:`replace` writes new bytes only if the file still holds the snapshot's bytes (an
  editor that saved meanwhile is detected and nothing is written), through a symlink to
  its target, keeping the file's mode and owner, atomically (a temporary file renamed over
  it; one left by a killed run is removed by the next), after writing the replaced bytes
  to a backup that never overwrites an earlier one.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from filelock import FileLock, Timeout

from .digest.source import read_bytes
from .errors import InputError, OutputError
from .output import write_all as _write_all

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
LOCK_WAIT = 120.0  # seconds a second run waits for the first to finish with the file


@dataclass(frozen=True)
class Snapshot:
    """A file as it was read: ``text`` is exactly ``data`` decoded (BOM aside)."""

    path: Path
    data: bytes
    text: str
    encoding: str
    bom: bytes

    @property
    def utf(self) -> bool:
        """Any letter can be written to this file as it is."""
        return self.encoding.startswith("utf")


def decode_exact(data: bytes, name: str) -> tuple[str, str, bytes]:
    """(text, encoding, BOM) of ``data``, such that encoding the text gives ``data`` back."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), codec, bom
            except UnicodeDecodeError:
                raise InputError(f"{name}: broken {codec.upper()} text; nothing was changed") from None
    if b"\x00" in data[:65536]:
        raise InputError(f"{name}: binary data, not a .bib file; nothing was changed")
    try:
        return data.decode("utf-8"), "utf-8", b""
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        controls = sum(1 for c in text[:65536] if (ord(c) < 32 and c not in "\r\n\t\f") or 0x7F <= ord(c) < 0xA0)
        if controls > 4:
            raise InputError(
                f"{name}: neither UTF-8 nor Latin-1 text; convert it to UTF-8 first (nothing was changed)"
            ) from None
        return text, "latin-1", b""


def read(path: str, max_bytes: int = 64 * 1024 * 1024) -> Snapshot:
    """The snapshot of ``path`` (``-``: stdin), or :class:`InputError` with one clear line."""
    data = read_bytes(path, max_bytes, what=".bib file")
    text, encoding, bom = decode_exact(data, "stdin" if path == "-" else path)
    return Snapshot(Path(path), data, text, encoding, bom)


def encode(snapshot: Snapshot, text: str) -> bytes:
    """``text`` in the snapshot's encoding, with its BOM; :class:`OutputError` if a letter
    has no place in that encoding (never re-encoded silently)."""
    try:
        return snapshot.bom + text.encode(snapshot.encoding)
    except UnicodeEncodeError as e:
        raise OutputError(
            f"{snapshot.path}: {text[e.start : e.end]!r} cannot be written in {snapshot.encoding}; nothing was written"
        ) from None


def _lock_path(path: Path) -> Path:
    real = os.path.realpath(path)
    folder = Path(platformdirs.user_cache_dir("paper2bib")) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / (hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:32] + ".lock")


@contextlib.contextmanager
def locked(path: str | Path, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold the lock of ``path`` (another paper2bib run on the same file waits its turn)."""
    lock = FileLock(str(_lock_path(Path(path))))
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise OutputError(f"{path} is being changed by another paper2bib run; try again when it ends") from None
    try:
        yield
    finally:
        lock.release()


def check_writable(path: str | Path) -> Path:
    """The real file behind ``path`` (links followed), or :class:`OutputError` (exit 2) if
    it is read-only: paper2bib never replaces a file the user protected."""
    real = Path(os.path.realpath(path))
    try:
        st = real.stat()
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror or e}") from None
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(real.parent, os.W_OK):
        err = OutputError(f"{path} is read-only; nothing was written (make it writable, or use -o)")
        err.exit_code = 2
        raise err
    return real


def backup_path(target: Path) -> Path:
    """``FILE.orig``, or the first of ``FILE.orig.1``, ``FILE.orig.2``… that does not exist."""
    first = target.with_name(target.name + ".orig")
    if not first.exists():
        return first
    n = 1
    while target.with_name(f"{target.name}.orig.{n}").exists():
        n += 1
    return target.with_name(f"{target.name}.orig.{n}")


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Create ``path`` (never over an existing file) holding ``data``, synced."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        _write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


_PART = ".p2b-part"  # temporary files of this module only, always written under the file's lock


def _clean_leftovers(target: Path) -> None:
    """Remove temporary files a killed earlier run left beside ``target``. Only runs that
    hold the file's lock write them, and this one holds it: none of them is in use."""
    for p in target.parent.glob(f".{glob.escape(target.name)}.*{_PART}"):
        with contextlib.suppress(OSError):
            p.unlink()


def _atomic_replace(target: Path, data: bytes, st: os.stat_result) -> None:
    """Replace ``target`` by ``data`` in one rename, keeping its mode and (where allowed) owner."""
    _clean_leftovers(target)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=_PART)
    try:
        try:
            _write_all(fd, data)
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
            with contextlib.suppress(OSError):
                os.fchown(fd, st.st_uid, st.st_gid)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def replace(snapshot: Snapshot, data: bytes, backup: bool = True) -> Path | None:
    """Write ``data`` over the snapshot's file if it still holds the snapshot's bytes.

    Returns the backup written (the snapshot's bytes), or None without ``backup``. Raises
    :class:`OutputError` when the file changed since it was read (nothing is written), is
    read-only, or cannot be written; the file is then exactly as it was.
    """
    real = check_writable(snapshot.path)
    try:
        with real.open("rb") as f:
            now = f.read()
        st = real.stat()
    except OSError as e:
        raise OutputError(f"cannot read {snapshot.path} again: {e.strerror or e}; nothing was written") from None
    if now != snapshot.data:
        raise OutputError(
            f"{snapshot.path} changed while paper2bib was working (saved by an editor?); "
            "nothing was written: run the command again"
        )
    saved = None
    try:
        if backup:
            saved = backup_path(real)
            _write_new(saved, snapshot.data, stat.S_IMODE(st.st_mode))
        _atomic_replace(real, data, st)
    except OSError as e:
        raise OutputError(f"cannot write {snapshot.path}: {e.strerror or e}; the file is as it was") from None
    return saved
