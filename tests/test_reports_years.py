"""The outlook in the reports (sheets Years and Projects, the brief's "Outlook and
investment" section) on a hand-solved two-year case.

Mineral x, one mine stage; every year China 100 t at 5 USD/t and Australia 100 t at
10 USD/t; the UK and Japan need 10 t each.  In 2030 China's share of each buyer's supply
is capped at 50 %.  Project ``prj_can_1``: a 20 t plant in Canada at 4 USD/t, capex
400 USD, 20 years, discount rate 8 %: CRF = 0.08 x 1.08^20 / (1.08^20 - 1) = 0.1018522,
so 40.74 USD a year.

2024: all from China, 20 x 5 = 100 USD (each buyer 50).  2030, joint: 20 t from the
plant, 20 x 4 + 40.74 = 120.74 < 10 t Australia + 10 t China = 150: backed, China's share
0 %.  2030, each buyer alone: 5 t Australia + 5 t China = 75 < 10 x 4 + 40.74 = 80.74:
not backed.  Value of co-investment = (100 + 150) - (100 + 120.74) = 29.26 USD.
World mix: China has 100 of the 200 t of capacity (the plant not counted): 50 %.
"""

from __future__ import annotations

import html as html_lib
import re

import openpyxl
import pandas as pd
import pytest

from tests.chains import frame
from tests.fixtures import report_bundle as fx
from tests.test_reports_words import problems
from tests.years_chains import years_chain
from toolkit.pipeline import _bundle, run_model
from toolkit.reports import write_reports
from toolkit.reports.brief import render
from toolkit.reports.findings import findings, tables_of
from toolkit.results import run_result

RATE, LIFE, CAPEX = 0.08, 20, 400.0
CRF = RATE * (1 + RATE) ** LIFE / ((1 + RATE) ** LIFE - 1)
ANNUAL = CRF * CAPEX
JOINT_2030 = 20 * 4 + ANNUAL
ALONE_2030 = 2 * (5 * 10 + 5 * 5)
REL = 1e-5  # results are rounded to 7 significant digits; a 1e-7 tie-break on unit costs


def _chain(online: int = 2030):
    chain = years_chain(
        [("CHN", 100, 5), ("AUS", 100, 10)], {"GBR": 10, "JPN": 10}, "2024,2030",
        project_rows=(("prj_can_1", "mine", "CAN", 20, 4, CAPEX, online),),
        policy_rows=(("max_china_share", 0.5, "", "", "", "", "", 2030),
                     ("mode", "joint")))
    names = {"AUS": "Australia", "CAN": "Canada", "CHN": "China", "GBR": "United Kingdom",
             "JPN": "Japan"}
    countries = frame("country name wgi partner", [
        (c, names[c], 0.0, c in ("AUS", "CAN")) for c in sorted(names)])
    projects = chain.projects.assign(name="Maple test refinery",
                                     source="Test Corp (1 Jan 2030): 'a 20 t plant'")
    return chain.with_tables(countries=countries, projects=projects)


def _bundle_of(chain) -> dict:
    return _bundle(run_result(run_model(chain, pareto_points=0), "t", None), chain, None, 0.0)


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("years")
    bundle = _bundle_of(_chain())
    write_reports(bundle, folder, "years")
    return folder, bundle


def _table(ws, header_row: int) -> list[dict]:
    """Rows under ``header_row`` until the first blank row, keyed by header text."""
    heads = [c.value for c in ws[header_row]]
    rows = []
    for r in range(header_row + 1, ws.max_row + 1):
        values = [ws.cell(r, j + 1).value for j in range(len(heads))]
        if values[0] is None:
            break
        rows.append({h: v for h, v in zip(heads, values, strict=True) if h})
    return rows


def _find(ws, text: str) -> int:
    return next(c.row for row in ws.iter_rows() for c in row if c.value == text)


def test_hand_case_results_are_the_hand_numbers(out):
    case = out[1]["result"]["cases"][0]
    assert case["objective_usd"] == pytest.approx(100 + JOINT_2030, rel=REL)
    assert [p["project"] for p in case["projects"] if p["in_case_mode"]] == ["prj_can_1"]
    assert case["co_investment"]["value_usd"] == pytest.approx(ALONE_2030 - 20 * 4 - ANNUAL,
                                                               rel=1e-4)


