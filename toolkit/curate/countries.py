"""``countries.csv``: names, WGI 2023 estimates and the partner flag."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from toolkit.curate.common import (
    BACI_CODE_FIX,
    BACI_COUNTRIES,
    ROW,
    ROW_NAME,
    USGS_COUNTRY_ISO3,
    WGI2023,
    WGI_CODE_FIX,
    fix_mojibake,
    tf,
)

# Trading partners of the UK and Japan (``countries.csv``).  Sources: G7 membership;
# EU27 (Council of the EU); Minerals Security Partnership (MSP) partner list on the U.S.
# Department of State MSP page (archived 2021-2025 site,
# https://2021-2025.state.gov/minerals-security-partnership/, "a collaboration of 14
# countries and the EU"): Australia, Canada, Estonia, Finland, France, Germany, India,
# Italy, Japan, Norway, the Republic of Korea, Sweden, the United Kingdom, the United States
# and the European Union.  Argentina was reported (Aug 2024) as set to join but is not on
# that list, so it is not counted.  CPTPP members are NOT counted as partners.
G7 = ("CAN", "FRA", "DEU", "ITA", "JPN", "GBR", "USA")
EU27 = ("AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC",
        "HUN", "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK",
        "SVN", "ESP", "SWE")
MSP = ("AUS", "CAN", "EST", "FIN", "FRA", "DEU", "IND", "ITA", "JPN", "NOR", "KOR", "SWE",
       "GBR", "USA")
BRIEF_ALLIES = ("AUS", "CAN", "KOR")
# The EU as a market buyer in demand.csv (an aggregate like ROW, not a country).
EU_AGGREGATE = "EUU"


def partner_basis(iso: str) -> str:
    """Reasons a country counts as a UK/Japan partner ('' if none)."""
    tags = []
    if iso in G7:
        tags.append("G7")
    if iso in EU27:
        tags.append("EU27")
    if iso in BRIEF_ALLIES:
        tags.append("treaty ally/FTA partner of UK and Japan (AUS, CAN, KOR)")
    if iso in MSP:
        tags.append("Minerals Security Partnership partner (U.S. State Dept MSP page, "
                    "msp_state_dept)")
    return "; ".join(tags)


def build_countries(raw_dir: Path, used: set[str]) -> pd.DataFrame:
    """Countries used anywhere (+GBR, JPN, ROW) with 2023 WGI estimates and partner flag.

    ``source_id``: the WGI release (name and estimates) or, for economies WGI does not
    cover, the file the name comes from (BACI, USGS); plus the MSP page for MSP partners.
    G7 and EU27 membership are public facts stated in ``partner_basis``.
    """
    wgi = pd.read_csv(raw_dir / WGI2023)
    wgi["code"] = wgi["code"].replace(WGI_CODE_FIX)
    wgi = wgi.set_index("code")
    cc = pd.read_csv(raw_dir / BACI_COUNTRIES, dtype=str, keep_default_na=False)
    cc["country_iso3"] = cc["country_iso3"].replace(BACI_CODE_FIX)
    baci_names = {r["country_iso3"]: fix_mojibake(r["country_name"])
                  for _, r in cc.iterrows()}
    usgs_names = {v: k for k, v in USGS_COUNTRY_ISO3.items()}
    ind = ["cc", "ge", "pv", "rl", "rq", "va"]
    rows = []
    for iso in sorted(used | {"GBR", "JPN", ROW}):
        if iso == ROW:
            rows.append({"country": ROW, "name": ROW_NAME, "wgi": None,
                         **{f"wgi_{k}": None for k in ind}, "partner": "FALSE",
                         "partner_basis": "aggregate, not a country",
                         "source_id": "usgs_mcs2026;iea_cm_2025"})
            continue
        if iso == EU_AGGREGATE:
            rows.append({"country": iso, "name": "European Union (27), aggregate market buyer",
                         "wgi": None, **{f"wgi_{k}": None for k in ind}, "partner": "TRUE",
                         "partner_basis": "aggregate, not a country; the EU is a Minerals "
                                          "Security Partnership member (msp_state_dept)",
                         "source_id": "msp_state_dept"})
            continue
        if iso in wgi.index:
            name = wgi.at[iso, "countryname"]
            est = {f"wgi_{k}": wgi.at[iso, f"{k}_estimate"] for k in ind}
            ids = ["wb_wgi_2024"]
        else:
            name = baci_names.get(iso) or usgs_names.get(iso)
            est = {f"wgi_{k}": None for k in ind}
            ids = ["cepii_baci_v202601" if iso in baci_names else "usgs_mcs2026"]
        if not name:
            raise KeyError(f"no name for country {iso}")
        vals = [v for v in est.values() if v is not None and pd.notna(v)]
        wgi_mean = round(sum(vals) / 6, 6) if len(vals) == 6 else None
        est = {k: (round(float(v), 6) if v is not None and pd.notna(v) else None)
               for k, v in est.items()}
        pb = partner_basis(iso)
        if iso in MSP:
            ids.append("msp_state_dept")
        rows.append({"country": iso, "name": name, "wgi": wgi_mean, **est,
                     "partner": tf(bool(pb)), "partner_basis": pb, "source_id": ";".join(ids)})
    return pd.DataFrame(rows)

