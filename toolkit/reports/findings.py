"""Headline numbers and key findings, in plain words, computed from a run's results.

Nothing here is canned: every sentence is built from the numbers of the bundle, and a
sentence is left out when its numbers are missing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from toolkit.chain import default_year
from toolkit.reports import data, market, outlook, plain, words
from toolkit.reports.case_costs import cheaper_line, cost_split, dearer_line
from toolkit.reports.caveats import JOINT_SPLIT_NOTE, caveats
from toolkit.reports.cooperation_lines import cooperation_lines
from toolkit.reports.countries import with_country_names
from toolkit.reports.data import is_joint
from toolkit.reports.pareto_kept import kept_frontier
from toolkit.reports.reliance import exposed_countries, reliance_lines, unnamed_lines
from toolkit.reports.stockpile import stockpile_lines
from toolkit.reports.words import pct, tonnes, usd
from toolkit.schema import STAGES

HEADLINE_COLS = (["case", "buyer", "mode", "status", "cost_usd"]
                 + [f"china_{s}_{w}" for s in STAGES for w in ("before", "after")]
                 + ["china_touch_before", "china_touch_after", "worst_served_share",
                    "worst_scenario", "worst_mineral", "cooperation_saving_usd"])


@dataclass(frozen=True)
class Tables:
    """Every tidy table the reports show, computed once from the bundle."""

    cases: list[data.Case]
    portfolio: pd.DataFrame
    stockpile: pd.DataFrame
    scenarios: pd.DataFrame
    prices: pd.DataFrame
    pareto: pd.DataFrame
    pareto_minerals: pd.DataFrame
    china: pd.DataFrame
    touch: pd.DataFrame
    metrics: pd.DataFrame | None
    latest: pd.DataFrame
    settings: pd.DataFrame
    headline: pd.DataFrame
    caveats: list[str] = field(default_factory=list)
    bids: pd.DataFrame = field(default_factory=pd.DataFrame)
    market: pd.DataFrame = field(default_factory=pd.DataFrame)
    disruption_market: pd.DataFrame = field(default_factory=pd.DataFrame)
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)
    premiums: pd.DataFrame = field(default_factory=pd.DataFrame)
    bases: dict = field(default_factory=dict)
    exposed: frozenset = frozenset()  # countries neither partner nor well governed
    pareto_kept: pd.DataFrame = field(default_factory=pd.DataFrame)  # pareto_kept.py
    same_cost: frozenset = frozenset()  # (mineral, stage) where every supplier costs alike


def tables_of(bundle: dict) -> Tables:
    """Compute the report tables of a bundle (see :mod:`toolkit.reports.data`)."""
    cases = data.cases_of(bundle.get("result"))
    chain = bundle.get("chain")
    metrics = bundle.get("metrics")
    metrics = metrics if isinstance(metrics, pd.DataFrame) else None
    t = {
        "portfolio": data.portfolio_table(chain, cases),
        "stockpile": data.rows_table(cases, "stockpile", data.STOCKPILE_COLS),
        "scenarios": data.scenario_table(chain, cases),
        "prices": data.price_table(chain, cases),
        "china": data.china_table(cases),
        "touch": data.touch_table(cases, metrics),
    }
    headline = headline_table(cases, **t)
    same = data.same_cost_stages(chain, cases[0]) if chain is not None and cases else None
    t["pareto"], t["pareto_minerals"] = data.pareto_tables(cases)
    world = {"bids": with_country_names(market.table(cases, "bids", market.BID_COLS),
                                             chain),
             "market": market.table(cases, "market", market.MARKET_COLS),
             "disruption_market": market.table(cases, "disruptions", market.DISRUPTION_COLS),
             "sensitivity": market.table(cases, "bid_sensitivity", market.SENSITIVITY_COLS),
             "premiums": market.dataset_table(chain, "bid_premiums.csv"),
             "bases": market.content_bases(chain)}
    return Tables(cases=cases, metrics=metrics, latest=data.latest_metrics(
                      metrics, None if chain is None else default_year(chain)),
                  settings=data.settings_rows(cases), headline=headline,
                  caveats=caveats(cases, t["prices"], chain, world["market"], same),
                  exposed=exposed_countries(chain),
                  pareto_kept=kept_frontier(t["pareto_minerals"]),
                  same_cost=_same_cost(same), **t, **world)


def _same_cost(same: pd.DataFrame | None) -> frozenset:
    """(mineral, stage) pairs where every supplier has one unit cost in the data (the first
    case's data year, :func:`toolkit.reports.data.same_cost_stages`)."""
    if same is None:
        return frozenset()
    same = same[same["same_cost"].astype(bool)]
    return frozenset(zip(same["mineral"], same["stage"], strict=True))


def headline_table(cases: list[data.Case], portfolio: pd.DataFrame, scenarios: pd.DataFrame,
                   china: pd.DataFrame, touch: pd.DataFrame, **_: pd.DataFrame
                   ) -> pd.DataFrame:
    """One row per case and buyer: cost, China share per stage before -> after, ...

    China shares are unweighted means over the buyer's minerals (every mineral counts
    once, whatever its tonnage); ``cost_usd`` is the buyer's contracted node cost
    (tonnes x unit cost), NaN for a case that cannot be met (its plan is partial);
    ``worst_served_share`` the lowest served / demand over every
    scenario and mineral.
    """
    rows = []
    for case in cases:
        for buyer in _buyers(case, portfolio, scenarios, china):
            rows.append(_headline_row(case, buyer, portfolio, scenarios, china, touch))
    return pd.DataFrame(rows, columns=HEADLINE_COLS)


def _buyers(case: data.Case, *tables: pd.DataFrame) -> list[str]:
    found = set()
    for table in tables:
        found |= set(table.loc[table["case"] == case.name, "buyer"].dropna().astype(str))
    return sorted(found) or [""]


def buyer_status(case: data.Case, buyer: str) -> str:
    """The status of one buyer's plans in ``case``.

    Independent plans are the buyer's own: one buyer's cap that cannot be met leaves the
    other's plans as they are, so a buyer's status combines only its own minerals'
    (``summary`` rows).  A joint plan is one plan for both: the case's status.
    """
    rows = [r for r in case.raw.get("summary") or [] if isinstance(r, dict)
            and r.get("buyer") == buyer]
    if is_joint(case) or not rows or not buyer:
        return case.status
    statuses = {str(r.get("status")) for r in rows}
    if statuses == {"optimal"}:
        return "optimal"
    return "infeasible" if statuses <= {"optimal", "infeasible"} else case.status


def _headline_row(case, buyer, portfolio, scenarios, china, touch) -> dict:
    mine = portfolio[(portfolio["case"] == case.name) & (portfolio["buyer"] == buyer)]
    status = buyer_status(case, buyer)
    met = status == "optimal" and len(mine)  # a partial plan's cost is not shown
    row = {"case": case.name, "buyer": buyer, "mode": case.mode, "status": status,
           "cost_usd": float(mine["cost_usd"].sum(min_count=1)) if met else math.nan}
    sel = china[(china["case"] == case.name) & (china["buyer"] == buyer)]
    for stage in STAGES:
        at = sel[sel["stage"] == stage]
        row[f"china_{stage}_before"] = _mean(at["baseline_share"])
        row[f"china_{stage}_after"] = _mean(at["portfolio_share"])
    hit = touch[(touch["case"] == case.name) & (touch["buyer"] == buyer)]
    row["china_touch_before"] = _mean(hit["baseline_share"])
    row["china_touch_after"] = _mean(hit["portfolio_share"])
    row.update(_worst(scenarios, case.name, buyer))
    saving = data.number(data.cooperation(case).get("saving_usd"))
    row["cooperation_saving_usd"] = saving
    return row


def _mean(values: pd.Series) -> float:
    values = pd.to_numeric(values, errors="coerce").dropna()
    return float(values.mean()) if len(values) else math.nan


def _worst(scenarios: pd.DataFrame, case: str, buyer: str) -> dict:
    sel = scenarios[(scenarios["case"] == case) & (scenarios["buyer"] == buyer)]
    sel = sel.dropna(subset=["served_share"])
    if sel.empty:
        return {"worst_served_share": math.nan, "worst_scenario": "", "worst_mineral": ""}
    worst = sel.sort_values(["served_share", "scenario", "mineral"], kind="stable").iloc[0]
    return {"worst_served_share": float(worst["served_share"]),
            "worst_scenario": str(worst["scenario"]), "worst_mineral": str(worst["mineral"])}


# ----------------------------------------------------------------------------- words


CANNOT = "cannot be met"


def cannot(status: str) -> str:
    """What a case or point that cannot be met shows instead of a cost."""
    return CANNOT if status in ("infeasible", "") else f"{CANNOT} ({status})"


def cost_or_cannot(value: float, status: str) -> float | str:
    """A cost when ``status`` is optimal, else the words "cannot be met" (never a number)."""
    return value if status == "optimal" else cannot(status)


def findings(t: Tables) -> list[str]:
    """Key findings, one plain sentence each, most important first."""
    met = [c for c in t.cases if c.status == "optimal"]
    lines = [_case_line(t, case, met[0] if met else None) for case in t.cases]
    lines += outlook.key_lines(t.cases)
    for case in [c for c in t.cases if c.status == "optimal"][:1]:
        lines += _china_lines(t, case) + reliance_lines(t.portfolio, case.name, t.exposed) \
            + unnamed_lines(t.portfolio, case.name) + _price_lines(t, case)
    lines += market.bid_lines(t.cases, t.bids, t.premiums)
    lines += market.sensitivity_lines(t.sensitivity)
    lines += market.impossible_lines(t.pareto_minerals, t.bases)
    worst = market.disruption_lines(t.cases, t.disruption_market)
    for case in [c for c in t.cases if c.status == "optimal"][:1]:
        lines += worst or _worst_lines(t, case)
    lines += stockpile_lines(t.cases, t.stockpile, t.portfolio)
    lines += cooperation_lines(t) + _pareto_lines(t) + _concentration_lines(t)
    return [words.plain(line) for line in lines if line]


def _case_line(t: Tables, case: data.Case, reference: data.Case | None = None) -> str:
    """The cost of a case that can be met (and why it is below ``reference``'s, the first
    case that can be met), or why it cannot be met."""
    mode = f" ({case.mode})" if case.mode else ""
    if case.status == "optimal":
        first = case.raw.get("years") or [{}]
        when = f" in {first[0].get('year')}" if case.raw.get("multi_year") else ""
        return (f"Policy case “{case.name}”{mode} can be met: the cheapest plan costs "
                f"{usd(case.objective_usd)} a year{when}"
                f"{cost_split(t.portfolio, t.bids, case)}."
                + ((cheaper_line(t.portfolio, t.bids, case, reference)
                    + dearer_line(case, reference)) if reference else ""))
    why = plain.diagnosis(data.diagnosis_lines(case), data.diagnosis_rows(case))
    more = f" (and {len(why) - 1} more problem{'s' if len(why) > 2 else ''})" \
        if len(why) > 1 else ""
    reason = f": {why[0]}{more}" if why else ""
    status = "" if case.status == "infeasible" else f" ({case.status})"
    return f"Policy case “{case.name}”{mode} cannot be met{status}{reason}."


def _china_lines(t: Tables, case: data.Case) -> list[str]:
    head = t.headline[t.headline["case"] == case.name]
    moves: dict[str, list[str]] = {}  # the same moves for several buyers: said once
    for _, row in head.iterrows():
        parts = [f"{pct(row[f'china_{s}_before'])} → {pct(row[f'china_{s}_after'])} at {s}"
                 for s in STAGES if not math.isnan(row[f"china_{s}_before"])
                 and pct(row[f"china_{s}_before"]) != pct(row[f"china_{s}_after"])]
        if parts:
            moves.setdefault(", ".join(parts), []).append(plain.who(row["buyer"]))
    lines = [f"In “{case.name}”, for {' and '.join(buyers)}, China's average share of "
             f"supply moves {text}" + (" for each of them" if len(buyers) > 1 else "")
             + " (today's world mix → the recommended plan; an unweighted mean over the "
             "buyer's minerals)." for text, buyers in moves.items()]
    sel = t.china[(t.china["case"] == case.name)].dropna(subset=["change_pp"])
    if len(sel):
        big = sel.sort_values(["change_pp", "buyer", "mineral", "stage"],
                              kind="stable").iloc[0]
        if big["change_pp"] < 0 and pct(big["baseline_share"]) != pct(big["portfolio_share"]):
            lines.append(f"Largest cut in China's share in “{case.name}”: "
                         f"{plain.who(big['buyer'])}'s "
                         f"{words.mineral(big['mineral'])} at the {big['stage']} stage, from "
                         f"{pct(big['baseline_share'])} to "
                         f"{pct(big['portfolio_share'])}" + _free_move(t, big) + ".")
    return lines


def _free_move(t: Tables, row: pd.Series) -> str:
    """Why a cut in China's share at a stage where every supplier costs the same is free,
    and what decides it."""
    if (row["mineral"], row["stage"]) not in t.same_cost:
        return ""
    return (f" (every {row['stage']} supplier of {words.mineral(row['mineral'])} has the same "
            "unit cost in the data, so the move costs nothing in contracts: where the tonnes "
            "go is decided by disruption risk and, between equally exposed suppliers, by "
            "governance)")


def _worst_lines(t: Tables, case: data.Case) -> list[str]:
    head = t.headline[(t.headline["case"] == case.name)].dropna(
        subset=["worst_served_share"])
    lines = []
    for _, row in head.iterrows():
        sel = t.scenarios[(t.scenarios["case"] == case.name)
                          & (t.scenarios["buyer"] == row["buyer"])
                          & (t.scenarios["scenario"] == row["worst_scenario"])
                          & (t.scenarios["mineral"] == row["worst_mineral"])]
        short = float(sel["shortfall_t"].sum()) if len(sel) else math.nan
        lines.append(f"{row['buyer']}'s worst disruption is “{row['worst_scenario']}”: "
                     f"{pct(row['worst_served_share'])} of its {row['worst_mineral']} "
                     f"demand is still served (shortfall {tonnes(short)})"
                     + (" — a joint plan's split between the buyers is a convention)."
                        if is_joint(case) else "."))
    return lines


def _price_lines(t: Tables, case: data.Case) -> list[str]:
    sel = data.binding_prices(t.prices[t.prices["case"] == case.name])
    if sel.empty:
        return []
    top = sel.iloc[0]
    saving, rate = float(top["saving_usd"]), abs(float(top["usd_per_pp"]))
    margin = (f"; the first tonnes freed save at {usd(rate)} a year per point, the "
              "whole point less" if saving < 0.99 * rate else "")
    step = ("allowing one percentage point of that supply from there would save"
            if plain.is_exclusion(top) else "relaxing it by one percentage point saves")
    return [f"Costliest binding constraint in “{case.name}”: {plain.constraint(top)} — "
            f"{step} {usd(saving)} a year ({len(sel)} binding "
            f"constraint{'s' if len(sel) != 1 else ''} in all{margin})."]


def _pareto_lines(t: Tables) -> list[str]:
    p = t.pareto[(t.pareto["sweep"] == "china_share")]
    lines = []
    for name, sweep in p.groupby("case", sort=False):
        ok = sweep.dropna(subset=["feasible_cost_usd"]).sort_values("epsilon")
        if len(ok) < 2:
            continue
        loose, tight = ok.iloc[-1], ok.iloc[0]
        rise = tight["objective_usd"] - loose["objective_usd"]
        rel = f" ({_signed_pct(rise / loose['objective_usd'])})" \
            if loose["objective_usd"] > 0 else ""
        fail = sweep[(sweep["epsilon"] < tight["epsilon"])]
        tail = (f"; below {pct(tight['epsilon'])} no feasible plan exists"
                + _blocked_by(t, str(name), set(fail["epsilon"])) if len(fail) else "")
        change = (f"changes the annual cost by {_signed_usd(rise)}{rel}"
                  if abs(rise) > 1e-5 * abs(loose["objective_usd"])
                  else "leaves the annual cost unchanged")
        lines.append(f"In “{name}”, capping China's share of each stage at "
                     f"{pct(tight['epsilon'])} instead of {pct(loose['epsilon'])} {change}"
                     f"{tail}.")
    return lines


def _blocked_by(t: Tables, case: str, caps: set) -> str:
    """' (gallium and germanium cannot meet it)': the minerals that fail the China caps."""
    m = t.pareto_minerals
    if m.empty or "mineral" not in m:
        return ""
    sel = m[(m["case"] == case) & (m["sweep"] == "china_share") & m["epsilon"].isin(caps)
            & (m["status"] != "optimal") & (m["mineral"] != "all")]
    found = sorted(set(sel["mineral"].astype(str)))
    if not found:
        return ""
    return f" ({words.listing(found)} cannot meet {'it' if len(found) == 1 else 'them'})"


def place_caveats(t: Tables, lines: list[str]) -> tuple[dict[int, list[str]], list[str]]:
    """Which finding each caveat qualifies: ``({line index: [caveats]}, [unplaced])``.

    The equal-unit-cost caveat goes with the first finding on what capping China's share
    costs (else the costliest binding constraint); the joint buyer-split note with the
    first finding that names a joint case (else it stays unplaced: the headline table
    carries it too).
    """
    joint = [f"“{c.name}”" for c in t.cases if is_joint(c)]
    placed: dict[int, list[str]] = {}
    loose = []
    for caveat in t.caveats:
        if caveat == JOINT_SPLIT_NOTE:
            want = [i for i, line in enumerate(lines) if any(j in line for j in joint)]
        else:
            want = [i for i, line in enumerate(lines) if "China's share" in line
                    and "costs USD" in line] or [
                i for i, line in enumerate(lines) if line.startswith("Costliest")]
        if want:
            placed.setdefault(want[0], []).append(caveat)
        else:
            loose.append(caveat)
    return placed, loose


def _signed_usd(value: float) -> str:
    return ("+" if value > 0 else "−" if value < 0 else "") + usd(abs(value))


def _signed_pct(value: float) -> str:
    return ("+" if value > 0 else "−" if value < 0 else "") + pct(abs(value), 1)


def _concentration_lines(t: Tables, top: int = 3) -> list[str]:
    latest = t.latest
    if latest.empty or "china_share" not in latest:
        return []
    sel = latest.dropna(subset=["china_share"]).sort_values(
        ["china_share", "mineral", "stage"], ascending=[False, True, True], kind="stable")
    items = [f"{r.mineral} {r.stage} {pct(r.china_share)}" for r in sel.head(top).itertuples()]
    if not items:
        return []
    return ["China's highest shares of world supply (latest data year): "
            + ", ".join(items) + "."]
