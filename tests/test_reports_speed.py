"""The fast paths of the report step give exactly what the straightforward code gives.

Each fast path (column widths and row heights from the cells written, the text
serialiser of plain cells, the buyer columns of the concentration table, the network
built from one groupby per table) is compared with a plain reference implementation:
the code it replaced, kept here.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile

import networkx as nx
import pandas as pd
import pytest
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter

from tests.fixtures import report_bundle as fx
from toolkit import network, risk
from toolkit.io.inputs import load_default
from toolkit.reports import excel_print, excel_report, excel_years, tables_of
from toolkit.reports.excel_looks import is_header
from toolkit.reports.excel_print import (
    LONE_TEXT,
    MAX_WIDTH,
    MIN_WIDTH,
    PROSE,
    _lines,
    _narrow_text,
    _widen_text,
    shown,
    width,
)
from toolkit.reports.excel_write import ReportWriter
from toolkit.schema import BUYERS

# ----------------------------------------------------------------------------- reference


def ref_lone(ws) -> set[int]:
    count: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                count[cell.row] = count.get(cell.row, 0) + 1
    return {r for r, n in count.items() if n == 1}


def ref_fit_widths(ws, skip_rows=None) -> None:
    """fit_widths as it was: every cell of the used rectangle, styles read per cell."""
    lone, skip = ref_lone(ws), skip_rows or set()
    widths: dict[int, float] = {}
    text: dict[int, list[int]] = {}
    for cells in ws.iter_rows():
        for cell in cells:
            if cell.value is None or cell.row in skip:
                continue
            shown_ = shown(cell.value, cell.number_format)
            if cell.row in lone and isinstance(cell.value, str) and len(shown_) > LONE_TEXT:
                continue
            if is_header(cell):
                size = max(len(w) for w in shown_.split()) + 2
                cell.alignment = Alignment(wrap_text=True, vertical="bottom")
            else:
                size = len(shown_) + 2
                if isinstance(cell.value, str):
                    text.setdefault(cell.column, []).append(size)
            widths[cell.column] = max(widths.get(cell.column, MIN_WIDTH), size)
    longest = dict(widths)
    widths = {c: min(w, MAX_WIDTH) for c, w in widths.items()}
    _narrow_text(widths, text)
    _widen_text(widths, {c: longest[c] for c in text})
    for column, size in sorted(widths.items()):
        ws.column_dimensions[excel_print.get_column_letter(column)].width = size
    for cells in ws.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.row not in lone | skip \
                    and not is_header(cell) \
                    and len(cell.value) + 2 > widths.get(cell.column, MAX_WIDTH):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    ref_row_heights(ws, lone | skip)


def ref_row_heights(ws, skip: set[int]) -> None:
    need: dict[int, int] = {}
    for cells in ws.iter_rows():
        for cell in cells:
            if not isinstance(cell.value, str) or cell.row in skip \
                    or not (cell.alignment and cell.alignment.wrap_text):
                continue
            chars = (width(ws, cell.column) - 1) * (1.0 if is_header(cell) else PROSE)
            need[cell.row] = max(need.get(cell.row, 1), _lines(cell.value, chars))
    for row, n in need.items():
        if n > 1:
            ws.row_dimensions[row].height = 15.0 * n
            for cell in ws[row]:
                if cell.value is not None and not is_header(cell):
                    cell.alignment = Alignment(wrap_text=cell.alignment.wrap_text,
                                               vertical="top")


def ref_used_columns(ws, _lone=None) -> int:
    lone, last = ref_lone(ws), 1
    for cells in ws.iter_rows():
        for cell in cells:
            if cell.value is not None and cell.row not in lone:
                last = max(last, cell.column)
    return last


def ref_header_row(ws) -> int | None:
    for cells in ws.iter_rows(max_row=min(ws.max_row, 60)):
        if any(c.value is not None and is_header(c) for c in cells):
            return cells[0].row
    return None


def use_reference(monkeypatch) -> None:
    """Swap the reference functions into the report modules."""
    for module in (excel_print, excel_report, excel_years):
        monkeypatch.setattr(module, "fit_widths", ref_fit_widths)
    monkeypatch.setattr(excel_print, "_lone", ref_lone)
    monkeypatch.setattr(excel_print, "used_columns", ref_used_columns)
    monkeypatch.setattr(excel_print, "header_row", ref_header_row)


def entries(data: bytes) -> dict[str, bytes]:
    """The zip entries, with the empty ``<row>`` elements a blank cell leaves dropped
    (the reference creates blank cells; openpyxl writes no cell for them)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: re.sub(rb'<row r="\d+"></row>', b"", archive.read(name))
                for name in archive.namelist()}


