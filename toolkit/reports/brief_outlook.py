"""The brief's "Outlook and investment" section: for each multi-year case, the findings in
plain words, each year's status and cost with China's share, a chart of China's share over
the years and the table of backed plants.  Empty for a single-year run."""

from __future__ import annotations

import math

import pandas as pd

from toolkit.reports import outlook
from toolkit.reports.chart_years import share_timeline_chart
from toolkit.reports.data import Case, is_joint
from toolkit.reports.findings import Tables
from toolkit.reports.html import figure, table_html
from toolkit.reports.plain import who
from toolkit.reports.safety import esc
from toolkit.reports.words import pct, usd
from toolkit.schema import STAGES

STAGE_WORDS = {"mine": "mined", "refine": "refined", "manufacture": "manufactured"}


def section(t: Tables, chain=None) -> str:
    """The section's HTML ('' when no case is multi-year)."""
    cases = outlook.multi_year(t.cases)
    if not cases:
        return ""
    years = outlook.years_table(t.cases, chain)
    shares = outlook.shares_table(t.cases)
    shares = pd.concat([_own_shares(shares, case) for case in cases], ignore_index=True)
    plants = outlook.projects_table(t.cases, chain)
    span = f"{int(years['year'].min())}–{int(years['year'].max())}" if len(years) else ""
    these = "This case plans" if len(cases) == 1 else "These cases plan"
    parts = [f'<h2 class="break">Outlook and investment, {esc(span)}</h2>',
             f"<p>{these} the modelled years together, each with its own capacities and "
             "demand (projections for the later years), and may back announced new plants "
             "from their online year; a backed plant's capital cost is spread over its life "
             "(annualised) and paid in every modelled year it is online.</p>"]
    for case in cases:
        parts.append(_case(t, case, years[years["case"] == case.name],
                           shares, plants[plants["case"] == case.name]))
    return "\n".join(parts)


def _own_shares(shares: pd.DataFrame, case: Case) -> pd.DataFrame:
    """The share rows the brief shows for ``case``: a joint plan's for the buyers together
    (its split between them is a convention), else each buyer's own."""
    sel = shares[shares["case"] == case.name]
    pair = sel["buyer"].map(_together).astype(bool)
    return sel[pair] if is_joint(case) and pair.any() else sel[~pair]


def _together(buyer: object) -> bool:
    """Whether a share row is of the buyers together (``GBR+JPN``, joint plans)."""
    return "+" in str(buyer)


def _case(t: Tables, case: Case, years: pd.DataFrame, shares: pd.DataFrame,
          plants: pd.DataFrame) -> str:
    head = f"<h3>“{esc(case.name)}”</h3>" if len(outlook.multi_year(t.cases)) > 1 else ""
    mine = plants[plants["in_case_mode"]]
    lines = _year_lines(years) + _share_lines(shares, case.name) + _plant_lines(mine) \
        + outlook.co_investment_lines(case, len(years))
    items = "".join(f"<li>{esc(x)}</li>" for x in lines)
    png = share_timeline_chart(shares, case.name)
    together = shares.loc[shares["case"] == case.name, "buyer"].map(_together).any()
    whose = "the two buyers' supply together" if together else "each buyer's supply"
    chart = figure(png, "China's share over the years",
                   f"China's share of {whose} at each stage, mean over the "
                   "minerals: recommended plan (solid) and the world mix that year (dashed: "
                   "China's share of the stage's capacity, what buying pro rata would give). "
                   "Later years use projected capacities and demand. Figures in the workbook "
                   "(sheet Years).") if png is not None else ""
    return (head + f'<div class="findings"><ul>{items}</ul></div>' + chart
            + _year_table(years, shares, case.name) + _plant_table(mine, case))


def _year_lines(years: pd.DataFrame) -> list[str]:
    """Status per modelled year: one line when every year is met, else one per year."""
    if len(years) and (years["status"] == outlook.MET).all():
        costs = ", ".join(f"{usd(r.cost_usd_per_yr)} in {r.year}" for r in years.itertuples())
        plants = years[years["annualised_capex_usd_per_yr"] > 0]
        extra = (f", including {usd(plants['annualised_capex_usd_per_yr'].max())} a year for the "
                 f"backed plants from {int(plants['year'].min())}" if len(plants) else "")
        return [f"Every modelled year can be met. The year's plan costs {costs}{extra}."]
    out = []
    for r in years.itertuples():
        if r.status == outlook.MET:
            out.append(f"{r.year}: met; the year's plan costs {usd(r.cost_usd_per_yr)} a year.")
        elif r.what_is_missing:
            out.append(f"{r.year}: cannot be met. {r.what_is_missing}")
        else:
            out.append(f"{r.year}: this year alone could be met, but the case has no plan "
                       "because another year cannot be met.")
    return out


