"""Charts of the policy brief, drawn with matplotlib (Agg) into reproducible PNG bytes.

No pyplot and no global state: each chart builds its own :class:`Figure` under fixed
rcParams, and PNGs carry no software or date metadata, so the same tables give the
same bytes.  Text is never parsed as mathtext (``text.parse_math`` off), so an id such
as ``$x^2$`` or ``a\\b`` is drawn exactly as typed.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import io
import math
from collections.abc import Iterator
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pandas as pd

from toolkit.reports.market import cap_label
from toolkit.reports.palette import CASE_COLOURS, PLAN, RED, STAGE_COLOURS, TODAY
from toolkit.schema import CRMA_SINGLE_COUNTRY_SHARE, STAGES

if TYPE_CHECKING:
    from matplotlib.figure import Figure

RC = {
    "font.family": "DejaVu Sans", "font.size": 8.5, "axes.titlesize": 10,
    "axes.titleweight": "bold", "axes.spines.top": False, "axes.spines.right": False,
    "axes.grid": True, "grid.color": "#dddddd", "grid.linewidth": 0.6,
    "axes.axisbelow": True, "legend.frameon": False, "savefig.dpi": 150,
    "figure.dpi": 100, "path.simplify": False, "svg.hashsalt": "toolkit",
    # ids and names are data: "$...$" and backslashes are drawn as typed, never as mathtext
    "text.parse_math": False, "text.usetex": False,
}
CRMA_BENCHMARK = CRMA_SINGLE_COUNTRY_SHARE


@functools.cache
def mpl() -> SimpleNamespace:
    """The matplotlib parts the charts use, imported on first use.

    ``toolkit run`` then imports matplotlib only when a chart is drawn, in the forked
    process that writes the brief beside the workbook, instead of before the solves;
    and without pyplot (:func:`_without_pyomo_hook`).
    """
    with _without_pyomo_hook():
        import matplotlib  # noqa: F401
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    return SimpleNamespace(rc_context=rc_context, FigureCanvasAgg=FigureCanvasAgg,
                           Figure=Figure, Line2D=Line2D, FuncFormatter=FuncFormatter,
                           PercentFormatter=PercentFormatter)


@contextlib.contextmanager
def _without_pyomo_hook() -> Iterator[None]:
    """Import matplotlib without pyomo's post-import hook, which would also import pyplot
    and pylab (about two thirds of matplotlib's import time; the charts use neither).

    Pyomo registers the hook for ``matplotlib`` in its deferred-import finder
    (``pyomo.common.dependencies``); it is set aside for the import and put back after.
    """
    from pyomo.common import dependencies

    callbacks = getattr(getattr(dependencies, "DeferredImportCallbackFinder", None),
                        "_callbacks", {})
    saved = callbacks.pop("matplotlib", None)
    try:
        yield
    finally:
        if saved is not None:
            callbacks["matplotlib"] = saved


@contextlib.contextmanager
def figure(figsize: tuple[float, float]) -> Iterator[Figure]:
    """A new :class:`~matplotlib.figure.Figure` of ``figsize`` inches, drawn (and saved
    by :func:`png_bytes`) under the fixed rcParams ``RC``."""
    with mpl().rc_context(RC):
        yield mpl().Figure(figsize=figsize)


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes without metadata (reproducible)."""
    mpl().FigureCanvasAgg(fig)
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
    with figure((7.0, 1.4 + 0.075 * len(pivot) * (1 + len(stages)))) as fig:
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
    ax.xaxis.set_major_formatter(mpl().PercentFormatter(1.0))
    ax.grid(axis="y", visible=False)
    ax.set_title(title, loc="left", pad=14)
    ax.legend(loc="lower right", ncols=3, fontsize=7.5, framealpha=0.9, frameon=True)


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
    with figure((7.0, 2.6)) as fig:
        ax = fig.add_subplot()
        x = range(len(labels))
        ax.bar([k - 0.2 for k in x], pd.Series(before).fillna(0), 0.4, label="today's world mix",
               color=TODAY)
        ax.bar([k + 0.2 for k in x], pd.Series(after).fillna(0), 0.4, label="recommended plan",
               color=PLAN)
        ax.set_xticks(list(x), labels)
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(mpl().PercentFormatter(1.0))
        ax.grid(axis="x", visible=False)
        ax.set_title(f"China's share of supply — “{case}”", loc="left", pad=22)
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2)
        return png_bytes(fig)


