"""The Excel report prints: page setup, header rows, number formats, charts, colours.

Inspects the saved workbook of the hand-made fixture (plus a case that cannot be met,
a joint pool and over-claimed nodes) with openpyxl.  The page counts LibreOffice gives
are checked in tests/test_reports_real.py.
"""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest

from tests.fixtures import report_bundle as fx
from toolkit.reports import palette, write_reports
from toolkit.reports.excel_print import LANDSCAPE_CHARS, PORTRAIT_CHARS, value_format

HEADER_RGB = palette.excel(palette.NAVY)
OVERCLAIMED = [
    {"mineral": "cobalt", "stage": "refine", "country": "CHN", "kind": "contracted",
     "node": 7, "claimed_t": 1500.0, "available_t": 1200.0},
    {"mineral": "cobalt", "stage": "refine", "country": "", "kind": "world", "node": -2,
     "claimed_t": 9000.0, "available_t": 8000.0}]


def _bundle() -> dict:
    bundle = fx.bundle()
    cases = bundle["result"]["cases"]
    cases[0]["cooperation"] = {**cases[0]["cooperation"], "overclaimed": OVERCLAIMED,
                               "minerals": [{"mineral": "cobalt", "saving_usd": 1234.5,
                                             "joint_worst_served_share": 0.123456789}]}
    return bundle


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    out = tmp_path_factory.mktemp("print")
    write_reports(_bundle(), out, "p")
    return out / "p.xlsx"


@pytest.fixture(scope="module")
def book(path):
    return openpyxl.load_workbook(path)


def _is_header(cell) -> bool:
    return cell.value is not None and str(cell.fill.fgColor.rgb)[-6:] == HEADER_RGB


def tables(ws) -> list[tuple[int, dict[str, list]]]:
    """Every table of a sheet: (header row, {column name: [data cells]})."""
    found = []
    for cells in ws.iter_rows():
        heads = [c for c in cells if _is_header(c)]
        if not heads:
            continue
        columns: dict[str, list] = {}
        for head in heads:
            below = []
            for r in range(head.row + 1, ws.max_row + 1):
                if ws.cell(r, 1).value is None:
                    break
                below.append(ws.cell(r, head.column))
            columns[str(head.value)] = below
        found.append((heads[0].row, columns))
    return found


def _width(ws) -> float:
    return sum(d.width or 8.43 for d in ws.column_dimensions.values())


def test_every_sheet_fits_the_page_width_on_a4(book):
    for ws in book.worksheets:
        setup = ws.page_setup
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
        assert str(setup.paperSize) == str(ws.PAPERSIZE_A4), ws.title
        wide = _width(ws) > PORTRAIT_CHARS or ws._charts
        assert setup.orientation == ("landscape" if wide else "portrait"), ws.title


def test_tables_are_narrow_enough_to_read_when_fitted(book):
    # fitted to the width, a sheet this wide prints at >= 135/200 = 68 % of full size
    for ws in book.worksheets:
        assert _width(ws) <= 1.5 * LANDSCAPE_CHARS, (ws.title, _width(ws))


def test_header_row_repeats_on_every_page(book):
    for ws in book.worksheets:
        titles = (ws.print_title_rows or "").replace("$", "") or None
        found = tables(ws)
        if ws.title == "Charts":
            assert titles is None
        elif found and found[0][0] == 1:
            assert titles == "1:1", ws.title
        else:  # a report page of several tables (Summary): its title line
            assert titles == "1:1", ws.title
            assert ws["A1"].font.b, ws.title


