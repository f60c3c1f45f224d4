"""The command line as a user meets it: ``toolkit --help``, ``toolkit metrics`` output,
names in any case, the README's promises and the packaging metadata."""

from __future__ import annotations

import io
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from toolkit.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]


def _csv(capsys, *args: str) -> pd.DataFrame:
    assert main(["metrics", "--csv", *args]) == 0
    return pd.read_csv(io.StringIO(capsys.readouterr().out))


def test_metrics_prints_import_reliance_and_top_chokepoints(capsys):
    assert main(["metrics", "--mineral", "gallium", "--stage", "refine", "--year",
                 "2024"]) == 0
    out = capsys.readouterr().out
    table, chokepoints = out.split("Top chokepoints")
    assert "gbr_import_reliance" in table and "jpn_import_reliance" in table
    rows = [line.split() for line in chokepoints.splitlines()[2:] if line.strip()]
    assert rows[0][:4] in (["gallium", "JPN", "refine", "CHN"],
                           ["gallium", "GBR", "refine", "CHN"])
    # losing China's refineries cuts each buyer's gallium by China's share of refining
    # (pro-rata access), which the metrics table states independently
    metrics = _csv(capsys, "--mineral", "gallium", "--stage", "refine", "--year", "2024")
    assert float(rows[0][-1].rstrip("%")) == pytest.approx(
        100 * metrics["china_share"].iloc[0], abs=0.05)
    reliance = re.findall(r"(\d+\.\d)%", table.splitlines()[1])
    assert len(reliance) >= 6


def test_mineral_and_stage_names_in_any_case(capsys):
    lower = _csv(capsys, "--mineral", "lithium", "--stage", "mine")
    mixed = _csv(capsys, "--mineral", "LiThium", "--stage", " MINE ")
    assert not lower.empty
    pd.testing.assert_frame_equal(lower, mixed)
    assert main(["metrics", "--mineral", "lithum"]) == 2
    assert "unknown; choose from" in capsys.readouterr().err


def test_help_is_written_for_users():
    text = build_parser().format_help()
    assert "parse arguments" not in text and "map errors" not in text
    for words in ("China", "policy brief", "--pdf", "Excel", "exit status", "start here"):
        assert words in text
    run = build_parser()._subparsers._group_actions[0].choices["run"].format_help()
    assert "Chromium" in run and "default: reports" in run


def test_readme_says_what_to_open_first_and_shows_pdf():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = readme[readme.index("## What to open first"):]
    assert first.index(".html") < first.index(".xlsx") < first.index(".json")
    assert "toolkit run --pdf" in readme
    assert "import reliance" in readme and "chokepoints" in readme


def test_licence_is_an_spdx_string_for_current_setuptools():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["project"]["license"] == "MIT"  # a TOML table warns from setuptools 77
    assert "setuptools>=77" in meta["build-system"]["requires"]
