"""Excel report and policy brief, on a hand-made bundle whose numbers are checked by hand.

The fixture (tests/fixtures/report_bundle.py) has two cases (baseline optimal, strict
infeasible), two buyers, three minerals, a Pareto sweep of each kind, shadow prices,
a stockpile and the value of cooperation.
"""

from __future__ import annotations

import dataclasses
import html
import math
import os
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import toolkit.reports as reports
from tests.fixtures import report_bundle as fx
from toolkit.errors import ToolkitError
from toolkit.reports import words, write_reports
from toolkit.reports.findings import findings, tables_of

SHEETS = ["Summary", "Charts", "China share", "Concentration", "Import reliance", "Portfolio",
          "Stockpile", "Disruptions", "Scenarios", "Market", "Bids", "Sensitivity", "Pareto",
          "Prices", "Inputs", "Policy", "Provenance", "Sources"]
TABLE_SHEETS = [s for s in SHEETS if s not in ("Summary", "Charts")]


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    write_reports(fx.bundle(), out, "brief")
    return out


@pytest.fixture(scope="module")
def book(written):
    return openpyxl.load_workbook(written / "brief.xlsx")


def table(ws, header_row: int = 1) -> list[dict]:
    """Rows of the table whose header is at ``header_row`` (up to the first blank row)."""
    header = [c.value.replace(" ", "_") if isinstance(c.value, str) else c.value
              for c in ws[header_row]]
    width = header.index(None) if None in header else len(header)
    rows = []
    for cells in ws.iter_rows(min_row=header_row + 1):
        if cells[0].value is None:
            break
        rows.append({h: c for h, c in zip(header[:width], cells[:width], strict=True)})
    return rows


def headline(ws) -> list[dict]:
    """The Summary's headline rows: the cost table and the China-share table joined."""
    first = find_row(ws, "case")
    costs = table(ws, first)
    china = table(ws, find_row(ws, "case", first + len(costs) + 1))
    assert [(r["case"].value, r["buyer"].value) for r in costs] == [
        (r["case"].value, r["buyer"].value) for r in china]
    return [{**a, **b} for a, b in zip(costs, china, strict=True)]


def find_row(ws, text: str, start: int = 1) -> int:
    for cells in ws.iter_rows(min_row=start):
        if cells[0].value == text:
            return cells[0].row
    raise AssertionError(f"{text!r} not in column A of {ws.title}")


def test_writes_both_files_and_returns_paths(written):
    assert sorted(p.name for p in written.iterdir()) == ["brief.html", "brief.xlsx"]
    assert oct((written / "brief.xlsx").stat().st_mode & 0o077) != "0o0"  # not 0600


def test_sheets_frozen_headers_widths(book):
    assert book.sheetnames == SHEETS
    for name in TABLE_SHEETS:
        ws = book[name]
        assert ws.freeze_panes in ("A2", "B2", "C2"), name
        assert ws.column_dimensions["A"].width > 6, name
    assert [c.value.replace(" ", "_") for c in book["Portfolio"][1]] == [
        "case", "buyer", "mineral", "stage", "country", "country_name", "tonnes", "share",
        "unit_cost_usd_per_t", "cost_usd", "baseline_t", "baseline_share"]


def test_portfolio_numbers_equal_json_and_hand_costs(book):
    rows = table(book["Portfolio"])
    plan = {(b, m, s, c): t for b, m, s, c, t in fx.PORTFOLIO}
    by_key = {(r["buyer"].value, r["mineral"].value, r["stage"].value, r["country"].value): r
              for r in rows}
    for key, tonnes in plan.items():
        assert by_key[key]["tonnes"].value == tonnes
        assert by_key[key]["tonnes"].data_type == "n"
        assert by_key[key]["tonnes"].number_format == "#,##0.0"
    gbr_aus = by_key[("GBR", "cobalt", "mine", "AUS")]
    assert gbr_aus["cost_usd"].value == 600 * 24000.0
    assert gbr_aus["share"].value == pytest.approx(0.6)
    assert gbr_aus["share"].number_format == "0.0%"
    assert gbr_aus["baseline_t"].value == pytest.approx(1000 * 30000 / 200000)
    # baseline rows for countries the plan drops: GBR buys no Chilean lithium ore
    gbr_chl = by_key[("GBR", "lithium", "mine", "CHL")]
    assert gbr_chl["tonnes"].value == 0
    assert gbr_chl["baseline_t"].value == pytest.approx(2000 * 50000 / 180000)


