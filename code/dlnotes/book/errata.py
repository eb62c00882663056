"""Comparing the book's recomputed numbers with the numbers printed on lecture slides.

The book never copies a slide's printed output as a result: it recomputes it,
and where the two differ it says why. :func:`slide_verdict` classifies a
difference (rounding of intermediate values, digits cut off, or a real error);
:func:`slide_table` prints a side-by-side table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["slide_verdict", "slide_table"]


def _decimals(printed: str) -> int:
    s = printed.strip().lstrip("+-")
    return len(s.split(".")[1]) if "." in s else 0


def slide_verdict(exact: float, printed: str, slide_style: float | None = None) -> str:
    """Compare an exactly recomputed number with a slide's printed one (given as a string, so
    that its number of decimals is known).

    ``"ok"``: the exact value rounds to the printed one; ``"rounding"``: it differs only
    because the slide computed from rounded intermediate values (``slide_style`` redoes the
    slide's arithmetic with those); ``"truncated"``: the digits were cut off, not rounded;
    ``"ERRATUM"``: none of these.
    """
    d = _decimals(printed)
    value = float(printed)
    half = 0.5 * 10.0 ** -d + 1e-12
    if abs(exact - value) <= half:
        return "ok"
    if slide_style is not None and abs(slide_style - value) <= half:
        return "rounding"
    # the tiny nudge keeps 0.58 * 100 = 57.999... from truncating to 57
    cut = np.trunc(exact * 10 ** d + np.sign(exact) * 1e-9) / 10 ** d
    if abs(cut - value) <= 1e-12:
        return "truncated"
    return "ERRATUM"


def slide_table(rows: Sequence[tuple], digits: int = 9) -> str:
    """A text table of ``(name, printed, exact[, slide_style])`` rows with a verdict column."""
    out = [f"{'quantity':<22} {'slide':>13} {'recomputed':>15}  verdict"]
    for row in rows:
        name, printed, exact = row[:3]
        style = row[3] if len(row) > 3 else None
        out.append(f"{name:<22} {printed:>13} {exact:>15.{digits}f}  {slide_verdict(exact, printed, style)}")
    return "\n".join(out)
