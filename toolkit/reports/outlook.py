"""The outlook of a multi-year run: each modelled year's status and cost, China's share per
year, the backed projects and the value of co-investment, read from the results JSON
(per case ``years``, ``projects``, ``co_investment``; docs/OPTIMIZATION.md §4b, §14).

Only cases with ``multi_year`` true have an outlook: a single-year run's reports show none
of it.  Nothing here solves or recomputes the model; names (countries, minerals) come from
the chain's tables.  Money in USD, tonnes of contained element a year.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from toolkit.reports import data
from toolkit.reports.countries import country_names
from toolkit.reports.plain import reason, who
from toolkit.reports.words import pct, usd
from toolkit.schema import STAGES

MET, CANNOT, LINKED = "met", "cannot be met", "no plan (another year cannot be met)"
YEAR_COLS = ["case", "year", "status", "cost_usd_per_yr", "operating_cost_usd_per_yr",
             "annualised_capex_usd_per_yr", "what_is_missing"]
SHARE_COLS = ["case", "year", "buyer", "stage", "china_world_mix", "china_plan", "minerals"]
PROJECT_COLS = ["case", "plan", "name", "country_name", "stage", "mineral",
                "capacity_t_per_yr", "online_year", "annualised_capex_usd_per_yr", "capex_usd",
                "lifetime_years",
                "discount_rate", "backed_by", "source", "project"]
PLAN_WORDS = {"joint": "joint plan", "independent": "each buyer alone"}
BACKERS = {"GBR+JPN": "the UK and Japan jointly", "GBR": "the UK alone", "JPN": "Japan alone"}


def multi_year(cases: list[data.Case]) -> list[data.Case]:
    """The cases with an outlook (``multi_year`` true in the results)."""
    return [c for c in cases if c.raw.get("multi_year") is True]


def _rows(case: data.Case, key: str) -> list[dict]:
    return [r for r in case.raw.get(key) or [] if isinstance(r, dict)]


def year_lines(case: data.Case, year: int, chain=None) -> list[str]:
    """What cannot be met in ``year``, in plain words (year, stage, mineral, tonnes)."""
    names = mineral_names(chain)
    out = []
    for row in data.diagnosis_rows(case):
        if _year(row.get("year")) != year:
            continue
        row = {**row, "mineral": names.get(str(row.get("mineral")), row.get("mineral"))}
        text = (reason(row) or str(row.get("message") or "")).rstrip(".")
        lead = "" if text.lower().startswith(f"in {year}") else f"In {year}, "
        out.append(f"{lead}{text}.")
    return out


def _year(value) -> int | None:
    number = data.number(value)
    return None if math.isnan(number) else int(number)


def years_table(cases: list[data.Case], chain=None) -> pd.DataFrame:
    """One row per multi-year case and modelled year: status in words, the cost of the
    year's plan (operating + annualised capex of the plants online, USD/yr; blank unless
    met) and what is missing (plain words)."""
    rows = []
    for case in multi_year(cases):
        for y in _rows(case, "years"):
            year = _year(y.get("year"))
            lines = year_lines(case, year, chain)
            ok = y.get("status") == "optimal"
            status = MET if ok else CANNOT if lines else LINKED
            rows.append({"case": case.name, "year": year, "status": status,
                         "cost_usd_per_yr": _money(y, "cost_usd", ok),
                         "operating_cost_usd_per_yr": _money(y, "operating_cost_usd", ok),
                         "annualised_capex_usd_per_yr": _money(y, "capex_usd", ok),
                         "what_is_missing": " ".join(lines)})
    return pd.DataFrame(rows, columns=YEAR_COLS)


def _money(row: dict, key: str, ok: bool) -> float:
    return data.number(row.get(key)) if ok else math.nan


def shares_table(cases: list[data.Case]) -> pd.DataFrame:
    """China's share per multi-year case, modelled year, buyer and stage: the world mix
    (China's share of the stage's capacity that year, mean over minerals) and the
    recommended plan's (mean over the minerals optimal that year)."""
    rows = []
    order = {s: i for i, s in enumerate(STAGES)}
    for case in multi_year(cases):
        for y in _rows(case, "years"):
            for s in y.get("china_share") or []:
                rows.append({"case": case.name, "year": _year(y.get("year")),
                             "buyer": s.get("buyer"), "stage": s.get("stage"),
                             "china_world_mix": data.number(s.get("mean_baseline_share")),
                             "china_plan": data.number(s.get("mean_share")),
                             "minerals": s.get("minerals")})
    out = pd.DataFrame(rows, columns=SHARE_COLS)
    if out.empty:
        return out
    out = out.assign(_s=out["stage"].map(order)).sort_values(
        ["year", "buyer", "_s"], kind="stable").drop(columns="_s")
    rank = {c.name: i for i, c in enumerate(cases)}
    return out.assign(_c=out["case"].map(rank)).sort_values("_c", kind="stable").drop(
        columns="_c").reset_index(drop=True)


