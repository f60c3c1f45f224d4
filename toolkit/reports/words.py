"""Numbers in words for the reports: money, shares and tonnes."""

from __future__ import annotations

import math


def usd(value: float) -> str:
    """Money in words: ``USD 1.23 bn``, ``USD 45.6 m``, ``USD 12,345``."""
    if value is None or math.isnan(value):
        return "n/a"
    size = abs(value)
    if size >= 1e9:
        return f"USD {value / 1e9:,.2f} bn"
    if size >= 1e6:
        return f"USD {value / 1e6:,.1f} m"
    return f"USD {value:,.0f}"


def pct(value: float, digits: int = 0) -> str:
    """A fraction as a percentage: ``0.623 -> '62%'``."""
    if value is None or math.isnan(value):
        return "n/a"
    return f"{100 * value:.{digits}f}%"


def tonnes(value: float) -> str:
    """Tonnes in words, three significant figures below 100 t: ``1,234 t``, ``10.4 t``,
    ``1.41 t``."""
    if value is None or math.isnan(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f} t"
    return f"{value:,.1f} t" if abs(value) >= 10 else f"{value:,.2f} t"
