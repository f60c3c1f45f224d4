"""Concentration and exposure measures, per mineral x stage x year.

All measures are pure functions of a :class:`~toolkit.chain.SupplyChain`.

Shares
    :math:`s_c = q_c / \\sum_k q_k`, with :math:`q` tonnes of contained element and the
    denominator the sum of all listed countries *including* the rest-of-world
    aggregate ``ROW`` (USGS "Other countries", IEA "Rest of world").
HHI
    :math:`\\sum_c (100 s_c)^2` over named countries (0-10,000).  ``ROW`` is an
    aggregate of many small producers, so it counts in the denominator but is not
    squared: the HHI is a lower bound when ``ROW`` is large.
HHI_WGI (EU JRC; Blengini et al. 2017, doi:10.2760/73303)
    :math:`\\sum_c s_c^2 \\cdot WGI^{scaled}_c \\cdot t_c` with :math:`s_c` a fraction,
    :math:`WGI^{scaled}_c = 2 (2.5 - WGI_c)` (the mean of the six World Bank estimates
    rescaled to 0-10, 10 = poorest governance) and trade factor :math:`t_c = 1`.
    Countries with no WGI (``ROW``) are left out of the sum.
Risk band
    US Horizontal Merger Guidelines (2010): HHI < 1,500 low (unconcentrated),
    1,500-2,500 moderate, > 2,500 high (highly concentrated).
Import reliance (USGS)
    :math:`IR = (I - E) / (P + I - E) = 1 - P / C` with apparent consumption
    :math:`C` = the buyer's demand and :math:`P` its own capacity at the stage,
    clipped to 0-1.
China-touch exposure
    the share of a buyer's supply whose path passes a Chinese node at or before
    the stage (:func:`toolkit.network.china_touch`, pro-rata mixing).
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
from pyomo.common.gc_manager import PauseGC

from toolkit.chain import SupplyChain
from toolkit.chokepoints import chokepoints
from toolkit.network import (
    BUYER_STAGE,
    build_network,
    china_touch,
    mass_balance,
    upstream_shares,
)
from toolkit.schema import BUYERS, CHINA

AGGREGATE = "ROW"
BAND_RULE = ("US Horizontal Merger Guidelines 2010: HHI < 1,500 low, 1,500-2,500 moderate, "
             "> 2,500 high")
METRIC_COLUMNS = ["mineral", "stage", "year", "total_t", "china_share", "top1_country",
                  "top1_share", "top3_share", "hhi", "hhi_wgi", "risk_band", "china_t",
                  "n_countries", "estimate"]


def shares(tonnes: pd.Series) -> pd.Series:
    """Country shares of a stage: ``tonnes / tonnes.sum()`` (index = country)."""
    total = float(tonnes.sum())
    if total <= 0:
        return tonnes * 0.0
    return tonnes / total


def hhi(share: pd.Series, aggregate: str = AGGREGATE) -> float:
    """Herfindahl-Hirschman index, 0-10,000, of named countries' shares (fractions)."""
    named = share.drop(labels=[aggregate], errors="ignore")
    return float(((100.0 * named) ** 2).sum())


def top_k(share: pd.Series, k: int, aggregate: str = AGGREGATE) -> float:
    """Sum of the ``k`` largest named-country shares."""
    named = share.drop(labels=[aggregate], errors="ignore")
    return float(named.sort_values(ascending=False).head(k).sum())


def top_country(share: pd.Series, aggregate: str = AGGREGATE) -> tuple[str, float]:
    """The largest named country and its share (ties broken by country code)."""
    named = share.drop(labels=[aggregate], errors="ignore")
    if named.empty:
        return "", math.nan
    ordered = sorted(named.items(), key=lambda kv: (-kv[1], kv[0]))
    return str(ordered[0][0]), float(ordered[0][1])


def wgi_scaled(wgi: float) -> float:
    """A WGI estimate (-2.5 poorest ... +2.5 best governance) rescaled to 0-10, 10 = poorest.

    .. math:: WGI^{scaled} = 10 \\cdot (2.5 - WGI) / 5, clipped to [0, 10].
    """
    return min(10.0, max(0.0, 2.0 * (2.5 - float(wgi))))


