"""Hostile inputs of issue 12: each must end in a clear input error (exit 2, no traceback,
no "unexpected"), naming where the problem is, and leave the input untouched.

Cases: numbers too large for the solver, overlong cells, sheets whose names clash, model
files that name themselves (or a cycle) as their data or are not UTF-8, out-of-range
integer options, and Routes that leave a buyer's demand unreachable.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.excel_cases import base_file, edited, rewrite_part, set_cells, sheet_part
from toolkit.cli import main
from toolkit.schema import MAX_TONNES_T, MAX_USD_PER_T, SUPPLY, setting


def _run(argv: list[str], capsys) -> tuple[int, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.err + captured.out


def _clean(out: str) -> None:
    assert "Traceback" not in out and "unexpected" not in out, out


# ------------------------------------------------------------------ numbers too large


@pytest.mark.parametrize("cells, where", [
    ({"Supply__D2": 1e308}, "sheet Supply, row 2, column capacity_t: value 1e+308"),
    ({"Supply__E3": 1e300}, "sheet Supply, row 3, column unit_cost_usd_per_t: value 1e+300"),
    ({"Demand__C2": 1e20}, "sheet Demand, row 2, column demand_t: value 1e+20"),
    ({"Demand__C2": "1e309"}, "sheet Demand, row 2, column demand_t: value '1e309': must be "
                              "a finite number"),
    ({"Routes__F2": 5e15}, "sheet Routes, row 2, column cost_usd_per_t: value "
                            "5000000000000000: must be at most 1e+12 (larger numbers "
                            "would overflow the solver)"),
])
def test_numbers_too_large_for_the_solver_are_input_errors(tmp_path, capsys, cells, where):
    path = edited(tmp_path, set_cells(**cells))
    before = path.read_bytes()
    for command in (["validate", str(path)],
                    ["run", str(path), "--out", str(tmp_path / "out"), "--pareto-points", "0"]):
        status, out = _run(command, capsys)
        assert status == 2, out
        _clean(out)
        assert where in out, out
    assert path.read_bytes() == before


def test_the_bound_is_in_the_schema_so_docs_and_template_follow():
    assert SUPPLY.column("capacity_t").high == MAX_TONNES_T == 1e12
    assert SUPPLY.column("unit_cost_usd_per_t").high == MAX_USD_PER_T == 1e12
    assert setting("shortfall_cost_usd_per_t").high == MAX_USD_PER_T
    assert all(setting(s).high is not None for s in (
        "bid_premium", "spot_premium", "shortfall_cost_multiple", "stockpile_cost_share",
        "risk_aversion", "stockpile_cost_usd_per_t"))
    docs = (Path(__file__).resolve().parents[1] / "docs" / "WORKBOOK.md").read_text()
    assert "| Supply | capacity_t | number | t/yr | required | 0 to 1e+12 |" in docs


def test_a_huge_setting_is_an_input_error(tmp_path, capsys):
    path = edited(tmp_path, set_cells(Policy__A4="shortfall_cost_usd_per_t",
                                      Policy__B4=1e300))
    status, out = _run(["validate", str(path)], capsys)
    assert status == 2, out
    _clean(out)
    assert "sheet Policy, row 4, column value" in out and "at most 1e+12" in out, out


def test_the_largest_allowed_numbers_still_solve(tmp_path, capsys):
    """At the bounds the LP stays inside HiGHS's finite range (a run, not a crash)."""
    path = edited(tmp_path, set_cells(Supply__D2=MAX_TONNES_T, Supply__E2=MAX_USD_PER_T))
    status, out = _run(["run", str(path), "--out", str(tmp_path / "out"),
                        "--pareto-points", "0", "--no-reports"], capsys)
    _clean(out)
    assert status in (0, 3), out  # the small workbook's "cap" case cannot be met
    assert "solver stopped" not in out


# ------------------------------------------------------------------ overlong cells


def _long_text(sheet: str, old: bytes, length: int):
    """Rewrite one inline string of ``sheet`` (openpyxl itself cuts text at Excel's limit)."""
    def build(path: Path) -> Path:
        return rewrite_part(path, sheet_part(path, sheet),
                            lambda data: data.replace(old, b"x" * length, 1))
    return build


def test_a_cell_longer_than_excels_limit_is_an_error(tmp_path, capsys):
    path = base_file(tmp_path)
    _long_text("Disruptions", b"DRC cobalt export ban", 40_000)(path)
    _long_text("Supply", b"usgs", 32_768)(path)
    status, out = _run(["validate", str(path)], capsys)
    assert status == 2, out
    _clean(out)
    assert "sheet Disruptions, row 2, column scenario" in out, out
    assert "sheet Supply, row 2, column source_id" in out, out
    assert "32,768 characters" in out, out
    assert "40,000 characters; Excel's limit for a cell is 32,767" in out, out


def test_a_cell_at_excels_limit_is_accepted(tmp_path, capsys):
    path = base_file(tmp_path)
    _long_text("Supply", b"usgs", 32_767)(path)
    assert _run(["validate", str(path)], capsys)[0] == 0


# ------------------------------------------------------------------ clashing sheet names


def _rename_in_workbook_xml(old: str, new: str):
    def change(data: bytes) -> bytes:
        return data.replace(f'name="{old}"'.encode(), f'name="{new}"'.encode(), 1)
    return change


@pytest.mark.parametrize("new, shown", [("Supply", "'Supply' and 'Supply'"),
                                        ("supply", "'supply' and 'Supply'"),
                                        ("SUPPLY", "'SUPPLY' and 'Supply'")])
