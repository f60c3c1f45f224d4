"""Stockpile findings in plain words: what each case that can be met holds."""

from __future__ import annotations

import pandas as pd

from toolkit.reports import data
from toolkit.reports.words import pct, tonnes


def stockpile_lines(cases: list[data.Case], stockpile: pd.DataFrame,
                    portfolio: pd.DataFrame) -> list[str]:
    """Per case that can be met: the stockpile tonnes per mineral, or that it holds none."""
    met = [c for c in cases if c.status == "optimal"]
    held = stockpile[stockpile["tonnes"] > 0]
    lines, notes, without = [], [], []
    for case in met:
        sel = held[held["case"] == case.name]
        if sel.empty:
            without.append(case.name)
        else:
            lines.append(_stockpile_sentence(case, sel, portfolio))
            notes.append(_tie_note(case, set(sel["mineral"].astype(str))))
    if not met:
        return []
    if not lines:
        return [f"No policy case's plan holds a stockpile ({names(without)})."
                if len(met) > 1 else f"The plan of “{met[0].name}” holds no stockpile."]
    if without:
        lines[-1] = (lines[-1][:-1] + f"; the plan{'s' if len(without) > 1 else ''} of "
                     f"{names(without)} hold{'' if len(without) > 1 else 's'} none.")
    return [line + note for line, note in zip(lines, notes, strict=True)]


STOCKPILE_ITEMS = 6


def _stockpile_sentence(case: data.Case, sel: pd.DataFrame,
                        portfolio: pd.DataFrame | None = None) -> str:
    """The stockpiles of one case; beyond six minerals, the six of largest value."""
    per = sel.groupby("mineral", sort=True)["tonnes"].sum()
    more = ""
    if len(per) > STOCKPILE_ITEMS:
        value = per * _chain_cost(case, portfolio).reindex(per.index).fillna(0.0)
        top = value.sort_values(ascending=False, kind="stable").index[:STOCKPILE_ITEMS]
        more = (f", the largest by value of {len(per)} minerals (the rest in the workbook, "
                "sheet Stockpile)")
        per = per[sorted(top)]
    items = [f"{tonnes(v)} of {m}" for m, v in per.items()]
    listed = ", ".join(items[:-1]) + f" and {items[-1]}" if len(items) > 1 else items[0]
    pooled = " (pooled between the buyers)" if data.is_joint(case) else ""
    return f"In “{case.name}” the plan holds {listed} as stockpile{pooled}{more}."


TIE_SETTINGS = ("stockpile_cost_share", "shortfall_cost_multiple")


def _tie_note(case: data.Case, minerals: set[str]) -> str:
    """Where holding a tonne costs exactly the expected shortfall cost it saves in one
    scenario (``stockpile_cost_share`` = probability x ``shortfall_cost_multiple``): every
    stock down to the one that just meets the floor costs the same; the plan (shortfall
    tie-break, docs/OPTIMIZATION.md section 6) holds the largest."""
    values: dict[tuple[str, str], dict[str, float]] = {}
    for row in case.raw.get("settings") or []:
        if isinstance(row, dict) and row.get("setting") in TIE_SETTINGS:
            key = (str(row.get("mineral", "")), str(row.get("buyer", "")))
            values.setdefault(key, {})[row["setting"]] = float(row["value"])
    probs: dict[str, set[float]] = {}
    for row in case.raw.get("scenarios") or []:
        if not isinstance(row, dict) or row.get("probability") is None:
            continue
        probs.setdefault(str(row.get("mineral")), set()).add(float(row["probability"]))
    for (mineral, _buyer), v in sorted(values.items()):
        share, multiple = v.get("stockpile_cost_share"), v.get("shortfall_cost_multiple")
        if mineral not in minerals or share is None or multiple is None:
            continue
        for p in sorted(probs.get(mineral, ())):
            if p > 0 and abs(share - p * multiple) <= 1e-9 * max(1.0, share):
                return (f" Read with care: holding a tonne for a year costs {pct(share)} of "
                        f"its value, exactly the expected cost of the shortfall it prevents "
                        f"in a disruption of probability {pct(p)} a year ({multiple:g} × its "
                        "value), so a smaller stock, down to the one that just meets the "
                        "served floor, would cost the same; the plan holds the larger stock "
                        "that serves every such disruption.")
    return ""


def _chain_cost(case: data.Case, portfolio: pd.DataFrame | None) -> pd.Series:
    """Per mineral, the sum over stages of the mean unit cost of the case's portfolio."""
    if portfolio is None or portfolio.empty or "unit_cost_usd_per_t" not in portfolio:
        return pd.Series(dtype=float)
    sel = portfolio[portfolio["case"] == case.name]
    stage = sel.groupby(["mineral", "stage"])["unit_cost_usd_per_t"].mean()
    return stage.groupby(level="mineral").sum()


def names(names: list[str]) -> str:
    quoted = [f"“{n}”" for n in names]
    return ", ".join(quoted[:-1]) + f" and {quoted[-1]}" if len(quoted) > 1 else quoted[0]
