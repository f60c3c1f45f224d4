"""The brief written in a forked process beside the workbook: the same files as written in
one process, its errors raised in the parent, nothing renamed when it fails.

Each check runs in a fresh interpreter: the pool forks only a process without other
threads, and a test session may hold some (Dask's)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.sweep.execute import can_fork

ROOT = Path(__file__).resolve().parents[1]

CHECK = """
import os, sys, tempfile
from pathlib import Path
import toolkit.reports as reports
from toolkit.reports import beside
from tests.fixtures import report_bundle as fx

forked = []
real_init = beside.WriteBeside.__init__
def spy(self, *a):
    real_init(self, *a)
    forked.append(self.process is not None)
beside.WriteBeside.__init__ = spy

with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    reports.write_reports(fx.bundle(), tmp / "forked", "r")
    assert forked == [True], forked
    import threading
    count = threading.active_count
    threading.active_count = lambda: 2  # "other threads": the brief is written in-process
    reports.write_reports(fx.bundle(), tmp / "one", "r")
    threading.active_count = count
    assert forked == [True, False], forked
    for ext in ("html", "xlsx"):
        forked_file, one_file = tmp / "forked" / f"r.{ext}", tmp / "one" / f"r.{ext}"
        assert forked_file.read_bytes() == one_file.read_bytes(), ext
    old = tmp / "old"
    old.mkdir()
    (old / "r.xlsx").write_bytes(b"old workbook")
    (old / "r.html").write_text("old brief")
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")
    reports.render = broken
    try:
        reports.write_reports(fx.bundle(), old, "r")
    except RuntimeError as exc:
        assert "disk full" in str(exc)
    else:
        raise AssertionError("the child's error was not raised")
    assert forked == [True, False, True], forked
    assert (old / "r.xlsx").read_bytes() == b"old workbook"
    assert (old / "r.html").read_text() == "old brief"
    assert sorted(os.listdir(old)) == ["r.html", "r.xlsx"]
print("same")
"""


def test_brief_written_beside_the_workbook_equals_one_process_and_fails_cleanly():
    if not can_fork():
        pytest.skip("this platform cannot fork")
    done = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, text=True,
                          capture_output=True, timeout=300)
    assert done.returncode == 0 and done.stdout.strip() == "same", done.stderr[-3000:]
