"""Workbook sheets of the value of cooperation: per mineral, and the over-claims.

*Over-claims* are the nodes (a country at a stage) or stage balances that the two
buyers' stand-alone plans together claim beyond what exists (see
:mod:`toolkit.optimize.cooperation`); each row names the mineral, stage and country,
never a model index.
"""

from __future__ import annotations

import pandas as pd
from openpyxl import Workbook

from toolkit.reports import data
from toolkit.reports.countries import country_names
from toolkit.reports.excel_tables import note, table_sheet
from toolkit.reports.findings import Tables

KIND_WORDS = {
    "contracted": "contracts",
    "bids": "bids",
    "spot": "spot purchases",
    "world": "world balance",
}
OVERCLAIM_COLS = ["case", "mineral", "stage", "country", "country_name", "what",
                  "claimed_t", "available_t", "excess_t"]
OVERCLAIM_NOTE = ("Each row: a country at a stage (or the whole stage, country “all”) "
                  "that the UK's and Japan's independent plans together claim beyond what "
                  "is there (excess_t = claimed_t - available_t). what: contracts = "
                  "contracted tonnes above the free capacity or offtake limit; bids = "
                  "tonnes bid away above what other buyers would give up; spot purchases "
                  "= spot tonnes above the spare tonnes in the tightest scenario; world "
                  "balance = more than the stage's world balance. Such plans cannot both "
                  "be carried out, so the independent plans are rationed before they are "
                  "compared with the joint plan.")


def cooperation_sheets(wb: Workbook, t: Tables, chain=None) -> None:
    """Add sheets Cooperation (per mineral) and Over-claims when the cases have them."""
    minerals = _list_rows(t, "minerals")
    if not minerals.empty:
        table_sheet(wb, "Cooperation", minerals)
    claims = overclaim_table(t, chain)
    if not claims.empty:
        ws = table_sheet(wb, "Over-claims", claims)
        note(ws, len(claims) + 3, OVERCLAIM_NOTE)


def _list_rows(t: Tables, key: str) -> pd.DataFrame:
    rows = [{"case": case.name, **r} for case in t.cases
            for r in data.cooperation(case).get(key) or [] if isinstance(r, dict)]
    return pd.DataFrame(rows)


def overclaim_table(t: Tables, chain=None) -> pd.DataFrame:
    """The over-claims of every case, labelled with country and stage (no node index)."""
    raw = _list_rows(t, "overclaimed")
    if raw.empty:
        return pd.DataFrame(columns=OVERCLAIM_COLS)
    raw["country"] = raw["country"].fillna("").astype(str).replace("", "all")
    names = country_names(chain) if chain is not None else pd.DataFrame(
        columns=["country", "country_name"])
    out = raw.merge(names, on="country", how="left")
    out.loc[out["country"] == "all", "country_name"] = "all countries"
    kind = out["kind"].astype(str)
    out["what"] = [KIND_WORDS.get(k.replace(" (unresolved)", ""), k)
                   + (" (unresolved)" if "unresolved" in k else "") for k in kind]
    out["excess_t"] = out["claimed_t"] - out["available_t"]
    out = out[OVERCLAIM_COLS].drop_duplicates()
    return out.reset_index(drop=True)
