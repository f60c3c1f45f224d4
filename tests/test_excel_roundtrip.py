"""Round trips: template -> validate -> load gives back the data; one edit, one change."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import subprocess

import openpyxl
import pandas as pd
import pytest

from tests.excel_cases import (
    base_file,
    edited,
    rewrite_part,
    set_cells,
    sheet_part,
    small_chain,
)
from toolkit.chain import SupplyChain
from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.io.datasets import datasets_dir
from toolkit.io.excel import load_workbook
from toolkit.io.excel_template import write_template
from toolkit.io.inputs import load_default
from toolkit.schema import WORKBOOK

HAS_DATASET = (datasets_dir() / "production.csv").is_file()


def assert_same_tables(expected: SupplyChain, loaded: SupplyChain) -> None:
    """Every table equal (values and dtypes), on the expected table's columns."""
    for sheet in WORKBOOK:
        want = getattr(expected, sheet.table).reset_index(drop=True)
        got = getattr(loaded, sheet.table)
        assert list(got.columns) == list(sheet.names), sheet.name
        pd.testing.assert_frame_equal(got[list(want.columns)], want, obj=sheet.name)


def test_small_chain_round_trips_exactly(tmp_path):
    path = base_file(tmp_path)
    assert_same_tables(small_chain(), load_workbook(path))


@pytest.mark.skipif(not HAS_DATASET, reason="embedded dataset not built yet")
def test_template_validate_load_gives_back_the_embedded_model(tmp_path, capsys):
    path = tmp_path / "in.xlsx"
    assert main(["template", str(path)]) == 0
    assert main(["validate", str(path)]) == 0, capsys.readouterr().err
    assert "valid" in capsys.readouterr().out
    assert_same_tables(load_default(), load_workbook(path))


def test_editing_one_capacity_changes_exactly_that_number(tmp_path):
    path = edited(tmp_path, set_cells(Supply__D5=123456.5))  # row 5: lithium refine CHL
    loaded = load_workbook(path)
    expected = small_chain()
    supply = expected.supply.copy()
    supply.loc[3, "capacity_t"] = 123456.5
    assert_same_tables(expected.with_tables(supply=supply), loaded)


@pytest.mark.skipif(not HAS_DATASET, reason="embedded dataset not built yet")
def test_editing_one_embedded_capacity_changes_exactly_that_number(tmp_path):
    path = tmp_path / "in.xlsx"
    default = load_default()
    write_template(path, default)
    book = openpyxl.load_workbook(path)
    book["Supply"]["D10"] = 4242.0
    book.save(path)
    supply = default.supply.reset_index(drop=True).copy()
    supply.loc[8, "capacity_t"] = 4242.0
    assert_same_tables(default.with_tables(supply=supply), load_workbook(path))


def test_loading_never_modifies_the_file_and_records_its_hash(tmp_path):
    path = base_file(tmp_path)
    data, mtime = path.read_bytes(), path.stat().st_mtime_ns
    loaded = load_workbook(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == (data, mtime)
    assert loaded.source == str(path)
    assert loaded.meta == {"file": str(path), "sha256": hashlib.sha256(data).hexdigest()}


def test_numeric_text_blanks_and_words_take_their_meaning(tmp_path):
    path = edited(tmp_path, set_cells(
        # both lithium mines dated 2023, so that the Routes' AUS mine is still in the data year
        Supply__D2=" 1,200.5 ", Supply__E2=None, Supply__G2="yes", Supply__F2="2023",
        Supply__F3=2023,
        Countries__D2=None, Countries__C2=None, Demand__D2=None, Minerals__C2=None,
        Policy__B4="0.7"))
    loaded = load_workbook(path)
    first = loaded.supply.iloc[0]
    assert (first["capacity_t"], first["unit_cost_usd_per_t"], first["year"],
            first["estimate"]) == (1200.5, 0.0, 2023.0, True)
    country = loaded.countries.iloc[0]
    assert not country["partner"]
    assert pd.isna(country["wgi"])
    assert loaded.demand.iloc[0]["sector"] == "all"
    assert loaded.minerals.iloc[0]["unit"] == "t"
    assert loaded.policy.iloc[2]["value"] == "0.7"


def test_blank_rows_are_skipped_and_rows_keep_their_excel_numbers(tmp_path):
    def change(book):
        ws = book["Supply"]
        ws.insert_rows(4, amount=2)
        ws["D9"] = "oops"
    with pytest.raises(InputError) as caught:
        load_workbook(edited(tmp_path, change))
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("Supply", 9, "capacity_t")
    loaded = load_workbook(edited(tmp_path, lambda b: b["Supply"].insert_rows(4, 3),
                                  name="gaps.xlsx"))
    assert_same_tables(small_chain(), loaded)


def test_extra_columns_and_sheets_are_ignored(tmp_path):
    def change(book):
        book["Supply"]["J1"] = "analyst_note"
        book["Supply"]["J2"] = "checked with the ministry"
        book.create_sheet("Scratch")["A1"] = "anything"
    assert_same_tables(small_chain(), load_workbook(edited(tmp_path, change)))


def test_missing_optional_sheets_give_empty_declared_tables(tmp_path):
    def change(book):
        for name in ("Routes", "Imports", "Disruptions", "Policy", "Projects", "Sampling",
                     "README"):
            del book[name]
    loaded = load_workbook(edited(tmp_path, change))
    for sheet in WORKBOOK:
        table = getattr(loaded, sheet.table)
        assert list(table.columns) == list(sheet.names)
        if not sheet.required:
            assert table.empty


def test_a_formula_with_a_saved_value_uses_that_value(tmp_path):
    path = edited(tmp_path, set_cells(Supply__D2="=40000+48000"))
    part = sheet_part(path, "Supply")
    rewrite_part(path, part, lambda xml: re.sub(rb"(<f>40000\+48000</f>)(<v>\s*</v>|<v/>)?",
                                                rb"\1<v>88000</v>", xml))
    assert_same_tables(small_chain(), load_workbook(path))


def test_dates_typed_in_text_columns_become_iso_dates(tmp_path):
    path = edited(tmp_path, set_cells(Disruptions__G2=dt.datetime(2025, 2, 22)))
    assert load_workbook(path).disruptions.iloc[0]["date"] == "2025-02-22"


@pytest.mark.real
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not found")
def test_a_workbook_saved_by_libreoffice_loads_the_same(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    path = base_file(source)
    out = tmp_path / "out"
    result = subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    resaved = out / "in.xlsx"
    assert resaved.read_bytes() != path.read_bytes()
    assert_same_tables(small_chain(), load_workbook(resaved))
