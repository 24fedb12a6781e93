"""Settings: defaults < config file (TOML) < environment < command-line flags.

The config file is ``config.toml`` in the platform's user config dir (``paper2bib``), or
the file named by ``PAPER2BIB_CONFIG``::

    library = "~/papers/library.sqlite"
    key_format = "{auth}{year}{title}"

    [arxiv]
    url = "https://export.arxiv.org/api/query"
    delay = 3.0
    contact = "me@example.org"

    [zotero]
    url = "https://api.zotero.org"
    api_key = "..."
    library_id = "123456"
    library_type = "user"
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from .errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

APP = "paper2bib"
DEFAULT_ARXIV_URL = "https://export.arxiv.org/api/query"
DEFAULT_ZOTERO_URL = "https://api.zotero.org"
DEFAULT_HF_URL = "https://huggingface.co"
DEFAULT_S2_URL = "https://api.semanticscholar.org"
DEFAULT_DBLP_URL = "https://dblp.org"


@dataclass(frozen=True)
class Settings:
    """Everything configurable. Build with :func:`load_settings`."""

    library: Path
    arxiv_url: str = DEFAULT_ARXIV_URL
    arxiv_delay: float = 3.0
    arxiv_timeout: float = 20.0
    arxiv_give_up_after: float = 25.0
    arxiv_batch: int = 10
    arxiv_page_size: int = 200
    contact: str | None = None
    key_format: str = "{auth}{year}{title}"
    lookup_published: bool = True
    s2_url: str = DEFAULT_S2_URL
    s2_delay: float = 1.0
    s2_api_key: str | None = field(default=None, repr=False)
    dblp_url: str = DEFAULT_DBLP_URL
    dblp_delay: float = 1.0
    hf_url: str = DEFAULT_HF_URL
    hf_delay: float = 0.5
    hf_token: str | None = field(default=None, repr=False)
    zotero_url: str = DEFAULT_ZOTERO_URL
    zotero_api_key: str | None = field(default=None, repr=False)
    zotero_library_id: str | None = None
    zotero_library_type: str = "user"


# (setting, config-file path, environment variable, type)
_SOURCES: list[tuple[str, tuple[str, ...], str | None, type]] = [
    ("library", ("library",), "PAPER2BIB_LIBRARY", Path),
    ("arxiv_url", ("arxiv", "url"), "PAPER2BIB_ARXIV_URL", str),
    ("arxiv_delay", ("arxiv", "delay"), "PAPER2BIB_ARXIV_DELAY", float),
    ("arxiv_timeout", ("arxiv", "timeout"), "PAPER2BIB_ARXIV_TIMEOUT", float),
    ("arxiv_give_up_after", ("arxiv", "give_up_after"), "PAPER2BIB_ARXIV_GIVE_UP_AFTER", float),
    ("arxiv_batch", ("arxiv", "batch"), "PAPER2BIB_ARXIV_BATCH", int),
    ("arxiv_page_size", ("arxiv", "page_size"), "PAPER2BIB_ARXIV_PAGE_SIZE", int),
    ("contact", ("arxiv", "contact"), "PAPER2BIB_CONTACT", str),
    ("key_format", ("key_format",), "PAPER2BIB_KEY_FORMAT", str),
    ("lookup_published", ("published", "lookup"), "PAPER2BIB_LOOKUP_PUBLISHED", bool),
    ("s2_url", ("s2", "url"), "PAPER2BIB_S2_URL", str),
    ("s2_delay", ("s2", "delay"), "PAPER2BIB_S2_DELAY", float),
    ("s2_api_key", ("s2", "api_key"), "SEMANTIC_SCHOLAR_API_KEY", str),
    ("dblp_url", ("dblp", "url"), "PAPER2BIB_DBLP_URL", str),
    ("dblp_delay", ("dblp", "delay"), "PAPER2BIB_DBLP_DELAY", float),
    ("hf_url", ("hf", "url"), "PAPER2BIB_HF_URL", str),
    ("hf_delay", ("hf", "delay"), "PAPER2BIB_HF_DELAY", float),
    ("hf_token", ("hf", "token"), "HF_TOKEN", str),
    ("zotero_url", ("zotero", "url"), "PAPER2BIB_ZOTERO_URL", str),
    ("zotero_api_key", ("zotero", "api_key"), "ZOTERO_API_KEY", str),
    ("zotero_library_id", ("zotero", "library_id"), "ZOTERO_LIBRARY_ID", str),
    ("zotero_library_type", ("zotero", "library_type"), "ZOTERO_LIBRARY_TYPE", str),
]


def default_library() -> Path:
    return Path(platformdirs.user_data_dir(APP)) / "library.sqlite"


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """The config file: ``PAPER2BIB_CONFIG``, else ``config.toml`` in the platform's config dir."""
    environ: Mapping[str, str] = os.environ if env is None else env
    return Path(environ.get("PAPER2BIB_CONFIG") or Path(platformdirs.user_config_dir(APP)) / "config.toml")