STAMP = dt.datetime(2026, 1, 15, 10, 30)


def openpyxl_bytes(wb) -> bytes:
    wb.properties.created = wb.properties.modified = STAMP  # Workbook() stamps "now"
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    return raw.getvalue()


def report_bytes(wb) -> bytes:
    wb.properties.created = wb.properties.modified = STAMP
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ReportWriter(wb, archive).write_data()
    return raw.getvalue()


# ----------------------------------------------------------------------------- workbooks


def wide_sheet(wb: Workbook) -> None:
    """A sheet that needs narrowing, wrapping and tall rows: long text columns, a lone
    note, a title row skipped, numbers of several formats."""
    ws = wb.create_sheet("Wide")
    excel_report.title(ws, "A title long enough to be skipped by the width rules here")
    excel_report.note(ws, 2, "A note line " * 20)
    words = ["short", "a medium length label", "a much longer label that will wrap " * 3]
    table = pd.DataFrame({
        "mineral": [f"mineral {i}" for i in range(30)],
        "description_of_the_row": [words[i % 3] + f" {i}" for i in range(30)],
        "other_text": [words[(i + 1) % 3] * 2 for i in range(30)],
        "cost_usd": [1234567.891 * i for i in range(30)],
        "china_share": [i / 29 for i in range(30)],
        "odd_value": [math.pi * 10 ** (i % 7 - 3) for i in range(30)],
        "flag": [bool(i % 2) for i in range(30)],
        "missing": [None if i % 4 else 1.5 for i in range(30)]})
    last = excel_report.write_table(ws, table, 4)
    excel_report.note(ws, last + 2, "Joint cases: " + "a long joint note " * 10)
    excel_report.fit_widths(ws, skip_rows={1})
    excel_report.fit_widths(ws, skip_rows={1})  # twice, as noted_sheet does


def report_workbook(monkeypatch, reference: bool) -> bytes:
    with monkeypatch.context() as patch:
        if reference:
            use_reference(patch)
        bundle = fx.bundle()
        wb = excel_report.build_workbook(tables_of(bundle), bundle, "t")
        wide_sheet(wb)
        excel_print.setup_print(wb["Wide"])
        return openpyxl_bytes(wb)


def test_widths_heights_and_alignments_equal_the_reference(monkeypatch):
    fast, ref = (entries(report_workbook(monkeypatch, r)) for r in (False, True))
    assert fast.keys() == ref.keys()
    for name in fast:
        assert fast[name] == ref[name], name
    sheet = next(v for k, v in fast.items() if b"mineral 29" in v)
    assert b"customHeight" in sheet and b'wrapText="1"' in fast["xl/styles.xml"]


def edge_workbook() -> Workbook:
    """Cells of every kind the serialiser meets, and some it must hand to openpyxl."""
    wb = Workbook()
    ws = wb.active
    values = ["plain", "a & b < c > d \"q\" 'a'", "  lead", "trail  ", "   ", "", "line\nbreak",
              "tab\tin", "ünïcødé — 東京", 0, 1, -7, 10 ** 17, 0.1, -2.5e-300, 1e300, 1 / 3,
              True, False, None, 12345.678]
    for j, value in enumerate(values, start=1):
        ws.cell(1, j).value = value
        cell = ws.cell(2, j)
        cell.value = value
        cell.font, cell.number_format = Font(bold=True), "#,##0.00"
    ws.cell(3, 1).value = "=1+2"  # a formula: openpyxl's path
    ws.cell(3, 2).value = dt.datetime(2026, 1, 2, 3, 4, 5)
    ws.cell(3, 3).value = "commented"
    ws.cell(3, 3).comment = Comment("a comment", "me")
    ws.cell(4, 1).value = "linked"
    ws.cell(4, 1).hyperlink = "https://example.org"
    ws.cell(5, 1).value = float("inf")
    ws.cell(6, 1).font = Font(italic=True)  # styled blank
    ws.cell(7, 2).value = "=HYPERLINK(\"x\")"
    ws.cell(7, 2).data_type, ws.cell(7, 2).quotePrefix = "s", True
    ws.row_dimensions[2].height = 33.3
    ws.row_dimensions[9].height = 20  # a row with no cells
    return wb


