"""The brief's outlook chart: China's share of the UK's and Japan's supply per stage over the
modelled years, recommended plan (solid) against the world mix that year (dashed).

Drawn like every brief chart (:mod:`toolkit.reports.charts`: fixed rcParams, no pyplot,
reproducible PNG bytes), in the stage colours of :mod:`toolkit.reports.palette`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from toolkit.reports.charts import figure, mpl, png_bytes
from toolkit.reports.outlook import buyer_words
from toolkit.reports.palette import STAGE_COLOURS
from toolkit.schema import STAGES

if TYPE_CHECKING:
    from matplotlib.lines import Line2D


def share_timeline_chart(shares: pd.DataFrame, case: str) -> bytes | None:
    """One panel per buyer; x = modelled year, y = China's share (mean over minerals).

    ``shares`` is :func:`toolkit.reports.outlook.shares_table`; None when ``case`` has
    fewer than two modelled years with a plan (nothing to draw over time).
    """
    sel = shares[shares["case"] == case]
    if sel["year"].nunique() < 2 or sel["china_plan"].isna().all():
        return None
    buyers = list(dict.fromkeys(sel["buyer"]))
    years = sorted(sel["year"].unique())
    with figure((7.0, 2.4)) as fig:
        axes = fig.subplots(1, len(buyers), sharey=True, squeeze=False)[0]
        for ax, buyer in zip(axes, buyers, strict=True):
            _panel(ax, sel[sel["buyer"] == buyer], years, buyer_words(buyer))
        axes[0].set_ylabel("China's share of supply")
        fig.legend(handles=_legend(sel), loc="lower center", ncols=5, fontsize=7.5,
                   bbox_to_anchor=(0.5, -0.02))
        fig.subplots_adjust(bottom=0.27, wspace=0.08)
        return png_bytes(fig)


def _panel(ax, rows: pd.DataFrame, years: list[int], title: str) -> None:
    for stage in [s for s in STAGES if (rows["stage"] == s).any()]:
        at = rows[rows["stage"] == stage].sort_values("year")
        colour = STAGE_COLOURS[stage]
        ax.plot(at["year"], at["china_world_mix"], color=colour, linestyle="--",
                linewidth=1.0, alpha=0.8)
        ax.plot(at["year"], at["china_plan"], color=colour, marker="o", linewidth=2.0,
                markersize=4)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(mpl().PercentFormatter(1.0))
    ax.set_title(title, loc="left")


def _legend(rows: pd.DataFrame) -> list[Line2D]:
    stages = [s for s in STAGES if (rows["stage"] == s).any()]
    handles = [mpl().Line2D([], [], color=STAGE_COLOURS[s], linewidth=3, label=s) for s in stages]
    return handles + [
        mpl().Line2D([], [], color="#444444", marker="o", linewidth=2, label="recommended plan"),
        mpl().Line2D([], [], color="#444444", linestyle="--", linewidth=1, label="world mix")]
