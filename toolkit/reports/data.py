"""Tidy tables the reports show, read from a run's bundle (never re-solved).

The bundle is what :mod:`toolkit.pipeline` hands to :func:`toolkit.reports.write_reports`:
``result`` (the JSON dict of the run), ``chain`` (the :class:`~toolkit.chain.SupplyChain`
solved), ``metrics`` (concentration table or None), ``chokepoints``, and provenance
(``input_path``, ``input_sha256``, ``run_seconds``, ``run_timestamp``,
``toolkit_version``, ``solver``).  Every key of ``result`` may be missing or empty:
each function here then returns an empty table with its declared columns.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from toolkit.reports.countries import country_names
from toolkit.reports.words import listing
from toolkit.schema import BUYERS, STAGES

PORTFOLIO_COLS = ["case", "buyer", "mineral", "stage", "country", "tonnes"]
STOCKPILE_COLS = ["case", "buyer", "mineral", "tonnes"]
SCENARIO_COLS = ["case", "scenario", "buyer", "mineral", "served_t", "shortfall_t"]
PRICE_COLS = ["case", "setting", "stage", "mineral", "buyer", "usd_per_pp", "step_usd",
              "countries", "country_names", "exclusion"]
PARETO_COLS = ["case", "sweep", "epsilon", "objective_usd", "status"]
CHINA_COLS = ["case", "buyer", "mineral", "stage", "baseline_share", "portfolio_share"]
TOUCH_COLS = ["case", "buyer", "mineral", "baseline_share", "portfolio_share"]
NUMERIC = {"tonnes", "served_t", "shortfall_t", "usd_per_pp", "step_usd", "epsilon",
           "objective_usd", "baseline_share", "portfolio_share"}
TOUCH_STAGES = ("touch", "any", "china_touch")


@dataclass(frozen=True)
class Case:
    """One policy case of a run: its name, mode, status, objective and raw JSON."""

    name: str
    mode: str
    status: str
    objective_usd: float
    raw: dict = field(repr=False)


def cases_of(result: dict | None) -> list[Case]:
    """The policy cases of a result: its ``cases`` list, or the result itself."""
    result = result or {}
    raw = [c for c in result.get("cases") or [] if isinstance(c, dict)] or [result]
    return [_case(c, i) for i, c in enumerate(raw)]


def _case(raw: dict, index: int) -> Case:
    settings = raw.get("settings") if isinstance(raw.get("settings"), dict) else {}
    mode = raw.get("mode") or settings.get("mode") or ""
    name = raw.get("case") or ("default" if index == 0 else f"case {index + 1}")
    objective = raw.get("objective_usd")
    if raw.get("multi_year") and raw.get("years"):  # the tables describe the first year
        objective = raw["years"][0].get("cost_usd") if objective is not None else None
    return Case(str(name), str(mode), str(raw.get("status") or "unknown"),
                number(objective), raw)


def number(value: Any) -> float:
    """``value`` as a float; NaN when missing or not a number."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        return math.nan
    return out


def rows_table(cases: list[Case], key: str, columns: list[str]) -> pd.DataFrame:
    """Concatenate the row lists ``case.raw[key]`` of every case, with a ``case`` column.

    Declared ``columns`` come first (missing ones are blank); extra keys follow in the
    order first seen; rows that are not dicts are kept as ``{"value": str(row)}``.
    """
    records = []
    for case in cases:
        for row in case.raw.get(key) or []:
            row = row if isinstance(row, dict) else {"value": str(row)}
            records.append({**row, "case": str(row.get("case") or case.name)})
    extra = [k for r in records for k in r if k not in columns]
    ordered = columns + list(dict.fromkeys(extra))
    table = pd.DataFrame(records, columns=ordered)
    for col in ordered:
        if col in NUMERIC:
            table[col] = pd.to_numeric(table[col], errors="coerce").astype("float64")
    return table.reset_index(drop=True)


TOTAL_MINERALS = ("all", "total", "")


