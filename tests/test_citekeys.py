"""Citation keys: Google Scholar style, configurable, collision suffixes, deterministic."""

from __future__ import annotations

from dataclasses import replace

import pytest

from paper2bib.citekeys import assign_keys, base_key, validate_format
from paper2bib.errors import ConfigError
from paper2bib.models import Record


def rec(
    arxiv_id="2409.19256",
    title="HybridFlow: A Flexible and Efficient RLHF Framework",
    authors=("Guangming Sheng",),
    published="2024-09-28",
):
    return Record(arxiv_id, 1, title, authors, "", published)


@pytest.mark.parametrize(
    "record, key",
    [
        (rec(), "sheng2024hybridflow"),
        (
            rec(title="FRENK: The Offensive Language Dataset", authors=("Nikola Ljubešić",), published="2019-06-05"),
            "ljubesic2019frenk",
        ),
        (rec(title="$γ-$MoD: Exploring Mixture-of-Depth", authors=("Yaxin Luo",)), "luo2024mod"),
        (rec(title="On the Limits of Attention", authors=("Ludwig van Beethoven",)), "beethoven2024limits"),
        (rec(title="A Study", authors=("王小明",)), "wangxiaoming2024study"),
        (rec(title="Ünïcode Títles", authors=("Søren Kierkegaard",)), "kierkegaard2024unicode"),
        (rec(authors=()), "anon2024hybridflow"),
        (rec(title="The of and", authors=("A B",)), "b2024untitled"),
    ],
)
def test_default_keys(record, key):
    assert base_key(record) == key


def test_key_formats():
    r = rec()
    assert base_key(r, "{Auth}{year}{Title}") == "Sheng2024Hybridflow"
    assert base_key(r, "{auth}_{shorttitle}") == "sheng_hybridflowflexibleefficient"
    assert base_key(r, "arxiv:{id}") == "arxiv:2409_19256"
    with pytest.raises(ConfigError, match="unknown placeholder"):
        validate_format("{author}{year}")
    with pytest.raises(ConfigError, match="no placeholder"):
        validate_format("constant")


def test_collisions_get_suffixes_in_id_order_and_existing_keys_stay():
    papers = [replace(rec(), arxiv_id=f"2409.{i:05d}") for i in range(30)]
    keys = assign_keys(reversed(papers), {})
    assert keys["2409.00000"] == "sheng2024hybridflow"
    assert keys["2409.00001"] == "sheng2024hybridflowa"
    assert keys["2409.00026"] == "sheng2024hybridflowz"
    assert keys["2409.00027"] == "sheng2024hybridflowaa"
    assert len(set(keys.values())) == 30
    # an existing key is kept even when a new paper sorts before it
    existing = {"2409.99999": "sheng2024hybridflow"}
    new = assign_keys([rec("2409.00000")], existing)
    assert new == {"2409.00000": "sheng2024hybridflowa"}


def test_many_collisions_stay_linear():
    papers = [replace(rec(), arxiv_id=f"2409.{i:05d}") for i in range(5000)]
    keys = assign_keys(papers, {})
    assert len(set(keys.values())) == 5000
