"""Tests of dlnotes.book.errata: classifying a slide's printed number against the recomputed one."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlnotes.book.errata import slide_table, slide_verdict


def test_slide_verdicts():
    assert slide_verdict(0.13116908, "0.1312") == "ok"
    assert slide_verdict(0.13116908, "0.1311", slide_style=0.131147) == "rounding"
    assert slide_verdict(0.75136507, "0.7513650") == "truncated"
    assert slide_verdict(-0.26082885, "-0.216", slide_style=-0.26083) == "ERRATUM"
    assert "ERRATUM" in slide_table([("w46", "-0.216", -0.26082885)])


@pytest.mark.parametrize("exact,printed", [(0.58, "0.57"), (0.29, "0.28"), (1.15, "1.14"),
                                           (4.35, "4.34"), (-0.58, "-0.57")])
def test_floating_point_does_not_turn_errata_into_truncation(exact, printed):
    # 0.58 * 100 = 57.999...: a naive trunc() would call the printed 0.57 "truncated"
    assert slide_verdict(exact, printed) == "ERRATUM"


@settings(max_examples=200, deadline=None)
@given(st.integers(-10**6, 10**6), st.integers(1, 4))
def test_property_exact_decimals_are_ok_and_one_unit_off_is_an_erratum(k, d):
    exact = k / 10**d
    printed = f"{exact:.{d}f}"
    assert slide_verdict(exact, printed) == "ok"
    off = f"{(k - 1) / 10**d:.{d}f}"  # one unit lower in the last printed digit
    assert slide_verdict(exact, off) in ("ERRATUM",)