def test_years_sheet_has_each_year_cost_status_and_china_share(out):
    ws = openpyxl.load_workbook(out[0] / "years.xlsx")["Years"]
    years = _table(ws, 1)
    assert [(r["year"], r["status"]) for r in years] == [(2024, "met"), (2030, "met")]
    assert years[0]["cost usd per yr"] == pytest.approx(100.0, rel=REL)
    assert years[1]["cost usd per yr"] == pytest.approx(JOINT_2030, rel=REL)
    assert years[1]["operating cost usd per yr"] == pytest.approx(80.0, rel=REL)
    assert years[1]["annualised capex usd per yr"] == pytest.approx(ANNUAL, rel=REL)
    shares = _table(ws, _find(ws, "China's share of supply per modelled year") + 1)
    got = {(r["year"], r["buyer"]): (r["china world mix"], r["china plan"]) for r in shares}
    zero = pytest.approx(0.0, abs=1e-9)
    assert got == {(2024, "GBR"): (0.5, 1.0), (2024, "JPN"): (0.5, 1.0),
                   (2024, "GBR+JPN"): (0.5, 1.0),  # the joint plan's buyers together
                   (2030, "GBR"): (0.5, zero), (2030, "JPN"): (0.5, zero),
                   (2030, "GBR+JPN"): (0.5, zero)}
    co = _table(ws, _find(ws, "Value of co-investment") + 1)[0]
    assert co["joint capex usd"] == pytest.approx(ANNUAL, rel=REL)
    assert co["independent capex usd"] == 0
    assert co["value usd"] == pytest.approx(ALONE_2030 - 20 * 4 - ANNUAL, rel=1e-4)
    assert co["discount rate"] == pytest.approx(RATE)
    assert ws.print_title_rows and ws.page_setup.fitToWidth == 1


def test_projects_sheet_names_the_plant_its_country_and_its_annual_cost(out):
    ws = openpyxl.load_workbook(out[0] / "years.xlsx")["Projects"]
    rows = _table(ws, 1)
    assert len(rows) == 1  # backed once, by the joint plan; alone nobody backs it
    row = rows[0]
    assert (row["name"], row["country name"], row["backed by"], row["plan"]) == (
        "Maple test refinery", "Canada", "the UK and Japan jointly", "joint plan")
    assert row["capacity t per yr"] == 20 and row["online year"] == 2030
    assert row["capex usd"] == pytest.approx(CAPEX)
    assert row["annualised capex usd per yr"] == pytest.approx(ANNUAL, rel=REL)
    assert row["used 2030 t"] == pytest.approx(20.0, rel=REL)
    column = 1 + list(rows[0]).index("annualised capex usd per yr")
    assert ws.cell(2, column).number_format == "#,##0"


def _outlook(html: str) -> str:
    start = html.index('<h2 class="break">Outlook and investment')
    start = html.index(">", start)
    return html_lib.unescape(html[start:html.index("<h2", start)])


def test_brief_project_table_and_findings_show_the_hand_numbers(out):
    html = (out[0] / "years.html").read_text(encoding="utf-8")
    part = _outlook(html)
    assert 'Maple test refinery</td><td class="">Canada</td>' in part
    assert "Every plant is backed by the UK and Japan jointly." in part
    assert f"USD {ANNUAL:,.0f}" in part and "USD 400" in part  # a year, and capex
    assert "Test Corp (1 Jan 2030)" in part and "a 20 t plant" not in part
    assert f"Every modelled year can be met. The year's plan costs USD 100 in 2024, " \
           f"USD {JOINT_2030:,.0f} in 2030, including USD {ANNUAL:,.0f} a year for the " \
           "backed plants from 2030." in part
    # a joint case: the two buyers together (its split between them is a convention)
    assert "China's share of the UK and Japan's mined supply together: 100% in 2024 → 0% " \
           "in 2030 (world mix: 50% in every year); a joint plan's split of its tonnes " \
           "between the two is a convention, so only their combined share is given." in part
    assert "China's share of the UK's" not in part and "China, UK and Japan together" in part
    assert problems(html, out[0]) == []  # no ids, no "50% → 50%", no absolute path
    assert f"USD {ANNUAL:,.0f} backed together, USD 0 if each buyer plans alone" in part
    assert f"USD {ALONE_2030 - 20 * 4 - ANNUAL:,.0f} saved by planning jointly" in part
    assert "Discount rate 8.0% (an ASSUMPTION)" in part and "each weighted 1" in part
    assert '<img src="data:image/png;base64,' in part  # the timeline chart


