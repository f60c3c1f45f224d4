"""Demand the Routes sheet leaves unreachable: an input error, found before any solve.

A planned buyer's demand for a mineral is *reachable* when at least one allowed path
runs from a mine (first stage) node with capacity, through one node with capacity at
every later stage, to the buyer (:func:`toolkit.optimize.paths.first_cut`).  Without a
path the plan could never deliver a tonne, whatever the policy, so the workbook is
refused with the buyer's Demand row named.
"""

from __future__ import annotations

from toolkit.chain import SupplyChain
from toolkit.errors import Problem
from toolkit.optimize.data import nodes_table
from toolkit.optimize.paths import BUYER_STAGE, first_cut
from toolkit.schema import BUYERS, STAGES
from toolkit.validate import Where


def unreachable_demand(chain: SupplyChain, where: Where) -> list[Problem]:
    """One problem per planned buyer's Demand row whose mineral no path can deliver.

    ``chain`` should be at one data year (``chain.at_year``, which keeps the Demand
    table's index); ``where`` locates the Demand table, whose row positions are that
    index.
    """
    problems, seen = [], set()
    demand = chain.demand
    for i, row in demand.iterrows():
        key = (row["buyer"], row["mineral"])
        if row["buyer"] not in BUYERS or key in seen or not row["demand_t"] > 0:
            continue
        seen.add(key)
        nodes = nodes_table(chain, row["mineral"])
        stages = [s for s in STAGES if s in set(nodes["stage"])]
        cut = first_cut(chain, row["mineral"], nodes, stages, row["buyer"])
        if cut is not None:
            total = demand.loc[(demand["buyer"] == row["buyer"])
                               & (demand["mineral"] == row["mineral"]), "demand_t"].sum()
            problems.append(where.problem(_rule(*key, float(total), cut), where.row(int(i)),
                                          "buyer", row["buyer"]))
    return problems


def _rule(buyer: str, mineral: str, total_t: float, cut: tuple[str, str]) -> str:
    up, down = cut
    link = (f"from {up} to the buyer {buyer} from a {up} country that can be reached"
            if down == BUYER_STAGE else
            f"from {up} to {down} between countries with capacity")
    return (f"{buyer}'s {mineral} demand ({total_t:,.0f} t/yr) cannot be reached: the "
            f"Routes sheet allows no link {link}; add the missing Routes row (or delete "
            f"the sheet's rows for {mineral} at that link to allow every link), or remove "
            "this demand")


def case_year_problems(chain: SupplyChain, cases: list) -> list[Problem]:
    """Problems of the data year each policy case uses (Policy setting ``year``).

    A case whose year leaves a mineral with planned demand without any Supply row
    would silently plan without that mineral; Routes that reach a buyer in the default
    year may not in another.  Both are input errors, named by case and year.
    """
    problems: list[Problem] = []
    seen: set = set()
    for case in cases:
        if case.year is None or case.year in seen:
            continue
        seen.add(case.year)
        at = chain.at_year(case.year)
        where = Where(chain.source, "Policy", 2)
        for mineral in at.mineral_ids:
            planned = at.demand[(at.demand["mineral"] == mineral)
                                & at.demand["buyer"].isin(BUYERS) & (at.demand["demand_t"] > 0)]
            if len(planned) and not at.stages_of(mineral):
                problems.append(where.problem(
                    f"case {case.name!r} uses data year {case.year:g}, which has no Supply "
                    f"rows for {mineral} (dated {case.year:g} or earlier, or undated), so "
                    f"the UK and Japan's {mineral} demand could not be planned: give Supply "
                    "rows for that year or another year", None, "value", f"{case.year:g}"))
        if not len(at.routes):
            continue
        for problem in unreachable_demand(at, Where(chain.source, "Demand", 2)):
            problems.append(Problem(problem.file, f"in case {case.name!r} (data year "
                                    f"{case.year:g}): {problem.rule}", "Demand", None,
                                    "buyer", problem.value))
    return problems
