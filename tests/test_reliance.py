"""Reliance outside China on countries neither partner nor well governed (by hand)."""

from __future__ import annotations

import pandas as pd

from tests.chains import frame
from toolkit.chain import blank_chain
from toolkit.reports.reliance import exposed_countries, reliance_lines


def _portfolio() -> pd.DataFrame:
    rows = [  # (buyer, mineral, stage, country, tonnes)
        ("GBR", "titanium", "refine", "RUS", 96.0), ("GBR", "titanium", "refine", "JPN", 4.0),
        ("JPN", "titanium", "refine", "RUS", 48.0), ("JPN", "titanium", "refine", "AUS", 2.0),
        ("GBR", "rare_earths", "mine", "MMR", 40.0), ("GBR", "rare_earths", "mine", "AUS", 60.0),
        ("JPN", "cobalt", "mine", "CHN", 90.0), ("JPN", "cobalt", "mine", "COD", 10.0),
        ("GBR", "copper", "mine", "CHL", 80.0), ("GBR", "copper", "mine", "PER", 20.0)]
    return pd.DataFrame([{"case": "c", "buyer": b, "mineral": m, "stage": s, "country": c,
                          "country_name": {"RUS": "Russia", "MMR": "Myanmar"}.get(c, c),
                          "tonnes": t} for b, m, s, c, t in rows])


def test_exposed_countries_are_neither_partner_nor_well_governed():
    chain = blank_chain(countries=frame("country name wgi partner", [
        ("RUS", "Russia", -1.2, False), ("CHL", "Chile", 0.8, False),
        ("AUS", "Australia", 1.5, True), ("COD", "DR Congo", -1.4, False),
        ("IND", "India", -0.1, True), ("CHN", "China", -0.5, False)]))
    assert exposed_countries(chain) == {"RUS", "COD"}  # China is capped on its own


def test_the_finding_names_the_largest_reliances_and_counts_the_rest():
    # Russia: 96 % of the UK's and 96 % of Japan's titanium refining (one item); Myanmar
    # 40 % < 50 %: not a reliance; DR Congo 10 %; Chile not exposed.
    [line] = reliance_lines(_portfolio(), "c", frozenset({"RUS", "MMR", "COD"}))
    assert "Russia for 96% of the UK's and Japan's titanium refining; the caps" in line
    assert "Myanmar" not in line and "more such" not in line and "“c”" in line
    assert reliance_lines(_portfolio(), "c", frozenset()) == []


def test_supply_from_unnamed_producers_is_flagged_as_not_a_supplier():
    """At least half a buyer's tonnes at a stage from the rest-of-world aggregate is
    named as a direction, not a supplier; below half, or from a named country, it is not."""
    import pandas as pd

    from toolkit.reports.reliance import unnamed_lines

    rows = [("c", "GBR", "zinc", "refine", "ROW", 90.0),
            ("c", "GBR", "zinc", "refine", "CHN", 10.0),
            ("c", "JPN", "zinc", "refine", "ROW", 40.0),
            ("c", "JPN", "zinc", "refine", "AUS", 60.0),
            ("c", "GBR", "tin", "refine", "ROW", 40.0),
            ("c", "GBR", "tin", "refine", "CHN", 60.0)]
    portfolio = pd.DataFrame(rows, columns=["case", "buyer", "mineral", "stage", "country",
                                            "tonnes"])
    [line] = unnamed_lines(portfolio, "c")
    assert "the data do not name (their “other countries” aggregate): zinc refining (90%)." \
        in line
    assert "tin" not in line
    assert unnamed_lines(portfolio[portfolio["mineral"] == "tin"], "c") == []