def test_summary_headline_hand_computed(book):
    ws = book["Summary"]
    head = headline(ws)
    gbr = next(r for r in head if r["buyer"].value == "GBR")
    # 28.1 m cobalt + 14.75 m graphite + 25 m lithium (tonnes x unit cost)
    assert gbr["cost_usd"].value == pytest.approx(67_850_000.0)
    assert gbr["china_mine_before"].value == pytest.approx((0.8 + 40 / 180) / 2)
    assert gbr["china_mine_after"].value == pytest.approx(0.25)
    assert gbr["china_refine_after"].value == pytest.approx(0.3)
    assert gbr["china_mine_before"].number_format == "0.0%"
    assert gbr["worst_served_share"].value == pytest.approx(0.6)
    jpn = next(r for r in head if r["buyer"].value == "JPN")
    assert jpn["worst_served_share"].value == pytest.approx(1250 / 4000)
    assert jpn["worst_scenario"].value == "DRC cobalt export suspension"
    assert jpn["cooperation_saving_usd"].value == 15_678_900.0
    strict = next(r for r in head if r["case"].value == "strict")
    assert strict["status"].value == "cannot be met" and strict["cost_usd"].value is None


def test_summary_findings_and_diagnosis(book):
    ws = book["Summary"]
    text = [c.value for c in ws["A"] if isinstance(c.value, str)]
    assert any("strict" in t and "4,100 t < 6,000 t" in t for t in text)
    assert any("USD 345.7 m a year" in t for t in text)
    assert any(t.startswith("• strict (cannot be met): refine, cobalt, GBR") for t in text)


def test_other_sheets_equal_json(book):
    res = fx.baseline_case()
    pareto = table(book["Pareto"])
    assert [(r["sweep"].value, r["epsilon"].value, r["objective_usd"].value) for r in pareto] \
        == sorted([(p["sweep"], p["epsilon"], p["objective_usd"])
                   for p in res["pareto"]], key=lambda x: (x[0], x[1]))
    scen = {(r["buyer"].value, r["mineral"].value): r for r in table(book["Disruptions"])}
    assert scen[("JPN", "cobalt")]["served_t"].value == 1250.0
    assert scen[("JPN", "cobalt")]["shortfall_t"].value == 2750.0
    assert scen[("JPN", "cobalt")]["served_share"].value == pytest.approx(0.3125)
    stock = table(book["Stockpile"])
    assert [(r["buyer"].value, r["tonnes"].value) for r in stock] == [("JPN", 250.0),
                                                                      ("GBR", 0.0)]
    settings = {(r["case"].value, r["setting"].value): r["value"].value
                if r["value"].value is not None else r["value_text"].value
                for r in table(book["Inputs"])}
    assert settings[("baseline", "max_china_share")] == 0.6
    assert settings[("strict", "mode")] == "joint"


def test_pareto_sheet_blanks_infeasible_points(book):
    rows = table(book["Pareto"])
    tight = next(r for r in rows if r["epsilon"].value == 0.2)
    assert tight["status"].value == "cannot be met"
    assert tight["feasible_cost_usd"].value is None and tight["objective_usd"].value is None
    loose = next(r for r in rows if r["epsilon"].value == 1.0)
    assert loose["feasible_cost_usd"].value == 300_000_000.0


def _per_mineral(total: bool) -> list[dict]:
    rows = [("china_share", 1.0, "cobalt", 10.0, "optimal"),
            ("china_share", 1.0, "lithium", 5.0, "optimal"),
            ("china_share", 0.5, "cobalt", 12.0, "optimal"),
            ("china_share", 0.5, "lithium", 4.0, "infeasible")]
    if total:
        rows += [("china_share", 1.0, "all", 15.0, "optimal"),
                 ("china_share", 0.5, "all", 16.0, "infeasible")]
    return [dict(zip(("sweep", "epsilon", "mineral", "objective_usd", "status"), r,
                     strict=True)) for r in rows]