def projects_table(cases: list[data.Case], chain=None) -> pd.DataFrame:
    """Every backed project of the multi-year cases (joint plan and each buyer alone),
    with the country's name, readable mineral, who backs it in words and the tonnes the
    plan takes from it in each modelled year (``used_<year>_t`` columns)."""
    countries = dict(country_names(chain).itertuples(index=False))
    minerals = mineral_names(chain)
    rows = []
    for case in multi_year(cases):
        for p in _rows(case, "projects"):
            used = {f"used_{_year(u.get('year'))}_t": data.number(u.get("tonnes"))
                    for u in p.get("tonnes_by_year") or [] if isinstance(u, dict)}
            country = str(p.get("country", ""))
            rows.append({
                "case": case.name, "plan": PLAN_WORDS.get(str(p.get("plan")), p.get("plan")),
                "in_case_mode": bool(p.get("in_case_mode")),
                "name": project_name(p),
                "country_name": countries.get(country, country), "stage": p.get("stage"),
                "mineral": minerals.get(str(p.get("mineral")), p.get("mineral")),
                "capacity_t_per_yr": data.number(p.get("capacity_t")),
                "annualised_capex_usd_per_yr": data.number(p.get("annualised_capex_usd")),
                **{k: data.number(p.get(k)) for k in ("capex_usd", "lifetime_years",
                                                      "discount_rate")},
                "online_year": _year(p.get("online_year")),
                "backed_by": BACKERS.get(str(p.get("backed_by")), str(p.get("backed_by"))),
                "source": str(p.get("source") or ""), "project": str(p.get("project")),
                **used})
    extra = sorted({k for r in rows for k in r if k.startswith("used_")})
    return pd.DataFrame(rows, columns=PROJECT_COLS + ["in_case_mode"] + extra)


def project_name(row: dict) -> str:
    """A project's readable name; without one, its id with spaces (``new_mine`` ->
    ``new mine``), never the raw id."""
    project = str(row.get("project") or "")
    name = str(row.get("name") or "")
    return name if name and name != project else project.replace("_", " ")


def mineral_names(chain) -> dict[str, str]:
    """Mineral id -> readable name in lower case (``rare_earths`` -> ``rare earths``)."""
    if chain is None or chain.minerals is None or chain.minerals.empty:
        return {}
    return {str(m): str(n).lower() if isinstance(n, str) and n else str(m).replace("_", " ")
            for m, n in zip(chain.minerals["mineral"], chain.minerals["name"], strict=True)}


CITATION = re.compile(r"^[^():']{1,60}\([^()]{1,60}\)")


def short_source(text: str, size: int = 70) -> str:
    """The citation at the head of a project's source (``Publisher (date)``), else its
    text up to the first quote, shortened to ``size`` characters."""
    found = CITATION.match(text.strip())
    head = found.group(0) if found else text.split(": '")[0].strip()
    return head if len(head) <= size else head[:size - 1].rstrip() + "\u2026"


def co_investment(case: data.Case) -> dict:
    """The case's ``co_investment`` dict (empty when absent)."""
    value = case.raw.get("co_investment")
    return value if isinstance(value, dict) else {}


def co_investment_lines(case: data.Case, years: int) -> list[str]:
    """The value of co-investment in plain words, each with its caveat."""
    co, coop = co_investment(case), data.cooperation(case)
    joint, alone = (data.number(co.get(k)) for k in ("joint_capex_usd",
                                                     "independent_capex_usd"))
    value = data.number(co.get("value_usd"))
    rate = data.number(co.get("discount_rate"))
    over = f"summed over the {years} modelled years, each weighted 1" if years > 1 \
        else "in the modelled year"
    if case.status != "optimal" or math.isnan(value):
        return ["Value of co-investment: not computed, the case cannot be met."]
    lines = []
    if joint > 0 or alone > 0:
        lines.append(
            f"Annualised capital cost of the plants backed ({over}): {usd(joint)} backed "
            f"together, {usd(alone)} if each buyer plans alone and backs its own"
            f"{_saving(alone - joint)}. Discount rate {pct(rate, 1)} (an ASSUMPTION); a "
            "plant is paid for only in the modelled years it is online.")
    compared = data.number(coop.get("minerals_compared"))
    of = "" if math.isnan(compared) else \
        f"; {int(compared)} mineral{'s' if compared != 1 else ''} where both plans can be met"
    total = data.number(coop.get("independent_cost_usd"))
    lines.append(
        "Value of co-investment over the whole plan (cost of planning alone minus cost of "
        "the joint plan: contracts, premiums, stockpiles, expected disruptions and plants; "
        f"{over}{of}): {_signed(value, total, doubled(case))}.")
    return lines