def test_brief_shows_no_internal_ids(out):
    html = (out[0] / "years.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>|data:image/png;base64,[A-Za-z0-9+/=]+", " ", html)
    assert "prj_can_1" not in text
    assert "GBR+JPN" not in _outlook(html)


def test_year_that_cannot_be_met_is_named_with_stage_mineral_and_tonnes(tmp_path):
    # The plant comes online in 2032, too late for 2030, and Australia has only 3 t.
    chain = _chain(online=2032)
    supply = chain.supply.copy()
    supply.loc[supply["country"] == "AUS", "capacity_t"] = 3.0
    bundle = _bundle_of(chain.with_tables(supply=supply))
    years = tables_of(bundle)
    write_reports(bundle, tmp_path, "late")
    ws = openpyxl.load_workbook(tmp_path / "late.xlsx")["Years"]
    rows = _table(ws, 1)
    assert [(r["year"], r["status"]) for r in rows] == [
        (2024, "no plan (another year cannot be met)"), (2030, "cannot be met")]
    assert rows[1]["cost usd per yr"] is None
    missing = rows[1]["what is missing"]
    # each buyer needs 5 t from outside China (50 % of 10 t); Australia's 3 t go to the
    # first, none are left for the second: 2 t and 5 t short (7 t in all)
    assert missing == (
        "In 2030, the UK's x at the mine stage: a cap of 50% on China's share needs 5.00 t "
        "from outside China, but only 3.00 t can be had (2.00 t short). In 2030, Japan's x "
        "at the mine stage: a cap of 50% on China's share needs 5.00 t from outside China, "
        "but only 0.00 t can be had (5.00 t short).")
    html = (tmp_path / "late.html").read_text(encoding="utf-8")
    assert "2030: cannot be met. In 2030, the UK's x at the mine stage" in _outlook(html)
    assert years.cases[0].status == "infeasible"


def test_single_year_reports_have_no_outlook():
    bundle = fx.bundle()
    t = tables_of(bundle)
    html = render(t, bundle, "fixture")
    assert "Outlook and investment" not in html and "modelled year" not in html
    # the same bundle with the (single-year) outlook keys stripped renders the same brief
    stripped = {**bundle, "result": _strip(bundle["result"])}
    assert render(tables_of(stripped), stripped, "fixture") == html


def test_single_year_run_writes_no_years_or_projects_sheet(tmp_path):
    chain = years_chain([("CHN", 100, 5), ("AUS", 100, 10)], {"GBR": 10, "JPN": 10}, "")
    bundle = _bundle_of(chain)
    assert bundle["result"]["cases"][0]["multi_year"] is False
    write_reports(bundle, tmp_path, "one")
    names = openpyxl.load_workbook(tmp_path / "one.xlsx").sheetnames
    assert "Years" not in names and "Projects" not in names
    stripped = {**bundle, "result": _strip(bundle["result"])}
    assert render(tables_of(stripped), stripped, "one") == render(tables_of(bundle),
                                                                  bundle, "one")


def _strip(result: dict) -> dict:
    keys = ("years", "projects", "co_investment", "multi_year")
    out = {k: v for k, v in result.items() if k not in keys}
    out["cases"] = [{k: v for k, v in c.items() if k not in keys}
                    for c in result.get("cases") or []]
    return out


# The co-investment case of tests/test_years_hand.py over two modelled years: AUS 100 t at
# 10 USD/t; a 20 t plant in Canada at 4 USD/t, capex 2,000 USD, r = 0, L = 20 (100 USD a
# year); GBR and JPN need 10 t each in 2030 and 2035.  Together they back it
# (2 x 80 + 2 x 100 = 360 against 2 x 2 x 100 = 400 alone): co-investment saves 40 USD.


@pytest.fixture(scope="module")
def shared_plant():
    chain = years_chain([("AUS", 100, 10)], {"GBR": 10, "JPN": 10}, "2030,2035",
                        project_rows=(("can_plant", "mine", "CAN", 20, 4, 2000, 2030),),
                        policy_rows=(("discount_rate", 0), ("mode", "joint")))
    return _bundle_of(chain)