def contents(data: bytes) -> list[tuple[str, bytes]]:
    """The zip entries, in order (their dates are the time of writing)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


def test_serialiser_writes_the_bytes_openpyxl_writes():
    assert contents(report_bytes(edge_workbook())) == contents(openpyxl_bytes(edge_workbook()))
    bundle = fx.bundle()
    books = [excel_report.build_workbook(tables_of(bundle), bundle, "t") for _ in range(2)]
    assert contents(report_bytes(books[0])) == contents(openpyxl_bytes(books[1]))


# ----------------------------------------------------------------------------- metrics


def ref_exposure_columns(chain, table: pd.DataFrame) -> pd.DataFrame:
    """exposure_columns as it was: every value filtered from the tables per row."""
    out = []
    for (mineral, year), group in table.groupby(["mineral", "year"], dropna=False,
                                                sort=False):
        at = chain.at_year(None if pd.isna(year) else year)
        exposure = risk.buyer_exposure(at, mineral)
        for stage in group["stage"]:
            row = {"mineral": mineral, "stage": stage, "year": year}
            for buyer in BUYERS:
                demand = float(at.demand.loc[(at.demand["buyer"] == buyer)
                                             & (at.demand["mineral"] == mineral),
                                             "demand_t"].sum())
                own = float(at.supply.loc[(at.supply["mineral"] == mineral)
                                          & (at.supply["stage"] == stage)
                                          & (at.supply["country"] == buyer),
                                          "capacity_t"].sum())
                hit = exposure[(exposure["buyer"] == buyer) & (exposure["stage"] == stage)]
                whole = exposure[exposure["buyer"] == buyer]
                key = buyer.lower()
                row[f"{key}_demand_t"] = demand if demand > 0 else math.nan
                row[f"{key}_import_reliance"] = (min(1.0, max(0.0, 1.0 - own / demand))
                                                 if demand > 0 else math.nan)
                row[f"{key}_china_touch"] = float(hit["china_touch"].iloc[0]) if len(hit) \
                    else math.nan
                row[f"{key}_china_touch_any"] = float(whole["china_touch"].iloc[-1]) \
                    if len(whole) else math.nan
            out.append(row)
    return pd.DataFrame(out)


@pytest.fixture(scope="module")
def default_chain():
    return load_default()


def test_exposure_columns_equal_the_reference(default_chain):
    table = risk.concentration_table(default_chain, exposure=False)
    some = table[table["mineral"].isin(default_chain.mineral_ids[:8])]
    fast = risk.exposure_columns(default_chain, some)
    pd.testing.assert_frame_equal(fast, ref_exposure_columns(default_chain, some),
                                  check_exact=True)
    assert fast["gbr_demand_t"].notna().any() and fast["jpn_china_touch"].notna().any()


def ref_network(chain, mineral: str) -> nx.DiGraph:
    """The nodes build_network made by filtering the tables per mineral."""
    graph = nx.DiGraph()
    rows = chain.supply[chain.supply["mineral"] == mineral]
    grouped = rows.groupby(["stage", "country"], sort=True).agg(
        capacity_t=("capacity_t", "sum"), unit_cost_usd_per_t=("unit_cost_usd_per_t", "mean"))
    for (stage, country), row in grouped.iterrows():
        graph.add_node((stage, country), stage=stage, country=country,
                       capacity_t=float(row["capacity_t"]),
                       unit_cost_usd_per_t=float(row["unit_cost_usd_per_t"]))
    demand = chain.demand[chain.demand["mineral"] == mineral]
    totals = demand.groupby("buyer")["demand_t"].sum()
    for buyer in BUYERS:
        if buyer in totals.index:
            graph.add_node(("buyer", buyer), stage="buyer", country=buyer,
                           demand_t=float(totals[buyer]))
    return graph


def test_network_nodes_and_stages_equal_the_reference(default_chain):
    for year in (None, 2030):
        at = default_chain.at_year(year)
        for mineral in default_chain.mineral_ids:
            graph = network.build_network(at, mineral)
            ref = ref_network(at, mineral)
            assert list(graph.nodes(data=True)) == list(ref.nodes(data=True)), mineral
            assert graph.graph["stages"] == at.stages_of(mineral)


def test_network_follows_a_changed_table(default_chain):
    """The per-table caches are per table object: a chain with a new supply table (or
    imports table) gets a network of its own numbers."""
    at = default_chain.at_year(None)
    mineral = at.mineral_ids[0]
    before = network.build_network(at, mineral)
    supply = at.supply.assign(capacity_t=at.supply["capacity_t"] * 2)
    after = network.build_network(at.with_tables(supply=supply), mineral)
    node = next(n for n, d in before.nodes(data=True) if d["stage"] != "buyer")
    assert after.nodes[node]["capacity_t"] == 2 * before.nodes[node]["capacity_t"]
    imports = at.imports.assign(share=at.imports["share"].where(
        at.imports["origin"] != "CHN", 0.0))
    origins = {n[1] for n in network.stage_nodes(before, before.graph["stages"][-1])}
    mix = network.import_mix(at.with_tables(imports=imports), mineral, "JPN", origins)
    assert mix.get("CHN", 0.0) == 0.0


def test_fitting_once_after_the_note_equals_fitting_before_and_after():
    """noted_sheet fits the widths once, after the joint note: the same sheet as fitting
    the table, adding the note and fitting again (the note is a long lone line)."""
    books = []
    for twice in (False, True):
        wb = Workbook()
        ws = wb.active
        table = pd.DataFrame({"case": ["joint case"] * 40, "country_name": [
            "a country with a long name " * (i % 4) for i in range(40)],
            "tonnes": [10.5 * i for i in range(40)], "share": [i / 40 for i in range(40)]})
        excel_report.write_table(ws, table)
        if twice:
            excel_report.fit_widths(ws)
        excel_report.note(ws, 43, "Joint cases (joint case): " + "the split is a convention " * 6)
        excel_report.fit_widths(ws)
        excel_print.setup_print(ws)
        books.append(entries(openpyxl_bytes(wb)))
    assert books[0] == books[1]
    assert b"customHeight" in next(v for k, v in books[0].items() if "sheet1" in k)


def ref_normalise_zip(data: bytes) -> bytes:
    """The second pass workbook_bytes made: every entry rewritten with a fixed date."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def test_workbook_bytes_in_one_pass_equal_the_rewritten_archive():
    bundle = fx.bundle()
    books = [excel_report.build_workbook(tables_of(bundle), bundle, "t") for _ in range(2)]
    stamp = dt.datetime(2026, 1, 15, 10, 30)
    two_pass = ref_normalise_zip(report_bytes_at(books[1], stamp))
    assert excel_report.workbook_bytes(books[0], stamp) == two_pass
    with zipfile.ZipFile(io.BytesIO(two_pass)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def report_bytes_at(wb, stamp: dt.datetime) -> bytes:
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        wb.properties.created = wb.properties.modified = stamp
        ReportWriter(wb, archive).write_data()
    return raw.getvalue()


def test_stage_measures_equal_the_series_formulas(default_chain):
    """measures() on arrays gives the floats of the documented Series helpers, on every
    mineral x stage x year of the default chain."""
    wgi = risk._wgi_map(default_chain)
    supply = default_chain.supply.assign(year=default_chain.supply["year"].fillna(-1))
    checked = 0
    for _key, rows in supply.groupby(["mineral", "stage", "year"], sort=False):
        tonnes = rows.groupby("country")["capacity_t"].sum()
        share = risk.shares(tonnes)
        top1, top1_share = risk.top_country(share)
        expected = {"total_t": float(tonnes.sum()), "n_countries": int((tonnes > 0).sum()),
                    "china_t": float(tonnes.get("CHN", 0.0)),
                    "china_share": float(share.get("CHN", 0.0)), "top1_country": top1,
                    "top1_share": top1_share, "top3_share": risk.top_k(share, 3),
                    "hhi": risk.hhi(share), "hhi_wgi": risk.hhi_wgi(share, wgi)}
        got = risk.measures(tonnes, False, wgi)
        assert {k: got[k] for k in expected} == expected, _key
        checked += 1
    assert checked > 100