@pytest.mark.parametrize("total", [True, False])
def test_per_mineral_pareto_rows_make_one_frontier(total):
    cases = reports.data.cases_of({"case": "c", "pareto": _per_mineral(total)})
    front, detail = reports.data.pareto_tables(cases)
    assert front[["epsilon", "objective_usd", "status"]].values.tolist() == [
        [0.5, 16.0, "infeasible"], [1.0, 15.0, "optimal"]]
    assert front["feasible_cost_usd"].isna().tolist() == [True, False]
    assert sorted(detail["mineral"]) == ["cobalt", "cobalt", "lithium", "lithium"]


def test_pipeline_shaped_keys():
    """Diagnosis as {messages, rows}; settings as rows; China-touch in summary rows."""
    case = reports.data.cases_of({"case": "c", "status": "infeasible", "diagnosis": {
        "messages": ["refine, gallium, JPN: gap 0.898 t"], "rows": [{"gap_t": 0.898}]},
        "settings": [{"setting": "max_china_share", "stage": "refine", "mineral": "",
                      "buyer": "", "value": 0.5}],
        "summary": [{"buyer": "JPN", "mineral": "gallium", "china_touch_share": 0.2,
                     "baseline_china_touch_share": 0.99}]})
    assert reports.data.diagnosis_lines(case[0]) == ["refine, gallium, JPN: gap 0.898 t"]
    settings = reports.data.settings_rows(case)
    assert settings.to_dict("records") == [{"case": "c", "setting": "max_china_share",
                                            "stage": "refine", "mineral": "", "buyer": "",
                                            "value": 0.5}]
    touch = reports.data.touch_table(case, None)
    assert touch[["baseline_share", "portfolio_share"]].values.tolist() == [[0.99, 0.2]]


def test_concentration_risk_band_formatting(book):
    ws = book["Concentration"]
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    formulas = " ".join(f for r in rules for f in r.formula)
    assert "high" in formulas and "moder" in formulas and "low" in formulas
    rows = table(ws)
    assert rows[3]["hhi"].value == 8200.0 and rows[3]["risk_band"].value == "high"


def test_provenance_lists_run_and_sources(book):
    ws = book["Provenance"]
    facts = {r["item"].value: r["value"].value for r in table(ws)}
    assert facts["input_file"] == "test_model.toml"
    assert facts["input_sha256"] == "ab" * 32
    assert facts["solver"] == "highs" and facts["solver_version"] == "1.16.0"
    assert facts["toolkit_version"] == "0.1.0"
    assert facts["run_seconds"] == 12.5
    sources = table(book["Sources"])
    assert {"edition", "licence"} <= set(sources[0])
    ids = [r["source_id"].value for r in sources]
    assert "scenario: DRC cobalt export suspension" in ids


def test_native_charts(written):
    with zipfile.ZipFile(written / "brief.xlsx") as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) >= 4
    assert sum("<barChart>" in c for c in charts) >= 3  # China share (x2), world share
    assert sum("<scatterChart>" in c for c in charts) == 2  # cost vs cap, vs shortfall
    scatter = next(c for c in charts if "<scatterChart>" in c)
    # x = epsilon (C), y = feasible_cost_usd (F): infeasible points are gaps
    assert "'Pareto'!$C$2:$C$5" in scatter and "'Pareto'!$F$2:$F$5" in scatter


def test_formula_injection_is_text(written, book):
    ws = book["Portfolio"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == fx.INJECTION]
    assert cells, "the injected country name is shown"
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)
    with zipfile.ZipFile(written / "brief.xlsx") as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in s for s in sheets), "the workbook holds no formula"
    page = (written / "brief.html").read_text(encoding="utf-8")
    assert fx.INJECTION not in page
    assert html.escape(fx.INJECTION, quote=True) in page


