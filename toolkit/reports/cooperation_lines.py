"""Key findings on the value of cooperation: what planning jointly saves, per case.

For a single-year case the figure is a yearly one; for a multi-year case it is the
total over the modelled years (each weighted 1), which the line says.  A joint plan that
comes out dearer is explained in the same line.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from toolkit.reports import data, outlook
from toolkit.reports.outlook import CANNOT
from toolkit.reports.words import pct, usd

if TYPE_CHECKING:
    from toolkit.reports.findings import Tables


def cooperation_lines(t: Tables) -> list[str]:
    """Per case, what planning jointly saves (or why it comes out dearer), in words."""
    savings = [data.number(data.cooperation(c).get("saving_usd")) for c in t.cases]
    known = [v for v in savings if not math.isnan(v)]
    if len(known) > 1 and all(abs(v) < 0.5 for v in known):
        return [f"Planning jointly (UK and Japan) brings no cost saving in any of the "
                f"{len(known)} policy cases: the independent plans, rationed where they claim the "
                "same tonnes, cost what one joint plan costs."]
    lines = []
    for case in t.cases:
        coop = data.cooperation(case)
        saving = data.number(coop.get("saving_usd"))
        if math.isnan(saving):
            continue
        alone = data.number(coop.get("independent_cost_usd"))
        ratio = abs(saving) / alone if alone > 0 else 0.0
        share = f" ({pct(ratio, 1 if ratio >= 0.001 else 3)} of the independent cost)" \
            if alone > 0 else ""
        worst = (data.number(coop.get("independent_worst_served_share")),
                 data.number(coop.get("joint_worst_served_share")))
        served = (f"; in the worst scenario the share of the two buyers' combined demand "
                  f"that is served goes from {pct(worst[0])} to {pct(worst[1])}"
                  if not any(math.isnan(w) for w in worst)
                  and pct(worst[0]) != pct(worst[1]) else "")
        if abs(saving) < 0.5:
            what = "brings no cost saving"
        else:
            what = f"{'saves' if saving > 0 else 'comes out'} {usd(abs(saving))}" \
                f"{'' if saving > 0 else ' dearer'}{_coop_period(case)}{share}" \
                f"{_dearer_joint(case) if saving < 0 else ''}"
        lines.append(f"Planning jointly (UK and Japan) in “{case.name}” {what}{served}"
                     f"{_partial_coop(case, coop)}.")
    return lines


def _coop_period(case: data.Case) -> str:
    """' a year', or, for a multi-year case (whose value of cooperation is the sum over
    its modelled years, each weighted 1), ' summed over its N modelled years'."""
    years = case.raw.get("years") if case.raw.get("multi_year") else None
    if not isinstance(years, list) or len(years) < 2:
        return " a year"
    return f" summed over its {len(years)} modelled years"


def _dearer_joint(case: data.Case) -> str:
    """Why a joint plan comes out dearer than planning alone, beside the figure."""
    doubled = outlook.doubled(case)
    if doubled:
        return (f", but this is not a cost of cooperating: planning alone, the UK and Japan "
                f"each build their own copy of {outlook.listed(doubled)}, two plants where "
                "one is announced, which a joint plan cannot do; the figure flatters "
                "planning alone")
    return (", which the method rules out without new plants (docs/OPTIMIZATION.md §8): "
            "read it as no measurable gain until it is explained")


def _partial_coop(case: data.Case, coop: dict) -> str:
    """For a case that cannot be met: the totals cover only the minerals both plans meet."""
    if case.status == "optimal":
        return ""
    n = data.number(coop.get("minerals_compared"))
    count = f"the {n:.0f} " if not math.isnan(n) else "the "
    return (f" (over {count}minerals both plans can meet only; the case as a whole "
            f"{CANNOT})")
