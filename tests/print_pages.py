"""Printed pages per sheet of a workbook, as LibreOffice prints it (a measuring helper).

LibreOffice does not print hidden sheets, so each sheet is measured from a copy of the
workbook in which every other sheet is hidden (the copy is edited as zip/XML, so charts
and their references to other sheets stay intact).  All copies are converted by one
``soffice`` call.  Used by ``tests/test_reports_real.py``; also a script::

    python -m tests.print_pages reports/uk_japan_default.xlsx
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

SHEET = re.compile(rb'<sheet name="([^"]*)" sheetId="(\d+)" state="(\w+)"')


def soffice() -> str | None:
    """The LibreOffice program on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_pages(pdf: Path) -> int:
    """Number of page objects of a PDF."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))


def sheet_names(xlsx: Path) -> list[str]:
    """The sheet names of a workbook in tab order."""
    with zipfile.ZipFile(xlsx) as z:
        return [m.group(1).decode() for m in SHEET.finditer(z.read("xl/workbook.xml"))]


def only_sheet(xlsx: Path, index: int, out: Path) -> Path:
    """A copy of ``xlsx`` at ``out`` with every sheet but number ``index`` hidden."""
    with zipfile.ZipFile(xlsx) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = _hide_others(data, index)
            dst.writestr(info, data)
    return out


def _hide_others(xml: bytes, index: int) -> bytes:
    count = iter(range(10_000))

    def state(m: re.Match) -> bytes:
        shown = b"visible" if next(count) == index else b"hidden"
        return m.group(0).replace(b'state="' + m.group(3) + b'"', b'state="' + shown + b'"')

    xml = SHEET.sub(state, xml)
    return re.sub(rb'activeTab="\d+"', b'activeTab="%d"' % index,
                  re.sub(rb'firstSheet="\d+"', b'firstSheet="%d"' % index, xml))


def convert(files: list[Path], out: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    """Convert ``files`` to PDF in ``out`` with one soffice call and a throw-away profile."""
    profile = (out / "lo-profile").resolve().as_uri()
    return subprocess.run([soffice(), "--headless", "--norestore",
                           f"-env:UserInstallation={profile}", "--convert-to", "pdf",
                           "--outdir", str(out), *map(str, files)],
                          capture_output=True, text=True, timeout=timeout, check=False)


def pages_per_sheet(xlsx: Path, work: Path) -> dict[str, int]:
    """Printed pages of each sheet of ``xlsx`` (LibreOffice), in tab order."""
    names = sheet_names(xlsx)
    copies = [only_sheet(xlsx, i, work / f"sheet{i:02d}.xlsx") for i in range(len(names))]
    done = convert(copies, work)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return {name: pdf_pages(work / f"sheet{i:02d}.pdf") for i, name in enumerate(names)}


def main(argv: list[str]) -> int:
    """Print the pages per sheet of each workbook named in ``argv``."""
    for name in argv:
        with tempfile.TemporaryDirectory() as tmp:
            pages = pages_per_sheet(Path(name), Path(tmp))
        print(name)
        for sheet, n in pages.items():
            print(f"  {sheet:<14} {n:>4}")
        print(f"  {'total':<14} {sum(pages.values()):>4}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