def pareto_chart(pareto: pd.DataFrame, minerals: pd.DataFrame | None = None,
                 kept: pd.DataFrame | None = None, top: int = 6) -> bytes | None:
    """Cost against the cap: the whole plan per sweep, and the costliest minerals.

    Top row: one panel per sweep (China share, expected shortfall), one line per
    case, feasible points only (``feasible_cost_usd``), summed over the minerals that
    can meet the first cap below the loosest when ``kept`` is given
    (:func:`toolkit.reports.pareto_kept.kept_frontier`).  Bottom row, when per-mineral
    points exist: the cost increase over the loosest cap of the ``top`` minerals whose
    cost rises most in the first case's China-share sweep.
    """
    sweeps = [s for s in ("china_share", "expected_shortfall") if (pareto["sweep"] == s).any()] \
        if not pareto.empty else []
    if not sweeps:
        return None
    rise = _mineral_rise(minerals, pareto, top) if minerals is not None else None
    if kept is not None and not kept.empty:  # the minerals that can meet a binding cap
        pareto = kept
    with figure((7.0, 2.7 if rise is None else 5.4)) as fig:
        layout = [sweeps] if rise is None else [sweeps, ["rise"] * len(sweeps)]
        axes = fig.subplot_mosaic(layout)
        for sweep in sweeps:
            _pareto_panel(axes[sweep], pareto[pareto["sweep"] == sweep], sweep)
        if rise is not None:
            _rise_panel(axes["rise"], rise)
        fig.tight_layout()
        return png_bytes(fig)


def _pareto_panel(ax, sweep: pd.DataFrame, name: str) -> None:
    """Extra annual cost over each case's loosest feasible cap (feasible points only)."""
    top = 1.0
    for i, (case, points) in enumerate(sweep.groupby("case", sort=False)):
        ok = points.dropna(subset=["feasible_cost_usd"]).sort_values("epsilon")
        if ok.empty:
            continue
        extra = (ok["feasible_cost_usd"] - ok["feasible_cost_usd"].iloc[-1]) / 1e6
        top = max(top, float(extra.max()))
        ax.plot(ok["epsilon"], extra, marker="o", markersize=3.5,
                color=CASE_COLOURS[i % len(CASE_COLOURS)], label=str(case))
    _cannot_marks(ax, sweep)
    ax.set_ylim(-0.05 * top, 1.1 * top)
    share = name == "china_share"
    ax.set_xlabel("cap on China's share at each stage" if share else
                  "cap on expected shortfall (share of demand)")
    ax.xaxis.set_major_formatter(mpl().PercentFormatter(1.0, decimals=0 if share else 2))
    ax.set_ylabel("extra annual cost (USD m)")
    ax.yaxis.set_major_formatter(mpl().FuncFormatter(lambda v, _: f"{v:,.1f}"))
    ax.set_title("Cost vs " + ("China share cap" if share else "expected shortfall cap"),
                 loc="left")
    ax.legend(fontsize=7)


CANNOT_LABEL = "cannot be met"


def _cannot_marks(ax, sweep: pd.DataFrame) -> None:
    """Caps no plan meets: grey crosses on the x axis (never a cost), one legend entry."""
    bad = sweep[sweep["feasible_cost_usd"].isna()]
    if bad.empty:
        return
    xs = sorted(set(bad["epsilon"].dropna()))
    ax.plot(xs, [0.04] * len(xs), transform=ax.get_xaxis_transform(), linestyle="none",
            marker="x", markersize=5, color=RED, label=CANNOT_LABEL, clip_on=False)


