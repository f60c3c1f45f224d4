"""Faults during a run (issue 12): SIGTERM, a full disk, two runs into one folder.

Whatever happens, the output folder holds either the previous set of reports or a
complete new one: never a temporary file, never a half-written report, never a mix
of two runs.  Runs that must be stopped at a precise moment are subprocesses whose
report writer is slowed down by a small wrapper (``_SLOW``), so the tests do not
depend on timing.
"""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.excel_cases import base_file, edited
from toolkit.cli import main

ROOT = Path(__file__).resolve().parents[1]
NAMES = ("in.json", "in.xlsx", "in.html")

# Run `toolkit run` with a hook that, at the chosen step, prints READY and waits until
# the file named by TOOLKIT_TEST_GO exists (or forever).
_SLOW = r"""
import os, sys, time
from pathlib import Path
import toolkit.reports as reports

step = os.environ["TOOLKIT_TEST_STEP"]
go = Path(os.environ.get("TOOLKIT_TEST_GO", "/nonexistent/never"))

def pause():
    print("READY", flush=True)
    while not go.exists():
        time.sleep(0.02)

if step == "writing":
    real = reports.write_workbook
    def slow_workbook(tables, bundle, name, path):
        Path(path).write_bytes(b"PK half a workbook")
        pause()
        return real(tables, bundle, name, path)
    reports.write_workbook = slow_workbook
elif step == "renaming":
    real_replace = os.replace
    def slow_replace(src, dst):
        real_replace(src, dst)
        if str(dst).endswith(".xlsx"):
            pause()
    reports.os.replace = slow_replace

from toolkit.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _start(argv: list[str], step: str, go: Path | None = None) -> subprocess.Popen:
    env = {**os.environ, "TOOLKIT_TEST_STEP": step, "PYTHONPATH": str(ROOT)}
    if go is not None:
        env["TOOLKIT_TEST_GO"] = str(go)
    proc = subprocess.Popen([sys.executable, "-c", _SLOW, *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    line = proc.stdout.readline()
    assert line.strip() == "READY", (line, proc.stderr.read() if proc.poll() else "")
    return proc


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def _content(path: Path) -> bytes:
    """A file's bytes; for a workbook, its unzipped parts."""
    if path.suffix != ".xlsx":
        return path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        return b"".join(archive.read(n) for n in archive.namelist())


def _leftovers(out: Path) -> list[str]:
    return [p.name for p in out.iterdir() if ".tmp" in p.name]


@pytest.fixture
def previous(tmp_path, capsys) -> tuple[Path, Path, dict[str, bytes]]:
    """An input and an output folder holding the reports of an earlier run."""
    source = base_file(tmp_path)
    out = tmp_path / "out"
    assert main(["run", str(source), "--out", str(out), "--pareto-points", "0"]) in (0, 3)
    capsys.readouterr()
    files = _snapshot(out)
    assert set(NAMES) <= set(files)
    return source, out, files


def test_sigterm_while_writing_leaves_no_temp_file_and_the_old_reports(previous):
    source, out, before = previous
    proc = _start(["run", str(source), "--out", str(out), "--pareto-points", "0"], "writing")
    assert _leftovers(out), "the slowed run should be half-way through a report"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "terminated" in err and "Traceback" not in err, err
    assert _leftovers(out) == []
    after = _snapshot(out)
    assert {k: v for k, v in after.items() if k in NAMES} == {
        k: v for k, v in before.items() if k in NAMES}


@pytest.mark.parametrize("target, method", [("in.html", "write_text"),
                                            ("in.xlsx", "write_bytes"),
                                            ("in.json", "write_text")])
def test_a_full_disk_names_the_file_being_written(previous, monkeypatch, capsys, target,
                                                  method):
    source, out, before = previous
    real = getattr(Path, method)
    suffix = Path(target).suffix

    def full(self, *args, **kwargs):
        name = self.name
        if ".tmp" in name and (name.endswith(suffix) or name.startswith(f".{target}.")):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, method, full)
    status = main(["run", str(source), "--out", str(out), "--pareto-points", "0"])
    err = capsys.readouterr().err
    assert status == 1, err
    assert f"error: {out / target}: cannot be written: No space left on device" in err, err
    assert "Traceback" not in err and "unexpected" not in err
    assert _leftovers(out) == []
    assert _snapshot(out) == before


