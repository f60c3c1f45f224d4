"""Tiny hand-made supply chains whose answers are solved by hand in the tests."""

from __future__ import annotations

import pandas as pd

from toolkit.chain import SupplyChain, blank_chain


def frame(columns: str, rows: list[tuple]) -> pd.DataFrame:
    """A DataFrame from a space-separated column list and row tuples."""
    return pd.DataFrame(rows, columns=columns.split())


def two_path_chain(routes: bool = True, imports: bool = False, demand_t: float = 10.0
                   ) -> SupplyChain:
    """Mine AUS 100 t, CHN 100 t; refine CHN 150 t, JPN 50 t; buyer JPN.

    With ``routes``: AUS ore may go to both refiners, CHN ore only to the CHN refiner,
    and both refiners ship to JPN (two paths avoid/touch China).
    With ``imports``: JPN's refined imports are 60 % from JPN-refine, 40 % from CHN.
    """
    minerals = frame("mineral name unit content_basis", [("x", "X", "t", "")])
    countries = frame("country name wgi partner", [
        ("AUS", "Australia", 1.5, True), ("CHN", "China", -0.5, False),
        ("JPN", "Japan", 1.2, True)])
    supply = frame("mineral stage country capacity_t unit_cost_usd_per_t year", [
        ("x", "mine", "AUS", 100.0, 10.0, 2024.0), ("x", "mine", "CHN", 100.0, 8.0, 2024.0),
        ("x", "refine", "CHN", 150.0, 5.0, 2024.0), ("x", "refine", "JPN", 50.0, 7.0, 2024.0)])
    demand = frame("buyer mineral demand_t sector", [("JPN", "x", demand_t, "all")])
    tables = {"minerals": minerals, "countries": countries, "supply": supply,
              "demand": demand}
    if routes:
        tables["routes"] = frame(
            "mineral from_stage from_country to_stage to_country cost_usd_per_t", [
                ("x", "mine", "AUS", "refine", "CHN", 0.0),
                ("x", "mine", "AUS", "refine", "JPN", 0.0),
                ("x", "mine", "CHN", "refine", "CHN", 0.0)])
    if imports:
        tables["imports"] = frame("buyer mineral origin share stage year", [
            ("JPN", "x", "JPN", 0.6, "refine", 2024.0),
            ("JPN", "x", "CHN", 0.4, "refine", 2024.0)])
    return blank_chain(**tables)
