"""The brief's "Recommended portfolio" section: the first case that can be met, each buyer's
largest suppliers per stage (country codes, with a glossary of their names), and the
stockpiles of every case that can be met."""

from __future__ import annotations

import math

import pandas as pd

from toolkit.reports import words
from toolkit.reports.findings import Tables, is_joint, tonnes
from toolkit.reports.html import none as _none
from toolkit.reports.html import table_html
from toolkit.reports.outlook import buyer_words
from toolkit.reports.safety import esc
from toolkit.reports.words import pct
from toolkit.schema import STAGES

PORTFOLIO_TOP = 3


def first_feasible(t: Tables) -> str | None:
    """The first policy case that can be met (None: none can)."""
    names = [c.name for c in t.cases if c.status == "optimal"]
    return names[0] if names else None


def section(t: Tables) -> str:
    """The recommended portfolio of the first case that can be met, with its country
    glossary, and the stockpiles of every case that can be met."""
    first = first_feasible(t)
    head = f"<h2 class=\"break\">Recommended portfolio{f' — “{esc(first)}”' if first else ''}</h2>"
    sel = t.portfolio[(t.portfolio["case"] == first) & (t.portfolio["tonnes"] > 0)] \
        if first else t.portfolio.iloc[0:0]
    if sel.empty:
        return head + _none("none: no feasible plan")
    stages = [s for s in STAGES if (sel["stage"] == s).any()]
    header = [("Buyer", ""), ("Mineral", ""), ("Tonnes", "num")] + [(s.capitalize(), "")
                                                                   for s in stages]
    sums = sel.groupby(["buyer", "mineral", "stage"], sort=True)["tonnes"].sum()
    mixes = _mixes(sel)
    rows = []
    for buyer, mineral in dict.fromkeys((b, m) for b, m, _s in sums.index):
        total = sums.loc[(buyer, mineral)].max()
        rows.append([esc(buyer_words(buyer)), esc(words.mineral(mineral)), esc(tonnes(total))]
                    + [_mix(mixes.get((buyer, mineral, s), [])) for s in stages])
    return head + table_html(header, rows, (
        f"Largest {PORTFOLIO_TOP} countries per stage with their share of the buyer's "
        "contracted tonnes; full detail, cost and the pro-rata baseline in the workbook "
        "(sheet Portfolio).")) + _glossary(sel) + _stockpile(t, first)


def _glossary(sel: pd.DataFrame) -> str:
    names = sel[["country", "country_name"]].drop_duplicates("country").sort_values("country")
    items = " · ".join(f"{esc(r.country)} {esc(_blank(r.country_name))}".strip()
                       for r in names.itertuples())
    return f'<p class="note">Countries: {items}</p>' if items else ""


def _mixes(sel: pd.DataFrame) -> dict[tuple, list[tuple[str, float]]]:
    """(country, share) per (buyer, mineral, stage), largest share first (ties by
    country): one stable sort of the whole selection."""
    ordered = sel.sort_values(["share", "country"], ascending=[False, True], kind="stable")
    mixes: dict[tuple, list[tuple[str, float]]] = {}
    for r in ordered.itertuples():
        mixes.setdefault((r.buyer, r.mineral, r.stage), []).append((r.country, r.share))
    return mixes


def _mix(shares: list[tuple[str, float]]) -> str:
    if not shares:
        return "—"
    parts = [f"{esc(country)} {esc(pct(share))}" for country, share in shares[:PORTFOLIO_TOP]]
    rest = len(shares) - PORTFOLIO_TOP
    return ", ".join(parts) + (f", +{rest} more" if rest > 0 else "")


def _stockpile(t: Tables, case: str) -> str:
    """Stockpiles of every case that can be met (not only the portfolio's case)."""
    met = [c for c in t.cases if c.status == "optimal"]
    sel = t.stockpile[t.stockpile["case"].isin([c.name for c in met])
                      & (t.stockpile["tonnes"] > 0)]
    head = "<h3>Stockpiles (every policy case that can be met)</h3>"
    if sel.empty:
        return head + _none("none recommended in any case")
    rank = {c.name: i for i, c in enumerate(met)}
    sel = sel.assign(_r=sel["case"].map(rank)).sort_values(["_r", "buyer", "mineral"],
                                                           kind="stable")
    rows = [[esc(r.case), esc(buyer_words(r.buyer)), esc(words.mineral(r.mineral)),
             esc(tonnes(r.tonnes))]
            for r in sel.itertuples()]
    none = [c.name for c in met if c.name not in set(sel["case"])]
    note = (f"No stockpile in: {', '.join(none)}. " if none else "") + (
        "Joint cases hold a pooled stockpile; its split between the buyers is a convention."
        if any(is_joint(c) for c in met if c.name in set(sel["case"])) else "")
    return head + table_html([("Case", ""), ("Buyer", ""), ("Mineral", ""),
                              ("Tonnes", "num")], rows, esc(note))


def _blank(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else str(value)
