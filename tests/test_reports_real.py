"""The reports opened by real programs: LibreOffice (workbook) and headless Chromium (brief).

Marked ``real``; each test is skipped when its program is not on PATH.  ``make test-real``
installs them (Debian: chromium, libreoffice-calc-nogui) and runs ``pytest -m real``.
The end-to-end test also solves the default model (``toolkit run``, ~45 s).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.fixtures import report_bundle as fx
from tests.print_pages import pages_per_sheet
from tests.test_reports_words import problems
from toolkit.reports import write_reports
from toolkit.reports.pdf import browser_command, find_browser

pytestmark = pytest.mark.real
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not on PATH")
needs_chromium = pytest.mark.skipif(find_browser() is None, reason="Chromium not on PATH")


@pytest.fixture(scope="module")
def reports_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("real")
    write_reports(fx.bundle(), out, "fixture")
    return out


def soffice_to_pdf(xlsx: Path, out: Path) -> subprocess.CompletedProcess:
    """Convert with a throw-away LibreOffice profile (no dialogs, no shared state)."""
    profile = (out / "lo-profile").resolve().as_uri()
    return subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile}",
                           "--convert-to", "pdf", "--outdir", str(out), str(xlsx)],
                          capture_output=True, text=True, timeout=180, check=False)


def pdf_pages(pdf: Path) -> int:
    """Number of page objects of a PDF."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))


@needs_soffice
def test_libreoffice_converts_workbook(reports_dir, tmp_path):
    done = soffice_to_pdf(reports_dir / "fixture.xlsx", tmp_path)
    pdf = tmp_path / "fixture.pdf"
    assert done.returncode == 0, done.stderr
    assert "repair" not in (done.stdout + done.stderr).lower()
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
    assert pdf_pages(pdf) >= 10  # at least one page per sheet


LINES_PER_PAGE = 20  # a fitted page holds at least this many lines of text (readable size)


def _lines(ws) -> float:
    """Lines of text of a sheet: each row's height in 15 pt lines."""
    return sum((ws.row_dimensions[r].height or 15.0) / 15.0 if r in ws.row_dimensions
               else 1.0 for r in range(1, ws.max_row + 1))


def page_budget(xlsx: Path) -> dict[str, int]:
    """Pages each sheet may take: one per chart on Charts; else 2 + lines / 20."""
    book = openpyxl.load_workbook(xlsx)
    budget = {ws.title: 2 + int(_lines(ws) // LINES_PER_PAGE) for ws in book.worksheets}
    if "Charts" in budget:
        budget["Charts"] = sum(str(c.value).startswith("Chart ") for c in book["Charts"]["A"])
    budget["Summary"] = min(budget["Summary"], 6)  # the page a minister's office prints
    return budget


def assert_pages_within_budget(xlsx: Path, work: Path) -> dict[str, int]:
    pages = pages_per_sheet(xlsx, work)
    budget = page_budget(xlsx)
    over = {s: (n, budget[s]) for s, n in pages.items() if n > budget[s]}
    assert not over, over
    assert pages.get("Charts", 0) == budget.get("Charts", 0)  # each chart on one page
    return pages


@needs_soffice
def test_fixture_workbook_prints_each_sheet_in_few_pages(reports_dir, tmp_path):
    pages = assert_pages_within_budget(reports_dir / "fixture.xlsx", tmp_path)
    assert max(pages.values()) <= 4, pages


@needs_chromium
def test_chromium_renders_brief_screenshot(reports_dir, tmp_path):
    png = tmp_path / "brief.png"
    cmd = browser_command(find_browser(), tmp_path / "profile", f"--screenshot={png}",
                          "--window-size=820,3000",
                          (reports_dir / "fixture.html").resolve().as_uri())
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 50_000  # text, tables and three charts, not a blank page


@needs_chromium
def test_pdf_option_prints_a4_brief(tmp_path):
    paths = write_reports(fx.bundle(), tmp_path, "brief", pdf=True)
    assert [p.name for p in paths] == ["brief.xlsx", "brief.html", "brief.pdf"]
    data = (tmp_path / "brief.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert boxes and all(abs(float(w) - 595.28) < 1 and abs(float(h) - 841.89) < 1
                         for w, h in boxes)  # A4 = 210 x 297 mm = 595.28 x 841.89 pt
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.html", "brief.pdf",
                                                          "brief.xlsx"]


@pytest.mark.slow
def test_toolkit_run_default_model_writes_reports(tmp_path):
    """End to end: ``toolkit run`` on the default model writes JSON, workbook and brief."""
    from toolkit.cli import main

    status = main(["--quiet", "run", "--out", str(tmp_path), "--pareto-points", "3"])
    assert status in (0, 3)
    xlsx, html_ = tmp_path / "uk_japan_default.xlsx", tmp_path / "uk_japan_default.html"
    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames[0] == "Summary" and "Provenance" in book.sheetnames
    assert book["Portfolio"]["G2"].data_type == "n" and book["Portfolio"]["G1"].value == "tonnes"
    with zipfile.ZipFile(xlsx) as z:
        assert sum(n.startswith("xl/charts/chart") for n in z.namelist()) >= 3
    page = html_.read_text(encoding="utf-8")
    assert "Key findings" in page and "baseline" in page
    # the glide-path case's outlook: sheets Years and Projects, the brief's section with
    # every plant the case backs by its name
    assert {"Years", "Projects"} <= set(book.sheetnames)
    result = json.loads((tmp_path / "uk_japan_default.json").read_text(encoding="utf-8"))
    backed = [p["name"] for c in result["cases"] for p in c["projects"] if p["in_case_mode"]]
    assert backed and "Outlook and investment" in page
    assert all(html.escape(name) in page for name in backed)
    # advice, not ids: no setting id, generated scenario id, absolute path, "X% to X%"
    assert problems(page, tmp_path, Path.cwd().resolve(), Path(__file__).resolve().parents[1]) \
        == []
    if SOFFICE:
        assert soffice_to_pdf(xlsx, tmp_path).returncode == 0
        (tmp_path / "pages").mkdir()
        pages = assert_pages_within_budget(xlsx, tmp_path / "pages")
        assert pages["Summary"] <= 6, pages  # 542 pages before the print settings
