"""Country names as the reports show them: the embedded Countries table's names, the
World Bank's formal ones in the plain form a minister's brief uses."""

from __future__ import annotations

import pandas as pd

# The World Bank's formal names (the embedded Countries table's, from the WGI) in the plain
# form a minister's brief uses; a name an analyst enters is shown as entered.
PLAIN_COUNTRY_NAMES = {
    "Korea, Dem. Rep.": "North Korea", "Korea, Rep.": "South Korea",
    "Congo, Dem. Rep.": "DR Congo", "Russian Federation": "Russia",
    "Iran, Islamic Rep.": "Iran", "Egypt, Arab Rep.": "Egypt", "Lao PDR": "Laos",
    "Syrian Arab Republic": "Syria", "Kyrgyz Republic": "Kyrgyzstan",
    "Slovak Republic": "Slovakia", "Hong Kong SAR, China": "Hong Kong",
    "Macao SAR, China": "Macao", "Taiwan, China": "Taiwan",
}


def country_names(chain) -> pd.DataFrame:
    """Country code and name (``country_name``) of the chain's Countries table, World
    Bank formal names in plain words (:data:`PLAIN_COUNTRY_NAMES`)."""
    if chain is None or chain.countries.empty:
        return pd.DataFrame(columns=["country", "country_name"])
    names = chain.countries[["country", "name"]].drop_duplicates("country")
    plain = [PLAIN_COUNTRY_NAMES.get(n, n) if isinstance(n, str) else n for n in names["name"]]
    return names.assign(name=plain).rename(columns={"name": "country_name"})


def with_country_names(table: pd.DataFrame, chain) -> pd.DataFrame:
    """``table`` with ``country_name`` (:func:`country_names`) right after ``country``."""
    if "country" not in table.columns or "country_name" in table.columns:
        return table
    out = table.merge(country_names(chain), on="country", how="left")
    cols = list(table.columns)
    cols.insert(cols.index("country") + 1, "country_name")
    return out[cols]
