"""Print the HTML brief to PDF with headless Chromium (``--print-to-pdf``).

Chromium is the reference renderer the brief is designed for (A4 ``@page`` CSS);
no Python dependency is added.  The browser runs with a throw-away profile, no
network access beyond the local file, and a time limit.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from toolkit.errors import ToolkitError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
            "chrome")
TIMEOUT_S = 120


def find_browser() -> str | None:
    """Path of a Chromium-family browser on PATH, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def browser_command(browser: str, profile: Path, *action: str) -> list[str]:
    """Headless Chromium arguments: sandbox off, no GPU, no background traffic."""
    return [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions", "--hide-scrollbars",
            f"--user-data-dir={profile}", *action]


def write_pdf(html: Path, pdf: Path) -> Path:
    """Print ``html`` to ``pdf`` (A4, as the brief's print CSS asks).

    Raises
    ------
    ToolkitError
        When no Chromium is on PATH, or printing fails or times out.
    """
    browser = find_browser()
    if browser is None:
        raise ToolkitError("--pdf needs headless Chromium on PATH (Debian: apt-get install "
                           "chromium); the .xlsx and .html reports need nothing")
    with tempfile.TemporaryDirectory(prefix="toolkit-chromium-") as profile:
        cmd = browser_command(browser, Path(profile), "--no-pdf-header-footer",
                              f"--print-to-pdf={Path(pdf).resolve()}",
                              Path(html).resolve().as_uri())
        _run(cmd, pdf)
    return Path(pdf)


def _run(cmd: list[str], out: Path) -> None:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        raise ToolkitError(f"Chromium did not finish printing within {TIMEOUT_S} s") from exc
    if done.returncode != 0 or not Path(out).is_file() or Path(out).stat().st_size == 0:
        last = (done.stderr or "").strip().splitlines()[-1:] or ["no output"]
        raise ToolkitError(f"Chromium failed to print the brief (exit {done.returncode}): "
                           f"{last[0]}")