def test_html_escapes_every_input_text(tmp_path):
    bundle = fx.bundle()
    evil = "<script>alert(1)</script>"
    bundle["result"]["cases"][1]["diagnosis"] = [evil]
    bundle["result"]["cases"][0]["scenarios"][0]["scenario"] = evil
    write_reports(bundle, tmp_path, "x")
    page = (tmp_path / "x.html").read_text(encoding="utf-8")
    assert "<script" not in page
    assert page.count("&lt;script&gt;") >= 2


def test_brief_sections_and_images(written):
    page = (written / "brief.html").read_text(encoding="utf-8")
    assert "@page { size: A4" in page
    for heading in ("Key findings", "Where China sits", "What lowering China",
                    "Disruptions", "Recommended portfolio", "Method", "Sources"):
        assert heading in page
    assert page.count('src="data:image/png;base64,') == 3
    assert "src=\"http" not in page and "<link" not in page and "<script" not in page
    for formula in ("HHI<sub>WGI</sub>", "CVaR", "China-touch"):
        assert formula in page
    assert "FIN 70%, CHN 30%" in page  # GBR cobalt refine mix


def test_findings_are_computed():
    t = tables_of(fx.bundle())
    lines = findings(t)
    # contracts = tonnes x unit cost of the fixture's portfolio, computed here from the
    # fixture's own tables; the rest of the objective is stockpiles and disruptions
    supply = fx.bundle()["chain"].supply.set_index(["mineral", "stage", "country"])
    contracts = sum(tonnes * float(supply.loc[(m, st, c), "unit_cost_usd_per_t"])
                    for _b, m, st, c, tonnes in fx.PORTFOLIO)
    assert contracts == pytest.approx(300.15e6)
    assert "Policy case “baseline” (independent) can be met: the cheapest plan costs " \
           "USD 345.7 m a year (contracts USD 300.1 m, stockpiles and the expected cost of " \
           "disruptions USD 45.5 m)." in lines
    assert any(line.startswith("In “baseline”, for the UK, China's average share of supply "
                               "moves 51% → 25% at mine, 77% → 30% at refine")
               for line in lines)
    assert any("31% of its cobalt demand is still served (shortfall 2,750 t)" in line
               for line in lines)
    assert "In “baseline” the plan holds 250 t of cobalt as stockpile." in lines
    assert any("saves USD 15.7 m a year (4.5% of the independent cost); in the worst "
               "scenario the share of the two buyers' combined demand that is served goes "
               "from 31% to 45%." in line for line in lines)
    assert "In “baseline”, capping China's share of each stage at 40% instead of 100% " \
           "changes the annual cost by +USD 110.0 m (+36.7%); below 40% no feasible plan " \
           "exists." in lines
    assert any("USD 2,000 a year (2 binding constraints" in line for line in lines)
    # in words, without setting names or country codes
    assert any(line.startswith("Costliest binding constraint in “baseline”: the cap on "
                               "China's share (Japan's graphite at the refine stage)")
               for line in lines)


def test_reproducible_bytes(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    write_reports(fx.bundle(), first, "r")
    write_reports(fx.bundle(), second, "r")
    for ext in ("xlsx", "html"):
        assert (first / f"r.{ext}").read_bytes() == (second / f"r.{ext}").read_bytes(), ext


def test_only_the_timestamp_differs(tmp_path):
    later = "2026-03-01T08:00:00+00:00"
    write_reports(fx.bundle(), tmp_path / "a", "r")
    write_reports(fx.bundle(later), tmp_path / "b", "r")
    a, b = (tmp_path / "a" / "r.html").read_text(), (tmp_path / "b" / "r.html").read_text()
    shown = (words.when(later), words.when(fx.TIMESTAMP))  # the brief rounds to the minute
    assert a != b and b.replace(later, fx.TIMESTAMP).replace(*shown) == a
    with zipfile.ZipFile(tmp_path / "a" / "r.xlsx") as za, \
            zipfile.ZipFile(tmp_path / "b" / "r.xlsx") as zb:
        assert za.namelist() == zb.namelist()
        for name in za.namelist():
            left, right = za.read(name).decode(), zb.read(name).decode()
            right = right.replace(later, fx.TIMESTAMP).replace(
                "2026-03-01T08:00:00Z", "2026-01-15T10:30:00Z").replace(*shown)
            assert left == right, name
    core = zipfile.ZipFile(tmp_path / "a" / "r.xlsx").read("docProps/core.xml").decode()
    assert "2026-01-15T10:30:00Z" in core


def test_failure_midway_keeps_old_reports(tmp_path, monkeypatch):
    (tmp_path / "r.xlsx").write_bytes(b"old workbook")
    (tmp_path / "r.html").write_text("old brief")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(reports, "render", broken)  # the workbook is already written
    with pytest.raises(RuntimeError, match="disk full"):
        write_reports(fx.bundle(), tmp_path, "r")
    assert (tmp_path / "r.xlsx").read_bytes() == b"old workbook"
    assert (tmp_path / "r.html").read_text() == "old brief"
    assert sorted(os.listdir(tmp_path)) == ["r.html", "r.xlsx"]


def test_pdf_without_browser_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ToolkitError, match="needs headless Chromium"):
        write_reports(fx.bundle(), tmp_path, "r", pdf=True)
    assert os.listdir(tmp_path) == []


