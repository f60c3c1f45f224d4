"""Reports of the modelled years and the projects (issue 10): tables, findings, brief.

Reads only the JSON result (``years``, ``projects``, ``co_investment`` of each case, see
``docs/OPTIMIZATION.md`` §14).  A run without a multi-year case adds nothing.
"""

from __future__ import annotations

import pandas as pd
from matplotlib import rc_context
from matplotlib.figure import Figure

from toolkit.reports import charts, data
from toolkit.reports.html import figure, table_html
from toolkit.reports.safety import esc
from toolkit.reports.words import pct, tonnes, usd
from toolkit.schema import STAGES

YEAR_COLS = ["case", "year", "status", "cost_usd", "operating_cost_usd", "capex_usd",
             "buyer", "stage", "china_share", "minerals"]
PROJECT_COLS = ["case", "plan", "project", "backed_by", "mineral", "stage", "country",
                "capacity_t", "online_year", "years_online", "tonnes_last_year",
                "unit_cost_usd_per_t", "capex_usd", "annualised_capex_usd", "discount_rate",
                "source"]
RATE_NOTE = ("annualised capex = CRF x capex, CRF = r(1+r)^L/((1+r)^L-1) with the discount "
             "rate r an ASSUMPTION (default 8 %) and L the plant's lifetime (default 20 "
             "years), counted in every modelled year the plant is online")


def multi_year(cases: list[data.Case]) -> list[data.Case]:
    """The cases solved over several modelled years or with projects."""
    return [c for c in cases if c.raw.get("multi_year")]


def year_table(cases: list[data.Case]) -> pd.DataFrame:
    """One row per multi-year case, modelled year, buyer and stage (China's mean share)."""
    rows = []
    for case in multi_year(cases):
        for y in case.raw.get("years") or []:
            base = {"case": case.name, "year": y.get("year"), "status": y.get("status"),
                    "cost_usd": y.get("cost_usd"),
                    "operating_cost_usd": y.get("operating_cost_usd"),
                    "capex_usd": y.get("capex_usd")}
            shares = y.get("china_share") or [{}]
            rows += [{**base, "buyer": s.get("buyer"), "stage": s.get("stage"),
                      "china_share": s.get("mean_share"), "minerals": s.get("minerals")}
                     for s in shares]
    return pd.DataFrame(rows, columns=YEAR_COLS)


def project_table(cases: list[data.Case]) -> pd.DataFrame:
    """The backed projects of every multi-year case (joint and independent plans)."""
    rows = []
    for case in multi_year(cases):
        for p in case.raw.get("projects") or []:
            used = p.get("tonnes_by_year") or []
            rows.append({**{k: p.get(k) for k in PROJECT_COLS},
                         "case": case.name,
                         "years_online": ", ".join(str(y) for y in p.get("years_online", [])),
                         "tonnes_last_year": used[-1]["tonnes"] if used else None})
    return pd.DataFrame(rows, columns=PROJECT_COLS)


def year_lines(cases: list[data.Case]) -> list[str]:
    """Key findings: each multi-year case's cost by year, its projects, co-investment."""
    lines = []
    for case in multi_year(cases):
        years = case.raw.get("years") or []
        if not years or case.status != "optimal":
            continue
        costs = ", ".join(f"{usd(y['cost_usd'])} in {y['year']}" for y in years)
        lines.append(f"“{case.name}” over its modelled years: the plans cost {costs} a "
                     f"year (each year's plan, including the annualised capex of the "
                     f"projects online that year; {RATE_NOTE}).")
        lines += _share_lines(case, years) + _project_lines(case)
    return lines


def _share_lines(case: data.Case, years: list[dict]) -> list[str]:
    out = []
    for buyer in sorted({s["buyer"] for y in years for s in y.get("china_share") or []}):
        parts = []
        for stage in STAGES:
            path = [_share(y, buyer, stage) for y in years]
            if any(v is not None for v in path):
                parts.append(f"{' → '.join(pct(v) for v in path)} at {stage}")
        if parts:
            out.append(f"“{case.name}”, {buyer}: China's average share of supply "
                       f"({' → '.join(str(y['year']) for y in years)}) {'; '.join(parts)}.")
    return out


def _share(year: dict, buyer: str, stage: str) -> float | None:
    for s in year.get("china_share") or []:
        if s["buyer"] == buyer and s["stage"] == stage:
            return s["mean_share"]
    return None


