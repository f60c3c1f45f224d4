"""Modelled years and projects in the reports, on the hand-solved co-investment case.

AUS 100 t at 10 USD/t; a 20 t plant in Canada at 4 USD/t with capex 2,000 USD and r = 0,
L = 20 (100 USD a year); GBR and JPN need 10 t each in 2030 and 2035.  Together they back
it (2 x 80 + 2 x 100 = 360 against 400 alone): co-investment saves 40 USD.
"""

from __future__ import annotations

import openpyxl
import pytest

from tests.years_chains import years_chain
from toolkit.pipeline import _bundle, run_model
from toolkit.reports import write_reports
from toolkit.reports.findings import findings, tables_of
from toolkit.reports.years import project_table, year_table
from toolkit.results import run_result


@pytest.fixture(scope="module")
def bundle():
    chain = years_chain([("AUS", 100, 10)], {"GBR": 10, "JPN": 10}, "2030,2035",
                        project_rows=(("can_plant", "mine", "CAN", 20, 4, 2000, 2030),),
                        policy_rows=(("discount_rate", 0), ("mode", "joint")))
    return _bundle(run_result(run_model(chain, pareto_points=3), "t", None), chain, None, 0.0)


def test_json_years_projects_and_co_investment(bundle):
    case = bundle["result"]["cases"][0]
    assert [(y["year"], y["cost_usd"], y["capex_usd"]) for y in case["years"]] == [
        (2030, pytest.approx(180, rel=1e-6), 100.0), (2035, pytest.approx(180, rel=1e-6),
                                                      100.0)]
    joint = [p for p in case["projects"] if p["plan"] == "joint"]
    assert [(p["project"], p["backed_by"], p["annualised_capex_usd"], p["years_online"])
            for p in joint] == [("can_plant", "GBR+JPN", 100.0, [2030, 2035])]
    assert not [p for p in case["projects"] if p["plan"] == "independent"]
    assert case["co_investment"]["value_usd"] == pytest.approx(40.0, rel=1e-4)
    assert case["co_investment"]["joint_capex_usd"] == 200.0
    assert case["objective_usd"] == pytest.approx(360.0, rel=1e-6)


def test_findings_name_the_project_and_what_co_investment_saves(bundle):
    lines = findings(tables_of(bundle))
    assert any("backs 1 of 1 candidate projects: can plant (x mine, CAN, 20.0 t a year "
               "from 2030, USD 100 a year)" in x for x in lines)
    assert any(x.startswith("Planning together saves USD 40") for x in lines)
    assert any("USD 180 in 2030, USD 180 in 2035" in x for x in lines)


def test_brief_and_workbook_show_years_and_projects(bundle, tmp_path):
    paths = write_reports(bundle, tmp_path, "t")
    text = paths[1].read_text(encoding="utf-8")
    assert "Outlook to the modelled years and the projects to back" in text
    assert "can plant" in text
    wb = openpyxl.load_workbook(paths[0])
    assert {"Years", "Projects"} <= set(wb.sheetnames)
    cases = tables_of(bundle).cases
    assert len(year_table(cases)) == 2 * 2  # two years x two buyers x one stage
    assert project_table(cases)["capacity_t"].tolist() == [20.0]


def test_a_year_that_cannot_be_met_is_named_in_the_brief():
    from tests.test_years_hand import _glide_chain

    chain = _glide_chain(2032)  # the project comes online after the 2030 cap
    bundle = _bundle(run_result(run_model(chain, pareto_points=0), "t", None), chain, None,
                     0.0)
    line = findings(tables_of(bundle))[0]
    assert line.startswith("Policy case “base” (independent) cannot be met: In 2030, Japan")
    assert "needs 5.00 t from outside China, but only 3.00 t can be had (2.00 t short)" in line