#: The command-line flag of a setting, where it is not ``--`` + its name.
_FLAGS = {"arxiv_delay": "--delay"}


def _flag(name: str) -> str:
    """The command-line flag of setting ``name`` (``--arxiv-url``; ``--delay`` for the arXiv delay)."""
    return _FLAGS.get(name, "--" + name.replace("_", "-"))


#: The largest sensible value of numeric settings (seconds, counts).
_MAXIMUM = {
    "s2_delay": 600,
    "dblp_delay": 600,
    "hf_delay": 600,
    "arxiv_delay": 600,
    "arxiv_timeout": 3600,
    "arxiv_give_up_after": 86400,
    "arxiv_batch": 100,
}


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(value)


def _convert(name: str, value: Any, kind: type, where: str) -> Any:
    try:
        if kind is Path:
            return Path(str(value)).expanduser()
        if kind is str and not isinstance(value, str):
            raise TypeError
        if kind is bool:
            return _boolean(value)
        out = kind(value)
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(
            f"{where}: {name} must be a {'number' if kind in (int, float) else kind.__name__}, not {value!r}"
        ) from None
    if kind in (int, float):
        if not math.isfinite(out) or out < 0:
            raise ConfigError(f"{where}: {name} must be a finite number, 0 or more, not {value!r}")
        if out > _MAXIMUM.get(name, math.inf):
            raise ConfigError(f"{where}: {name} must be at most {_MAXIMUM[name]}, not {value!r}")
    return out


def _validate(s: Settings, origin: Mapping[str, str] | None = None) -> Settings:
    """``s`` if its values make sense; else an error naming the setting as the user gave it
    (``origin``: the flag, the environment variable or the config file's key)."""

    def said(name: str) -> str:
        where = (origin or {}).get(name)
        return f"{where}: " if where else ""

    for name in ("arxiv_url", "zotero_url", "hf_url", "s2_url", "dblp_url"):
        url = getattr(s, name)
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"{said(name)}{name} must be an http(s) URL, not {url!r}")
    if s.zotero_library_type not in ("user", "group"):
        raise ConfigError(
            f"{said('zotero_library_type')}zotero library type must be 'user' or 'group', not {s.zotero_library_type!r}"
        )
    if s.zotero_library_id is not None and not s.zotero_library_id.isdigit():
        raise ConfigError(
            f"{said('zotero_library_id')}zotero library id must be the library's number (digits only),"
            f" not {s.zotero_library_id!r}"
        )
    if s.arxiv_batch < 1 or s.arxiv_page_size < 1 or s.arxiv_page_size > 2000:
        raise ConfigError("arxiv batch must be >= 1 and page size between 1 and 2000")
    return s


def load_settings(overrides: dict[str, Any] | None = None, env: dict[str, str] | None = None) -> Settings:
    """Settings from the config file, the environment and ``overrides`` (flags), in that order.

    ``None`` values in ``overrides`` mean "not given".
    """
    env = dict(os.environ) if env is None else env
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}  # where each value came from, to name it in an error
    path = config_path(env)
    data: dict[str, Any] = {}
    if path.is_file():
        try:
            with path.open("rb") as f:
                data = tomllib.load(f)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"{path}: not a valid TOML config file ({e}); fix it or move it away") from None
        except OSError as e:
            raise ConfigError(f"{path}: cannot read the config file ({e.strerror or e})") from None
    for name, keys, var, kind in _SOURCES:
        node: Any = data
        for k in keys:
            node = node.get(k) if isinstance(node, dict) else None
        if node is not None:
            values[name] = _convert(name, node, kind, str(path))
            origin[name] = f"{path} ({'.'.join(keys)})"
        if var and env.get(var):
            values[name] = _convert(name, env[var], kind, var)
            origin[name] = var
        if overrides and overrides.get(name) is not None:
            flag = _flag(name)
            values[name] = _convert(name, overrides[name], kind, flag)
            origin[name] = flag
    values.setdefault("library", default_library())
    known = {f.name for f in fields(Settings)}
    return _validate(Settings(**{k: v for k, v in values.items() if k in known}), origin)


def with_overrides(settings: Settings, **changes: Any) -> Settings:
    """A copy of ``settings`` with ``changes`` (given as flags) applied and validated."""
    return _validate(replace(settings, **changes), {k: _flag(k) for k in changes})
