"""Builders for the Excel tests: a small hand-made chain, its template, and bad files.

Every bad workbook of the corpus is generated here by code from the valid template
of :func:`small_chain` (openpyxl edits, rewritten zip parts, or hand-made bytes), so
the corpus documents exactly what a careless or hostile user could hand in.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import struct
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd

from toolkit.chain import SupplyChain, blank_chain
from toolkit.io.excel_template import write_template
from toolkit.io.xlsx_safety import list_sheets
from toolkit.schema import WORKBOOK, Sheet

# --------------------------------------------------------------------- the small chain

TABLE_ROWS: dict[str, list[tuple]] = {
    "Minerals": [("lithium", "Lithium", "t", "Li content"),
                 ("cobalt", "Cobalt", "t", "Co content")],
    "Countries": [("AUS", "Australia", 1.54, True), ("CHL", "Chile", 0.9, True),
                  ("CHN", "China", -0.5, False), ("COD", "Congo, DR", -1.6, False),
                  ("GBR", "United Kingdom", 1.3, True), ("JPN", "Japan", 1.2, True)],
    "Supply": [
        ("lithium", "mine", "AUS", 88000.0, 900.0, 2024.0, False, "usgs", "reported"),
        ("lithium", "mine", "CHL", 49000.0, 850.5, 2024.0, False, "usgs", "reported"),
        ("lithium", "refine", "CHN", 150000.0, 2500.0, 2024.0, True, "iea", "derived"),
        ("lithium", "refine", "CHL", 30000.0, 2600.0, 2024.0, False, "iea", "derived"),
        ("cobalt", "mine", "COD", 170000.0, 30000.0, 2024.0, False, "usgs", "reported"),
        ("cobalt", "refine", "CHN", 180000.0, 5000.0, 2024.0, False, "iea", "derived"),
        ("cobalt", "refine", "JPN", 5000.0, 5200.0, float("nan"), False, "", "assumption"),
    ],
    "Demand": [("GBR", "lithium", 5000.0, "all"), ("JPN", "lithium", 12000.0, "all"),
               ("JPN", "cobalt", 8000.0, "batteries")],
    "Routes": [("lithium", "mine", "AUS", "refine", "CHN", 50.0),
               ("lithium", "refine", "CHN", "buyer", "JPN", 20.0),
               ("lithium", "refine", "CHN", "buyer", "GBR", 25.0)],
    "Imports": [("JPN", "lithium", "CHL", 0.6, "refine", 2024.0),
                ("JPN", "lithium", "CHN", 0.4, "refine", 2024.0)],
    "Disruptions": [
        ("DRC cobalt export ban", "cobalt", "mine", "COD", 0.8, 0.1, "2025-02-22", "news"),
        ("China all", "*", "*", "CHN", 0.5, 0.05, "", "")],
    "Policy": [("max_china_share", "0.5", "refine", "lithium", "", "cap"),
               ("mode", "joint", "", "", "", "joint"),
               ("max_country_share", "0.65", "", "", "", "")],
    "Projects": [("aus_li_refinery", "lithium", "refine", "AUS", 10000.0, 2700.0, 5.0e8,
                  2028.0, 20.0, "company announcement")],
    "Sampling": [("export_restriction", "CHN", "refine", "lithium", 0.05, "triangular", 0.1,
                  0.3, 0.6, "", "ASSUMPTION"),
                 ("bid_premium", "", "", "*", math.nan, "uniform", 0.5, math.nan, 2.0,
                  "multiplier", "")],
}


def typed(rows: list[tuple], sheet: Sheet) -> pd.DataFrame:
    """A table with the sheet's columns and the dtypes the loader produces.

    Rows may leave out trailing optional columns: those take their declared default.
    """
    pad = [c.default if c.default is not None else (math.nan if c.kind == "number" else "")
           for c in sheet.columns]
    rows = [tuple(r) + tuple(pad[len(r):]) for r in rows]
    frame = pd.DataFrame(rows, columns=list(sheet.names)) if rows else pd.DataFrame(
        {name: [] for name in sheet.names})
    for col in sheet.columns:
        dtype = {"number": "float64", "bool": "bool"}.get(col.kind, "object")
        frame[col.name] = frame[col.name].astype(dtype)
    return frame


def small_chain(**overrides: list[tuple]) -> SupplyChain:
    """Two minerals, six countries, every optional table filled (``overrides`` by sheet)."""
    rows = {**TABLE_ROWS, **overrides}
    return blank_chain(**{sheet.table: typed(rows[sheet.name], sheet) for sheet in WORKBOOK})


_BASE: dict[str, bytes] = {}


def base_bytes() -> bytes:
    """The template of :func:`small_chain`, written once per test session."""
    if "base" not in _BASE:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "base.xlsx"
            write_template(path, small_chain())
            _BASE["base"] = path.read_bytes()
    return _BASE["base"]


def base_file(folder: Path, name: str = "in.xlsx") -> Path:
    """A copy of the valid small template in ``folder``."""
    path = folder / name
    path.write_bytes(base_bytes())
    return path


def edited(folder: Path, change: Callable[[openpyxl.Workbook], None],
           name: str = "in.xlsx") -> Path:
    """The small template after ``change`` edits it with openpyxl (as a user in Excel)."""
    workbook = openpyxl.load_workbook(io.BytesIO(base_bytes()))
    change(workbook)
    path = folder / name
    workbook.save(path)
    return path


def set_cells(**cells: object) -> Callable[[openpyxl.Workbook], None]:
    """An edit setting cells given as ``Sheet__A1=value``."""
    def change(workbook: openpyxl.Workbook) -> None:
        for key, value in cells.items():
            sheet, ref = key.split("__")
            workbook[sheet][ref] = value
    return change


def sheet_part(path: Path, sheet: str) -> str:
    """Zip part name of the worksheet called ``sheet``."""
    with zipfile.ZipFile(path) as archive:
        return next(s.member for s in list_sheets(archive, str(path)) if s.name == sheet)


def rewrite_part(path: Path, part: str, change: Callable[[bytes], bytes],
                 level: int = 6) -> Path:
    """Rewrite one zip part of ``path`` in place (test fixture files only)."""
    with zipfile.ZipFile(path) as archive:
        items = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for info, data in items:
            archive.writestr(info.filename, change(data) if info.filename == part else data)
    return path


# ------------------------------------------------------------------ OLE2 containers


def ole2_file(streams: dict[str, bytes]) -> bytes:
    """A minimal, structurally valid OLE2 compound file (MS-CFB v3) with ``streams``.

    Office stores a password-protected workbook this way (streams ``EncryptionInfo``
    and ``EncryptedPackage``, MS-OFFCRYPTO); Excel 97-2003 ``.xls`` files hold a
    ``Workbook`` stream.  Each stream is padded to >= 4096 bytes so that it lives in
    regular 512-byte sectors (no mini stream needed).
    """
    free, end, fat_sect, nostream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    datas = [data.ljust(4096, b"\0") for data in streams.values()]
    data_sectors = [len(d) // 512 + (len(d) % 512 > 0) for d in datas]
    fat = [fat_sect, end]  # sector 0: the FAT, sector 1: the directory
    starts = []
    for count in data_sectors:
        starts.append(len(fat))
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [end]
    fat += [free] * (128 - len(fat))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH6sIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0,
                            4096, end, 0, end, 0)
              + struct.pack("<109I", 0, *([free] * 108)))
    names = ["Root Entry", *streams]
    entries = []
    for i, name in enumerate(names):
        encoded = name.encode("utf-16-le") + b"\0\0"
        kind = 5 if i == 0 else 2
        child = 1 if i == 0 else nostream
        right = i + 1 if 0 < i < len(names) - 1 else nostream
        start = end if i == 0 else starts[i - 1]
        size = 0 if i == 0 else len(datas[i - 1])
        entries.append(struct.pack("<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1,
                                   nostream, right, child, b"\0" * 16, 0, 0, 0, start, size))
    directory = b"".join(entries).ljust(512, b"\0")
    body = struct.pack("<128I", *fat) + directory + b"".join(
        d.ljust(n * 512, b"\0") for d, n in zip(datas, data_sectors, strict=True))
    return header + body


def encrypted_workbook() -> bytes:
    """What Excel writes for a workbook saved with a password to open."""
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption xmlns='http://schemas." \
        b"microsoft.com/office/2006/encryption'/>"
    return ole2_file({"EncryptionInfo": info, "EncryptedPackage": b"\x17" * 5000})


def legacy_xls() -> bytes:
    """An Excel 97-2003 (BIFF8) container: a ``Workbook`` stream."""
    return ole2_file({"Workbook": b"\x09\x08\x10\x00\x00\x06\x05\x00" + b"\0" * 100})


# ------------------------------------------------------------------ big sheets


def million_row_sheet(rows: int, dimension: bool = True) -> Callable[[bytes], bytes]:
    """A rewrite of the Supply sheet part with ``rows`` real data rows.

    Rows and cells omit their optional ``r`` reference (ECMA-376 allows it), so the
    XML is one repeated string and a million rows take well under a second to make.
    """
    def change(_: bytes) -> bytes:
        header = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in (
            "mineral", "stage", "country", "capacity_t"))
        row = (b'<row><c t="inlineStr"><is><t>lithium</t></is></c><c t="inlineStr"><is><t>'
               b'mine</t></is></c><c t="inlineStr"><is><t>AUS</t></is></c><c><v>1</v></c>'
               b'</row>')
        size = f'<dimension ref="A1:D{rows + 1}"/>' if dimension else ""
        return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
                b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + size.encode() + b"<sheetData><row>" + header.encode() + b"</row>"
                + row * rows + b"</sheetData></worksheet>")
    return change


@dataclass(frozen=True)
class Case:
    """One bad input: how to build it and what the error output must say."""

    name: str
    build: Callable[[Path], Path]
    expect: tuple[str, ...]


def date_value() -> dt.datetime:
    """A date, as Excel returns a cell typed as 2024-01-01."""
    return dt.datetime(2024, 1, 1)