def test_progress_messages(tmp_path):
    seen: list[str] = []
    write_reports(fx.bundle(), tmp_path, "r", progress=seen.append)
    assert seen == ["reports: computing tables", "reports: writing workbook",
                    "reports: writing brief"]


@pytest.mark.parametrize("name", ["", "../r", "sub/r"])
def test_bad_name_rejected(tmp_path, name):
    with pytest.raises(ToolkitError, match="plain file name"):
        write_reports(fx.bundle(), tmp_path, name)


def test_empty_result_still_renders(tmp_path):
    bundle = {"result": {"status": "infeasible", "diagnosis": ["no data"]}, "chain": None,
              "metrics": None, "chokepoints": None, "run_timestamp": "garbage"}
    write_reports(bundle, tmp_path, "empty")
    book = openpyxl.load_workbook(tmp_path / "empty.xlsx")
    assert book.sheetnames == ["Summary", "China share", "Concentration", "Portfolio",
                               "Stockpile", "Disruptions", "Market", "Bids", "Sensitivity",
                               "Pareto", "Prices", "Inputs", "Provenance",
                               "Sources"]  # no charts
    assert book["Portfolio"]["A2"].value == "none"
    assert book["Pareto"]["A2"].value == "none"
    page = (tmp_path / "empty.html").read_text(encoding="utf-8")
    assert "none" in page and "no data" in page


def test_no_stockpile_says_none(tmp_path):
    bundle = fx.bundle()
    for case in bundle["result"]["cases"]:
        case.pop("stockpile", None)
        case.pop("cooperation", None)
        case.pop("pareto", None)
    write_reports(bundle, tmp_path, "r")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "none recommended" in page and "no Pareto sweep" in page
    lines = findings(tables_of(bundle))
    assert "The plan of “baseline” holds no stockpile." in lines
    assert not any("stockpile" in line and "baseline" not in line for line in lines)


def test_single_case_result_without_cases_key(tmp_path):
    bundle = fx.bundle()
    bundle["result"] = fx.baseline_case()
    tables = tables_of(bundle)
    assert [c.name for c in tables.cases] == ["baseline"]
    assert math.isclose(tables.headline["cost_usd"].sum(), 67_850_000 + 232_300_000)


# ------------------------------------------------------------------ QA pass on `toolkit run`


JOINT_NOTE = "split of a joint plan between the two buyers is a convention"


def _with_joint_pool() -> dict:
    """The fixture plus an optimal joint case "pool" that holds stockpiles; baseline none."""
    bundle = fx.bundle()
    cases = bundle["result"]["cases"]
    cases[0]["stockpile"] = [{"buyer": "GBR", "mineral": "cobalt", "tonnes": 0.0}]
    pool = {**fx.baseline_case(), "case": "pool", "mode": "joint", "pareto": [],
            "stockpile": [{"buyer": "GBR", "mineral": "cobalt", "tonnes": 2000.0},
                          {"buyer": "JPN", "mineral": "cobalt", "tonnes": 309.75},
                          {"buyer": "GBR", "mineral": "graphite", "tonnes": 1370.29},
                          {"buyer": "JPN", "mineral": "lithium", "tonnes": 0.0}]}
    cases.append(pool)
    return bundle