def test_json_years_projects_and_co_investment(shared_plant):
    case = shared_plant["result"]["cases"][0]
    assert [(y["year"], y["cost_usd"], y["capex_usd"]) for y in case["years"]] == [
        (2030, pytest.approx(180, rel=1e-6), 100.0),
        (2035, pytest.approx(180, rel=1e-6), 100.0)]
    joint = [p for p in case["projects"] if p["plan"] == "joint"]
    assert [(p["project"], p["backed_by"], p["annualised_capex_usd"], p["years_online"])
            for p in joint] == [("can_plant", "GBR+JPN", 100.0, [2030, 2035])]
    assert not [p for p in case["projects"] if p["plan"] == "independent"]
    assert case["co_investment"]["value_usd"] == pytest.approx(40.0, rel=1e-4)
    assert case["co_investment"]["joint_capex_usd"] == 200.0
    assert case["objective_usd"] == pytest.approx(360.0, rel=1e-6)


def test_key_findings_state_cost_per_year_and_the_plants_backed(shared_plant):
    lines = findings(tables_of(shared_plant))
    assert lines[0].startswith("Policy case “base” (joint) can be met: the cheapest plan "
                               "costs USD 180 a year in 2030")
    assert "“base” can be met in every modelled year; after 2030 the year's plan costs " \
           "USD 180 in 2035, each including the annualised capital cost of the new plants " \
           "online that year." in lines
    line = next(x for x in lines if "candidate plants" in x)
    assert line.startswith("“base” backs 1 of 1 candidate plants (mines for x): capital "
                           "cost USD 2,000, USD 100 a year annualised at a discount rate "
                           "of 0.0% (an ASSUMPTION).")
    html = render(tables_of(shared_plant), shared_plant, "t")
    part = _outlook(html)
    # alone nobody backs the plant (capex 0), together 2 x 100: no "saving" on plants, but
    # the whole plan is 40 USD cheaper
    assert "USD 200 backed together, USD 0 if each buyer plans alone and backs its own. " \
           "Discount rate 0.0% (an ASSUMPTION)" in part
    assert "USD 40 saved by planning jointly" in part
    assert "can_plant" not in re.sub(r"<[^>]+>", " ", html)
    # the value of cooperation of a multi-year case is its total over the years, not a
    # yearly figure: 2 x 200 alone - 360 together
    coop = next(x for x in lines if x.startswith("Planning jointly"))
    assert coop.startswith("Planning jointly (UK and Japan) in “base” saves USD 40 summed "
                           "over its 2 modelled years (10.0% of the independent cost)")
    assert "a year" not in coop


def test_a_year_that_cannot_be_met_is_named_in_the_brief():
    from tests.test_years_hand import _glide_chain

    chain = _glide_chain(2032)  # the project comes online after the 2030 cap
    bundle = _bundle(run_result(run_model(chain, pareto_points=0), "t", None), chain, None,
                     0.0)
    line = findings(tables_of(bundle))[0]
    assert line.startswith("Policy case “base” (independent) cannot be met: In 2030, Japan")
    assert "needs 5.00 t from outside China, but only 3.00 t can be had (2.00 t short)" in line


def test_negative_value_from_two_copies_of_one_plant_is_explained():
    # A 10 t plant at 4 USD/t, capex 400 USD, r = 0, L = 20 (20 USD a year); each buyer
    # needs 10 t, Australia sells at 10 USD/t.  Alone each builds its own copy:
    # 2 x (10 x 4 + 20) = 120.  Together one plant: 10 x 4 + 20 + 10 x 10 = 160.  -40 USD.
    chain = years_chain([("AUS", 100, 10)], {"GBR": 10, "JPN": 10}, "2030",
                        project_rows=(("one_plant", "mine", "CAN", 10, 4, 400, 2030),),
                        policy_rows=(("discount_rate", 0), ("mode", "joint")))
    bundle = _bundle_of(chain.with_tables(projects=chain.projects.assign(name="Lone mill")))
    case = bundle["result"]["cases"][0]
    assert case["co_investment"]["value_usd"] == pytest.approx(-40.0, rel=1e-4)
    part = _outlook(render(tables_of(bundle), bundle, "t"))
    assert "−USD 40 (33.333% of the cost). Negative because, planning alone, the UK and " \
           "Japan each build their own copy of Lone mill" in part
    # the key finding carries the same explanation beside its figure (one modelled year:
    # the total is a yearly figure)
    coop = next(x for x in findings(tables_of(bundle)) if x.startswith("Planning jointly"))
    assert coop.startswith("Planning jointly (UK and Japan) in “base” comes out USD 40 "
                           "dearer a year (33.3% of the independent cost), but this is not a "
                           "cost of cooperating: planning alone, the UK and Japan each build "
                           "their own copy of Lone mill")


