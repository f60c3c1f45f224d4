"""Start-up of ``toolkit``: what importing the command line loads before any solve."""

from __future__ import annotations

import subprocess
import sys


def _loaded_after(statement: str, module: str) -> bool:
    code = f"import sys\n{statement}\nprint({module!r} in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return out.stdout.strip() == "True"


def test_run_command_does_not_import_matplotlib_before_drawing():
    # matplotlib (and pyplot, which pyomo's import hook adds) cost 0.3-0.5 s: only the
    # brief's charts need it, drawn in the process that writes the brief
    assert not _loaded_after("from toolkit import cli, pipeline", "matplotlib")


def test_drawing_a_chart_imports_it():
    statement = ("from toolkit.reports.charts import figure, png_bytes\n"
                 "with figure((2.0, 1.0)) as fig:\n"
                 "    fig.add_subplot().plot([0, 1], [1, 0])\n"
                 "    assert png_bytes(fig).startswith(b'\\x89PNG')")
    assert _loaded_after(statement, "matplotlib")
