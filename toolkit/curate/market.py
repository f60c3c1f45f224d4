"""Market buyers in ``demand.csv``: world output not planned for GBR/JPN, by buyer.

Run after production and planned demand are built (:func:`add_market_buyers`, called at
the end of :func:`toolkit.curate.assemble.build_all`), generically over whatever minerals
and stages ``production.csv`` holds.  Per mineral, in the data year:

* the **tightest stage** k* is the stage with the smallest world production
  :math:`P^* = \\min_k \\sum_n P_{n,k}` (the model's holdings rule needs
  :math:`D^M \\le P_k` at every stage);
* :math:`D^P` = the planned buyers' demand;
* named market buyers (USA from USGS MCS 2026; CHN, KOR, EUU from cited publications,
  :mod:`toolkit.curate.market_published`) are taken in order of reliability while they
  fit in :math:`P^* - D^P`; the first that does not fit is reduced to the room left and
  the rest are dropped, each with a note (never clipped silently);
* ``ROW`` = :math:`P^* - D^P - \\sum` named, so that planned + market = :math:`P^*`.

:math:`D^P > P^*` is an input inconsistency (demand and production on different content
bases) and raises ``ValueError`` naming the mineral and stage.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from toolkit.curate.common import BUYERS, ROW, STAGES, TONNES_PER_UNIT, TRADE_YEAR
from toolkit.curate.market_published import NAMED_BUYERS, USA_ROWS, NamedBuyer

USA_SOURCE = "usgs_mcs2026"
ROUND = 3


@dataclass(frozen=True)
class Candidate:
    """A named market buyer's demand before fitting (tonnes in the chain basis)."""

    buyer: str
    tonnes: float
    rank: int
    basis: str
    method: str
    source_id: str


@dataclass(frozen=True)
class Tightest:
    """The stage with the smallest world output of a mineral."""

    stage: str
    total_t: float
    year: int
    source_id: str
    totals: dict[str, float]


def tightest_stage(prod: pd.DataFrame, mineral: str, year: int = TRADE_YEAR) -> Tightest | None:
    """Smallest world stage total of ``mineral`` in ``year`` (else its latest earlier year).

    Ties go to the stage that comes first in the chain (mine, refine, manufacture).
    """
    g = prod[(prod["mineral"] == mineral) & (prod["year"] <= year)]
    if g.empty:
        return None
    used = int(year) if (g["year"] == year).any() else int(g["year"].max())
    g = g[g["year"] == used]
    totals = g.groupby("stage")["tonnes"].sum()
    order = [s for s in STAGES if s in totals.index]
    stage = min(order, key=lambda s: (float(totals[s]), order.index(s)))
    src = ";".join(sorted({i for v in g.loc[g["stage"] == stage, "source_id"]
                           for i in str(v).split(";")}))
    return Tightest(stage, float(totals[stage]), used, src,
                    {s: float(totals[s]) for s in order})


def _usa_value(full: pd.DataFrame, row) -> tuple[float, str] | None:
    sel = full[(full["MCS chapter"] == row.chapter) & (full["Statistics_detail"] == row.detail)
               & (full["Year"] == str(TRADE_YEAR))
               & full["Section"].str.startswith("Salient")]
    if row.commodity:
        sel = sel[sel["Commodity"] == row.commodity]
    if len(sel) != 1:
        raise ValueError(f"expected one USGS row {row.chapter} / {row.detail}, got {len(sel)}")
    r = sel.iloc[0]
    text = r["Value"].strip().replace(",", "")
    try:
        value = float(text)
    except ValueError:
        return None  # W (withheld), NA, ranges such as "<100,000"
    t = value * TONNES_PER_UNIT[r["Unit"]] * row.factor
    note = f"; {row.note}" if row.note else ""
    return t, (f"MCS2026 {row.chapter} row {r['source_row_number']}: '{row.detail}' = "
               f"{r['Value']} {r['Unit']} ({TRADE_YEAR}){note}")


def usa_buyers(full: pd.DataFrame, mineral: str) -> list[Candidate]:
    """The US market buyer of ``mineral`` from USGS MCS 2026 (empty if withheld)."""
    rows = USA_ROWS.get(mineral, ())
    parts = [_usa_value(full, r) for r in rows]
    if not rows or any(p is None for p in parts):
        return []
    tonnes = sum(p[0] for p in parts)
    method = ("USGS apparent/reported consumption, United States: "
              + " + ".join(p[1] for p in parts) + f" = {tonnes:,.1f} t")
    return [Candidate("USA", tonnes, 1, "reported", method, USA_SOURCE)]


def published_buyers(mineral: str, tight: Tightest) -> list[Candidate]:
    """Named buyers from :data:`NAMED_BUYERS` (shares x the tightest-stage world output)."""
    out = []
    for n in NAMED_BUYERS:
        if n.mineral != mineral:
            continue
        out.append(_published(n, tight))
    return out


