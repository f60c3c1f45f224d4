"""Trade quantities: readers for BACI (with tonnes), UN Comtrade, HMRC and China's exports.

Every reader returns tonnes of *gross product* (what customs weigh); conversion to
contained element is done with the factors of :mod:`toolkit.curate.trade_codes`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.curate.common import BACI_CODE_FIX, BACI_COUNTRIES, TRADE_YEAR

BACI_QTY = "cepii_baci_qty_extract/baci_hs17_v202601_critical_hs6_2024_with_qty.csv"
COMTRADE_2024 = "un_comtrade_raw_atlas_2022_2024/comtrade_2024_critical_hs6_all_reporters.csv.gz"
HMRC_UK = "multisource_trade_atlas_2024_2026/hmrc_uk_monthly_cn8_critical_2024_06_2026_06.csv"
CHINA_EXPORTS = ("un_comtrade_china_exports_graphite_gallium/"
                 "china_exports_hs6_monthly_by_partner_2017_2024.csv")

# HMRC window used as the UK national-statistics check: the twelve months July 2024 to
# June 2025 (the file starts in June 2024, so no full calendar 2024 exists; 2025 months
# are provisional HMRC data).
HMRC_FIRST, HMRC_LAST = "202407", "202506"
HMRC_WINDOW = "HMRC OTS Jul 2024-Jun 2025"
# Partner labels of the China-exports table (repository labels) -> ISO3, buyers only.
CHINA_PARTNER_ISO3 = {"Japan": "JPN", "United Kingdom": "GBR"}


def read_baci_qty(raw_dir: Path) -> pd.DataFrame:
    """BACI 2024 flows with ``value_usd`` and ``qty_t`` (gross tonnes).

    BACI has no quantity for some flows (``qty_t`` blank).  Those tonnes are imputed as
    value / the value-weighted unit value of the same HS6 code and importer (else the
    code's world unit value); ``qty_imputed`` marks them.
    """
    df = pd.read_csv(raw_dir / BACI_QTY, dtype={"hs6": str, "exporter": str,
                                                 "importer": str})
    df["exporter"] = df["exporter"].replace(BACI_CODE_FIX)
    df["importer"] = df["importer"].replace(BACI_CODE_FIX)
    df["value_usd"] = df["value_kusd"] * 1000.0
    known = df[df["qty_t"].notna() & (df["qty_t"] > 0)]
    by_importer = (known.groupby(["hs6", "importer"])["value_usd"].sum()
                   / known.groupby(["hs6", "importer"])["qty_t"].sum())
    by_code = known.groupby("hs6")["value_usd"].sum() / known.groupby("hs6")["qty_t"].sum()
    df["qty_imputed"] = df["qty_t"].isna() | (df["qty_t"] <= 0)
    pairs = zip(df["hs6"], df["importer"], strict=True)
    uv = [by_importer.get((h, j), by_code.get(h)) for h, j in pairs]
    df["unit_value"] = pd.Series(uv, index=df.index, dtype=float)
    df.loc[df["qty_imputed"], "qty_t"] = (df.loc[df["qty_imputed"], "value_usd"]
                                          / df.loc[df["qty_imputed"], "unit_value"])
    df["unit_value"] = df["value_usd"] / df["qty_t"]
    return df[["exporter", "importer", "hs6", "value_usd", "qty_t", "qty_imputed",
               "unit_value"]]


def baci_net(baci: pd.DataFrame, buyer: str, hs6: str) -> tuple[float, float]:
    """(imports, exports) of ``buyer`` for one HS6 code, gross tonnes (BACI 2024)."""
    imp = float(baci.loc[(baci["importer"] == buyer) & (baci["hs6"] == hs6), "qty_t"].sum())
    exp = float(baci.loc[(baci["exporter"] == buyer) & (baci["hs6"] == hs6), "qty_t"].sum())
    return imp, exp


def m49_to_iso3(raw_dir: Path) -> dict[int, str]:
    """UN Comtrade numeric country codes -> ISO3 (Comtrade and BACI share the codes)."""
    cc = pd.read_csv(raw_dir / BACI_COUNTRIES)
    out = {int(c): str(i) for c, i in zip(cc["country_code"], cc["country_iso3"], strict=True)}
    out.update({490: "TWN", 0: "WLD"})
    return out


def read_comtrade_2024(raw_dir: Path) -> pd.DataFrame:
    """Reporter-declared 2024 trade, one row per (reporter, partner, cmd, flow).

    The pull dropped Comtrade's breakdown keys, so a key holds the total, its parts by
    transport mode / customs procedure, and exact duplicates (PROVENANCE 6c).  Exact
    duplicates are dropped and, per key, the value is the largest row's (a total is never
    smaller than any of its parts).  Totals often carry no weight, so the tonnes are that
    value / the unit value (value / netwgt) of the largest row that has a weight (a row's
    unit value is valid, PROVENANCE 6c); blank if no row of the key has one.
    """
    df = pd.read_csv(raw_dir / COMTRADE_2024, dtype={"cmd": str}).drop_duplicates()
    key = ["reporter", "partner", "cmd", "flow"]
    df = df.sort_values(key + ["value"], ascending=[True] * 4 + [False], kind="mergesort")
    weighed = df[df["netwgt"] > 0].drop_duplicates(key, keep="first")
    uv = weighed.set_index(key)["value"] / weighed.set_index(key)["netwgt"]
    top = df.drop_duplicates(key, keep="first").set_index(key)
    top["unit_value_usd_per_kg"] = uv.reindex(top.index)
    top["qty_t"] = top["value"] / top["unit_value_usd_per_kg"] / 1000.0
    top = top.reset_index()
    iso = m49_to_iso3(raw_dir)
    top["reporter_iso3"] = top["reporter"].map(iso)
    top["partner_iso3"] = top["partner"].map(iso)
    return top


def comtrade_world(comtrade: pd.DataFrame, reporter: str, hs6: str) -> tuple[float, float]:
    """(imports, exports) in tonnes declared by ``reporter`` with partner World.

    NaN where the pull holds no row for the flow or no row of the key has a weight.
    """
    sel = comtrade[(comtrade["reporter_iso3"] == reporter) & (comtrade["cmd"] == hs6)
                   & (comtrade["partner"] == 0)]
    imp = sel.loc[sel["flow"] == "M", "qty_t"]
    exp = sel.loc[sel["flow"] == "X", "qty_t"]
    nan = float("nan")  # no declaration in the pull: unknown, not zero
    return (float(imp.iloc[0]) if len(imp) else nan, float(exp.iloc[0]) if len(exp) else nan)


def read_hmrc(raw_dir: Path) -> pd.DataFrame:
    """HMRC UK monthly trade (CN8 under the 30 HS6 codes), net mass in tonnes."""
    df = pd.read_csv(raw_dir / HMRC_UK, dtype={"hs6": str, "native_code": str,
                                                "period": str, "partner": str})
    df["qty_t"] = df["qty_kg"] / 1000.0
    return df


def hmrc_window(hmrc: pd.DataFrame) -> pd.DataFrame:
    """The HMRC rows of the twelve-month check window (:data:`HMRC_WINDOW`)."""
    return hmrc[(hmrc["period"] >= HMRC_FIRST) & (hmrc["period"] <= HMRC_LAST)]


def hmrc_net(hmrc: pd.DataFrame, hs6: str) -> tuple[float, float]:
    """(imports, exports) of the UK for one HS6 code over the window, tonnes."""
    sel = hmrc_window(hmrc)
    sel = sel[sel["hs6"] == hs6]
    imp = float(sel.loc[sel["flow"] == "import", "qty_t"].sum())
    exp = float(sel.loc[sel["flow"] == "export", "qty_t"].sum())
    return imp, exp


def read_china_exports(raw_dir: Path, year: int = TRADE_YEAR) -> pd.DataFrame:
    """China's exports to GBR and JPN in ``year`` by HS6 (tonnes, USD), from Comtrade.

    Secondary table (monthly HS6 x partner, aggregated by the repository owner from
    HS8 pulls); ``qty`` is in kg.
    """
    df = pd.read_csv(raw_dir / CHINA_EXPORTS, dtype={"hs6": str})
    df = df[df["period_dt"].str.startswith(str(year))
            & df["partner_name"].isin(CHINA_PARTNER_ISO3)]
    df = df.assign(partner=df["partner_name"].map(CHINA_PARTNER_ISO3))
    out = df.groupby(["partner", "hs6"], as_index=False)[["val", "qty"]].sum()
    out["qty_t"] = out["qty"] / 1000.0
    return out.rename(columns={"val": "value_usd"})[["partner", "hs6", "value_usd", "qty_t"]]


def china_exports_to(china: pd.DataFrame, buyer: str, hs6: str) -> tuple[float, float]:
    """(tonnes, USD) China declared as exported to ``buyer`` under ``hs6``."""
    sel = china[(china["partner"] == buyer) & (china["hs6"] == hs6)]
    return float(sel["qty_t"].sum()), float(sel["value_usd"].sum())
