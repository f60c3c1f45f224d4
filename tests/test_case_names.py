"""A case name that differs from another only in spaces or capitals is an input error
(it would silently make a new policy case), in a workbook and in a model file."""

from __future__ import annotations

import openpyxl

from toolkit.cli import main
from toolkit.io.excel_template import write_template
from toolkit.io.inputs import load_default


def test_a_misspelt_case_in_a_workbook_names_its_row_and_the_case(tmp_path, capsys):
    book = tmp_path / "mine.xlsx"
    write_template(book, load_default())
    wb = openpyxl.load_workbook(book)
    ws = wb["Policy"]
    heads = [c.value for c in ws[1]]
    case_col = heads.index("case") + 1
    rows = [r for r in range(2, ws.max_row + 1)
            if ws.cell(r, case_col).value == "China cap 60 % + joint stockpile"]
    assert len(rows) >= 3
    ws.cell(rows[-1], case_col).value = "China cap 60% + joint stockpile"  # one space less
    wb.save(book)
    before = book.read_bytes()
    assert main(["validate", str(book)]) == 2
    err = capsys.readouterr().err
    assert f"sheet Policy, row {rows[-1]}, column case: value 'China cap 60% + joint " \
           "stockpile': differs from the case 'China cap 60 % + joint stockpile' (rows " \
           f"{', '.join(map(str, rows[:-1][:5]))}" in err
    assert "only in spaces or capitals" in err and "Traceback" not in err
    assert book.read_bytes() == before


def test_a_model_file_with_a_case_in_other_capitals_is_refused(tmp_path, capsys):
    model = tmp_path / "m.toml"
    model.write_text('data = "embedded"\n'
                     '[[policy]]\nsetting = "mode"\nvalue = "joint"\ncase = "Pooled"\n'
                     '[[policy]]\nsetting = "max_china_share"\nvalue = 0.6\ncase = "pooled"\n'
                     '[[policy]]\nsetting = "spot_share"\nvalue = 0.1\ncase = "Pooled"\n')
    assert main(["validate", str(model)]) == 2
    err = capsys.readouterr().err
    assert "value 'pooled': differs from the case 'Pooled' (rows 1, 3)" in err