def test_years_and_projects_sheets_print_like_every_sheet(out):
    # the page-setup and number-format rules of tests/test_reports_print.py, on the
    # two outlook sheets (that module's fixture workbook is single-year)
    from tests import test_reports_print as rules

    book = openpyxl.load_workbook(out[0] / "years.xlsx")
    sheets = [book["Years"], book["Projects"]]
    for ws in sheets:
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert (ws.print_title_rows or "").replace("$", "") == "1:1", ws.title
        for _, columns in rules.tables(ws):
            for name, cells in columns.items():
                numbers = [c for c in cells if isinstance(c.value, int | float)]
                assert not [c.value for c in cells if isinstance(c.value, str)
                            and numbers], (ws.title, name)
                assert all(c.number_format != "General" for c in numbers), (ws.title, name)
                key = name.replace(" ", "_")
                if "usd" in key:
                    assert all(c.number_format == "#,##0" for c in numbers), (ws.title, name)
                if key.endswith("_t") or key.startswith("china_"):
                    fmt = "%" if key.startswith("china_") else "#,##0.0"
                    assert all(fmt in c.number_format for c in numbers), (ws.title, name)


def test_served_shares_use_the_first_year_demand_not_every_year_summed():
    # demand of 10 t each in 2030 (undated rows) and 20 t each in 2035 (dated rows); the
    # tables describe the first modelled year, so a scenario's served share is served /
    # that year's demand (the optimiser's own share), not served / 30 t
    from tests.optimize_chains import disruptions

    chain = years_chain([("AUS", 100, 10), ("KAZ", 100, 12)], {"GBR": 10, "JPN": 10},
                        "2030,2035", policy_rows=(("mode", "joint"),),
                        disruptions=disruptions(("AUS out", "x", "mine", "AUS", 1.0, 0.1)))
    later = chain.demand.assign(demand_t=20.0, year=2035.0)
    chain = chain.with_tables(demand=pd.concat([chain.demand.assign(year=float("nan")),
                                                later], ignore_index=True))
    bundle = _bundle_of(chain)
    t = tables_of(bundle)
    rows = bundle["result"]["cases"][0]["scenarios"]
    assert rows and len(t.scenarios) == len(rows)
    for row in rows:
        mine = t.scenarios[(t.scenarios["buyer"] == row["buyer"])
                           & (t.scenarios["scenario"] == row["scenario"])]
        assert mine["demand_t"].tolist() == [10.0]
        assert mine["served_share"].tolist() == [pytest.approx(row["served_share"])]


def test_latest_data_year_metrics_leave_out_projections():
    # supply dated 2024 (data) and 2035 (a projection, marked estimate): the "latest data
    # year" figures of the brief and the workbook's chart are 2024's, not 2035's
    from toolkit.reports.data import latest_metrics
    from toolkit.risk import concentration_table

    chain = years_chain([("AUS", 100, 10), ("CHN", 300, 8)], {"GBR": 10}, "")
    later = chain.supply.assign(year=2035.0, estimate=True)
    later.loc[later["country"] == "CHN", "capacity_t"] = 100.0
    chain = chain.with_tables(supply=pd.concat([chain.supply.assign(estimate=False), later],
                                               ignore_index=True))
    metrics = concentration_table(chain)
    assert latest_metrics(metrics)["china_share"].tolist() == [pytest.approx(0.5)]
    bundle = {"result": {"cases": []}, "chain": chain, "metrics": metrics}
    assert tables_of(bundle).latest["china_share"].tolist() == [pytest.approx(0.75)]


def test_summary_gives_the_first_years_cost_and_the_total_over_the_years(out):
    from tests.test_reports import find_row, table

    ws = openpyxl.load_workbook(out[0] / "years.xlsx")["Summary"]
    [case] = table(ws, find_row(ws, "Policy cases") + 2)
    assert case["objective_usd"].value == pytest.approx(100.0, rel=REL)  # 2024
    assert case["total_over_years_usd"].value == pytest.approx(100.0 + JOINT_2030, rel=REL)
    assert case["feasible_minerals_cost_usd"].value is None  # met: one cost, not two