def hhi_wgi(share: pd.Series, wgi: dict[str, float]) -> float:
    """EU governance-weighted HHI: sum of share^2 x scaled WGI (shares as fractions)."""
    total = 0.0
    for country, s in share.items():
        value = wgi.get(str(country))
        if value is None or math.isnan(value):
            continue
        total += float(s) ** 2 * wgi_scaled(value)
    return total


def risk_band(value: float) -> str:
    """``low`` / ``moderate`` / ``high`` by the 2010 merger-guideline HHI thresholds."""
    if math.isnan(value):
        return ""
    if value < 1500:
        return "low"
    return "moderate" if value <= 2500 else "high"


def stage_measures(rows: pd.DataFrame, wgi: dict[str, float]) -> dict[str, object]:
    """Every concentration measure of one mineral x stage x year (rows of supply)."""
    estimate = bool(rows["estimate"].any()) if "estimate" in rows else False
    return measures(rows.groupby("country")["capacity_t"].sum(), estimate, wgi)


def measures(tonnes: pd.Series, estimate: bool, wgi: dict[str, float]) -> dict[str, object]:
    """Every concentration measure of one stage from its tonnes per country (t/yr,
    index = country, sorted, no NaN): :func:`shares`, :func:`hhi`, :func:`top_k`,
    :func:`top_country` and :func:`hhi_wgi` evaluated on the arrays (the same
    operations in the same order, so the same floats; ``tests/test_reports_speed.py``)."""
    countries = [str(c) for c in tonnes.index]
    values = tonnes.to_numpy(dtype=float)
    total = float(values.sum())
    share = values * 0.0 if total <= 0 else values / total
    named = np.array([c != AGGREGATE for c in countries], dtype=bool)
    named_share = share[named]
    value = float(((100.0 * named_share) ** 2).sum())
    top3 = np.ascontiguousarray(np.sort(named_share)[::-1][:3])
    ranked = sorted(((-float(v), c) for c, v, n in zip(countries, share, named, strict=True)
                     if n))
    china = countries.index(CHINA) if CHINA in countries else None
    return {
        "total_t": total, "n_countries": int((values > 0).sum()),
        "china_t": float(values[china]) if china is not None else 0.0,
        "china_share": float(share[china]) if china is not None else 0.0,
        "top1_country": ranked[0][1] if ranked else "",
        "top1_share": -ranked[0][0] if ranked else math.nan,
        "top3_share": float(top3.sum()), "hhi": value,
        "hhi_wgi": _hhi_wgi(countries, share, wgi), "risk_band": risk_band(value),
        "estimate": estimate,
    }


def _hhi_wgi(countries: list[str], share: np.ndarray, wgi: dict[str, float]) -> float:
    """:func:`hhi_wgi` of the shares of ``countries``."""
    total = 0.0
    for country, s in zip(countries, share, strict=True):
        value = wgi.get(country)
        if value is None or math.isnan(value):
            continue
        total += float(s) ** 2 * wgi_scaled(value)
    return total


def _gc_paused(fn):
    """``fn`` run with the cyclic garbage collector paused (as the model build is): the
    metrics make many small frames and graphs, and the collector would rescan the
    whole heap of the run again and again."""
    @functools.wraps(fn)
    def paused(*args, **kwargs):
        with PauseGC():
            return fn(*args, **kwargs)
    return paused


def _wgi_map(chain: SupplyChain) -> dict[str, float]:
    return {str(c): float(w) for c, w in zip(chain.countries["country"],
                                             chain.countries["wgi"], strict=True)
            if w is not None and not pd.isna(w)}