def test_stockpile_findings_are_per_case(tmp_path):
    lines = findings(tables_of(_with_joint_pool()))
    # 2,000 + 309.75 = 2,309.75 t of cobalt; graphite 1,370.29 t
    assert "In “pool” the plan holds 2,310 t of cobalt and 1,370 t of graphite as stockpile " \
           "(pooled between the buyers); the plan of “baseline” holds none." in lines
    assert not any("No stockpile" in line or "No policy case" in line for line in lines)
    write_reports(_with_joint_pool(), tmp_path, "r")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<td class="">pool</td><td class="">UK</td><td class="">graphite</td>' in page
    assert "No stockpile in: baseline." in page and "</p></p>" not in page


def test_no_case_holds_a_stockpile():
    bundle = _with_joint_pool()
    bundle["result"]["cases"][2]["stockpile"] = []
    lines = findings(tables_of(bundle))
    assert "No policy case's plan holds a stockpile (“baseline” and “pool”)." in lines


def _same_cost_bundle(prices: list[tuple]) -> dict:
    """Cobalt and lithium mines cost the same in every country; every refine stage differs."""
    bundle = fx.bundle()
    chain = bundle["chain"]
    supply = chain.supply.copy()
    supply.loc[(supply["mineral"] == "cobalt") & (supply["stage"] == "mine"),
               "unit_cost_usd_per_t"] = 20000.0
    supply.loc[(supply["mineral"] == "lithium") & (supply["stage"] == "mine"),
               "unit_cost_usd_per_t"] = 8000.0
    bundle["chain"] = dataclasses.replace(chain, supply=supply)
    bundle["result"]["cases"][0]["shadow_prices"] += [
        dict(zip(("setting", "stage", "mineral", "buyer", "usd_per_pp"), p, strict=True))
        for p in prices]
    return bundle


SAME_COST = ("At the mine stage of 2 of the 3 minerals that have one every supplier has "
             "the same unit cost in the data (no published country cost differences) and no "
             "bid premium prices tonnes taken from other buyers, so moving supply away from "
             "China there costs nothing unless capacity runs short")


def test_same_cost_caveat_from_the_data(tmp_path):
    zero = [("max_china_share", "mine", "lithium", "GBR", 0.0),
            ("max_china_share", "mine", "cobalt", "JPN", 0.0)]
    bundle = _same_cost_bundle(zero)
    assert SAME_COST + "; the shadow prices of all 2 China-share caps there are 0." \
        in tables_of(bundle).caveats
    write_reports(bundle, tmp_path, "r")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    # next to the finding it qualifies: the costliest binding China cap
    item = page[page.index("<li>Costliest binding constraint"):]
    item = item[:item.index("</li>")]
    assert '<p class="caveat"><b>Read with care:</b> ' + html.escape(SAME_COST, quote=True) \
        in item
    summary = openpyxl.load_workbook(tmp_path / "r.xlsx")["Summary"]
    costliest = next(c.row for c in summary["A"] if str(c.value).startswith(
        "• Costliest binding constraint"))
    assert summary.cell(costliest + 1, 1).value.startswith("Read with care: " + SAME_COST)
    # a binding cap there is reported, not hidden; the fixture's distinct costs give no line
    one = _same_cost_bundle([zero[0], ("max_china_share", "mine", "cobalt", "JPN", 75.0)])
    assert SAME_COST + "; 1 of the 2 China-share caps there have a shadow price of 0, the " \
        "other 1 bind (capacity or disruption risk makes moving away from China costly " \
        "there)." in tables_of(one).caveats
    assert not any("same unit cost" in c for c in tables_of(fx.bundle()).caveats)


