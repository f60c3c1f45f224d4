"""Why a policy case costs less than the first one (toolkit.reports.case_costs)."""

from __future__ import annotations

import pandas as pd

from toolkit.reports.case_costs import cheaper_line, cost_parts, may_stockpile
from toolkit.reports.data import Case

STOCK = [{"setting": "stockpile_cost_share", "mineral": "gallium", "buyer": "JPN",
          "value": 0.1}]


def _case(name: str, mode: str, cost: float, settings=()) -> Case:
    return Case(name, mode, "optimal", cost, {"settings": list(settings)})


# contracts 90 + premiums 0 for both; the rest (stockpiles, disruptions) 10 vs 4
PORTFOLIO = pd.DataFrame({"case": ["base", "pooled"], "cost_usd": [90.0e6, 90.0e6]})
BIDS = pd.DataFrame({"case": ["base"], "bid_cost_usd": [0.0]})


def test_a_cheaper_case_names_the_freedoms_the_first_case_lacks():
    base = _case("base", "independent", 100.0e6)
    pooled = _case("pooled", "joint", 94.0e6, STOCK)
    assert may_stockpile(pooled) and not may_stockpile(base)
    assert cost_parts(PORTFOLIO, BIDS, pooled) == (90.0e6, 0.0, 4.0e6)
    line = cheaper_line(PORTFOLIO, BIDS, pooled, base)
    assert "less than “base” (USD 100.0 m a year)" in line
    assert "plans the two buyers jointly" in line and "may hold stockpiles" in line
    assert "USD 6.0 m a year lower" in line  # 10 m - 4 m, by hand


def test_no_reason_is_given_where_there_is_none_to_give():
    base = _case("base", "independent", 100.0e6)
    dearer = _case("pooled", "joint", 101.0e6, STOCK)
    same_levers = _case("pooled", "independent", 94.0e6)
    assert cheaper_line(PORTFOLIO, BIDS, dearer, base) == ""
    assert cheaper_line(PORTFOLIO, BIDS, same_levers, base) == ""  # nothing to name
    assert cheaper_line(PORTFOLIO, BIDS, base, base) == ""
    # joint alone: the stockpile amount is not claimed
    joint = cheaper_line(PORTFOLIO, BIDS, _case("pooled", "joint", 94.0e6), base)
    assert "jointly" in joint and "stockpile" not in joint


def test_a_country_cap_names_its_binding_countries_in_words():
    from toolkit.io.inputs import load_default
    from toolkit.reports import plain
    from toolkit.reports.data import price_table

    chain = load_default()
    names = {"PRK": "North Korea", "RUS": "Russia"}  # the World Bank's names in plain words
    assert set(chain.countries.loc[chain.countries["country"].isin(names), "name"]) == {
        "Korea, Dem. Rep.", "Russian Federation"}
    rows = [{"setting": "max_country_share", "stage": "mine", "mineral": "molybdenum",
             "buyer": "JPN", "usd_per_pp": 2.0, "countries": "PRK, RUS"},
            {"setting": "max_china_share", "stage": "refine", "mineral": "nickel",
             "buyer": "GBR", "usd_per_pp": 1.0, "countries": ""},
            {"setting": "max_country_share", "stage": "mine", "mineral": "nickel",
             "buyer": "GBR", "usd_per_pp": 0.5}]  # a result written before the column
    table = price_table(chain, [Case("c", "independent", "optimal", 1.0,
                                     {"shadow_prices": rows})])
    assert list(table["country_names"]) == [f"{names['PRK']} and {names['RUS']}", "", ""]
    assert plain.constraint(table.iloc[0]) == (
        f"the caps on single countries' shares, binding for {names['PRK']} and "
        f"{names['RUS']} (Japan's molybdenum at the mine stage)")
    assert plain.constraint(table.iloc[2]) == (
        "the caps on single countries' shares (the UK's nickel at the mine stage)")


def test_world_bank_names_are_given_in_plain_words_and_others_as_entered():
    from toolkit.io.inputs import load_default
    from toolkit.reports.countries import country_names

    chain = load_default()
    mine = chain.countries.assign(name=[{"KOR": "Korea, Rep.", "AUS": "Oz"}.get(c, n)
                                        for c, n in zip(chain.countries["country"],
                                                        chain.countries["name"], strict=True)])
    names = dict(country_names(chain.with_tables(countries=mine)).itertuples(index=False))
    assert (names["KOR"], names["PRK"], names["COD"], names["AUS"]) == (
        "South Korea", "North Korea", "DR Congo", "Oz")


def test_a_stockpile_sized_at_an_exact_tie_says_a_smaller_one_costs_the_same():
    """Stock at 10 % of value a year against a 2 % disruption at 5 x value is an exact tie
    (0.1 = 0.02 x 5): the stockpile finding says a smaller stock would cost the same; at
    5 % a year there is no tie and no such note."""
    from toolkit.reports.stockpile import stockpile_lines

    def case(share: float) -> Case:
        settings = [{"setting": "stockpile_cost_share", "mineral": "copper", "buyer": "GBR",
                     "value": share},
                    {"setting": "shortfall_cost_multiple", "mineral": "copper",
                     "buyer": "GBR", "value": 5.0}]
        return Case("pooled", "joint", "optimal", 1.0e6,
                    {"settings": settings, "scenarios": [
                        {"scenario": "loss", "mineral": "copper", "probability": 0.02}]})

    stock = pd.DataFrame({"case": ["pooled"], "mineral": ["copper"], "tonnes": [120.0]})
    [tied] = stockpile_lines([case(0.1)], stock, pd.DataFrame())
    assert tied.startswith("In “pooled” the plan holds 120 t of copper as stockpile")
    assert ("costs 10% of its value, exactly the expected cost of the shortfall it prevents "
            "in a disruption of probability 2% a year (5 × its value)") in tied
    [plain] = stockpile_lines([case(0.05)], stock, pd.DataFrame())
    assert "Read with care" not in plain
