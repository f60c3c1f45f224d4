"""Planned buyers' demand (GBR, JPN) per mineral: ``demand.csv`` rows for the planned buyers.

Order of methods, per buyer and mineral:

1. **published** (:data:`~toolkit.curate.demand_published.PUBLISHED_DEMAND`): where the raw
   trade files lack the codes that carry most of the flow and a published demand exists;
2. **apparent consumption from trade quantities**: domestic production at the stage of the
   traded product (``production.csv``) + sum over HS6 codes of (imports - exports) in gross
   tonnes (BACI 2024 ``qty_t``) x the code's content factor
   (:data:`~toolkit.curate.trade_codes.TRADE_CODES`) + published supplements for missing
   codes (:data:`~toolkit.curate.demand_published.SUPPLEMENTS`);
3. **fallback (ASSUMPTION)**: world total (refine, else mine) x the buyer's share of world
   import value of the mineral HS6 codes, only where neither exists or the trade build is
   not positive (net exporter or trading hub), with the reason in ``method``.

Every row carries ``check_t`` (the first cited published figure, else the same formula fed
with the buyer's own customs figures) and ``check`` (all checks, cited).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit.curate.common import BUYERS, TRADE_YEAR
from toolkit.curate.demand_published import CHECKS, PUBLISHED_DEMAND, SUPPLEMENTS, Figure
from toolkit.curate.minerals import MINERALS
from toolkit.curate.trade import buyer_trade_shares
from toolkit.curate.trade_codes import (
    LOWER_BOUND_CODES,
    MISSING_CODES,
    TRADE_CODES,
    TRADING_HUB,
    TradeCode,
)
from toolkit.curate.trade_qty import (
    HMRC_WINDOW,
    baci_net,
    china_exports_to,
    comtrade_world,
    hmrc_net,
    read_baci_qty,
    read_china_exports,
    read_comtrade_2024,
    read_hmrc,
)

DEMAND_COLS = ["buyer", "mineral", "sector", "demand_t", "year", "basis", "method",
               "source_id", "check_t", "check"]
BACI_QTY_ID = "cepii_baci_qty_v202601"
# The buyer's own customs figures used to re-run the trade build as a check.
NATIONAL: dict[str, tuple[tuple[str, str], ...]] = {
    "JPN": (("comtrade", "MOF figures via UN Comtrade 2024 (JPN-reported, partner World, "
                         "deduplicated)"),),
    "GBR": (("comtrade", "HMRC figures via UN Comtrade 2024 (GBR-reported, partner World, "
                         "deduplicated)"),
            ("hmrc", f"{HMRC_WINDOW} (HMRC monthly files)")),
}


@dataclass
class TradeData:
    """Every trade table the demand and import builds read."""

    baci: pd.DataFrame
    comtrade: pd.DataFrame
    hmrc: pd.DataFrame
    china: pd.DataFrame
    value_shares: dict[str, float] = field(default_factory=dict)


def read_trade(raw_dir: Path, baci_values: pd.DataFrame) -> TradeData:
    """Read all trade tables; ``baci_values`` is the value-only BACI file (fallback)."""
    return TradeData(read_baci_qty(raw_dir), read_comtrade_2024(raw_dir), read_hmrc(raw_dir),
                     read_china_exports(raw_dir), buyer_trade_shares(baci_values))


def _flows(trade: TradeData, buyer: str, code: TradeCode,
           source: str) -> tuple[float, float, str]:
    """(imports, exports, note): gross tonnes of one code from ``source``.

    ``source`` is ``baci``, ``comtrade`` (the buyer's own declaration) or ``hmrc``.  A
    national flow without a weight is replaced by the BACI flow, and the note says so.
    """
    if code.china_only:
        return china_exports_to(trade.china, buyer, code.hs6)[0], 0.0, ""
    baci = baci_net(trade.baci, buyer, code.hs6)
    if source == "baci":
        return baci[0], baci[1], ""
    own = hmrc_net(trade.hmrc, code.hs6) if source == "hmrc" else comtrade_world(
        trade.comtrade, buyer, code.hs6)
    gaps = [name for name, v in zip(("imports", "exports"), own, strict=True) if v != v]
    imp, exp = (baci[0] if own[0] != own[0] else own[0], baci[1] if own[1] != own[1] else own[1])
    note = f" ({' and '.join(gaps)} not in the pull with a weight: BACI used)" if gaps else ""
    return imp, exp, note


def _domestic(prod: pd.DataFrame, mineral: str, stage: str, buyer: str) -> tuple[float, str]:
    """Buyer's own production at ``stage`` in the data year and its source ids."""
    p = prod[(prod["mineral"] == mineral) & (prod["stage"] == stage)
             & (prod["year"] == TRADE_YEAR) & (prod["country"] == buyer)]
    return float(p["tonnes"].sum()), ";".join(sorted(set(p["source_id"])))


def _trade_stage(codes: tuple[TradeCode, ...]) -> str:
    stages = {c.stage for c in codes if not c.china_only} or {c.stage for c in codes}
    return stages.pop() if len(stages) == 1 else "refine"


def buyer_codes(buyer: str, mineral: str) -> tuple[TradeCode, ...]:
    """The mineral's trade codes usable for ``buyer`` (trading-hub codes left out)."""
    hub = TRADING_HUB.get(buyer, frozenset())
    return tuple(c for c in TRADE_CODES.get(mineral, ()) if c.hs6 not in hub)


def trade_build(trade: TradeData, prod: pd.DataFrame, buyer: str, mineral: str,
                source: str = "baci") -> dict | None:
    """Apparent consumption from trade quantities, or None without codes/supplements."""
    codes = buyer_codes(buyer, mineral)
    supps = SUPPLEMENTS.get((buyer, mineral), ())
    if not codes and not supps:
        return None
    stage = _trade_stage(codes)
    dom, dom_src = _domestic(prod, mineral, stage, buyer)
    total, parts, assumed = dom, [f"domestic {stage} production {dom:,.1f} t "
                                  f"(production.csv{', ' + dom_src if dom_src else ''})"], False
    for c in codes:
        imp, exp, note = _flows(trade, buyer, c, source)
        net = (imp - exp) * c.factor
        total += net
        assumed |= c.assumed
        who = "China-declared exports to " + buyer if c.china_only else "imports - exports"
        parts.append(f"HS {c.hs6} {c.product}: ({who} {imp:,.1f} - {exp:,.1f} t gross"
                     f"{note}) x {c.factor_note} = {net:,.1f} t")
    for s in supps:
        total += s.tonnes
        assumed |= s.assumed
        parts.append(f"+ {s.text()}")
    sources = {BACI_QTY_ID} if codes else set()
    if any(c.china_only for c in codes):
        sources.add("comtrade_china_exports")
    sources |= {s.source_id for s in supps} | set(filter(None, dom_src.split(";")))
    return {"value": total, "parts": parts, "assumed": assumed, "sources": sources}


def _missing(mineral: str) -> str:
    gap = MISSING_CODES.get(mineral)
    return (f"; codes not in the raw trade files (flows through them are not counted): {gap}"
            if gap else "")


def _checks(trade: TradeData, prod: pd.DataFrame, buyer: str, mineral: str,
            used_trade: bool) -> tuple[float | None, str]:
    """(check_t, check text): cited published figures, then the national-statistics rerun."""
    figs = CHECKS.get((buyer, mineral), ())
    texts = [f"published: {f.text()}" for f in figs]
    check_t = figs[0].tonnes if figs else None
    if used_trade and buyer_codes(buyer, mineral):
        for source, label in NATIONAL[buyer]:
            rerun = trade_build(trade, prod, buyer, mineral, source=source)
            gaps = "; ".join(p for p in rerun["parts"] if "BACI used" in p)
            texts.append(f"national statistics: the same formula with {label} = "
                         f"{rerun['value']:,.1f} t" + (f" [{gaps}]" if gaps else ""))
            check_t = rerun["value"] if check_t is None else check_t
    for c in LOWER_BOUND_CODES.get(mineral, ()):
        imp, exp = baci_net(trade.baci, buyer, c.hs6)
        texts.append(f"net trade in HS {c.hs6} {c.product} alone (BACI {TRADE_YEAR}; "
                     f"contents of imported products not counted): ({imp:,.1f} - {exp:,.1f} "
                     f"t) x {c.factor:.4f} = {(imp - exp) * c.factor:,.1f} t ({c.factor_note})")
    if not used_trade and buyer_codes(buyer, mineral):
        lower = trade_build(trade, prod, buyer, mineral)
        if lower is not None:
            texts.append(f"trade build on the available codes (BACI {TRADE_YEAR}) = "
                         f"{lower['value']:,.1f} t{_missing(mineral)}")
    return check_t, " | ".join(texts)


def _row(buyer: str, mineral: str, value: float, basis: str, method: str,
         sources: set[str], check: tuple[float | None, str]) -> dict:
    check_t, check_text = check
    return {"buyer": buyer, "mineral": mineral, "sector": "all", "demand_t": round(value, 3),
            "year": TRADE_YEAR, "basis": basis, "method": method,
            "source_id": ";".join(sorted(sources)),
            "check_t": None if check_t is None else round(check_t, 3), "check": check_text}


def _published_row(trade: TradeData, prod: pd.DataFrame, fig: Figure) -> dict:
    method = (f"published figure used as {TRADE_YEAR} demand: {fig.text()}"
              f"{_missing(fig.mineral)}")
    basis = "assumption" if fig.assumed else "hand_entered"
    return _row(fig.buyer, fig.mineral, fig.tonnes, basis, method, {fig.source_id},
                _checks(trade, prod, fig.buyer, fig.mineral, used_trade=False))


def world_total(prod: pd.DataFrame, mineral: str) -> tuple[str, float, bool]:
    """World total of the refine stage in the data year, else mine; and if assumed."""
    for stage in ("refine", "mine"):
        g = prod[(prod["mineral"] == mineral) & (prod["stage"] == stage)
                 & (prod["year"] == TRADE_YEAR)]
        if not g.empty:
            return stage, float(g["tonnes"].sum()), bool((g["basis"] == "assumption").any())
    return "", 0.0, False


def _fallback_row(trade: TradeData, prod: pd.DataFrame, buyer: str, mineral: str,
                  why: str) -> dict:
    stage, tot, assumed_total = world_total(prod, mineral)
    if tot <= 0:
        raise ValueError(f"no world total for the demand fallback of {mineral}")
    share = trade.value_shares[buyer]
    if assumed_total:
        why += f"; the world {stage} total itself rests on an ASSUMPTION"
    method = (f"{why}; ASSUMPTION (fallback, kept because no better method exists for this "
              f"buyer and mineral): world {stage} total {TRADE_YEAR} {tot:,.1f} t x {buyer} "
              f"share {share:.6f} of world import value of the toolkit's mineral HS6 codes "
              f"(BACI {TRADE_YEAR}, PGM codes excluded)")
    return _row(buyer, mineral, tot * share, "assumption", method,
                {"assumption", "cepii_baci_v202601"},
                _checks(trade, prod, buyer, mineral, used_trade=False))


def demand_row(trade: TradeData, prod: pd.DataFrame, buyer: str, mineral: str) -> dict:
    """The ``demand.csv`` row of one planned buyer and mineral."""
    fig = PUBLISHED_DEMAND.get((buyer, mineral))
    if fig is not None:
        return _published_row(trade, prod, fig)
    built = trade_build(trade, prod, buyer, mineral)
    if built is None:
        hub = [c.hs6 for c in TRADE_CODES.get(mineral, ())
               if c.hs6 in TRADING_HUB.get(buyer, frozenset())]
        why = (f"HS {'+'.join(hub)} left out: {buyer} is a trading/vaulting hub for them, "
               "gross trade is not use" if hub else
               "no HS6 code of this mineral in the raw trade files")
        return _fallback_row(trade, prod, buyer, mineral,
                             f"{why}; no published {buyer} figure found{_missing(mineral)}")
    if built["value"] <= 0:
        return _fallback_row(trade, prod, buyer, mineral,
                             f"trade build not positive ({'; '.join(built['parts'])}; total "
                             f"{built['value']:,.1f} t: net exporter or trading hub)"
                             f"{_missing(mineral)}")
    method = ("apparent consumption from trade quantities (BACI 2024 qty_t) = "
              + "; ".join(built["parts"]) + f"; total {built['value']:,.1f} t"
              + _missing(mineral))
    if built["assumed"]:
        method += "; rests on an ASSUMPTION (see the factors above)"
    basis = "assumption" if built["assumed"] else "derived"
    return _row(buyer, mineral, built["value"], basis, method, built["sources"],
                _checks(trade, prod, buyer, mineral, used_trade=True))


def build_planned_demand(trade: TradeData, prod: pd.DataFrame) -> pd.DataFrame:
    """``demand.csv`` rows of the planned buyers for every mineral of the registry."""
    rows = [demand_row(trade, prod, b, m.mineral) for m in MINERALS for b in BUYERS]
    df = pd.DataFrame(rows, columns=DEMAND_COLS)
    return df.sort_values(["buyer", "mineral", "sector"]).reset_index(drop=True)