def test_costly_routes_break_the_same_cost_claim():
    bundle = _same_cost_bundle([])
    routes = fx.frame("mineral from_stage from_country to_stage to_country cost_usd_per_t",
                      [("lithium", "mine", "AUS", "refine", "CHN", 50.0)])
    bundle["chain"] = dataclasses.replace(bundle["chain"], routes=routes)
    same = reports.data.same_cost_stages(bundle["chain"], tables_of(bundle).cases[0])
    assert same.loc[same["same_cost"], ["mineral", "stage"]].values.tolist() == [
        ["cobalt", "mine"]]


def _partial_strict() -> dict:
    """The strict case (cannot be met) with the partial plan of the minerals it can meet."""
    bundle = fx.bundle()
    strict = bundle["result"]["cases"][1]
    strict["feasible_minerals_cost_usd"] = 25_000_000.0
    strict["portfolio"] = [{"buyer": "GBR", "mineral": "lithium", "stage": s, "country": c,
                            "tonnes": 2000.0} for s, c in (("mine", "AUS"), ("refine", "CHL"))]
    return bundle


def test_case_that_cannot_be_met_shows_no_cost(tmp_path):
    write_reports(_partial_strict(), tmp_path, "r")
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")["Summary"]
    head = headline(ws)
    strict = next(r for r in head if r["case"].value == "strict")
    # the partial plan costs 2000 x 8000 + 2000 x 4500 = 25 m: never shown as its cost
    assert strict["cost_usd"].value is None and strict["status"].value == "cannot be met"
    cases = table(ws, find_row(ws, "Policy cases") + 2)
    by_case = {r["case"].value: r for r in cases}
    assert by_case["strict"]["objective_usd"].value is None
    assert by_case["strict"]["status"].value == "cannot be met"
    assert by_case["strict"]["feasible_minerals_cost_usd"].value == 25_000_000.0
    assert by_case["baseline"]["objective_usd"].value == 345_678_900.0
    # a case that can be met has one cost, not a second "feasible minerals" figure
    assert by_case["baseline"]["feasible_minerals_cost_usd"].value is None
    assert by_case["baseline"]["total_over_years_usd"].value is None  # one modelled year
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "USD 25.0 m" not in page and ">nan<" not in page
    assert '<span class="bad">cannot be met</span></td><td class="num">cannot be met</td>' \
        in page


def test_pareto_points_that_cannot_be_met(written):
    page = (written / "brief.html").read_text(encoding="utf-8")
    assert "“baseline”, China share cap 20%: cannot be met." in html.unescape(page)
    with zipfile.ZipFile(written / "brief.xlsx") as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    titles = [c for c in charts if "Annual cost vs cap on China" in c]
    assert titles and "(gaps: cannot be met)" in titles[0]
    shortfall = next(c for c in charts if "Annual cost vs cap on expected" in c)
    assert "cannot be met" not in shortfall  # every shortfall point is feasible


def test_pareto_chart_marks_caps_that_cannot_be_met():
    from matplotlib.figure import Figure

    from toolkit.reports import charts

    front = tables_of(fx.bundle()).pareto
    ax = Figure().add_subplot()
    charts._pareto_panel(ax, front[front["sweep"] == "china_share"], "china_share")
    marks = [line for line in ax.get_lines() if line.get_label() == "cannot be met"]
    assert len(marks) == 1 and list(marks[0].get_xdata()) == [0.2]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["baseline", "cannot be met"]


def test_inputs_policy_values_are_numbers(tmp_path):
    bundle = fx.bundle()
    policy = bundle["chain"].policy
    extra = fx.frame("setting value stage mineral buyer case",
                     [("note", fx.INJECTION, "", "", "", ""), ("x", "1_000", "", "", "", "")])
    bundle["chain"] = dataclasses.replace(bundle["chain"],
                                          policy=pd.concat([policy, extra], ignore_index=True))
    write_reports(bundle, tmp_path, "r")
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")["Policy"]
    left = [c.value for c in ws[1]].index("setting") + 1
    cells = {ws.cell(r, left).value: ws.cell(r, left + 1) for r in range(2, 8)}
    assert cells["shortfall_cost_multiple"].value == 5 and \
        cells["shortfall_cost_multiple"].data_type == "n"
    assert cells["spot_share"].value == 0.1 and cells["spot_share"].data_type == "n"
    words = {ws.cell(r, left).value: ws.cell(r, left + 2) for r in range(2, 8)}
    assert cells["mode"].value is None and words["mode"].value == "joint"
    assert words["mode"].data_type == "s"
    assert words["note"].value == fx.INJECTION and words["note"].quotePrefix
    assert words["x"].value == "1_000" and cells["x"].value is None


