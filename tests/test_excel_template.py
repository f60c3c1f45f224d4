"""The input template: structure, dropdowns, README, numbers, safe writing."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.excel_cases import TABLE_ROWS, small_chain
from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.io.excel import load_workbook
from toolkit.io.excel_template import EXTRA_ROWS, write_template
from toolkit.schema import SETTING_NAMES, SETTINGS, WORKBOOK


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "in.xlsx"
    write_template(path, small_chain())
    return path


@pytest.fixture(scope="module")
def book(template) -> openpyxl.Workbook:
    return openpyxl.load_workbook(template)


def _validations(ws) -> dict[str, object]:
    """``{column header: data validation}`` of a sheet (one validation per column)."""
    headers = {cell.column_letter: cell.value for cell in ws[1]}
    out = {}
    for check in ws.data_validations.dataValidation:
        letter = str(check.sqref).split(":")[0].rstrip("0123456789")
        out[headers[letter]] = check
    return out


def _named_values(book, name: str) -> list[object]:
    (sheet, ref), = book.defined_names[name].destinations
    return [row[0].value for row in book[sheet][ref.replace("$", "")]]


def test_sheets_are_readme_then_the_schema_order(book):
    assert book.sheetnames == ["README", *(s.name for s in WORKBOOK)]
    assert book.active.title == "README"


def test_headers_are_the_schema_columns_frozen_and_annotated(book):
    for sheet in WORKBOOK:
        ws = book[sheet.name]
        assert tuple(c.value for c in ws[1]) == sheet.names
        assert ws.freeze_panes == "A2"
        for col, cell in zip(sheet.columns, ws[1], strict=True):
            assert col.description in cell.comment.text
            assert cell.font.bold


def test_columns_are_sized_to_headers_and_data(book):
    for sheet in WORKBOOK:
        ws = book[sheet.name]
        for cell in ws[1]:
            width = ws.column_dimensions[cell.column_letter].width
            assert min(len(cell.value) + 4, 50) <= width <= 50
    supply = book["Supply"]
    assert supply.column_dimensions["A"].width == len("mineral") + 4  # "lithium" is shorter


def test_enumerated_columns_have_dropdowns(book):
    supply, demand = _validations(book["Supply"]), _validations(book["Demand"])
    assert supply["stage"].formula1 == '"mine,refine,manufacture"'
    assert supply["stage"].errorStyle == "stop"
    # planned buyers (GBR, JPN) and market buyers: any declared country
    assert demand["buyer"].formula1 == "countries_country_ids"
    assert _validations(book["Countries"])["partner"].formula1 == '"TRUE,FALSE"'
    assert _validations(book["Disruptions"])["stage"].formula1 == '"mine,refine,manufacture,*"'
    assert _validations(book["Routes"])["to_stage"].formula1 == (
        '"mine,refine,manufacture,buyer"')


def test_id_dropdowns_list_the_declared_minerals_and_countries(book):
    supply = _validations(book["Supply"])
    assert supply["country"].formula1 == "countries_country_ids"
    assert supply["mineral"].formula1 == "minerals_mineral_ids"
    countries = _named_values(book, "countries_country_ids")
    assert countries[:6] == [row[0] for row in TABLE_ROWS["Countries"]]
    assert len(countries) == 6 + EXTRA_ROWS and set(countries[6:]) == {None}
    assert _named_values(book, "minerals_mineral_ids")[:2] == ["lithium", "cobalt"]
    # "*" (all minerals) is typed, so a wildcard column only warns
    assert _validations(book["Disruptions"])["mineral"].errorStyle == "warning"


def test_policy_settings_dropdown_lists_the_known_settings(book):
    assert _validations(book["Policy"])["setting"].formula1 == "setting_names"
    assert tuple(_named_values(book, "setting_names")) == SETTING_NAMES


def test_dropdowns_reach_below_the_data_for_new_rows(book):
    assert str(_validations(book["Supply"])["stage"].sqref) == f"B2:B{8 + EXTRA_ROWS}"
    assert str(_validations(book["Routes"])["mineral"].sqref) == f"A2:A{4 + EXTRA_ROWS}"


def test_bounded_numbers_have_range_checks(book):
    capacity = _validations(book["Supply"])["capacity_t"]
    assert (capacity.type, capacity.operator, capacity.formula1, capacity.formula2) == (
        "decimal", "between", "0", "1e+12")
    loss = _validations(book["Disruptions"])["capacity_loss"]
    assert (loss.operator, loss.formula1, loss.formula2) == ("between", "0", "1")


def test_numbers_are_numbers_and_booleans_are_booleans(book):
    supply = book["Supply"]
    assert [supply.cell(r, 4).value for r in range(2, 9)] == [
        row[3] for row in TABLE_ROWS["Supply"]]
    assert all(type(supply.cell(r, 4).value) in (int, float) for r in range(2, 9))
    assert supply.cell(2, 4).data_type == "n"
    assert supply.cell(8, 6).value is None  # the undated row
    assert book["Countries"]["D2"].value is True
    assert book["Policy"]["B2"].value == 0.5 and book["Policy"]["B3"].value == "joint"


def test_readme_explains_every_sheet_column_and_setting(book):
    rows = [tuple(c for c in row) for row in book["README"].iter_rows(values_only=True)]
    columns = {(r[0], r[1]): r for r in rows if r[0] in {s.name for s in WORKBOOK}}
    for sheet in WORKBOOK:
        assert any(r[0] == sheet.name and r[7] == sheet.description for r in rows)
        for col in sheet.columns:
            row = columns[(sheet.name, col.name)]
            assert (row[2], row[3] or "", row[7]) == (col.kind, col.unit, col.description)
    settings = {r[0]: r for r in rows if r[0] in SETTING_NAMES}
    assert set(settings) == set(SETTING_NAMES)
    assert settings["max_offtake_share"][1] == "stage, mineral"
    assert settings["mode"][6] == "independent, joint"
    assert all(settings[s.name][7] == s.description for s in SETTINGS)


def test_empty_optional_tables_are_written_as_headers_only(tmp_path):
    path = tmp_path / "bare.xlsx"
    write_template(path, small_chain(Routes=[], Disruptions=[], Policy=[], Imports=[]))
    book = openpyxl.load_workbook(path)
    for name in ("Routes", "Disruptions", "Policy", "Imports"):
        assert book[name].max_row == 1
    loaded = load_workbook(path)
    assert loaded.routes.empty and list(loaded.routes.columns) == list(
        next(s for s in WORKBOOK if s.name == "Routes").names)


def test_text_that_looks_like_a_formula_or_an_error_stays_text(tmp_path):
    rows = [list(r) for r in TABLE_ROWS["Supply"]]
    rows[0][7], rows[1][7] = "=HYPERLINK(\"x\")", "#N/A"
    path = tmp_path / "text.xlsx"
    write_template(path, small_chain(Supply=[tuple(r) for r in rows]))
    loaded = load_workbook(path)
    assert loaded.supply["source_id"].tolist()[:2] == ["=HYPERLINK(\"x\")", "#N/A"]


def test_refuses_to_overwrite_unless_forced(tmp_path):
    path = tmp_path / "in.xlsx"
    path.write_bytes(b"keep me")
    with pytest.raises(InputError, match="exists; use --force to overwrite it"):
        write_template(path, small_chain())
    assert path.read_bytes() == b"keep me"
    write_template(path, small_chain(), force=True)
    assert load_workbook(path).supply.shape == (7, 10)


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "in.xlsx"
    path.write_bytes(b"old")

    def broken(self, filename):
        Path(filename).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken)
    with pytest.raises(InputError, match="cannot be written: No space left on device"):
        write_template(path, small_chain(), force=True)
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["in.xlsx"]


@pytest.mark.parametrize(("name", "rule"), [
    ("in.xls", "must be written to an .xlsx file"),
    ("missing/in.xlsx", "does not exist"),
])
def test_bad_template_targets(tmp_path, name, rule):
    with pytest.raises(InputError, match=rule):
        write_template(tmp_path / name, small_chain())


def test_written_file_has_ordinary_permissions(template):
    mask = os.umask(0)
    os.umask(mask)
    assert template.stat().st_mode & 0o777 == 0o666 & ~mask


def test_cli_template_refuses_an_existing_file(tmp_path, capsys):
    path = tmp_path / "in.xlsx"
    path.write_bytes(b"x")
    assert main(["template", str(path)]) == 2
    assert "exists; use --force" in capsys.readouterr().err
    assert path.read_bytes() == b"x"


@pytest.mark.real
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not found")
def test_libreoffice_converts_the_template_to_pdf(template, tmp_path):
    result = subprocess.run(
        ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(template)],
        capture_output=True, text=True, timeout=180, check=False)
    pdf = tmp_path / "in.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
