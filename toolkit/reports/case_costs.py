"""What a policy case's annual cost is made of, and why a case costs less than another.

A case's objective splits into *contracts* (tonnes x unit cost of its portfolio),
*premiums* (tonnes bid away from other buyers) and the rest: stockpile holding, spot
purchases and unserved tonnes weighted by the scenario probabilities (and the 1e-7
tie-breaks).  A case that costs less than the first case that can be met, although
policy cases mostly add caps, is cheaper through some freedom the first does not have;
the two a policy sheet grants case by case are named beside its cost: planning the
buyers jointly and holding stockpiles (a stockpile cost is set).
"""

from __future__ import annotations

import math

import pandas as pd

from toolkit.reports import data
from toolkit.reports.data import is_joint
from toolkit.reports.words import usd

STOCKPILE_SETTINGS = ("stockpile_cost_usd_per_t", "stockpile_cost_share")


def cost_parts(portfolio: pd.DataFrame, bids: pd.DataFrame,
               case: data.Case) -> tuple[float, float, float] | None:
    """``(contracts, premiums, rest)`` of a case's annual cost, USD/yr (None without a
    portfolio)."""
    if portfolio.empty or "cost_usd" not in portfolio:
        return None
    contracts = float(portfolio.loc[portfolio["case"] == case.name, "cost_usd"].sum())
    premiums = float(bids.loc[bids["case"] == case.name, "bid_cost_usd"].sum()) \
        if not bids.empty else 0.0
    rest = case.objective_usd - contracts - premiums
    if contracts <= 0 or math.isnan(rest):
        return None
    return contracts, premiums, rest


def cost_split(portfolio: pd.DataFrame, bids: pd.DataFrame, case: data.Case) -> str:
    """'(contracts …, premiums …, stockpiles and expected disruption costs …)'."""
    parts = cost_parts(portfolio, bids, case)
    if parts is None:
        return ""
    contracts, premiums, rest = parts
    words = [f"contracts {usd(contracts)}"]
    if premiums > 0:
        words.append(f"premiums on tonnes bid away from other buyers {usd(premiums)}")
    if abs(rest) >= 1e-6 * abs(case.objective_usd):
        words.append(f"stockpiles and the expected cost of disruptions {usd(rest)}")
    return " (" + ", ".join(words) + ")" if len(words) > 1 else ""


def may_stockpile(case: data.Case) -> bool:
    """Whether the case's plans may hold stockpiles (a stockpile cost is set somewhere:
    without one the model considers no stockpile)."""
    rows = case.raw.get("settings") or []
    return any(isinstance(r, dict) and r.get("setting") in STOCKPILE_SETTINGS
               and r.get("value") is not None for r in rows)


def dearer_line(case: data.Case, reference: data.Case) -> str:
    """' It costs USD … a year more than “reference” (USD … a year).' when ``case`` costs
    more than ``reference`` (by more than rounding); '' otherwise.  The difference is what
    the case's settings cost against the reference's plan (single-year cases only: a
    multi-year case's years and capital costs have their own lines)."""
    if case.name == reference.name or case.raw.get("multi_year") or \
            reference.raw.get("multi_year") or case.objective_usd is None or \
            reference.objective_usd is None or \
            not case.objective_usd > reference.objective_usd * (1 + 1e-6):
        return ""
    more = case.objective_usd - reference.objective_usd
    return (f" It costs {usd(more)} a year more than “{reference.name}” "
            f"({usd(reference.objective_usd)} a year).")


def cheaper_line(portfolio: pd.DataFrame, bids: pd.DataFrame, case: data.Case,
                 reference: data.Case) -> str:
    """' It costs less than “reference” (…): unlike it, …' when ``case`` costs less than
    ``reference`` (by more than rounding) and plans jointly or may stockpile where
    ``reference`` does not; '' otherwise."""
    if case.name == reference.name or not (
            case.objective_usd < reference.objective_usd * (1 - 1e-6)):
        return ""
    joint = is_joint(case) and not is_joint(reference)
    stock = may_stockpile(case) and not may_stockpile(reference)
    freedoms = ["plans the two buyers jointly (one pool of contracts)"] if joint else []
    freedoms += ["may hold stockpiles"] if stock else []
    if not freedoms:
        return ""
    rest = [cost_parts(portfolio, bids, c) for c in (case, reference)]
    lower = rest[1][2] - rest[0][2] if stock and None not in rest else 0.0
    against = (f"; its stockpiles and expected cost of disruptions are {usd(lower)} a year "
               "lower") if lower > 0 else ""
    return (f" It costs less than “{reference.name}” ({usd(reference.objective_usd)} a "
            f"year): unlike “{reference.name}”, it {' and '.join(freedoms)}{against}.")
