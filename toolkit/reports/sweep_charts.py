"""Charts of the sweep page: tornado of the inputs' swings, distribution of cost."""

from __future__ import annotations

import numpy as np

from toolkit.reports.charts import CASE_COLOURS, figure, png_bytes
from toolkit.reports.words import pct, usd

TOP = 8  # inputs shown in a tornado


def tornado_chart(rows: list[dict], centre: float | None, title: str, unit: str
                  ) -> bytes | None:
    """Bars from the output's mean in the worlds where an input is lowest (bottom tenth)
    to its mean where the input is highest (top tenth), largest swing on top.

    ``unit`` is ``usd`` or ``share``.
    """
    rows = [r for r in rows if r["swing"] == r["swing"]][:TOP]
    if not rows or centre is None:
        return None
    scale, label = (1e9, "USD bn a year") if unit == "usd" else (0.01, "% of demand")
    with figure((7.0, 0.45 * len(rows) + 1.2)) as fig:
        ax = fig.add_subplot()
        for i, r in enumerate(reversed(rows)):
            lo, hi = r["y_low"] / scale, r["y_high"] / scale
            ax.barh(i, hi - lo, left=lo, color="#c55a11" if hi >= lo else "#1f4e79",
                    height=0.6)
        ax.axvline(centre / scale, color="#555555", linewidth=0.8, linestyle="--")
        ax.set_yticks(range(len(rows)), [_short(r["label"]) for r in reversed(rows)])
        ax.set_xlabel(f"{label}: input in its lowest tenth → highest tenth of the worlds")
        ax.set_title(title)
        return png_bytes(fig)


def _short(label: str, width: int = 58) -> str:
    return label if len(label) <= width else label[:width - 1] + "…"


def cost_chart(costs: dict[str, np.ndarray]) -> bytes | None:
    """Histogram of each case's annual cost over the worlds where it can be met."""
    costs = {k: v[np.isfinite(v)] for k, v in costs.items()}
    costs = {k: v for k, v in costs.items() if len(v)}
    if not costs:
        return None
    with figure((7.0, 2.8)) as fig:
        ax = fig.add_subplot()
        for i, (name, values) in enumerate(costs.items()):
            ax.hist(values / 1e9, bins=30, histtype="step", linewidth=1.4,
                    color=CASE_COLOURS[i % len(CASE_COLOURS)], label=name)
        ax.set_xlabel("annual cost, USD bn")
        ax.set_ylabel("worlds")
        ax.legend(loc="upper right")
        ax.set_title("Annual cost across the sampled worlds")
        return png_bytes(fig)


def axis_text(value: float | None, unit: str) -> str:
    """A number as the sweep page prints it."""
    return usd(value) if unit == "usd" else pct(value, 1)