@pytest.mark.parametrize(("text", "expected"), [
    ("5", 5.0), (" 0.1 ", 0.1), ("-2.5e3", -2500.0), (".5", 0.5), ("joint", "joint"),
    ("nan", "nan"), ("inf", "inf"), ("1_000", "1_000"), ("0x10", "0x10"), (3, 3)])
def test_as_number(text, expected):
    from toolkit.reports.excel_report import as_number

    assert as_number(text) == expected


def test_prices_lead_with_binding_constraints(book):
    ws = book["Prices"]
    binding = table(ws)
    assert [(r["mineral"].value, r["buyer"].value, r["usd_per_pp"].value) for r in binding] \
        == [("graphite", "JPN", 2000.0), ("graphite", "GBR", 500.0)]
    label = find_row(ws, "Not binding: shadow price 0 or none (1 constraints)")
    rest = table(ws, label + 1)
    assert [(r["setting"].value, r["usd_per_pp"].value) for r in rest] == [
        ("min_served_share", 0.0)]


def test_joint_wording_and_buyer_split_note(tmp_path):
    write_reports(_with_joint_pool(), tmp_path, "r")
    book_ = openpyxl.load_workbook(tmp_path / "r.xlsx")
    texts = {name: [c.value for row in book_[name].iter_rows() for c in row
                    if isinstance(c.value, str)] for name in ("Summary", "Disruptions")}
    assert any(JOINT_NOTE in t and "pool" in t for t in texts["Disruptions"])
    assert any(t.startswith("Per-buyer rows of a joint case") for t in texts["Summary"])
    assert any("share of the two buyers' combined demand that is served" in t
               for t in texts["Summary"])
    page = html.unescape((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert "Per-buyer rows of a joint case: The " + JOINT_NOTE in page
    # an independent-only run has no such note
    bundle = fx.bundle()
    bundle["result"]["cases"] = bundle["result"]["cases"][:1]
    write_reports(bundle, tmp_path / "ind", "r")
    assert JOINT_NOTE not in (tmp_path / "ind" / "r.html").read_text(encoding="utf-8")


def test_the_same_china_share_moves_for_both_buyers_are_said_once():
    """Buyers planning alone under the same rules often buy the same mix: one line
    names both; a buyer whose moves differ keeps its own line."""
    from types import SimpleNamespace

    from toolkit.reports.findings import _china_lines

    def row(buyer, case, mine_after):
        return {"case": case, "buyer": buyer, "china_mine_before": 0.27,
                "china_mine_after": mine_after, "china_refine_before": 0.61,
                "china_refine_after": 0.36, "china_manufacture_before": math.nan,
                "china_manufacture_after": math.nan}

    head = pd.DataFrame([row("GBR", "a", 0.19), row("JPN", "a", 0.19),
                         row("GBR", "b", 0.19), row("JPN", "b", 0.10)])
    t = SimpleNamespace(headline=head, china=pd.DataFrame(
        columns=["case", "buyer", "mineral", "stage", "change_pp", "baseline_share",
                 "portfolio_share"]))
    mean = "(today's world mix → the recommended plan; an unweighted mean over the buyer's " \
        "minerals)."
    assert _china_lines(t, SimpleNamespace(name="a")) == [
        "In “a”, for the UK and Japan, China's average share of supply moves 27% → 19% at "
        f"mine, 61% → 36% at refine for each of them {mean}"]
    assert _china_lines(t, SimpleNamespace(name="b")) == [
        "In “b”, for the UK, China's average share of supply moves 27% → 19% at mine, "
        f"61% → 36% at refine {mean}",
        "In “b”, for Japan, China's average share of supply moves 27% → 10% at mine, "
        f"61% → 36% at refine {mean}"]
