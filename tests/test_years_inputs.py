"""Inputs of issue 10: year columns, the years and discount_rate settings, projects."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.excel_cases import edited, set_cells
from tests.years_chains import demand_rows, year_policy, years_chain
from toolkit.errors import InputError
from toolkit.io.excel import load_workbook
from toolkit.io.model_file import load_model
from toolkit.policy import resolve_cases


def _error(path) -> str:
    with pytest.raises(InputError) as info:
        load_workbook(path)
    return str(info.value)


def test_a_workbook_project_reads_with_its_default_lifetime(tmp_path):
    chain = load_workbook(edited(tmp_path, set_cells(Projects__I2=None)))
    row = chain.projects.iloc[0]
    assert (row["project"], row["capacity_t"], row["lifetime_years"]) == (
        "aus_li_refinery", 10000.0, 20.0)


@pytest.mark.parametrize(("cell", "value", "words"), [
    ("Projects__B2", "lithum", "sheet Projects, row 2, column mineral: value 'lithum'"),
    ("Projects__D2", "XXX", "sheet Projects, row 2, column country: value 'XXX'"),
    ("Projects__E2", -5, "sheet Projects, row 2, column capacity_t: value -5"),
    ("Projects__H2", "soon", "sheet Projects, row 2, column online_year"),
    ("Policy__B2", "2024,abc", "'abc' is not a year"),
])
def test_bad_project_and_years_cells_are_named(tmp_path, cell, value, words):
    change = set_cells(**{cell: value})
    if cell.startswith("Policy"):
        change = set_cells(Policy__A2="years", Policy__B2=value, Policy__C2=None,
                           Policy__D2=None, Policy__F2=None)
    assert words in _error(edited(tmp_path, change))


def test_a_project_at_a_stage_its_mineral_does_not_have_is_refused(tmp_path):
    # the small chain's cobalt has mine and refine rows only
    path = edited(tmp_path, set_cells(Projects__B2="cobalt", Projects__C2="manufacture"))
    assert "sheet Projects, row 2, column stage: value 'manufacture': cobalt has no " \
           "Supply rows at stage manufacture" in _error(path)


def test_an_online_year_outside_the_modelled_years_is_accepted(tmp_path):
    chain = load_workbook(edited(tmp_path, set_cells(Projects__H2=2099)))
    assert float(chain.projects.iloc[0]["online_year"]) == 2099.0


def test_a_case_wide_setting_cannot_be_scoped_by_year(tmp_path):
    path = edited(tmp_path, set_cells(Policy__H3=2030))  # row 3: mode = joint
    assert "sheet Policy, row 3, column year: value 2030: mode applies to every modelled " \
           "year" in _error(path)


def test_model_file_projects_are_validated_and_added(tmp_path):
    good = tmp_path / "m.toml"
    good.write_text('data = "embedded"\n[[projects]]\nproject = "x1"\nmineral = "lithium"\n'
                    'stage = "refine"\ncountry = "AUS"\ncapacity_t = 1000\n'
                    'unit_cost_usd_per_t = 50000\ncapex_usd = 1e8\nonline_year = 2028\n',
                    encoding="utf-8")
    chain = load_model(good)
    assert "x1" in set(chain.projects["project"])
    bad = tmp_path / "bad.toml"
    bad.write_text(good.read_text(encoding="utf-8").replace('"AUS"', '"ZZZ"'),
                   encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_model(bad)
    assert "projects, row 1, column country: value 'ZZZ'" in str(info.value)


def test_a_dated_row_replaces_the_blank_year_row_in_its_year_only():
    chain = years_chain([("CHN", 100, 5), ("AUS", 30, 10)], {}, "2024,2030,2035",
                        demand_table=demand_rows(("JPN", 10, None), ("JPN", 20, 2030)))
    supply = chain.supply.assign(year=float("nan"))
    extra = supply[supply["country"] == "AUS"].assign(capacity_t=60.0, year=2030.0)
    chain = chain.with_tables(supply=pd.concat([supply, extra], ignore_index=True))
    got = {}
    for year in (2024, 2030, 2035):
        at = chain.in_year(year, 2024.0)
        aus = at.supply[at.supply["country"] == "AUS"]["capacity_t"].tolist()
        got[year] = (aus, at.demand["demand_t"].tolist())
    assert got == {2024: ([30.0], [10.0]), 2030: ([60.0], [20.0]), 2035: ([30.0], [10.0])}


def test_a_policy_row_for_a_year_beats_the_blank_year_row_in_that_year():
    chain = years_chain([("CHN", 100, 5)], {"JPN": 1}, "2024,2030,2035").with_tables(
        policy=year_policy(("years", "2024,2030,2035"), ("max_china_share", 0.9),
                           ("max_china_share", 0.8, "", "", "", "", "", 2030),
                           ("max_china_share", 0.5, "", "", "", "", "", 2035),
                           ("discount_rate", 0.05)))
    case = resolve_cases(chain)[0]
    assert case.years == (2024, 2030, 2035)
    assert case.discount_rate == 0.05
    caps = {y: case.at_year(y).number("max_china_share", "mine", "x", "JPN")
            for y in case.years}
    assert caps == {2024: 0.9, 2030: 0.8, 2035: 0.5}
    assert case.number("max_china_share", "mine", "x", "JPN") == 0.9


def test_discount_rate_defaults_to_the_labelled_assumption():
    case = resolve_cases(years_chain([("CHN", 100, 5)], {"JPN": 1}, "2030"))[0]
    assert case.discount_rate == 0.08


def test_market_demand_above_a_later_years_output_names_that_year():
    from tests.chains import frame
    from toolkit.optimize.timeline import year_views

    chain = years_chain([("CHN", 100, 5)], {"JPN": 1}, "2024,2030",
                        demand_table=demand_rows(("JPN", 1, None), ("ROW", 50, None),
                                                 ("ROW", 150, 2030)))
    chain = chain.with_tables(countries=frame("country name wgi partner", [
        ("CHN", "CHN", 0.0, False), ("JPN", "JPN", 0.0, True)]))
    with pytest.raises(InputError) as info:
        year_views(chain, resolve_cases(chain)[0])
    assert "in 2030: market buyers' demand for x (150 t) exceeds the mine stage's " \
           "production (100 t)" in str(info.value)
