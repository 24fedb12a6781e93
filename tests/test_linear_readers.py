"""Every reader takes time in proportion to its input: no nested quantifiers re-scanning a line,
no walk up the tree per tag, no recursion a deep input can exhaust.

Timings are compared within one run (8 KB against 64 KB, best of three), never against a
clock: linear growth is 8x; the tests fail past 24x (quadratic growth is 64x). The figures
up to 1 MB are printed by ``benchmarks/readers.py``.
"""

from __future__ import annotations

import logging
import time

import pytest
from adversarial import SHAPES, reader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SMALL, LARGE = 8_000, 64_000
LIMIT = 3 * LARGE / SMALL  # three times linear: noise passes, quadratic does not
FLOOR = 0.003  # seconds: below this a timing is noise


def _best(fn, text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - start)
    return max(best, FLOOR)


def _growth(kind: str, make) -> float:
    fn = reader(kind)
    return _best(fn, make(LARGE)) / _best(fn, make(SMALL))


@pytest.fixture(autouse=True)
def _quiet():
    logging.disable(logging.WARNING)  # a warning per cut field or dropped link is not what is timed
    yield
    logging.disable(logging.NOTSET)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_known_adversarial_shapes_stay_linear(name):
    kind, make = SHAPES[name]
    assert _growth(kind, make) <= LIMIT, name


SYNTAX = "[](){}<>\\|*_`#@$%&-:/.=,\"' \n\taA1"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(
    kind=st.sampled_from(["markdown", "html", "bib", "tex", "text", "links"]),
    unit=st.text(alphabet=SYNTAX, min_size=1, max_size=8),
    head=st.sampled_from(["", "- ", "# T\n\n- ", "<html><body>", "@misc{k, title = ", "\\begin{document}"]),
)
def test_any_repeated_pattern_stays_linear(kind, unit, head):
    def make(size: int) -> str:
        return head + unit * (size // len(unit))

    assert _growth(kind, make) <= LIMIT, (kind, head, unit)