@_gc_paused
def concentration_table(chain: SupplyChain, exposure: bool = True) -> pd.DataFrame:
    """One row per mineral, stage and year the supply data holds, with every measure.

    With ``exposure``, adds per buyer ``<buyer>_demand_t``, ``<buyer>_import_reliance``,
    ``<buyer>_china_touch`` (share of the buyer's supply that has touched China at or
    before this stage) and ``<buyer>_china_touch_any`` (at any stage of the whole path:
    the buyer's China-touch exposure for the mineral), lower-case buyer code.
    """
    wgi = _wgi_map(chain)
    supply = chain.supply.copy()
    supply["year"] = supply["year"].fillna(-1)
    keys = ["mineral", "stage", "year"]
    # tonnes per country of every stage from one groupby (each group's sum is the sum
    # of that stage's own rows, as stage_measures computes it)
    tonnes = supply.groupby([*keys, "country"], sort=True)["capacity_t"].sum()
    by_stage = {key: t.droplevel(keys) for key, t in tonnes.groupby(level=keys, sort=False)}
    flags = supply.groupby(keys, sort=False)["estimate"].any() if "estimate" in supply \
        else None
    rows = []
    for key in dict.fromkeys(supply[keys].itertuples(index=False, name=None)):
        if key not in by_stage:  # a key with a missing part: groupby leaves it out
            continue
        estimate = bool(flags[key]) if flags is not None else False
        rows.append({"mineral": key[0], "stage": key[1], "year": key[2],
                     **measures(by_stage[key], estimate, wgi)})
    table = pd.DataFrame(rows, columns=METRIC_COLUMNS)
    table["year"] = table["year"].where(table["year"] >= 0)
    table = _order(table, chain)
    if exposure:
        table = table.merge(exposure_columns(chain, table), how="left",
                            on=["mineral", "stage", "year"])
    return table


def _order(table: pd.DataFrame, chain: SupplyChain) -> pd.DataFrame:
    mineral_rank = {m: i for i, m in enumerate(chain.mineral_ids)}
    stage_rank = {"mine": 0, "refine": 1, "manufacture": 2}
    key = table.assign(_m=table["mineral"].map(mineral_rank), _s=table["stage"].map(
        stage_rank))
    key = key.sort_values(["_m", "_s", "year"], kind="stable")
    return key.drop(columns=["_m", "_s"]).reset_index(drop=True)


def path_weights(graph, buyer: str) -> dict:
    """Share of ``buyer``'s supply that passes each supply node (pro-rata mixing).

    .. math:: p(u) = \\sum_{v} p(v) \\, w_{u,v}, \\quad p(\\text{buyer}) = 1
    """
    target = (BUYER_STAGE, buyer)
    weights = {target: 1.0}
    for stage in reversed(graph.graph["stages"] + [BUYER_STAGE]):
        for node in [n for n in graph if n[0] == stage and n in weights]:
            for u, s in upstream_shares(graph, node).items():
                weights[u] = weights.get(u, 0.0) + weights[node] * s
    weights.pop(target)
    return weights


def buyer_exposure(chain: SupplyChain, mineral: str) -> pd.DataFrame:
    """Per buyer and stage: the buyer's China share at that stage and its China-touch.

    ``china_share`` counts supply passing a Chinese node *at* the stage;
    ``china_touch`` counts supply whose path touched China *at or before* it.
    """
    return pd.DataFrame(_exposure_rows(chain, mineral),
                        columns=["mineral", "buyer", "stage", "china_share", "china_touch"])


def _exposure_rows(chain: SupplyChain, mineral: str) -> list[dict[str, object]]:
    """The rows of :func:`buyer_exposure`, in order (buyers, then stages upstream first)."""
    graph = build_network(chain, mineral)
    touch = china_touch(graph)
    rows = []
    for buyer in [n[1] for n in graph if n[0] == BUYER_STAGE]:
        weights = path_weights(graph, buyer)
        for stage in graph.graph["stages"]:
            nodes = [n for n in weights if n[0] == stage]
            rows.append({"mineral": mineral, "buyer": buyer, "stage": stage,
                         "china_share": sum(weights[n] for n in nodes if n[1] == CHINA),
                         "china_touch": sum(weights[n] * touch[n] for n in nodes)})
    return rows


