"""File-level checks of an ``.xlsx`` workbook, done before any spreadsheet parsing.

An ``.xlsx`` file is a zip package of XML parts (ECMA-376 Part 2, Open Packaging
Conventions).  Before :mod:`openpyxl` reads a cell this module checks, on the bytes
read once into memory (so the analyst's file is opened read-only, once):

* the name: ``.xls``, ``.xlsm``, ``.csv``... get a message saying what to do;
* the signature: zip magic ``PK\\x03\\x04``; OLE2 magic ``D0 CF 11 E0`` is either an
  old ``.xls`` or a password-protected (encrypted) workbook, which Office stores as an
  OLE2 compound file holding an ``EncryptedPackage`` stream (MS-OFFCRYPTO 2.3.4.4);
* the package: size limits (file, unpacked total, number of parts), encrypted zip
  entries, the workbook part (``.xlsb`` binary workbooks are refused);
* every XML part for a ``<!DOCTYPE`` or ``<!ENTITY`` declaration (entity-expansion
  "billion laughs" and external-entity attacks need one) and for UTF-16 encoding;
* each worksheet's ``<dimension>`` (row limit, checked before reading any row),
  merged ranges and whether it holds formulas.

The XML of the workbook part and its relationships is parsed with :mod:`defusedxml`.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from toolkit.errors import InputError, Problem

MAX_FILE_BYTES = 100 * 1024 * 1024
"""Largest workbook accepted (100 MiB on disk)."""
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
"""Largest total size of the unzipped parts (512 MiB): guards against zip bombs."""
MAX_PARTS = 10_000
"""Most parts (zip members) a workbook may have."""
MAX_DATA_ROWS = 50_000
"""Most rows under the header a sheet may span: ~80 times the embedded Supply sheet,
and a full sheet still loads in about ten seconds."""

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_STRICT = "{http://purl.oclc.org/ooxml/"
_BINARY_PARTS = (".png", ".jpeg", ".jpg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf",
                 ".bin")
_CHUNK = 1 << 20
_OVERLAP = 512
_MAX_MERGES_SHOWN = 20

_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([^\"]{1,40})\"")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"([^\"]{1,40})\"")
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData\b")
_ROW_NUMBER = re.compile(r"[A-Za-z]{1,3}\$?(\d{1,9})")

_EXTENSION_ADVICE = {
    ".xls": "this is an old Excel 97-2003 workbook (.xls): open it in Excel or LibreOffice "
            "and save it as an Excel Workbook (.xlsx)",
    ".xlsm": "macro-enabled workbooks (.xlsm) are not read: save it as an Excel Workbook "
             "(.xlsx) — the toolkit needs the data only, never the macros",
    ".xlsb": "binary workbooks (.xlsb) are not read: save it as an Excel Workbook (.xlsx)",
    ".csv": "a CSV file holds one table, but the input needs a workbook with the sheets "
            "Minerals, Countries, Supply and Demand: run `toolkit template in.xlsx` and "
            "paste the data into the matching sheet",
    ".ods": "OpenDocument spreadsheets (.ods) are not read: save it as an Excel Workbook "
            "(.xlsx)",
}


@dataclass(frozen=True)
class SheetPart:
    """What the package says about one sheet, before its cells are read.

    Attributes
    ----------
    name : sheet name as Excel shows it on the tab.
    member : zip part holding the worksheet XML (None for a chart or dialog sheet).
    state : ``visible``, ``hidden`` or ``veryHidden``.
    last_row : last row of the ``<dimension>`` element (None when the part has none).
    merged : merged ranges (at most 20, e.g. ``"B3:C4"``); ``merged_count`` counts all.
    has_formulas : True when some cell holds a formula.
    rows : number of ``<row>`` elements (counted while scanning, whatever the dimension
        claims; a file without a dimension is still refused before openpyxl reads it).
    """

    name: str
    member: str | None
    state: str = "visible"
    last_row: int | None = None
    merged: tuple[str, ...] = ()
    merged_count: int = 0
    has_formulas: bool = False
    rows: int = 0


@dataclass(frozen=True)
class Package:
    """A workbook file that passed the file-level checks, held in memory."""

    path: Path
    data: bytes
    sha256: str
    sheets: tuple[SheetPart, ...]

    def sheet(self, name: str) -> SheetPart | None:
        """The sheet called ``name`` (exact, case-sensitive), or None."""
        return next((s for s in self.sheets if s.name == name), None)

    def stream(self) -> io.BytesIO:
        """A fresh in-memory file of the workbook bytes (for openpyxl)."""
        return io.BytesIO(self.data)


def read_package(path: Path) -> Package:
    """Read ``path`` once and check it is a safe, readable ``.xlsx`` workbook.

    Raises
    ------
    InputError
        With a one-line explanation and what to do, for a missing file, a wrong
        format, an encrypted or damaged workbook, a zip or XML bomb, or a sheet
        over :data:`MAX_DATA_ROWS` rows.
    """
    path = Path(path)
    file = str(path)
    check_path(path)
    data = read_bytes(path)
    check_signature(data, file)
    archive = open_zip(data, file)
    try:
        return _checked_package(path, data, archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
            RuntimeError, IndexError, struct.error) as exc:
        raise _fail(file, f"file is damaged ({type(exc).__name__}: {exc}); open it in Excel "
                          "and save it again") from None


def _checked_package(path: Path, data: bytes, archive: zipfile.ZipFile) -> Package:
    file = str(path)
    check_parts(archive, file)
    sheets = list_sheets(archive, file)
    check_row_limits(archive, sheets, file)
    check_xml_parts(archive, file)
    scanned = tuple(scan_sheet(archive, s, file) for s in sheets)
    over = [Problem(file, row_limit_rule(s.rows), s.name) for s in scanned
            if s.rows - 1 > MAX_DATA_ROWS]
    if over:
        raise InputError(over)
    return Package(path, data, hashlib.sha256(data).hexdigest(), scanned)


def _fail(file: str, rule: str) -> InputError:
    return InputError(Problem(file, rule))


def check_path(path: Path) -> None:
    """The path exists, is a file and has the ``.xlsx`` extension."""
    file = str(path)
    if not path.exists():
        raise _fail(file, "file does not exist")
    if path.is_dir():
        raise _fail(file, "is a folder, not a workbook")
    suffix = path.suffix.lower()
    if suffix in _EXTENSION_ADVICE:
        raise _fail(file, _EXTENSION_ADVICE[suffix])
    if suffix != ".xlsx":
        raise _fail(file, f"unsupported file type {suffix or '(no extension)'!r}: "
                          "give an Excel Workbook (.xlsx) or a model file (.toml)")


def read_bytes(path: Path) -> bytes:
    """The file's bytes, read once in binary read-only mode (size-limited)."""
    file = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _fail(file, f"file is {_mib(size)}; the limit is {_mib(MAX_FILE_BYTES)}")
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _fail(file, f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise _fail(file, f"file is larger than the limit of {_mib(MAX_FILE_BYTES)}")
    return data


def _mib(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB"


def check_signature(data: bytes, file: str) -> None:
    """The bytes start like a zip package; explain what they are otherwise."""
    if data.startswith(ZIP_MAGIC):
        return
    if not data:
        raise _fail(file, "file is empty (0 bytes): it is not a workbook")
    if data.startswith(OLE2_MAGIC):
        raise _fail(file, _ole2_rule(data))
    raise _fail(file, "is not an Excel .xlsx workbook (not a zip package; it looks like "
                      f"{_looks_like(data)}): was it renamed? Open it in Excel or "
                      "LibreOffice and save it as an Excel Workbook (.xlsx)")


def _ole2_rule(data: bytes) -> str:
    if _ENCRYPTED_STREAM in data:
        return ("workbook is password-protected (encrypted), so it cannot be read: open it "
                "in Excel, remove the password (File > Info > Protect Workbook > Encrypt "
                "with Password, clear it) and save it as .xlsx")
    return ("is an old Excel 97-2003 .xls workbook renamed to .xlsx: open it in Excel or "
            "LibreOffice and save it as an Excel Workbook (.xlsx)")


def _looks_like(data: bytes) -> str:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table")):
        return "an HTML page"
    if head.startswith(b"<?xml") or head.startswith(b"<"):
        return "an XML file"
    if head.startswith(b"%pdf"):
        return "a PDF document"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return "binary data"
    return "a CSV/text file" if ("," in text or ";" in text or "\t" in text) else "text"


def open_zip(data: bytes, file: str) -> zipfile.ZipFile:
    """Open the in-memory zip package (damaged archives are reported)."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError,
            NotImplementedError, IndexError, struct.error) as exc:
        raise _fail(file, f"file is damaged (not a readable zip package: {exc}); open it "
                          "in Excel and save it again") from None


def check_parts(archive: zipfile.ZipFile, file: str) -> None:
    """Limit the number and unpacked size of parts; refuse encrypted zip entries."""
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise _fail(file, f"package has {len(infos)} parts; the limit is {MAX_PARTS}")
    if any(info.flag_bits & 0x1 for info in infos):
        raise _fail(file, "zip entries are encrypted: save the workbook without a password")
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise _fail(file, f"workbook unpacks to {_mib(unpacked)}; the limit is "
                          f"{_mib(MAX_UNPACKED_BYTES)} (a zip bomb, or far more data than a "
                          "model needs)")


def check_xml_parts(archive: zipfile.ZipFile, file: str) -> None:
    """Refuse any part that declares a DTD or entities, or is not UTF-8/ASCII encoded.

    Entity-expansion ("billion laughs") and external-entity (XXE) attacks both need
    a ``<!DOCTYPE``/``<!ENTITY`` declaration; Excel never writes one.
    """
    for info in archive.infolist():
        if info.is_dir() or info.filename.lower().endswith(_BINARY_PARTS):
            continue
        with _open_member(archive, info.filename, file) as part:
            head = part.read(4)
            if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]:
                if _is_xml_name(info.filename):
                    raise _fail(file, f"part {info.filename} is UTF-16 encoded XML, which "
                                      "Excel never writes: save the file again in Excel")
                continue
            if any(_DTD.search(chunk) for chunk, _ in _chunks(part, head)):
                raise _fail(file, _dtd_rule(info.filename))


def _dtd_rule(part: str) -> str:
    return (f"part {part} declares an XML DTD or entities (an XML entity bomb or "
            "external-entity attack); Excel never writes these, so the file is refused")


def _is_xml_name(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml"))


def _chunks(part: io.BufferedIOBase, head: bytes = b"") -> Iterator[tuple[bytes, int]]:
    """Yield ``(buffer, seen)``: overlapping chunks of a part, so that a pattern split
    by a chunk boundary is still found; matches ending at or before ``seen`` were
    already inside the previous buffer."""
    tail = b""
    pending = head
    while True:
        chunk = part.read(_CHUNK)
        data, pending = pending + chunk, b""
        if not data:
            return
        buffer = tail + data
        yield buffer, len(tail)
        tail = buffer[-_OVERLAP:]
        if not chunk:
            return


def _open_member(archive: zipfile.ZipFile, name: str, file: str):
    try:
        return archive.open(name)
    except (KeyError, zipfile.BadZipFile, NotImplementedError, OSError, IndexError,
            struct.error) as exc:
        raise _fail(file, f"part {name} cannot be read ({exc}): the file is damaged; "
                          "open it in Excel and save it again") from None


def _read_xml(archive: zipfile.ZipFile, name: str, file: str) -> Element:
    try:
        with _open_member(archive, name, file) as part:
            data = part.read()
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise _fail(file, _dtd_rule(name)) from None
    except (ParseError, zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _fail(file, f"part {name} is not readable XML ({exc}): the file is damaged; "
                          "open it in Excel and save it again") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(element: Element, local_name: str) -> str | None:
    for key, value in element.attrib.items():
        if _local(key) == local_name:
            return value
    return None


def _relationships(archive: zipfile.ZipFile, part: str, file: str) -> dict[str, tuple[str,
                                                                                       str]]:
    """``{Id: (type, target part)}`` of the relationships of ``part`` ("" = package)."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", f"{base}.rels")
    if rels_name not in archive.namelist():
        return {}
    out = {}
    for rel in _read_xml(archive, rels_name, file).iter():
        if _local(rel.tag) == "Relationship" and rel.get("Id") and rel.get("Target"):
            out[rel.get("Id", "")] = (rel.get("Type", ""), _resolve(folder, rel.get(
                "Target", "")))
    return out


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


def workbook_part(archive: zipfile.ZipFile, file: str) -> str:
    """Name of the main workbook part (refusing binary ``.xlsb`` workbooks)."""
    for rel_type, target in _relationships(archive, "", file).values():
        if rel_type.endswith("/officeDocument"):
            if target.lower().endswith(".bin"):
                raise _fail(file, _EXTENSION_ADVICE[".xlsb"])
            if target in archive.namelist():
                return target
    raise _fail(file, "is a zip file but not an Excel workbook (no workbook part): open it "
                      "in Excel and save it as an Excel Workbook (.xlsx)")


def list_sheets(archive: zipfile.ZipFile, file: str) -> list[SheetPart]:
    """The sheets declared by the workbook part, with their XML part and state."""
    main = workbook_part(archive, file)
    rels = _relationships(archive, main, file)
    root = _read_xml(archive, main, file)
    if root.tag.startswith(_STRICT):
        raise _fail(file, "saved as a Strict Open XML Spreadsheet, which is not read: save it "
                          "as an Excel Workbook (.xlsx)")
    sheets = []
    for element in root.iter():
        if _local(element.tag) != "sheet":
            continue
        rel_type, target = rels.get(_attr(element, "id") or "", ("", ""))
        member = target if rel_type.endswith("/worksheet") else None
        if member is not None and member not in archive.namelist():
            raise _fail(file, f"sheet {element.get('name')!r} has no data part "
                              f"({target}): the file is damaged; save it again in Excel")
        sheets.append(SheetPart(element.get("name", ""), member,
                                element.get("state", "visible") or "visible"))
    return sheets


def check_row_limits(archive: zipfile.ZipFile, sheets: list[SheetPart], file: str) -> None:
    """Refuse, before any row is read, a sheet whose dimension exceeds the row limit."""
    problems = []
    for sheet in sheets:
        last = _dimension_last_row(archive, sheet, file)
        if last is not None and last - 1 > MAX_DATA_ROWS:
            problems.append(Problem(file, row_limit_rule(last), sheet.name))
    if problems:
        raise InputError(problems)


def row_limit_rule(last_row: int) -> str:
    """The message for a sheet that reaches Excel row ``last_row``."""
    return (f"sheet reaches row {last_row:,}; the limit is {MAX_DATA_ROWS:,} data rows per "
            "sheet (delete unused or formatted empty rows below the data, or split the "
            "model)")


def _dimension_last_row(archive: zipfile.ZipFile, sheet: SheetPart, file: str) -> int | None:
    if sheet.member is None:
        return None
    with _open_member(archive, sheet.member, file) as part:
        head = part.read(64 * 1024)
    data_start = _SHEET_DATA.search(head)
    match = _DIMENSION.search(head, 0, data_start.start() if data_start else len(head))
    if match is None:
        return None
    rows = [int(r) for r in _ROW_NUMBER.findall(match.group(1).decode("ascii", "replace"))]
    return max(rows) if rows else None


def scan_sheet(archive: zipfile.ZipFile, sheet: SheetPart, file: str) -> SheetPart:
    """Fill in the dimension, merged ranges and formula flag of one sheet."""
    if sheet.member is None:
        return sheet
    merged: list[str] = []
    count = 0
    formulas = False
    rows = 0
    with _open_member(archive, sheet.member, file) as part:
        for chunk, seen in _chunks(part):
            formulas = formulas or _FORMULA.search(chunk) is not None
            rows += sum(1 for match in _ROW.finditer(chunk) if match.end() > seen)
            for match in _MERGE.finditer(chunk):
                if match.end() <= seen:
                    continue
                count += 1
                if len(merged) < _MAX_MERGES_SHOWN:
                    merged.append(match.group(1).decode("ascii", "replace"))
    last = _dimension_last_row(archive, sheet, file)
    return SheetPart(sheet.name, sheet.member, sheet.state, last, tuple(merged), count,
                     formulas, rows)
