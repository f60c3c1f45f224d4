"""Projects: new plants the plan may back, and what a backed plant costs a year.

A project (``Projects`` sheet, ``[[projects]]`` in a model file, ``datasets/projects.csv``)
is a plant of ``capacity_t`` tonnes a year at one (mineral, stage, country), with its own
operating cost ``unit_cost_usd_per_t`` and capital cost ``capex_usd``.  Backing it is a
yes/no decision :math:`y_j \\in \\{0, 1\\}` (:mod:`toolkit.optimize.projects`).

Online years.  A backed project produces in every modelled year :math:`t` with
:math:`o_j \\le t < o_j + L_j` (``online_year`` :math:`o_j`, ``lifetime_years``
:math:`L_j`, default 20).  In each such modelled year the objective carries its
annualised capex

.. math:: \\mathrm{CRF}(r, L) \\cdot \\mathrm{capex}_j, \\qquad
          \\mathrm{CRF}(r, L) = \\frac{r (1+r)^L}{(1+r)^L - 1}, \\quad
          \\mathrm{CRF}(0, L) = 1/L

with :math:`r` the setting ``discount_rate`` (an ASSUMPTION, default 0.08).
All tonnages are tonnes of contained element per year; money is USD.
"""

from __future__ import annotations

import pandas as pd

from toolkit.errors import Problem
from toolkit.validate import Where


def crf(rate: float, lifetime: float) -> float:
    """Capital recovery factor :math:`r(1+r)^L/((1+r)^L-1)`; :math:`1/L` at :math:`r=0`.

    Parameters
    ----------
    rate : discount rate r (fraction per year, >= 0).
    lifetime : annuity period L (years, > 0).
    """
    if rate == 0:
        return 1.0 / lifetime
    growth = (1.0 + rate) ** lifetime
    return rate * growth / (growth - 1.0)


def is_online(project: dict | pd.Series, year: float) -> bool:
    """True when a backed project produces in ``year``: ``o <= year < o + L``."""
    start = float(project["online_year"])
    return start <= year < start + float(project["lifetime_years"])


def online(projects: pd.DataFrame, mineral: str, year: float | None) -> pd.DataFrame:
    """Projects of ``mineral`` that produce in ``year`` (None: a single-year run of an
    undated chain, where every project of the mineral counts as online)."""
    rows = projects[projects["mineral"] == mineral] if len(projects) else projects
    if year is None or rows.empty:
        return rows.reset_index(drop=True)
    mask = [is_online(r, year) for r in rows.to_dict("records")]
    return rows[mask].reset_index(drop=True)


def online_in(projects: pd.DataFrame, year: float | None) -> pd.DataFrame:
    """Projects of every mineral that produce in ``year`` (None: all of them)."""
    if year is None or projects.empty:
        return projects
    mask = [is_online(r, year) for r in projects.to_dict("records")]
    return projects[mask].reset_index(drop=True)


def annualised_capex(projects: pd.DataFrame, rate: float) -> dict[str, float]:
    """``{project: CRF(r, L) x capex_usd}``, USD per year."""
    if projects.empty:  # most minerals have no project: skip the frame's row conversion
        return {}
    return {str(r["project"]): crf(rate, float(r["lifetime_years"])) * float(r["capex_usd"])
            for r in projects.to_dict("records")}


def check_projects(projects: pd.DataFrame, supply: pd.DataFrame, where: Where) -> list[Problem]:
    """A project's stage must be one its mineral has Supply rows for (a plant at a stage
    the chain does not model would carry no flow), and ``online_year`` a whole year.

    An ``online_year`` outside the modelled years is allowed (the plant is simply online
    in none, or in every, modelled year).
    """
    problems = []
    stages = supply.groupby("mineral")["stage"].agg(set).to_dict() if len(supply) else {}
    for i, row in enumerate(projects.to_dict("records")):
        has = stages.get(row["mineral"], set())
        if row["stage"] not in has:
            problems.append(where.problem(
                f"{row['mineral']} has no Supply rows at stage {row['stage']}, so a plant "
                f"there carries no flow (stages with supply: {', '.join(sorted(has)) or 'none'})",
                where.row(i), "stage", row["stage"]))
        year = float(row["online_year"])
        if year != int(year):
            problems.append(where.problem("online_year must be a whole year, e.g. 2029",
                                          where.row(i), "online_year", row["online_year"]))
    return problems
