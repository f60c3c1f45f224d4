"""UK and Japan import mix by origin (``imports.csv``), in tonnes of contained element.

Per buyer and mineral, every row is one (origin, HS6 code); ``share`` is the row's share
of the buyer's imports of the mineral, measured as stated in ``share_basis``:

* tonnes of the chain basis (gross BACI 2024 ``qty_t`` x the code's content factor of
  :mod:`toolkit.curate.trade_codes`), plus published origin splits for codes the raw files
  lack (:data:`PUBLISHED_IMPORTS`); this is the default;
* import **value** for gallium, germanium and indium, whose only code (811292) bundles
  cheap niobium/vanadium products with them, so its tonnes say nothing about the metal.

``check`` gives the same origin's share in the buyer's own customs data (GBR: HMRC
twelve months to June 2025; JPN: MOF via UN Comtrade) and, for China, China's declared
exports to the buyer.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from toolkit.curate.common import BUYERS, ROW, TRADE_YEAR
from toolkit.curate.demand import BACI_QTY_ID, TradeData
from toolkit.curate.minerals import MINERALS
from toolkit.curate.trade_codes import (
    BUNDLE_811292,
    BUNDLE_MINERALS,
    LI_IN_LIOH_H2O,
    MAGNETS_850511,
    TRADE_CODES,
    TradeCode,
)
from toolkit.curate.trade_qty import HMRC_WINDOW, china_exports_to, hmrc_window

IMPORT_COLS = ["buyer", "mineral", "origin", "year", "hs6", "stage", "value_usd", "tonnes",
               "share", "basis", "source_id", "gross_t", "unit_value_usd_per_t",
               "share_basis", "check"]


@dataclass(frozen=True)
class PublishedImport:
    """A published origin split for a code the raw trade files lack."""

    buyer: str
    mineral: str
    hs6: str
    stage: str
    gross_t: dict[str, float]
    factor: float
    note: str
    source_id: str
    assumed: bool


_LIOH = {"CHN": 32354.0, "USA": 3338.0, "CHL": 1872.0}
_RE_H1 = 9898.0
_AL = {"AUS": 0.28 * 1.05e6, "BRA": 0.16 * 1.05e6, "ARE": 107000.0, "IND": 103000.0,
       "RUS": 26000.0}
PUBLISHED_IMPORTS: tuple[PublishedImport, ...] = (
    PublishedImport("JPN", "lithium", "282520", "refine",
                    {**_LIOH, ROW: 37640.0 - sum(_LIOH.values())}, LI_IN_LIOH_H2O,
                    "Japan 2024 imports of lithium oxide and hydroxide ~37,640 t: China "
                    "32,354 t, US 3,338 t, Chile 1,872 t, rest -> ROW (Metalnomist, Mar "
                    "2025, Japan Ministry of Finance); x 0.1654 Li in LiOH.H2O "
                    "(ASSUMPTION: monohydrate)", "metalnomist_li_2025", True),
    PublishedImport("JPN", "rare_earths", "280530+2846", "refine",
                    {"CHN": 0.796 * _RE_H1 * 2.0, ROW: (1.0 - 0.796) * _RE_H1 * 2.0}, 1.0,
                    "Japan Jan-Jun 2024 imports of 9,898 t rare earth metal equivalents, "
                    "China's share 79.6 % (Metalnomist, Aug 2024, Japanese customs); x 2 "
                    "(ASSUMPTION: second half as the first); metal equivalents taken as "
                    "oxide equivalents (ASSUMPTION)", "metalnomist_re_2024", True),
    PublishedImport("JPN", "aluminium", "7601", "refine",
                    {**_AL, ROW: 1.05e6 - sum(_AL.values())}, 1.0,
                    "Japan 2024 primary aluminium imports 1.05 Mt: Australia 'over 28pc' "
                    "(28 % used), Brazil 'around 16pc', UAE 107,000 t, India 103,000 t, "
                    "Russia 26,000 t, rest -> ROW (Metalnomist, Mar 2025, Ministry of "
                    "Finance); the rounded shares are an ASSUMPTION", "metalnomist_al_2025",
                    True),
)


def _codes(mineral: str) -> tuple[TradeCode, ...]:
    codes = TRADE_CODES.get(mineral, ())
    if mineral in BUNDLE_MINERALS:
        codes += (BUNDLE_811292,)
    if mineral == "rare_earths":
        codes += (MAGNETS_850511,)
    return codes


def _national_shares(trade: TradeData, buyer: str, hs6: str,
                     by_value: bool) -> dict[str, float]:
    """Origin shares of one code in the buyer's own customs data (tonnes, or JPN value).

    HMRC values in the raw file were converted to USD by a third party, so UK value
    shares are not computed.
    """
    if buyer == "GBR":
        if by_value:
            return {}
        h = hmrc_window(trade.hmrc)
        h = h[(h["hs6"] == hs6) & (h["flow"] == "import")].groupby("partner")["qty_t"].sum()
    else:
        c = trade.comtrade
        h = c[(c["reporter_iso3"] == buyer) & (c["cmd"] == hs6) & (c["flow"] == "M")
              & (c["partner"] != 0)].groupby("partner_iso3")["value" if by_value
                                                            else "qty_t"].sum()
    tot = float(h.sum())
    return {str(k): float(v) / tot for k, v in h.items()} if tot > 0 else {}


def _check(trade: TradeData, buyer: str, code: TradeCode, origin: str,
           national: dict[str, float], by_value: bool) -> str:
    label = (f"{HMRC_WINDOW}" if buyer == "GBR"
             else "MOF via UN Comtrade 2024 (JPN-reported)")
    out = []
    if national:
        out.append(f"{label} share of this origin in HS {code.hs6} "
                   f"{'value' if by_value else 'tonnes'}: {national.get(origin, 0.0):.4f}")
    if origin == "CHN":
        t, v = china_exports_to(trade.china, buyer, code.hs6)
        if t > 0:
            out.append(f"China-declared exports to {buyer} {TRADE_YEAR} (UN Comtrade): "
                       f"{t:,.1f} t, {v:,.0f} USD")
    return "; ".join(out)


def _baci_rows(trade: TradeData, buyer: str, mineral: str, code: TradeCode) -> list[dict]:
    if code.china_only:
        t, v = china_exports_to(trade.china, buyer, code.hs6)
        g = pd.DataFrame({"exporter": ["CHN"], "value_usd": [v], "qty_t": [t]})
        g = g[g["qty_t"] > 0]
        src = "comtrade_china_exports"
    else:
        b = trade.baci
        g = b[(b["importer"] == buyer) & (b["hs6"] == code.hs6)]
        g = g.groupby("exporter", as_index=False)[["value_usd", "qty_t"]].sum()
        src = BACI_QTY_ID
    by_value = code is BUNDLE_811292
    national = {} if code.china_only else _national_shares(trade, buyer, code.hs6, by_value)
    rows = []
    for r in g.itertuples():
        tonnes = None if by_value else round(float(r.qty_t) * code.factor, 3)
        rows.append({"buyer": buyer, "mineral": mineral, "origin": r.exporter,
                     "year": TRADE_YEAR, "hs6": code.hs6, "stage": code.stage,
                     "value_usd": round(float(r.value_usd), 2), "tonnes": tonnes,
                     "basis": "assumption" if code.assumed else "derived", "source_id": src,
                     "gross_t": round(float(r.qty_t), 3),
                     "unit_value_usd_per_t": round(float(r.value_usd) / float(r.qty_t), 2),
                     "factor_note": code.factor_note,
                     "check": _check(trade, buyer, code, r.exporter, national, by_value)})
    return rows


def _published_rows(p: PublishedImport) -> list[dict]:
    return [{"buyer": p.buyer, "mineral": p.mineral, "origin": origin, "year": TRADE_YEAR,
             "hs6": p.hs6, "stage": p.stage, "value_usd": None,
             "tonnes": round(t * p.factor, 3),
             "basis": "assumption" if p.assumed else "hand_entered",
             "source_id": p.source_id, "gross_t": round(t, 3), "unit_value_usd_per_t": None,
             "factor_note": p.note, "check": ""}
            for origin, t in p.gross_t.items()]


def _with_shares(rows: list[dict], buyer: str, mineral: str) -> list[dict]:
    by_value = mineral in BUNDLE_MINERALS
    key = "value_usd" if by_value else "tonnes"
    total = sum(r[key] for r in rows)
    codes = "+".join(dict.fromkeys(r["hs6"] for r in rows))
    what = ("import value (USD) of the HS 811292 bundle (Ga, Ge, In, Nb, V, Hf, Re, Tl): "
            "a proxy; the bundle's tonnes are dominated by cheap Nb/V products, so its "
            "tonnes of the mineral are unknown (blank)"
            if by_value else "tonnes of contained element (chain basis)")
    for r in rows:
        r["share"] = round(r[key] / total, 6)
        r["share_basis"] = (f"share of {buyer}'s {TRADE_YEAR} imports of {mineral} over HS "
                            f"{codes}, in {what}; this row: {r.pop('factor_note')}")
    return rows


def build_imports(trade: TradeData) -> pd.DataFrame:
    """``imports.csv``: the import mix by origin of GBR and JPN for every mineral with data."""
    published: dict[tuple[str, str], list[PublishedImport]] = {}
    for p in PUBLISHED_IMPORTS:
        published.setdefault((p.buyer, p.mineral), []).append(p)
    out = []
    for m in MINERALS:
        for buyer in BUYERS:
            rows = [r for c in _codes(m.mineral)
                    for r in _baci_rows(trade, buyer, m.mineral, c)]
            for p in published.get((buyer, m.mineral), []):
                rows += _published_rows(p)
            rows = [r for r in rows if r["gross_t"] > 0]
            if rows:
                out += _with_shares(rows, buyer, m.mineral)
    df = pd.DataFrame(out, columns=IMPORT_COLS)
    return df.sort_values(["buyer", "mineral", "origin", "hs6"]).reset_index(drop=True)