def test_sheets_whose_names_clash_are_an_error(tmp_path, capsys, new, shown):
    path = rewrite_part(base_file(tmp_path), "xl/workbook.xml",
                        _rename_in_workbook_xml("README", new))
    status, out = _run(["validate", str(path)], capsys)
    assert status == 2, out
    _clean(out)
    assert f"sheets {shown} have the same name" in out, out


# ------------------------------------------------------------------ model files


def test_a_model_file_that_names_itself_as_data_is_an_error(tmp_path, capsys):
    model = tmp_path / "self.toml"
    model.write_text('name = "self"\ndata = "self.toml"\n', encoding="utf-8")
    status, out = _run(["validate", str(model)], capsys)
    assert status == 2, out
    _clean(out)
    assert "self.toml, column data: value 'self.toml'" in out, out
    assert "model files name each other as data in a cycle: self.toml -> self.toml" in out


def test_a_cycle_of_model_files_is_an_error(tmp_path, capsys):
    (tmp_path / "a.toml").write_text('data = "b.toml"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('data = "a.toml"\n', encoding="utf-8")
    status, out = _run(["validate", str(tmp_path / "a.toml")], capsys)
    assert status == 2, out
    _clean(out)
    assert "cycle: a.toml -> b.toml -> a.toml" in out, out


def test_a_chain_of_model_files_without_a_cycle_still_loads(tmp_path, capsys):
    base_file(tmp_path, "data.xlsx")
    (tmp_path / "inner.toml").write_text('data = "data.xlsx"\n', encoding="utf-8")
    (tmp_path / "outer.toml").write_text('data = "inner.toml"\n', encoding="utf-8")
    assert _run(["validate", str(tmp_path / "outer.toml")], capsys)[0] == 0


def test_a_model_file_that_is_not_utf8_is_an_error(tmp_path, capsys):
    model = tmp_path / "latin1.toml"
    model.write_bytes('name = "Café"\ndata = "embedded"\n'.encode("latin-1"))
    status, out = _run(["validate", str(model)], capsys)
    assert status == 2, out
    _clean(out)
    assert "latin1.toml: the model file is not UTF-8 text (byte 0xe9 at position 11)" in out


def test_a_utf8_model_file_with_a_byte_order_mark_loads(tmp_path, capsys):
    model = tmp_path / "bom.toml"
    model.write_bytes(b"\xef\xbb\xbf" + 'name = "Café"\ndata = "embedded"\n'.encode())
    status, out = _run(["validate", str(model)], capsys)
    assert status == 0, out


# ------------------------------------------------------------------ integer options


@pytest.mark.parametrize("argv, words", [
    (["run", "--pareto-points", "99999999999999999999"], "at most 101"),
    (["run", "--pareto-points", "-3"], "is negative"),
    (["run", "--pareto-points", "1"], "at least 2 points"),
    (["run", "--pareto-points", "2.5"], "is not a whole number"),
    (["metrics", "--year", "99999999999999999999"], "between 1900 and 2100"),
    (["metrics", "--year", "-1"], "between 1900 and 2100"),
])
def test_integer_options_out_of_range_are_refused_by_the_cli(argv, words, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main([*argv, "--out", str(tmp_path / "out")] if argv[0] == "run" else argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err, err
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ unreachable demand


def test_routes_that_leave_a_buyer_unreachable_are_found_by_validate(tmp_path, capsys):
    """The small workbook's lithium Routes end at JPN only when its GBR row is removed."""
    path = edited(tmp_path, lambda wb: wb["Routes"].delete_rows(4))
    status, out = _run(["validate", str(path)], capsys)
    assert status == 2, out
    _clean(out)
    assert re.search(r"sheet Demand, row 2, column buyer: value 'GBR': GBR's lithium demand "
                     r"\(5,000 t/yr\) cannot be reached: the Routes sheet allows no link from "
                     r"refine to the buyer GBR", out), out
    status, out = _run(["run", str(path), "--out", str(tmp_path / "out")], capsys)
    assert status == 2, out
    assert [p.name for p in (tmp_path / "out").iterdir()] == [".toolkit-run.lock"]


def test_routes_that_cut_the_chain_between_stages_are_found(tmp_path, capsys):
    """Every lithium mine -> refine link ends at a refiner with no capacity."""
    path = edited(tmp_path, set_cells(Routes__E2="JPN"))
    status, out = _run(["validate", str(path)], capsys)
    assert status == 2, out
    assert "cannot be reached: the Routes sheet allows no link from mine to refine between " \
           "countries with capacity" in out, out


def test_the_small_workbook_itself_is_valid(tmp_path, capsys):
    assert _run(["validate", str(base_file(tmp_path))], capsys)[0] == 0


def test_a_case_year_without_supply_for_a_demanded_mineral_is_an_error(tmp_path, capsys):
    """Case "old" uses data year 2000: no lithium Supply row is that old, so the UK and
    Japan's lithium demand would silently drop out of the plan."""
    path = edited(tmp_path, lambda wb: wb["Policy"].append(["year", 2000, None, None, None,
                                                            "old"]))
    for command in (["validate", str(path)],
                    ["run", str(path), "--out", str(tmp_path / "out"), "--no-reports"]):
        status, out = _run(command, capsys)
        assert status == 2, out
        _clean(out)
        assert ("sheet Policy, column value: value '2000': case 'old' uses data year 2000, "
                "which has no Supply rows for lithium") in out, out