def _saving(value: float) -> str:
    """'' or the capital cost sharing plants saves (alone minus together, positive)."""
    return f": sharing saves {usd(value)}" if value > 0.5 else ""


def doubled(case: data.Case) -> list[str]:
    """Names of the plants that both buyers, each planning alone, back for themselves."""
    seen: dict[str, set[str]] = {}
    for p in _rows(case, "projects"):
        if p.get("plan") == "independent":
            seen.setdefault(project_name(p), set()).add(str(p.get("backed_by")))
    return [name for name, who_ in seen.items() if len(who_) > 1]


def _signed(value: float, total: float, doubled_: list[str]) -> str:
    if abs(value) < 0.5:
        return "USD 0 (no difference)"
    if value > 0:
        return f"{usd(value)} saved by planning jointly"
    share = f" ({pct(abs(value) / total, 3)} of the cost)" if total > 0 else ""
    if doubled_:
        return (f"−{usd(abs(value))}{share}. Negative because, planning alone, the UK and "
                f"Japan each build their own copy of {listed(doubled_)}: two plants where "
                "one is announced, which a joint plan cannot do. The figure flatters "
                "planning alone; it is not a cost of cooperating")
    return (f"−{usd(abs(value))}{share}: the joint plan comes out slightly dearer, which the "
            "method rules out without new plants (docs/OPTIMIZATION.md §8); read it as no "
            "measurable gain until it is explained")


def buyer_words(buyer: str) -> str:
    """``GBR`` -> ``UK``, ``GBR+JPN`` -> ``UK and Japan together`` (a column label)."""
    return {"GBR": "UK", "JPN": "Japan", "GBR+JPN": "UK and Japan together"}.get(
        buyer, who(buyer))


PLANT_WORDS = {"mine": "mines for", "refine": "refineries for",
               "manufacture": "manufacturing plants for"}


def listed(items) -> str:
    """Distinct items in order, joined as 'a, b and c'."""
    seen = list(dict.fromkeys(str(x) for x in items))
    return seen[0] if len(seen) == 1 else ", ".join(seen[:-1]) + " and " + seen[-1]


def plants_in_words(plants: list[dict]) -> str:
    """'refineries for gallium and nickel, mines for lithium' (stage order of the rows)."""
    by_stage: dict[str, list[str]] = {}
    for p in plants:
        mineral = str(p.get("mineral", "")).replace("_", " ")
        by_stage.setdefault(str(p.get("stage")), []).append(mineral)
    return listed(f"{PLANT_WORDS.get(s, s)} {listed(m)}" for s, m in by_stage.items())


def key_lines(cases: list[data.Case]) -> list[str]:
    """Key findings of each multi-year case that can be met: its cost per year, the
    plants it backs and what sharing them saves (details: the brief's outlook section)."""
    lines = []
    for case in multi_year(cases):
        years = _rows(case, "years")
        if case.status != "optimal" or not years:
            continue
        later = [y for y in years[1:] if data.number(y.get("cost_usd")) >= 0]
        if later:
            costs = listed(f"{usd(data.number(y.get('cost_usd')))} in {_year(y.get('year'))}"
                           for y in later)
            lines.append(f"“{case.name}” can be met in every modelled year; after "
                         f"{_year(years[0].get('year'))} the year's plan costs {costs}, "
                         "each including the annualised capital cost of the new plants "
                         "online that year.")
        lines += _plant_key_line(case)
    return lines


def _plant_key_line(case: data.Case) -> list[str]:
    plants = [p for p in _rows(case, "projects") if p.get("in_case_mode")]
    co = co_investment(case)
    if not plants:
        return [f"“{case.name}” backs none of the {co.get('projects_considered', 0)} "
                "candidate plants."]
    capex = sum(data.number(p.get("capex_usd")) for p in plants)
    annual = sum(data.number(p.get("annualised_capex_usd")) for p in plants)
    saving = data.number(co.get("capex_saving_usd"))
    shared = (f"; backing them together rather than each buyer its own saves "
              f"{usd(saving)} of annualised capital cost over the modelled years"
              if saving > 0.5 else "")
    many = "s" if len(plants) > 1 else ""
    return [f"“{case.name}” backs {len(plants)} of {co.get('projects_considered', '')} "
            f"candidate plants ({plants_in_words(plants)}): capital cost {usd(capex)}, "
            f"{usd(annual)} a year annualised at a discount rate of "
            f"{pct(data.number(co.get('discount_rate')), 1)} (an ASSUMPTION){shared}. "
            f"The plant{many} and the value of co-investment: the brief's section “Outlook "
            "and investment”, the workbook's sheets Years and Projects."]