def _mineral_rise(minerals: pd.DataFrame, pareto: pd.DataFrame, top: int
                  ) -> pd.DataFrame | None:
    """Per mineral: cost increase (fraction) over its loosest-cap cost, feasible points."""
    if minerals.empty or "mineral" not in minerals:
        return None
    case = str(pareto["case"].iloc[0])
    sel = minerals[(minerals["case"] == case) & (minerals["sweep"] == "china_share")]
    sel = sel[sel["status"].fillna("optimal").astype(str) == "optimal"]
    sel = sel.dropna(subset=["objective_usd"]).sort_values(["mineral", "epsilon"])
    if sel.empty:
        return None
    base = sel.groupby("mineral")["objective_usd"].transform("last")
    sel = sel.assign(rise=(sel["objective_usd"] / base - 1.0).where(base > 0))
    worst = sel.groupby("mineral")["rise"].max().sort_values(ascending=False, kind="stable")
    keep = [m for m, v in worst.items() if v > 1e-4][:top]
    return sel[sel["mineral"].isin(keep)].assign(case=case) if keep else None


def _rise_panel(ax, rise: pd.DataFrame) -> None:
    order = rise.groupby("mineral")["rise"].max().sort_values(ascending=False).index
    for i, mineral in enumerate(order):
        pts = rise[rise["mineral"] == mineral]
        ax.plot(pts["epsilon"], pts["rise"], marker="o", markersize=3,
                color=CASE_COLOURS[i % len(CASE_COLOURS)], label=str(mineral).replace("_", " "))
    ax.xaxis.set_major_formatter(mpl().PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(mpl().PercentFormatter(1.0))
    ax.set_xlabel("cap on China's share at each stage")
    ax.set_ylabel("cost increase")
    ax.set_title(f"Minerals whose cost rises most as the cap tightens — “{rise['case'].iloc[0]}”"
                 " (lines end where no plan meets the cap)", loc="left", fontsize=9)
    ax.legend(fontsize=7, ncols=2)


def sensitivity_chart(sensitivity: pd.DataFrame) -> bytes | None:
    """De-risking cost against the bid premium (0 to 2x the cited figures), per case.

    ``sensitivity`` has ``case, multiplier, epsilon, derisking_cost_usd`` rows; points
    that cannot be met are left out of the line and marked on the axis.
    """
    if sensitivity.empty or sensitivity["derisking_cost_usd"].notna().sum() < 2:
        return None
    with figure((7.0, 2.8)) as fig:
        ax = fig.add_subplot()
        for i, (case, rows) in enumerate(sensitivity.groupby("case", sort=False)):
            ok = rows.dropna(subset=["derisking_cost_usd"]).sort_values("multiplier")
            if len(ok) and (ok["derisking_cost_usd"].abs() < 0.5).all():
                continue  # the case's own caps already hold China below the cap: no line
            label = str(case) + cap_label(rows)
            ax.plot(ok["multiplier"], ok["derisking_cost_usd"] / 1e6, marker="o",
                    markersize=3.5, color=CASE_COLOURS[i % len(CASE_COLOURS)], label=label)
            bad = rows[rows["derisking_cost_usd"].isna()]
            if len(bad):
                ax.plot(bad["multiplier"], [0.0] * len(bad), linestyle="none", marker="x",
                        color="#888888")
        ax.axvline(1.0, color="#888888", linestyle="--", linewidth=0.8)
        ax.set_xlabel("bid premium, multiple of the cited figures (dashed: as cited)")
        ax.xaxis.set_major_formatter(mpl().FuncFormatter(lambda v, _: f"{v:g}×"))
        ax.set_ylabel("de-risking cost (USD m / yr)")
        ax.yaxis.set_major_formatter(mpl().FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_title("What de-risking costs as the price of bidding supply away rises",
                     loc="left")
        ax.legend(fontsize=7)
        fig.tight_layout()
        return png_bytes(fig)