def _project_lines(case: data.Case) -> list[str]:
    projects = [p for p in case.raw.get("projects") or [] if p.get("in_case_mode")]
    coinvest = case.raw.get("co_investment") or {}
    if not projects:
        return [f"“{case.name}” backs none of the {coinvest.get('projects_considered', 0)} "
                "candidate projects."]
    named = "; ".join(f"{p['project'].replace('_', ' ')} ({p['mineral'].replace('_', ' ')} "
                      f"{p['stage']}, {p['country']}, {tonnes(p['capacity_t'])} a year from "
                      f"{p['online_year']}, {usd(p['annualised_capex_usd'])} a year)"
                      for p in projects)
    value = data.number(coinvest.get("value_usd"))
    saving = data.number(coinvest.get("capex_saving_usd"))
    words = (f"Planning together saves {usd(value)} over the modelled years"
             if value > 0 else f"Planning together costs {usd(-value)} more over the "
             "modelled years" if value < 0 else "Planning together saves nothing")
    return [f"“{case.name}” backs {len(projects)} of "
            f"{coinvest.get('projects_considered', len(projects))} candidate projects: "
            f"{named}.",
            f"{words} than planning alone (alone, each buyer backs its own copy of a "
            f"plant; the annualised capex alone is {usd(abs(saving))} a year "
            f"{'lower' if saving >= 0 else 'higher'} together). The figure adds the "
            "modelled years' annual costs, each year weighted equally."]


def outlook_section(cases: list[data.Case]) -> str:
    """The brief's section: China's share over the years (chart), costs, projects."""
    chosen = multi_year(cases)
    if not chosen:
        return ""
    table = year_table(cases)
    parts = ["<h2>Outlook to the modelled years and the projects to back</h2>"]
    for case in chosen:
        sel = table[table["case"] == case.name]
        parts.append(figure(share_chart(sel, case.name), f"China's share over the years, "
                            f"{case.name}", esc(f"China's average share of each buyer's "
                                                f"supply per stage in each modelled year, "
                                                f"case “{case.name}”.")))
        parts.append(_cost_table(sel) + _project_table(case))
    return "<section>" + "".join(parts) + "</section>"


def _cost_table(sel: pd.DataFrame) -> str:
    years = sel.drop_duplicates("year")
    rows = [[esc(str(r.year)), esc(str(r.status)), esc(usd(r.cost_usd)),
             esc(usd(r.capex_usd))] for r in years.itertuples()]
    header = [("Year", ""), ("Status", ""), ("Cost a year", "num"),
              ("of which annualised capex", "num")]
    return table_html(header, rows, esc(RATE_NOTE + "."))


def _project_table(case: data.Case) -> str:
    rows = [[esc(p["project"].replace("_", " ")), esc(p["backed_by"]),
             esc(p["mineral"].replace("_", " ")), esc(p["stage"]), esc(p["country"]),
             esc(tonnes(p["capacity_t"])), esc(str(p["online_year"])),
             esc(usd(p["annualised_capex_usd"]))]
            for p in case.raw.get("projects") or [] if p.get("in_case_mode")]
    if not rows:
        return '<p class="note">No project is backed.</p>'
    header = [("Project", ""), ("Backed by", ""), ("Mineral", ""), ("Stage", ""),
              ("Where", ""), ("Capacity a year", "num"), ("Online", "num"),
              ("Cost a year", "num")]
    return table_html(header, rows, esc("Projects the plan backs (a yes/no decision each); "
                                        "capacity in tonnes of contained element."))


def share_chart(sel: pd.DataFrame, title: str) -> bytes | None:
    """Lines: China's mean share per stage over the modelled years, one panel per buyer."""
    sel = sel.dropna(subset=["china_share"])
    if sel.empty or sel["year"].nunique() < 1:
        return None
    buyers = sorted(sel["buyer"].unique())
    with rc_context(charts.RC):
        fig = Figure(figsize=(7.0, 2.6))
        for i, buyer in enumerate(buyers):
            ax = fig.add_subplot(1, len(buyers), i + 1)
            for stage in STAGES:
                line = sel[(sel["buyer"] == buyer) & (sel["stage"] == stage)]
                if not line.empty:
                    ax.plot(line["year"], line["china_share"], marker="o", label=stage,
                            color=charts.STAGE_COLOURS[stage])
            ax.set_ylim(0, 1)
            ax.set_title(buyer)
            ax.set_xticks(sorted(sel["year"].unique()))
            ax.yaxis.set_major_formatter(charts.PercentFormatter(1.0))
            if i == 0:
                ax.legend(loc="lower left")

        return charts.png_bytes(fig)


def excel_sheets(wb, cases: list[data.Case]) -> None:
    """Workbook sheets ``Years`` and ``Projects`` (only with a multi-year case)."""
    if not multi_year(cases):
        return
    from toolkit.reports.excel_report import table_sheet

    table_sheet(wb, "Years", year_table(cases))
    table_sheet(wb, "Projects", project_table(cases))