def pareto_tables(cases: list[Case]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Pareto frontier (whole plan) and its per-mineral points, sorted.

    When the rows carry a ``mineral``, the frontier is the rows whose mineral is
    ``all`` (or blank), else the sum over minerals (optimal only when every mineral
    is).  ``feasible_cost_usd`` is the objective of optimal points only (what charts
    plot).  Cases keep their run order; points are sorted by sweep and epsilon.
    """
    rows = rows_table(cases, "pareto", PARETO_COLS)
    if "mineral" not in rows.columns or rows["mineral"].isna().all():
        front, detail = rows, rows.iloc[0:0]
    else:
        is_total = rows["mineral"].fillna("").astype(str).isin(TOTAL_MINERALS)
        front, detail = rows[is_total], rows[~is_total]
        if front.empty:
            front = _summed_frontier(detail)
    front = _order_points(front)
    ok = front["status"].fillna("optimal").astype(str) == "optimal"
    front = front.assign(feasible_cost_usd=front["objective_usd"].where(ok))
    return front.reset_index(drop=True), _order_points(detail, ["mineral"])


def _summed_frontier(detail: pd.DataFrame) -> pd.DataFrame:
    keys = ["case", "sweep", "epsilon"]
    ok = detail["status"].fillna("optimal").astype(str) == "optimal"
    out = detail.assign(_bad=~ok).groupby(keys, as_index=False, sort=False).agg(
        objective_usd=("objective_usd", "sum"), _bad=("_bad", "sum"))
    out["status"] = out["_bad"].map(lambda n: "optimal" if n == 0 else "infeasible")
    return out.drop(columns="_bad").assign(mineral="all")[PARETO_COLS + ["mineral"]]


def _order_points(table: pd.DataFrame, extra: list[str] | None = None) -> pd.DataFrame:
    if table.empty:
        return table.reset_index(drop=True)
    rank = {c: i for i, c in enumerate(dict.fromkeys(table["case"]))}
    key = table.assign(_case=table["case"].map(rank))
    key = key.sort_values(["_case", "sweep", *(extra or []), "epsilon"], kind="stable")
    return key.drop(columns="_case").reset_index(drop=True)


def demand_table(chain, case: Case | None = None) -> pd.DataFrame:
    """Demand in tonnes per planned buyer (GBR, JPN) and mineral (sectors summed) at the
    data year ``case`` used (:func:`data_year`; no case: the chain's default year), as
    the optimisation saw it: one year's rows, never the later years' projections."""
    if chain is None or chain.demand is None or chain.demand.empty:
        return pd.DataFrame(columns=["buyer", "mineral", "demand_t"])
    demand = chain.at_year(None if case is None else data_year(case)).demand
    planned = demand[demand["buyer"].isin(BUYERS)]
    return (planned.groupby(["buyer", "mineral"], as_index=False, sort=True)["demand_t"]
            .sum())


def setting_value(case: Case, name: str) -> Any:
    """A case-wide setting: from a settings dict, or the unscoped row of a settings list."""
    settings = case.raw.get("settings")
    if isinstance(settings, dict):
        return settings.get(name)
    for row in settings or []:
        if isinstance(row, dict) and row.get("setting") == name \
                and not any(row.get(k) for k in ("stage", "mineral", "buyer")):
            return row.get("value")
    return None


def data_year(case: Case) -> float | None:
    """The data year of the case's tables: its setting ``year``, else the first of its
    modelled ``years`` (a multi-year case's tables describe that year), else None (the
    chain's default year)."""
    year = number(setting_value(case, "year"))
    if math.isnan(year):
        years = setting_value(case, "years")
        if isinstance(years, str):  # "2024,2030,2035" as typed
            years = [y for y in years.replace(";", ",").split(",") if y.strip()]
        first = years[0] if isinstance(years, list) and years else None
        year = number(first)
    return None if math.isnan(year) else year


def supply_used(chain, case: Case):
    """The supply table at the data year the case used (:func:`data_year`)."""
    if chain is None:
        return None
    return chain.at_year(data_year(case)).supply


def same_cost_stages(chain, case: Case) -> pd.DataFrame:
    """Per mineral and stage: do all suppliers have the same unit cost in the data?

    A (mineral, stage) is ``same_cost`` when every country with capacity there has one
    unit cost (to 1e-9 relative) and no route into or out of the stage has a positive
    cost: moving tonnes between its countries (away from China, say) then changes the
    plan's cost only through capacity limits, so caps on China's share there have a
    shadow price of 0 unless capacity runs short.

    Returns
    -------
    Columns ``mineral, stage, countries, same_cost`` (bool), sorted.
    """
    cols = ["mineral", "stage", "countries", "same_cost"]
    supply = supply_used(chain, case)
    if supply is None or supply.empty:
        return pd.DataFrame(columns=cols)
    nodes = supply[supply["capacity_t"] > 0].groupby(
        ["mineral", "stage", "country"], as_index=False, sort=True)["unit_cost_usd_per_t"].mean()
    if nodes.empty:
        return pd.DataFrame(columns=cols)
    out = nodes.groupby(["mineral", "stage"], as_index=False, sort=True).agg(
        countries=("country", "size"), low=("unit_cost_usd_per_t", "min"),
        high=("unit_cost_usd_per_t", "max"))
    out["same_cost"] = (out["high"] - out["low"]) <= 1e-9 * out["high"].abs().clip(lower=1.0)
    routed = _costly_route_stages(chain)
    out["same_cost"] &= ~out[["mineral", "stage"]].apply(tuple, axis=1).isin(routed)
    return out[cols].reset_index(drop=True)


def _costly_route_stages(chain) -> set[tuple[str, str]]:
    routes = getattr(chain, "routes", None)
    if routes is None or routes.empty:
        return set()
    costly = routes[pd.to_numeric(routes["cost_usd_per_t"], errors="coerce").fillna(0) > 0]
    return ({(m, s) for m, s in zip(costly["mineral"], costly["from_stage"], strict=True)}
            | {(m, s) for m, s in zip(costly["mineral"], costly["to_stage"], strict=True)})


def unit_costs(chain, case: Case) -> pd.DataFrame:
    """Unit cost (USD/t) and capacity of each node at the case's data year."""
    supply = supply_used(chain, case)
    cols = ["mineral", "stage", "country", "capacity_t", "unit_cost_usd_per_t"]
    if supply is None or supply.empty:
        return pd.DataFrame(columns=cols)
    return (supply.groupby(["mineral", "stage", "country"], as_index=False, sort=True)
            .agg(capacity_t=("capacity_t", "sum"),
                 unit_cost_usd_per_t=("unit_cost_usd_per_t", "mean")))


def baseline_portfolio(chain, case: Case) -> pd.DataFrame:
    """The pro-rata baseline: each buyer's demand spread over a stage's countries.

    .. math:: b_{c} = D_{buyer, m} \\cdot q_{m,s,c} / \\sum_k q_{m,s,k}

    with :math:`q` the capacity at the case's data year: what a buyer buying "the
    world mix" at every stage would contract today.
    """
    nodes = unit_costs(chain, case)
    demand = demand_table(chain, case)
    cols = ["buyer", "mineral", "stage", "country", "baseline_t"]
    if nodes.empty or demand.empty:
        return pd.DataFrame(columns=cols)
    total = nodes.groupby(["mineral", "stage"])["capacity_t"].transform("sum")
    nodes = nodes.assign(world_share=(nodes["capacity_t"] / total).where(total > 0, 0.0))
    out = demand.merge(nodes, on="mineral", how="inner")
    out["baseline_t"] = out["demand_t"] * out["world_share"]
    return out[cols]


def portfolio_table(chain, cases: list[Case]) -> pd.DataFrame:
    """Recommended portfolio beside the pro-rata baseline, with shares and costs.

    ``share`` is the country's share of the buyer's tonnes of the mineral at the stage;
    ``cost_usd`` = tonnes x the node's ``unit_cost_usd_per_t`` (route costs excluded).
    """
    frames = [_case_portfolio(chain, case, rows_table([case], "portfolio", PORTFOLIO_COLS))
              for case in cases]
    cols = PORTFOLIO_COLS[:5] + ["country_name", "tonnes", "share", "unit_cost_usd_per_t",
                                 "cost_usd", "baseline_t", "baseline_share"]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    return out.merge(country_names(chain), on="country", how="left")[cols]


def price_table(chain, cases: list[Case]) -> pd.DataFrame:
    """The shadow prices of every case; ``country_names``: the binding countries of a
    ``max_country_share`` row in words ('North Korea and China'; blank elsewhere)."""
    table = rows_table(cases, "shadow_prices", PRICE_COLS)
    names = dict(country_names(chain).itertuples(index=False))
    countries = [v if isinstance(v, str) else "" for v in table["countries"]]
    words = [listing([names.get(c, c) for c in v.split(", ")]) if v else ""
             for v in countries]
    return table.assign(countries=countries, country_names=words,
                        exclusion=[v is True for v in table["exclusion"]])


def binding_prices(prices: pd.DataFrame) -> pd.DataFrame:
    """The binding constraints (shadow price not 0), the largest saving first, with
    ``saving_usd``: the re-solved saving of the one-point step (``step_usd``), or the
    shadow price itself where no step was re-solved (a result written before the field
    existed, or a model that was not kept).  Ties: case, setting, mineral, stage, buyer."""
    sel = prices.dropna(subset=["usd_per_pp"])
    sel = sel[sel["usd_per_pp"].abs() > 0]
    saving = sel["step_usd"].where(sel["step_usd"].notna(), sel["usd_per_pp"].abs())
    return sel.assign(saving_usd=saving).sort_values(
        ["saving_usd", "case", "setting", "mineral", "stage", "buyer"],
        ascending=[False, True, True, True, True, True], kind="stable")


def _case_portfolio(chain, case: Case, plan: pd.DataFrame) -> pd.DataFrame:
    keys = ["buyer", "mineral", "stage", "country"]
    plan = plan.groupby(keys, as_index=False, sort=True)["tonnes"].sum()
    base = baseline_portfolio(chain, case)
    if not plan.empty:  # baseline only for the buyers and minerals the plan covers
        base = base.merge(plan[["buyer", "mineral"]].drop_duplicates(), on=["buyer",
                                                                             "mineral"])
    else:
        base = base.iloc[0:0]
    out = plan.merge(base, on=keys, how="outer").sort_values(keys, kind="stable")
    out["tonnes"] = out["tonnes"].fillna(0.0)
    out["baseline_t"] = out["baseline_t"].fillna(0.0) if len(base) else math.nan
    out = out.merge(unit_costs(chain, case)[keys[1:] + ["unit_cost_usd_per_t"]],
                    on=keys[1:], how="left")
    out["cost_usd"] = out["tonnes"] * out["unit_cost_usd_per_t"]
    group = out.groupby(["buyer", "mineral", "stage"])
    out["share"] = _ratio(out["tonnes"], group["tonnes"].transform("sum"))
    out["baseline_share"] = _ratio(out["baseline_t"], group["baseline_t"].transform("sum"))
    out.insert(0, "case", case.name)
    return out.reset_index(drop=True)


def _ratio(top: pd.Series, bottom: pd.Series) -> pd.Series:
    return (top / bottom).where(bottom > 0)


def scenario_table(chain, cases: list[Case]) -> pd.DataFrame:
    """Served and unserved tonnes per case, scenario, buyer and mineral, with shares.

    ``served_share`` = served / demand, demand from the chain (or served + shortfall
    when the chain has no demand row).
    """
    table = rows_table(cases, "scenarios", SCENARIO_COLS)
    demand = pd.concat([demand_table(chain, case).assign(case=case.name) for case in cases]
                       or [pd.DataFrame(columns=["buyer", "mineral", "demand_t", "case"])],
                       ignore_index=True)
    table = table.merge(demand, on=["case", "buyer", "mineral"], how="left")
    fallback = table["served_t"].fillna(0.0) + table["shortfall_t"].fillna(0.0)
    table["demand_t"] = table["demand_t"].astype("float64").fillna(fallback)
    table["served_share"] = _ratio(table["served_t"], table["demand_t"])
    return table


def china_table(cases: list[Case]) -> pd.DataFrame:
    """China's share per case, buyer, mineral and stage: baseline and portfolio."""
    table = rows_table(cases, "china_share", CHINA_COLS)
    table = table[~table["stage"].isin(TOUCH_STAGES)].reset_index(drop=True)
    table["change_pp"] = 100.0 * (table["portfolio_share"] - table["baseline_share"])
    return table


def touch_table(cases: list[Case], metrics: pd.DataFrame | None) -> pd.DataFrame:
    """China-touch exposure per case, buyer and mineral (baseline, portfolio).

    Read from the result's ``china_touch`` rows, its ``china_share`` rows whose stage
    is ``touch``, or its ``summary`` rows (``baseline_china_touch_share``,
    ``china_touch_share``); the baseline falls back on the metrics table's
    ``<buyer>_china_touch`` at each mineral's last stage (latest year).
    """
    table = rows_table(cases, "china_touch", TOUCH_COLS)
    shares = rows_table(cases, "china_share", CHINA_COLS)
    shares = shares[shares["stage"].isin(TOUCH_STAGES)].drop(columns=["stage"])
    summary = rows_table(cases, "summary", ["case", "buyer", "mineral"])
    if {"china_touch_share", "baseline_china_touch_share"} <= set(summary.columns):
        summary = summary.assign(
            baseline_share=pd.to_numeric(summary["baseline_china_touch_share"],
                                         errors="coerce"),
            portfolio_share=pd.to_numeric(summary["china_touch_share"], errors="coerce"))
    else:
        summary = summary.iloc[0:0]
    table = pd.concat([t for t in (table, shares, summary) if not t.empty] or [table],
                      ignore_index=True)
    if table.empty:
        return _touch_from_metrics(cases, metrics)
    return table[TOUCH_COLS].reset_index(drop=True)


def _touch_from_metrics(cases: list[Case], metrics: pd.DataFrame | None) -> pd.DataFrame:
    if metrics is None or metrics.empty or "stage" not in metrics:
        return pd.DataFrame(columns=TOUCH_COLS)
    latest = latest_metrics(metrics)
    last = latest.assign(_rank=latest["stage"].map({s: i for i, s in enumerate(STAGES)}))
    last = last.sort_values(["mineral", "_rank"]).groupby("mineral").tail(1)
    rows = [{"case": case.name, "buyer": col.split("_")[0].upper(), "mineral": m,
             "baseline_share": number(v), "portfolio_share": math.nan}
            for case in cases for col in sorted(c for c in last if c.endswith("_china_touch"))
            for m, v in zip(last["mineral"], last[col], strict=True) if not math.isnan(number(v))]
    return pd.DataFrame(rows, columns=TOUCH_COLS)


def latest_metrics(metrics: pd.DataFrame | None,
                   up_to: float | None = None) -> pd.DataFrame:
    """Per mineral and stage, the metrics row of the latest year up to ``up_to`` (the
    data year, :func:`toolkit.chain.default_year`: later rows are projections, not data;
    None: every year), undated rows kept."""
    if metrics is None or metrics.empty:
        return pd.DataFrame(columns=["mineral", "stage", "china_share"])
    if "year" not in metrics:
        return metrics.reset_index(drop=True)
    year = pd.to_numeric(metrics["year"], errors="coerce")
    if up_to is not None:
        metrics = metrics[~(year > up_to)]
        year = year[metrics.index]
    latest = year.groupby([metrics["mineral"], metrics["stage"]]).transform("max")
    keep = (year == latest) | latest.isna()
    return metrics[keep].reset_index(drop=True)


def settings_rows(cases: list[Case]) -> pd.DataFrame:
    """The settings each case used, one row per case and setting.

    ``settings`` may be a dict (setting -> value) or a list of rows (``setting``,
    ``stage``, ``mineral``, ``buyer``, ``value``); nested values are shown as JSON.
    """
    rows = []
    for case in cases:
        settings = case.raw.get("settings")
        if isinstance(settings, dict):
            rows += [{"case": case.name, "setting": str(k), "value": _text(v)}
                     for k, v in settings.items()]
            continue
        for item in settings or []:
            item = item if isinstance(item, dict) else {"value": item}
            rows.append({"case": case.name, **{k: _text(v) for k, v in item.items()}})
    cols = ["case", "setting"] + [c for c in dict.fromkeys(k for r in rows for k in r)
                                  if c not in ("case", "setting", "value")] + ["value"]
    return pd.DataFrame(rows, columns=cols)


def _text(value: Any) -> Any:
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, sort_keys=True, default=str)
    return value


def diagnosis_lines(case: Case) -> list[str]:
    """A case's diagnosis as plain sentences.

    ``diagnosis`` may be a list of strings and/or rows, or a dict with ``messages``
    (strings) and ``rows``; a row is shown by its ``message`` (or ``text``) or, failing
    that, as ``key: value`` pairs.
    """
    raw = case.raw.get("diagnosis")
    if isinstance(raw, dict):
        raw = raw.get("messages") or raw.get("rows") or []
    lines = []
    for item in raw or []:
        if isinstance(item, dict):
            text = item.get("message") or item.get("text") or "; ".join(
                f"{k}: {_text(v)}" for k, v in item.items())
            lines.append(str(text))
        else:
            lines.append(str(item))
    return lines


def is_joint(case: Case) -> bool:
    """Whether the case plans the two buyers jointly (one pooled plan)."""
    return case.mode.strip().lower() == "joint"


def diagnosis_rows(case: Case) -> list[dict]:
    """A case's diagnosis rows (dicts with ``setting, stage, mineral, buyer, ...``)."""
    raw = case.raw.get("diagnosis")
    rows = raw.get("rows") if isinstance(raw, dict) else raw
    return [r for r in rows or [] if isinstance(r, dict)]


def cooperation(case: Case) -> dict:
    """The case's cooperation dict (empty when absent)."""
    value = case.raw.get("cooperation")
    return value if isinstance(value, dict) else {}