def test_a_second_run_into_the_same_folder_is_refused_while_the_first_writes(tmp_path,
                                                                              capsys):
    """Run A stops between renaming its workbook and its brief; run B into the same folder
    must not interleave its files with A's (before the lock, the set ended up mixed)."""
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    source_a = base_file(first)
    source_b = edited(second, lambda wb: wb["README"].cell(1, 1, "run B's copy"))
    out, go = tmp_path / "out", tmp_path / "go"
    proc = _start(["run", str(source_a), "--out", str(out), "--pareto-points", "0"],
                  "renaming", go)
    status = main(["run", str(source_b), "--out", str(out), "--pareto-points", "0"])
    err = capsys.readouterr().err
    go.touch()
    _, err_a = proc.communicate(timeout=120)
    assert proc.returncode in (0, 3), err_a
    assert status == 2, err
    assert f"another run (process {proc.pid}) is writing to {out}" in err, err
    # which run wrote a file: the JSON names its input path; the reports show no
    # absolute path, so they are told apart by the input's SHA-256 (Provenance, footer)
    marks = {s: (str(s), hashlib.sha256(s.read_bytes()).hexdigest()) for s in (source_a,
                                                                              source_b)}
    for name in NAMES:
        text = _content(out / name)
        mark = 0 if name.endswith(".json") else 1
        assert marks[source_a][mark].encode() in text, name
        assert marks[source_b][mark].encode() not in text, name


def test_sigterm_between_two_renames_completes_the_whole_set(previous, tmp_path):
    """Stopped after the workbook is renamed into place but before the brief and the JSON
    are: a stop then would leave a mixed set, so the signal is held and the run ends
    normally with every file new."""
    source, out, before = previous
    go = tmp_path / "go"
    proc = _start(["run", str(source), "--out", str(out), "--pareto-points", "3"],
                  "renaming", go)  # 3 points, not the earlier run's 0: every file differs
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.2)  # the signal is handled (held) while the run is paused mid-renames
    go.touch()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (0, 3), err
    assert "Traceback" not in err and "terminated" not in err, err
    after = _snapshot(out)
    assert all(after[k] != before[k] for k in NAMES)
    assert _leftovers(out) == []


def test_the_lock_is_released_when_a_run_ends(previous, capsys):
    source, out, _ = previous
    assert main(["run", str(source), "--out", str(out), "--pareto-points", "0"]) in (0, 3)
    assert main(["run", str(source), "--out", str(out), "--pareto-points", "0",
                 "--no-reports"]) in (0, 3)


def test_a_killed_run_does_not_leave_a_stale_lock(previous, capsys):
    source, out, _ = previous
    proc = _start(["run", str(source), "--out", str(out), "--pareto-points", "0"], "writing")
    proc.kill()  # SIGKILL cannot be caught: its temporary file stays behind ...
    proc.wait(timeout=30)
    assert _leftovers(out)
    assert main(["run", str(source), "--out", str(out), "--pareto-points", "0"]) in (0, 3)
    assert "another run" not in capsys.readouterr().err
    assert _leftovers(out) == []  # ... until the next run into the folder removes it


@pytest.mark.parametrize("delay_s", [0.3, 1.0, 2.0])
def test_sigterm_at_any_moment_of_a_real_run_keeps_a_whole_set(previous, delay_s):
    """An unmodified run stopped after ``delay_s``: either it finished (a whole new set)
    or it stopped with 143 and every earlier report is as it was; never a temp file."""
    source, out, before = previous
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "run", str(source), "--out",
                             str(out), "--pareto-points", "21"], stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        proc.wait(timeout=delay_s)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert "Traceback" not in err, err
    assert _leftovers(out) == []
    after = _snapshot(out)
    if proc.returncode == 128 + signal.SIGTERM:
        assert {k: after[k] for k in NAMES} == {k: before[k] for k in NAMES}
    else:
        assert proc.returncode in (0, 3), err
        assert all(after[k] != before[k] for k in NAMES)


def test_signals_are_ignored_after_the_program_not_after_an_embedded_call(previous):
    """The program (main() without argv) ends when main returns: SIGTERM then stays
    ignored while the interpreter shuts down, so a late signal cannot make a finished
    run exit as killed; a call with argv (embedded, as here) gets its handler back."""
    from toolkit import cli

    source, out, _ = previous
    before = signal.getsignal(signal.SIGTERM)
    try:
        assert main(["run", str(source), "--out", str(out), "--pareto-points", "0",
                     "--no-reports"]) in (0, 3)
        assert signal.getsignal(signal.SIGTERM) is before
        with cli._signals_unwind(signal.SIG_IGN):
            assert signal.getsignal(signal.SIGTERM) is cli._terminate
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, before)
