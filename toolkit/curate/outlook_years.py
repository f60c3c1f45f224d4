"""Year rows of the embedded outlook: supply capacities for 2030 and 2035.

``production_years.csv`` has the columns of ``production.csv`` and one complete set of
nodes per (mineral, stage) for each outlook year, so a model year Y takes its supply from
the rows of year Y and 2024 stays exactly as ``production.csv`` has it.  Every row has
``estimate = TRUE`` (a projection), so the single-year default (the latest non-estimate
year, 2024) is unchanged.  Rules, per (mineral, stage):

* **IEA level** (the IEA 2025 base case covers the stage and our 2024 tonnes are on the
  IEA's content basis): a country the IEA names gets the IEA figure for year Y
  (kt x 1000).  Our 2024 nodes the IEA does not name (and our ``ROW``) share the IEA "rest
  of world" of year Y (= IEA Total - named countries, ``outlook_supply.csv``) in
  proportion to their 2024 tonnes (ASSUMPTION: today's split of the IEA rest of world
  holds).  So the stage's world total in year Y equals the IEA Total.
* **IEA ratio** (rare-earth mining: our 2024 tonnes are USGS total REO, the IEA's are
  magnet rare earths Nd+Pr+Dy+Tb): each node = its 2024 tonnes x (IEA figure of its
  country in year Y / in 2024), the IEA rest-of-world ratio for countries it does not
  name.  Levels would mix two content bases.
* **Manufacture** of a mineral with an IEA refine stage: the 2024 country shares x the
  year's refine world total (ASSUMPTION: manufacturing shares of 2024 held), the rule that
  builds the 2024 manufacture rows (:mod:`toolkit.curate.hand_entered`).
* **Held** (every other mineral and stage): the 2024 rows with year Y, ``basis =
  assumption`` (no cited projection in the raw data: held at today's output).
"""

from __future__ import annotations

import pandas as pd

from toolkit.curate.common import IEA_YEAR, ROW
from toolkit.curate.usgs import PROD_COLS

OUTLOOK_YEARS = (2030, 2035)
EDITION = "2025"
IEA_SOURCE = "iea_cm_2025"
BASE_YEAR = IEA_YEAR  # 2024: the IEA 2025 edition's base year and our data year
RATIO_STAGES = {("rare_earths", "mine"): "our 2024 mine tonnes are USGS total REO; the "
                "IEA's are magnet rare earths (Nd+Pr+Dy+Tb), so IEA growth ratios are "
                "applied instead of levels"}
ROUND = 3
HELD = "ASSUMPTION: held at"


def base_rows(prod: pd.DataFrame, year: int = BASE_YEAR) -> pd.DataFrame:
    """Per (mineral, stage), the rows of the latest year <= ``year`` (today's output)."""
    dated = prod[prod["year"] <= year]
    latest = dated.groupby(["mineral", "stage"])["year"].transform("max")
    return dated[dated["year"] == latest].reset_index(drop=True)


def iea_stage(outlook: pd.DataFrame, mineral: str, stage: str) -> pd.DataFrame:
    """IEA 2025-edition rows of one (mineral, stage): country, year, tonnes (ROW included)."""
    sel = outlook[(outlook["edition"].astype(str) == EDITION)
                  & (outlook["mineral"] == mineral) & (outlook["stage"] == stage)]
    return sel[["country", "year", "tonnes"]]


def _value(iea: pd.DataFrame, country: str, year: int) -> float:
    hit = iea[(iea["country"] == country) & (iea["year"] == year)]["tonnes"]
    return float(hit.iloc[0]) if not hit.empty else 0.0


def _row(base: pd.Series, year: int, tonnes: float, detail: str, basis: str,
         source_id: str, capacity: float | None = None) -> dict:
    return {"mineral": base["mineral"], "stage": base["stage"], "country": base["country"],
            "year": year, "tonnes": round(tonnes, ROUND), "estimate": "TRUE",
            "source_id": source_id, "source_detail": detail, "basis": basis,
            "capacity_t": capacity, "capacity_source_id": "" if capacity is None
            else base.get("capacity_source_id", ""),
            "capacity_note": "" if capacity is None else base.get("capacity_note", "")}


def level_rows(base: pd.DataFrame, iea: pd.DataFrame, named: set[str], year: int
               ) -> list[dict]:
    """IEA levels for named countries; the IEA rest of world split by 2024 tonnes."""
    rows = []
    m, s = base["mineral"].iloc[0], base["stage"].iloc[0]
    for country in sorted(named):
        t = _value(iea, country, year)
        if t > 0:
            proto = pd.Series({"mineral": m, "stage": s, "country": country})
            rows.append(_row(proto, year, t, f"IEA CM Data Explorer 2025, base case {year}, "
                             f"{s} (kt x 1000; IEA level)", "modelled", IEA_SOURCE))
    rest = base[~base["country"].isin(named)]
    rest_t = _value(iea, ROW, year)
    total = float(rest["tonnes"].sum())
    if rest_t <= 0:
        return rows
    if total <= 0:
        proto = pd.Series({"mineral": m, "stage": s, "country": ROW})
        return rows + [_row(proto, year, rest_t, f"IEA rest of world {year} (kt x 1000)",
                            "modelled", IEA_SOURCE)]
    for _, b in rest.iterrows():
        share = float(b["tonnes"]) / total
        detail = (f"IEA rest of world {year} {rest_t:.3f} t x this node's share {share:.4f} "
                  f"of our {BASE_YEAR} nodes the IEA does not name ({b['tonnes']:.3f} of "
                  f"{total:.3f} t; ASSUMPTION: today's split of the IEA rest of world holds)")
        rows.append(_row(b, year, rest_t * share, detail, "assumption",
                         f"{IEA_SOURCE};{_sources(b)};assumption"))
    return rows