def _share_lines(shares: pd.DataFrame, case: str) -> list[str]:
    """China's share of each buyer's supply at the stage where the plan lowers it most."""
    sel = shares[shares["case"] == case].dropna(subset=["china_plan"])
    out = []
    for buyer in dict.fromkeys(sel["buyer"]):
        rows = sel[sel["buyer"] == buyer]
        stage = _most_changed(rows)
        if stage is None:
            continue
        at = rows[rows["stage"] == stage]
        path = " → ".join(f"{pct(v)} in {y}" for y, v in zip(at["year"], at["china_plan"],
                                                               strict=True))
        mix = [pct(v) for v in at["china_world_mix"]]
        world = f"{mix[0]} in every year" if len(set(mix)) == 1 else " → ".join(mix)
        together = _together(buyer)
        whose = f"{who(buyer)}'s {STAGE_WORDS[stage]} supply together" if together else \
            f"{who(buyer)}'s {STAGE_WORDS[stage]} supply"
        split = ("; a joint plan's split of its tonnes between the two is a convention, so "
                 "only their combined share is given") if together else ""
        out.append(f"China's share of {whose}: {path} (world mix: {world}){split}.")
    return out


def _most_changed(rows: pd.DataFrame) -> str | None:
    """The stage whose plan share falls most below the world mix in the last year."""
    last = rows[rows["year"] == rows["year"].max()]
    if last.empty:
        return None
    gap = (last["china_world_mix"] - last["china_plan"]).to_numpy()
    return str(last["stage"].iloc[int(gap.argmax())])


def _plant_lines(plants: pd.DataFrame) -> list[str]:
    if plants.empty:
        return ["The plan backs no new plant."]
    many = len(plants) > 1
    what = outlook.plants_in_words(plants.to_dict("records"))
    where = outlook.listed(plants["country_name"])
    return [f"The plan backs {len(plants)} new plant{'s' if many else ''} (table below): "
            f"{what} in {where}; capital cost {usd(plants['capex_usd'].sum())}"
            f"{' in all' if many else ''}, {usd(plants['annualised_capex_usd_per_yr'].sum())} a "
            f"year annualised once {'all are' if many else 'it is'} online."]


def _year_table(years: pd.DataFrame, shares: pd.DataFrame, case: str) -> str:
    sel = shares[shares["case"] == case]
    buyers = list(dict.fromkeys(sel["buyer"]))
    stages = [s for s in STAGES if (sel["stage"] == s).any()]
    header = [("Year", ""), ("Status", ""), ("Cost a year", "num"),
              ("Plants, a year", "num")] + [
        (f"China, {outlook.buyer_words(b)}", "num") for b in buyers]
    rows = []
    for r in years.itertuples():
        cells = [esc(str(r.year)), _status(r.status), esc(usd(r.cost_usd_per_yr)),
                 esc(usd(r.annualised_capex_usd_per_yr))]
        for b in buyers:
            at = sel[(sel["year"] == r.year) & (sel["buyer"] == b)].set_index("stage")
            cells.append(esc(" / ".join(pct(at["china_plan"].get(s, math.nan))
                                        for s in stages)))
        rows.append(cells)
    note = ("Cost a year: the year's plan (contracts, bid premiums, stockpiles, expected "
            "disruption costs) plus the annualised capital cost of the plants online that "
            f"year (Plants, a year); n/a when the year has no plan. China: China's share of the "
            f"buyer's supply, {' / '.join(stages)}, recommended plan, mean over minerals"
            + ("; in a joint plan, of the two buyers' supply together."
               if any(_together(b) for b in buyers) else "."))
    return f'<section class="keep">{table_html(header, rows, esc(note))}</section>'


def _status(status: str) -> str:
    cls = "ok" if status == outlook.MET else "bad"
    return f'<span class="{cls}">{esc(status)}</span>'


def _plant_table(plants: pd.DataFrame, case: Case) -> str:
    if plants.empty:
        return ""
    backers = list(dict.fromkeys(plants["backed_by"]))
    by = len(backers) > 1
    header = [("Plant", "w20"), ("Where", ""), ("Stage", ""), ("Mineral", ""),
              ("Size, t/yr", "num"), ("Online", "num"), ("Cost a year", "num"),
              ("Capex", "num")] + ([("Backed by", "")] if by else []) + [("Source", "w16")]
    rows = [[esc(r.name), esc(r.country_name), esc(r.stage), esc(r.mineral),
             esc(f"{r.capacity_t_per_yr:,.0f}"), esc(str(r.online_year)),
             esc(usd(r.annualised_capex_usd_per_yr)), esc(usd(r.capex_usd))]
            + ([esc(r.backed_by)] if by else []) + [esc(outlook.short_source(r.source))]
            for r in plants.itertuples()]
    rate = plants["discount_rate"].dropna()
    rate_text = f"{pct(float(rate.iloc[0]), 1)}, an ASSUMPTION" if len(rate) else "assumed"
    every = "" if by else f" Every plant is backed by {backers[0]}."
    note = (f"Plants the recommended plan of “{case.name}” backs.{every} Size: tonnes of "
            "contained element a year. Cost a year: capital cost annualised over the "
            f"plant's life (discount rate {rate_text}), paid in each modelled year the plant "
            "is online. Source: the announcement the figures come from (full citation and "
            "the plants each buyer alone would back in the workbook, sheet Projects).")
    return "<h3>Plants backed</h3>" + table_html(header, rows, esc(note))