def test_numeric_columns_hold_numbers_only_with_readable_formats(book):
    checked = 0
    for ws in book.worksheets:
        for _, columns in tables(ws):
            if list(columns)[:2] == ["item", "value"]:
                continue  # a list of facts (Provenance), not a numeric column
            for name, cells in columns.items():
                numbers = [c for c in cells if isinstance(c.value, int | float)
                           and not isinstance(c.value, bool)]
                if not numbers:
                    continue
                texts = [c.value for c in cells if isinstance(c.value, str)]
                assert not texts, (ws.title, name, texts[:3])  # e.g. "cannot be met"
                for cell in numbers:
                    assert cell.number_format != "General", (ws.title, name, cell.value)
                    checked += 1
                key = name.replace(" ", "_")
                if "share" in key:
                    assert all("%" in c.number_format for c in numbers), (ws.title, name)
                if key.endswith("_usd"):
                    assert all(c.number_format == "#,##0" for c in numbers), (ws.title, name)
                if key.endswith("_t") and "usd" not in key:
                    assert all(c.number_format == "#,##0.0" for c in numbers), (ws.title,
                                                                               name)
    assert checked > 200


def test_cost_of_a_case_that_cannot_be_met_is_blank_with_a_status(book):
    summary = book["Summary"]
    rows = [[c.value for c in r] for r in summary.iter_rows()]
    strict = [r for r in rows if r[0] == "strict" and "cannot be met" in r]
    assert strict and all(r[r.index("cannot be met") + 1] is None for r in strict[:1])


@pytest.mark.parametrize(("value", "shown"), [
    (0.5053064833005894, "0.5053"), (1234.56789, "1,235"), (5.0, "5"),
    (0.000123, "1.23E-04"), (39926920000.0, "39,926,920,000"), (12.345678, "12.35")])
def test_value_format_shows_four_significant_figures(value, shown):
    fmt = value_format(value)
    decimals = len(fmt.split(".")[1]) if "." in fmt and "E" not in fmt else 0
    text = f"{value:.2E}" if "E" in fmt else f"{value:,.{decimals}f}"
    assert text == shown


def test_overclaims_labelled_by_country_and_stage_not_index(book):
    ws = book["Over-claims"]
    header = [c.value for c in ws[1] if c.value]
    assert "node" not in header and {"country", "stage", "country name"} <= set(header)
    rows = [[c.value for c in r][:len(header)] for r in ws.iter_rows(min_row=2, max_row=3)]
    at = {h: i for i, h in enumerate(header)}
    assert rows[0][at["country name"]] == "China" and rows[0][at["stage"]] == "refine"
    assert rows[1][at["country"]] == "all" and rows[1][at["what"]] == "world balance"
    assert rows[0][at["excess t"]] == pytest.approx(300.0)
    assert book["Cooperation"]["A2"].value == "baseline"


def test_charts_each_start_a_page_and_fit_on_it(book, path):
    ws = book["Charts"]
    breaks = sorted(b.id for b in ws.row_breaks.brk)
    captions = [c.row for c in ws["A"] if isinstance(c.value, str)
                and c.value.startswith("Chart ")]
    assert len(captions) >= 4
    assert breaks == [r - 1 for r in captions[1:]]  # a page break above every caption
    with zipfile.ZipFile(path) as z:
        drawings = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/drawings/d")]
    heights = [int(v) for d in drawings for v in re.findall(r'<ext cx="\d+" cy="(\d+)"', d)]
    assert heights and max(heights) <= 17.0 * 360000  # EMU per cm; A4 landscape ~19 cm


def test_one_colour_per_stage_in_workbook_and_brief(path):
    from toolkit.reports import charts

    assert charts.STAGE_COLOURS is palette.STAGE_COLOURS
    with zipfile.ZipFile(path) as z:
        xml = " ".join(z.read(n).decode() for n in z.namelist()
                       if n.startswith("xl/charts/chart"))
    stage_chart = next(c for c in xml.split("<chartSpace") if "by stage (latest" in c)
    stages = [s for s in palette.STAGE_COLOURS if f"$1:${s}" in stage_chart
              or f">{s}<" in stage_chart]
    fills = re.findall(r'<a:srgbClr val="([0-9A-F]{6})"', stage_chart)
    assert fills[:2] == [palette.excel(palette.STAGE_COLOURS["mine"])] * 2  # fill, line
    assert fills[2:4] == [palette.excel(palette.STAGE_COLOURS["refine"])] * 2
    assert stages or fills