def _sources(b: pd.Series) -> str:
    return ";".join(i for i in str(b["source_id"]).split(";") if i and i != "assumption")


def ratio_rows(base: pd.DataFrame, iea: pd.DataFrame, named: set[str], year: int,
               why: str) -> list[dict]:
    """Each node's 2024 tonnes x the IEA growth of its country (or of the rest of world)."""
    rows = []
    for _, b in base.iterrows():
        key = b["country"] if b["country"] in named else ROW
        now, then = _value(iea, key, BASE_YEAR), _value(iea, key, year)
        if now <= 0 or then <= 0:
            continue
        label = b["country"] if key != ROW else "rest of world"
        detail = (f"{BASE_YEAR} tonnes {b['tonnes']:.3f} x IEA base-case growth of {label} "
                  f"{then:.3f} / {now:.3f} t ({year} / {BASE_YEAR}; {why})")
        rows.append(_row(b, year, float(b["tonnes"]) * then / now, detail, "derived",
                         f"{_sources(b)};{IEA_SOURCE}"))
    return rows


def manufacture_rows(base: pd.DataFrame, refine_total: float, year: int) -> list[dict]:
    """2024 manufacturing shares x the year's refine world total (shares held)."""
    total = float(base["tonnes"].sum())
    rows = []
    for _, b in base.iterrows():
        share = float(b["tonnes"]) / total
        detail = (f"{BASE_YEAR} manufacturing share {share:.4f} x {year} refine-stage world "
                  f"total {refine_total:.3f} t (ASSUMPTION: {BASE_YEAR} manufacturing "
                  "shares held; every tonne refined is manufactured, as in 2024)")
        rows.append(_row(b, year, share * refine_total, detail, "assumption",
                         f"{_sources(b)};{IEA_SOURCE};assumption"))
    return rows


def held_rows(base: pd.DataFrame, year: int) -> list[dict]:
    """Today's rows copied to ``year`` (no cited projection: held at today's output)."""
    rows = []
    for _, b in base.iterrows():
        cap = b["capacity_t"] if pd.notna(b["capacity_t"]) else None
        detail = (f"{HELD} {int(b['year'])} output (no projection in the raw "
                  f"data for this mineral and stage); {int(b['year'])} row: "
                  f"{b['source_detail']}")
        rows.append(_row(b, year, float(b["tonnes"]), detail, "assumption",
                         f"{_sources(b)};assumption", cap))
    return rows


def iea_named(outlook: pd.DataFrame, mineral: str, stage: str) -> set[str]:
    """Countries the IEA names (any year) for one (mineral, stage)."""
    iea = iea_stage(outlook, mineral, stage)
    return set(iea["country"]) - {ROW}


def stage_rows(base: pd.DataFrame, outlook: pd.DataFrame, year: int,
               refine_total: dict[str, float]) -> list[dict]:
    """Year rows of one (mineral, stage) by the rule of the module docstring."""
    m, s = base["mineral"].iloc[0], base["stage"].iloc[0]
    iea = iea_stage(outlook, m, s)
    if iea.empty:
        if s == "manufacture" and m in refine_total:
            return manufacture_rows(base, refine_total[m], year)
        return held_rows(base, year)
    named = iea_named(outlook, m, s)
    if (m, s) in RATIO_STAGES:
        return ratio_rows(base, iea, named, year, RATIO_STAGES[(m, s)])
    return level_rows(base, iea, named, year)


def build_production_years(prod: pd.DataFrame, outlook: pd.DataFrame) -> pd.DataFrame:
    """``production_years.csv``: every (mineral, stage) of today for 2030 and 2035."""
    base = base_rows(prod)
    rows: list[dict] = []
    for year in OUTLOOK_YEARS:
        refine_total = {}
        for (m, s) in base[["mineral", "stage"]].drop_duplicates().itertuples(index=False):
            if s == "refine" and not iea_stage(outlook, m, s).empty:
                refine_total[m] = _value_total(outlook, m, year)
        for (_m, _s), g in base.groupby(["mineral", "stage"], sort=True):
            rows += stage_rows(g, outlook, year, refine_total)
    out = pd.DataFrame(rows, columns=PROD_COLS)
    out = out[out["tonnes"] > 0]
    key = ["mineral", "stage", "year", "country"]
    check_nodes_kept(base, out)
    if out.duplicated(key).any():
        raise ValueError(f"duplicate outlook production keys: {out[out.duplicated(key)]}")
    return out.sort_values(key).reset_index(drop=True)


def _value_total(outlook: pd.DataFrame, mineral: str, year: int) -> float:
    """IEA world total of a mineral's refine stage in ``year`` (sum of its rows)."""
    iea = iea_stage(outlook, mineral, "refine")
    return float(iea.loc[iea["year"] == year, "tonnes"].sum())


def check_nodes_kept(base: pd.DataFrame, out: pd.DataFrame) -> None:
    """Raise if a node of today has no row in an outlook year (its 2024 row would
    otherwise be read as that year's capacity by a reader that carries rows forward)."""
    have = set(zip(out["mineral"], out["stage"], out["country"], out["year"], strict=True))
    lost = [(m, s, c, y) for m, s, c in zip(base["mineral"], base["stage"], base["country"],
                                             strict=True)
            for y in OUTLOOK_YEARS if (m, s, c, y) not in have]
    if lost:
        raise ValueError(f"outlook years drop nodes of today: {lost[:5]}")