def _published(n: NamedBuyer, tight: Tightest) -> Candidate:
    if n.share is not None:
        tonnes = n.share * tight.total_t
        how = (f"{n.share:.3f} x world {tight.stage} output {tight.year} "
               f"{tight.total_t:,.1f} t = {tonnes:,.1f} t")
    else:
        tonnes = float(n.tonnes or 0.0)
        how = f"{tonnes:,.1f} t"
    flag = "; rests on an ASSUMPTION" if n.assumed else ""
    method = (f"published ({n.year}, used for {TRADE_YEAR}): {n.quote}; {n.conversion}; "
              f"{how}{flag} [{n.citation}]")
    basis = "assumption" if n.assumed else ("derived" if n.share is not None
                                            else "hand_entered")
    return Candidate(n.buyer, tonnes, n.rank, basis, method, n.source_id)


def market_rows(mineral: str, tight: Tightest, planned_t: float,
                candidates: list[Candidate]) -> list[dict]:
    """Fit named buyers into the room left by the planned buyers; ROW takes the rest.

    Candidates are taken by (rank, -tonnes, buyer).  The first that does not fit is
    reduced to the room left and every later one is dropped; both are noted.

    Raises
    ------
    ValueError
        If the planned buyers alone exceed world output at the tightest stage.
    """
    room = round(tight.total_t, ROUND) - round(planned_t, ROUND)
    if room < -0.5 * 10 ** -ROUND:
        raise ValueError(
            f"{mineral}: planned demand {planned_t:,.3f} t exceeds world {tight.stage} "
            f"output {tight.total_t:,.3f} t ({tight.year}); demand and production are "
            "probably on different content bases")
    rows, dropped = [], []
    for c in sorted(candidates, key=lambda c: (c.rank, -c.tonnes, c.buyer)):
        want = round(c.tonnes, ROUND)
        if want <= 0:
            continue
        if room <= 0:
            dropped.append(f"{c.buyer} {want:,.1f} t (dropped: no room left)")
            continue
        method = c.method
        if want > room:
            dropped.append(f"{c.buyer} reduced from {want:,.1f} t to {room:,.1f} t")
            method += (f"; REDUCED from {want:,.1f} t to {room:,.1f} t so that planned + "
                       f"market = world {tight.stage} output (no negative ROW)")
            want = room
        rows.append(_row(c.buyer, mineral, want, c.basis, method, c.source_id))
        room = round(room - want, ROUND)
    rest = _row_of_rest(mineral, tight, planned_t, rows, room, dropped)
    if rest["demand_t"] > 0:
        rows.append(rest)
    elif rows:  # no ROW row: the balance (and what was dropped) is noted on the last one
        rows[-1]["method"] += f"; ROW = 0: {rest['method']}"
    return rows


def _row(buyer: str, mineral: str, tonnes: float, basis: str, method: str,
         source_id: str) -> dict:
    return {"buyer": buyer, "mineral": mineral, "sector": "all",
            "demand_t": round(tonnes, ROUND), "year": TRADE_YEAR, "basis": basis,
            "method": method, "source_id": source_id, "check_t": None, "check": ""}


def _row_of_rest(mineral: str, tight: Tightest, planned_t: float, named: list[dict],
                 room: float, dropped: list[str]) -> dict:
    names = ", ".join(f"{r['buyer']} {r['demand_t']:,.1f} t" for r in named) or "none"
    stages = ", ".join(f"{s} {t:,.1f} t" for s, t in tight.totals.items())
    note = f"; named buyers reduced/dropped to keep ROW >= 0: {'; '.join(dropped)}" \
        if dropped else ""
    method = (f"market buyer ROW = world output at the tightest stage ({tight.stage}, "
              f"{tight.year}: {tight.total_t:,.1f} t; stage totals: {stages}) - planned "
              f"buyers GBR+JPN {planned_t:,.1f} t - named market buyers ({names}) = "
              f"{room:,.1f} t{note}")
    return _row(ROW, mineral, room, "derived", method, tight.source_id)


def build_market(prod: pd.DataFrame, planned: pd.DataFrame,
                 full: pd.DataFrame) -> pd.DataFrame:
    """Market-buyer rows for every mineral that has production in the data year."""
    rows = []
    for mineral in sorted(set(planned["mineral"])):
        tight = tightest_stage(prod, mineral)
        if tight is None:
            continue
        planned_t = float(planned.loc[(planned["mineral"] == mineral)
                                      & planned["buyer"].isin(BUYERS), "demand_t"].sum())
        cands = usa_buyers(full, mineral) + published_buyers(mineral, tight)
        rows += market_rows(mineral, tight, planned_t, cands)
    return pd.DataFrame(rows, columns=list(planned.columns))


def add_market_buyers(prod: pd.DataFrame, planned: pd.DataFrame,
                      full: pd.DataFrame) -> pd.DataFrame:
    """``demand.csv``: the planned buyers' rows plus the market buyers, sorted by key."""
    market = build_market(prod, planned, full)
    demand = pd.concat([planned, market], ignore_index=True)
    return demand.sort_values(["buyer", "mineral", "sector"]).reset_index(drop=True)
