"""Settings precedence: defaults < config file < environment < flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from paper2bib.config import DEFAULT_ARXIV_URL, load_settings
from paper2bib.errors import ConfigError


def test_precedence(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        'library = "~/lib.sqlite"\n[arxiv]\nurl = "http://mirror.example/api/query"\ndelay = 5\ncontact = "a@b.c"\n'
    )
    env = {"PAPER2BIB_CONFIG": str(cfg)}
    s = load_settings(env=env)
    assert (s.arxiv_url, s.arxiv_delay, s.contact) == ("http://mirror.example/api/query", 5.0, "a@b.c")
    assert s.library == Path("~/lib.sqlite").expanduser()
    s = load_settings(env={**env, "PAPER2BIB_ARXIV_DELAY": "1.5"})
    assert s.arxiv_delay == 1.5
    s = load_settings({"arxiv_delay": 0.5, "arxiv_url": None}, env={**env, "PAPER2BIB_ARXIV_DELAY": "1.5"})
    assert s.arxiv_delay == 0.5 and s.arxiv_url == "http://mirror.example/api/query"


def test_defaults(tmp_path):
    s = load_settings(env={"PAPER2BIB_CONFIG": str(tmp_path / "none.toml")})
    assert s.arxiv_url == DEFAULT_ARXIV_URL and s.arxiv_delay == 3.0 and s.zotero_url == "https://api.zotero.org"
    assert s.library.name == "library.sqlite"


@pytest.mark.parametrize(
    "env, message",
    [
        ({"PAPER2BIB_ARXIV_URL": "ftp://x"}, "http"),
        ({"PAPER2BIB_ARXIV_DELAY": "-1"}, "0 or more"),
        ({"PAPER2BIB_ARXIV_DELAY": "inf"}, "finite"),
        ({"PAPER2BIB_ARXIV_DELAY": "nan"}, "finite"),
        ({"PAPER2BIB_ARXIV_DELAY": "1e9"}, "at most 600"),
        ({"ZOTERO_LIBRARY_TYPE": "team"}, "'user' or 'group'"),
        ({"ZOTERO_LIBRARY_ID": "123/../../groups/9"}, "digits only"),
    ],
)
def test_bad_values(tmp_path, env, message):
    with pytest.raises(ConfigError, match=message) as e:
        load_settings(env={"PAPER2BIB_CONFIG": str(tmp_path / "none.toml"), **env})
    assert str(e.value).startswith(next(iter(env)) + ": ")  # the setting named as the user gave it


def test_a_bad_setting_is_named_by_where_it_was_given(tmp_path):
    conf = tmp_path / "config.toml"
    conf.write_text('[zotero]\nurl = "ftp://x"\n')
    with pytest.raises(ConfigError) as e:
        load_settings(env={"PAPER2BIB_CONFIG": str(conf)})
    assert str(e.value) == f"{conf} (zotero.url): zotero_url must be an http(s) URL, not 'ftp://x'"
    with pytest.raises(ConfigError) as e:
        load_settings({"arxiv_url": "ftp://y"}, env={"PAPER2BIB_CONFIG": str(conf), "PAPER2BIB_ZOTERO_URL": "http://z"})
    assert str(e.value) == "--arxiv-url: arxiv_url must be an http(s) URL, not 'ftp://y'"


def test_broken_toml(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[arxiv\n")
    with pytest.raises(ConfigError):
        load_settings(env={"PAPER2BIB_CONFIG": str(cfg)})


def test_a_binary_config_file_is_a_clear_error(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    with pytest.raises(ConfigError, match="not a valid TOML config file"):
        load_settings(env={"PAPER2BIB_CONFIG": str(cfg)})


def test_a_bad_flag_is_named_as_typed(tmp_path):
    with pytest.raises(ConfigError, match=r"^--delay: "):
        load_settings({"arxiv_delay": "-5"}, env={"PAPER2BIB_CONFIG": str(tmp_path / "none.toml")})