def exposure_columns(chain: SupplyChain, table: pd.DataFrame) -> pd.DataFrame:
    """Buyer columns (demand, import reliance, China-touch) for each table row.

    The demand and own-capacity totals of each data year are summed once per year
    (:func:`_totals`), not filtered from the tables per row.
    """
    out = []
    totals: dict[int, tuple[dict, dict]] = {}
    for (mineral, year), group in table.groupby(["mineral", "year"], dropna=False,
                                                sort=False):
        at = chain.at_year(None if pd.isna(year) else year)
        if id(at) not in totals:
            totals[id(at)] = _totals(at)
        demand, own = totals[id(at)]
        touch = _touch(_exposure_rows(at, mineral))
        for stage in group["stage"]:
            out.append({"mineral": mineral, "stage": stage, "year": year,
                        **_buyer_values(demand, own, touch, mineral, stage)})
    cols = ["mineral", "stage", "year"] + [f"{b.lower()}_{k}" for b in BUYERS
                                           for k in ("demand_t", "import_reliance",
                                                     "china_touch", "china_touch_any")]
    return pd.DataFrame(out, columns=cols)


def _sums(frame: pd.DataFrame, keys: list[str], column: str) -> dict[tuple, float]:
    """``column`` summed per value of ``keys`` (NaN counted as 0, rows in table order: the
    same float as ``frame.loc[<key matches>, column].sum()``)."""
    values = frame[column].to_numpy(dtype=float)
    groups = frame.groupby(keys, sort=False).indices if len(frame) else {}
    return {key: float(np.nansum(values[np.sort(rows)])) for key, rows in groups.items()}


def _totals(chain: SupplyChain) -> tuple[dict[tuple, float], dict[tuple, float]]:
    """Demand (t/yr) per (buyer, mineral) and capacity (t/yr) per (mineral, stage,
    country) of one data year."""
    return (_sums(chain.demand, ["buyer", "mineral"], "demand_t"),
            _sums(chain.supply, ["mineral", "stage", "country"], "capacity_t"))


def _touch(rows: list[dict[str, object]]) -> dict[tuple[str, str | None], float]:
    """China-touch per (buyer, stage) (the first row of each) and per (buyer, None) (the
    buyer's last row: the whole path)."""
    touch: dict[tuple[str, str | None], float] = {}
    for row in rows:
        value = float(row["china_touch"])
        touch.setdefault((str(row["buyer"]), str(row["stage"])), value)
        touch[(str(row["buyer"]), None)] = value
    return touch


def _buyer_values(demand_of: dict[tuple, float], own_of: dict[tuple, float],
                  touch: dict[tuple[str, str | None], float], mineral: str,
                  stage: str) -> dict[str, float]:
    values = {}
    for buyer in BUYERS:
        demand = demand_of.get((buyer, mineral), 0.0)
        own = own_of.get((mineral, stage, buyer), 0.0)
        key = buyer.lower()
        values[f"{key}_demand_t"] = demand if demand > 0 else math.nan
        values[f"{key}_import_reliance"] = (min(1.0, max(0.0, 1.0 - own / demand))
                                            if demand > 0 else math.nan)
        values[f"{key}_china_touch"] = touch.get((buyer, stage), math.nan)
        values[f"{key}_china_touch_any"] = touch.get((buyer, None), math.nan)
    return values


@_gc_paused
def chokepoint_table(chain: SupplyChain, year: float | None = None, top: int = 5,
                     access: float | str = "pro_rata") -> pd.DataFrame:
    """The ``top`` chokepoints of every mineral for every buyer, at one data year."""
    at = chain.at_year(year)
    frames = []
    for mineral in chain.mineral_ids:
        graph = build_network(at, mineral)
        for buyer in BUYERS:
            found = chokepoints(graph, buyer, access)
            frames.append(found[found["loss_t"] > 0].head(top))
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=["mineral", "buyer", "stage", "country", "loss_t",
                                     "loss_share", "rank"])
    return pd.concat(frames, ignore_index=True)


def mass_balance_table(chain: SupplyChain, year: float | None = None) -> pd.DataFrame:
    """Stage-to-stage tonnage check of every mineral at one data year (see
    :func:`toolkit.network.mass_balance`)."""
    at = chain.at_year(year)
    frames = [mass_balance(build_network(at, m)) for m in chain.mineral_ids]
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
