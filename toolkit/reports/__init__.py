"""Reports of a run: an Excel workbook and an HTML policy brief (optionally a PDF).

Reports read results only: they never solve and never parse inputs.  The entry point
is :func:`write_reports`; see :mod:`toolkit.reports.data` for the bundle it reads.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from pyomo.common.gc_manager import PauseGC

from toolkit.errors import ToolkitError
from toolkit.io.atomic import output_errors, renaming
from toolkit.reports.beside import WriteBeside
from toolkit.reports.brief import render
from toolkit.reports.excel_report import write_workbook
from toolkit.reports.findings import Tables, tables_of
from toolkit.reports.pdf import write_pdf

Progress = Callable[[str], None]
Writer = Callable[[Path], object]

__all__ = ["write_reports", "tables_of", "Tables"]


def write_reports(bundle: dict, out_dir: Path, name: str, pdf: bool = False,
                  progress: Progress | None = None) -> list[Path]:
    """Write ``out_dir/<name>.xlsx`` and ``out_dir/<name>.html`` (and ``.pdf``).

    Every file is first written to a temporary file in ``out_dir``; only when all of
    them succeed are they renamed onto their targets, so an existing report is
    replaced only on success and a failure leaves no temporary file behind.

    Parameters
    ----------
    bundle : the run's results and provenance (see :mod:`toolkit.reports.data`).
    out_dir : output folder (created if missing).
    name : file stem of the reports (no folder part).
    pdf : also print the brief to PDF with headless Chromium.
    progress : called with a short message before each step (None: silent).

    Returns
    -------
    The paths written, in the order xlsx, html[, pdf].
    """
    if not name or Path(name).name != name:
        raise ToolkitError(f"report name {name!r} must be a plain file name")
    say = progress or (lambda _message: None)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    # the workbook is some 10^5 long-lived cells: the cyclic garbage collector, run
    # every few hundred allocations, would scan them over and over (a third of the time)
    with PauseGC():
        say("reports: computing tables")
        tables = tables_of(bundle)
        steps: list[tuple[str, str, Writer]] = [
            ("xlsx", "reports: writing workbook",
             lambda p: write_workbook(tables, bundle, name, p)),
            ("html", "reports: writing brief",
             lambda p: p.write_text(render(tables, bundle, name), encoding="utf-8",
                                    newline="\n")),
        ]
        return _write_all(out_dir, name, steps, pdf, say)


def _write_all(out_dir: Path, name: str, steps: list[tuple[str, str, Writer]], pdf: bool,
               say: Progress) -> list[Path]:
    """Stage every report, the later ones (the brief) in a forked process beside the first
    (:mod:`toolkit.reports.beside`), then rename them all onto their targets."""
    staged: dict[str, Path] = {}
    beside: list[WriteBeside] = []
    try:
        (first_ext, first_message, first_writer), *later = steps
        say(first_message)
        with output_errors(out_dir / f"{name}.{first_ext}"):
            staged[first_ext] = _temp(out_dir, name, first_ext)
        for ext, _message, writer in later:
            with output_errors(out_dir / f"{name}.{ext}"):
                staged[ext] = _temp(out_dir, name, ext)
            beside.append(WriteBeside(writer, staged[ext], out_dir / f"{name}.{ext}"))
        with output_errors(out_dir / f"{name}.{first_ext}"):
            first_writer(staged[first_ext])
        for (_ext, message, _writer), job in zip(later, beside, strict=True):
            say(message)
            job.wait()
        if pdf:
            say("reports: printing brief to PDF")
            with output_errors(out_dir / f"{name}.pdf"):
                staged["pdf"] = _temp(out_dir, name, "pdf")
                write_pdf(staged["html"], staged["pdf"])
        targets = [out_dir / f"{name}.{ext}" for ext in staged]
        with renaming():  # a stop signal now would leave a mixed set: it is held
            for tmp, target in zip(staged.values(), targets, strict=True):
                with output_errors(target):
                    os.replace(tmp, target)
        return targets
    finally:
        for job in beside:
            job.stop()
        for tmp in staged.values():
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


def _temp(out_dir: Path, name: str, ext: str) -> Path:
    """A new empty temporary file next to the target (same file system)."""
    fd, path = tempfile.mkstemp(prefix=f".{name}.", suffix=f".tmp.{ext}", dir=out_dir)
    os.close(fd)
    os.chmod(path, 0o666 & ~_umask())  # mkstemp makes 0600; reports are ordinary files
    return Path(path)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
