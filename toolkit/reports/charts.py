"""Charts of the policy brief, drawn with matplotlib (Agg) into reproducible PNG bytes.

No pyplot and no global state: each chart builds its own :class:`Figure` under fixed
rcParams, and PNGs carry no software or date metadata, so the same tables give the
same bytes.
"""

from __future__ import annotations

import base64
import io
import math

import pandas as pd
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from toolkit.schema import STAGES

STAGE_COLOURS = {"mine": "#8c6d31", "refine": "#3b6ea5", "manufacture": "#c0504d"}
CASE_COLOURS = ["#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6"]
RC = {
    "font.family": "DejaVu Sans", "font.size": 8.5, "axes.titlesize": 10,
    "axes.titleweight": "bold", "axes.spines.top": False, "axes.spines.right": False,
    "axes.grid": True, "grid.color": "#dddddd", "grid.linewidth": 0.6,
    "axes.axisbelow": True, "legend.frameon": False, "savefig.dpi": 150,
    "figure.dpi": 100, "path.simplify": False, "svg.hashsalt": "toolkit",
}
CRMA_BENCHMARK = 0.65


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes without metadata (reproducible)."""
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None}, bbox_inches="tight",
                pad_inches=0.05)
    return buffer.getvalue()


def data_uri(png: bytes) -> str:
    """A ``data:image/png;base64,...`` URI for embedding in HTML."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def china_share_chart(latest: pd.DataFrame, title: str) -> bytes | None:
    """Horizontal bars: China's share of supply at each stage, per mineral.

    ``latest`` has columns ``mineral, stage, china_share`` (fractions). Minerals are
    sorted by their largest share; a dashed line marks the EU CRMA 65 % benchmark.
    """
    if latest.empty or "china_share" not in latest:
        return None
    pivot = latest.pivot_table(index="mineral", columns="stage", values="china_share",
                               aggfunc="mean")
    stages = [s for s in STAGES if s in pivot.columns]
    pivot = pivot[stages].assign(_max=pivot[stages].max(axis=1)).sort_values(
        ["_max"], kind="stable").drop(columns="_max")
    with rc_context(RC):
        fig = Figure(figsize=(7.0, 1.0 + 0.3 * len(pivot) * max(1, len(stages)) / 2))
        ax = fig.add_subplot()
        height = 0.8 / len(stages)
        for i, stage in enumerate(stages):
            pos = [k + (i - (len(stages) - 1) / 2) * height for k in range(len(pivot))]
            ax.barh(pos, pivot[stage].fillna(0.0), height=height, label=stage,
                    color=STAGE_COLOURS[stage])
        ax.set_yticks(range(len(pivot)), [str(m).replace("_", " ") for m in pivot.index])
        _share_axis(ax, title)
        return png_bytes(fig)


def _share_axis(ax, title: str) -> None:
    ax.axvline(CRMA_BENCHMARK, color="#444444", linestyle="--", linewidth=0.9)
    ax.text(CRMA_BENCHMARK, 1.0, " 65% EU CRMA benchmark", transform=ax.get_xaxis_transform(),
            fontsize=7, va="bottom", color="#444444")
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.grid(axis="y", visible=False)
    ax.set_title(title, loc="left", pad=14)
    ax.legend(loc="lower right", ncols=3, fontsize=7.5)


def before_after_chart(headline: pd.DataFrame, case: str) -> bytes | None:
    """Grouped bars: mean China share per buyer and stage, today's mix vs the plan."""
    sel = headline[headline["case"] == case]
    labels, before, after = [], [], []
    for row in sel.itertuples():
        for stage in STAGES:
            b, a = getattr(row, f"china_{stage}_before"), getattr(row, f"china_{stage}_after")
            if not (math.isnan(b) and math.isnan(a)):
                labels.append(f"{row.buyer}\n{stage}")
                before.append(b)
                after.append(a)
    if not labels:
        return None
    with rc_context(RC):
        fig = Figure(figsize=(7.0, 2.6))
        ax = fig.add_subplot()
        x = range(len(labels))
        ax.bar([k - 0.2 for k in x], pd.Series(before).fillna(0), 0.4, label="today's world mix",
               color="#a6a6a6")
        ax.bar([k + 0.2 for k in x], pd.Series(after).fillna(0), 0.4, label="recommended plan",
               color="#1f4e79")
        ax.set_xticks(list(x), labels)
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.grid(axis="x", visible=False)
        ax.set_title(f"China's share of supply by buyer and stage — “{case}” "
                     "(mean over minerals)", loc="left")
        ax.legend(loc="upper right", ncols=2)
        return png_bytes(fig)


def pareto_chart(pareto: pd.DataFrame) -> bytes | None:
    """Cost against the cap, one panel per sweep (China share, expected shortfall)."""
    sweeps = [s for s in ("china_share", "expected_shortfall")
              if (pareto["sweep"] == s).any()] if not pareto.empty else []
    sweeps += sorted(set(pareto["sweep"].dropna().astype(str)) - set(sweeps)) \
        if not pareto.empty else []
    if not sweeps:
        return None
    with rc_context(RC):
        fig = Figure(figsize=(7.0, 2.8))
        axes = fig.subplots(1, len(sweeps), squeeze=False)[0]
        for ax, sweep in zip(axes, sweeps, strict=True):
            _pareto_panel(ax, pareto[pareto["sweep"] == sweep], sweep)
        fig.tight_layout()
        return png_bytes(fig)


def _pareto_panel(ax, sweep: pd.DataFrame, name: str) -> None:
    for i, (case, points) in enumerate(sweep.groupby("case", sort=False)):
        ok = points.dropna(subset=["objective_usd"]).sort_values("epsilon")
        colour = CASE_COLOURS[i % len(CASE_COLOURS)]
        ax.plot(ok["epsilon"], ok["objective_usd"] / 1e6, marker="o", markersize=3.5,
                color=colour, label=str(case))
        bad = points[points["objective_usd"].isna()]
        if len(bad) and len(ok):
            ax.plot(bad["epsilon"], [ok["objective_usd"].max() / 1e6] * len(bad),
                    linestyle="none", marker="x", color=colour)
    share = name == "china_share"
    ax.set_xlabel("cap on China's share" if share else
                  "cap on expected shortfall" + (" (t)" if not share else ""))
    if share:
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel("annual cost (USD m)")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_title("Cost vs " + ("China share cap" if share else name.replace("_", " ")),
                 loc="left")
    ax.legend(fontsize=7)
