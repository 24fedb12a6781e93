"""Reading a digest from a file or stdin, refusing what is not text."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import InputError

#: Digests larger than this are refused rather than loaded (a listing is a few hundred KB).
MAX_BYTES = 20 * 1024 * 1024


def decode(data: bytes, name: str) -> str:
    """Decode digest bytes as text (UTF-8 with or without BOM, UTF-16 with BOM; else Latin-1 text)."""
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):  # Windows PowerShell's ">"
        if data.startswith(bom):
            try:
                data = data[2:].decode(codec).encode("utf-8")
            except UnicodeDecodeError:
                raise InputError(f"{name}: broken UTF-16 text") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        raise InputError(f"{name}: empty input")
    if b"\x00" in data[:65536]:
        raise InputError(f"{name}: binary data, not a text digest")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        controls = sum(1 for c in text[:65536] if ord(c) < 32 and c not in "\r\n\t\f") + sum(
            1 for c in text[:65536] if 0x7F <= ord(c) < 0xA0
        )
        if controls > max(4, len(text[:65536]) // 200):
            raise InputError(f"{name}: binary data, not a text digest") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_bytes(path: str, max_bytes: int = MAX_BYTES, what: str = "digest file") -> bytes:
    """The bytes of ``path`` (``-`` reads stdin), or :class:`InputError` with one clear line."""
    name = "stdin" if path == "-" else path
    try:
        if path == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            p = Path(path)
            if p.is_dir():
                raise InputError(f"{path}: is a directory, not a {what}")
            with p.open("rb") as f:
                data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None
    if len(data) > max_bytes:
        raise InputError(f"{name}: larger than {max_bytes // (1024 * 1024)} MiB; split it")
    return data


def read_source(path: str, max_bytes: int = MAX_BYTES) -> str:
    """The text of ``path`` (``-`` reads stdin), or :class:`InputError` with one clear line."""
    return decode(read_bytes(path, max_bytes), "stdin" if path == "-" else path)
