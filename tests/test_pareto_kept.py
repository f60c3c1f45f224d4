"""The brief's Pareto curve over the minerals that can meet a binding cap (by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

from toolkit.reports.pareto_kept import kept_frontier


def _points() -> pd.DataFrame:
    # a: met everywhere (10 + 5 per 10 points below 100 %); b: never below 100 %;
    # rare_earths: met down to 60 %, not at 50 %.
    rows = []
    for eps in (1.0, 0.9, 0.6, 0.5):
        rows.append(("a", eps, 10 + 50 * (1 - eps), "optimal"))
        rows.append(("b", eps, 7.0 if eps == 1.0 else None,
                     "optimal" if eps == 1.0 else "infeasible"))
        ok = eps >= 0.6
        rows.append(("rare_earths", eps, 20 + 10 * (1 - eps) if ok else None,
                     "optimal" if ok else "infeasible"))
    return pd.DataFrame([{"case": "c", "sweep": "china_share", "mineral": m, "epsilon": e,
                          "objective_usd": v, "status": s} for m, e, v, s in rows])


def test_kept_minerals_are_those_meeting_the_first_binding_cap():
    kept = kept_frontier(_points())
    assert list(kept["epsilon"]) == [1.0, 0.9, 0.6, 0.5]
    # at 100 %: a 10 + rare earths 20 = 30 (b's 7 is not in the kept sum)
    assert list(kept["objective_usd"][:3]) == pytest.approx([30.0, 36.0, 54.0])
    assert pd.isna(kept["objective_usd"].iloc[3]) and kept["status"].iloc[3] == "infeasible"
    assert set(kept["minerals"]) == {2} and set(kept["left_out"]) == {"b"}


def test_the_brief_names_what_its_curve_leaves_out():
    from types import SimpleNamespace

    from toolkit.reports.brief import _left_out

    t = SimpleNamespace(pareto_kept=kept_frontier(_points()))
    assert _left_out(t) == " (left out where they cannot meet it: b)"
    every = _points().assign(status="optimal")
    assert _left_out(SimpleNamespace(pareto_kept=kept_frontier(every))) == ""
