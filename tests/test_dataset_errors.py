"""Bad data in an embedded dataset file gives a clear error naming file, row and column."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.io.datasets import datasets_dir


@pytest.fixture()
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the dataset CSVs that the toolkit reads instead of the real ones."""
    folder = tmp_path / "datasets"
    folder.mkdir()
    for path in datasets_dir().glob("*.csv"):
        shutil.copy(path, folder / path.name)
    monkeypatch.setenv("TOOLKIT_DATASETS", str(folder))
    return folder


def set_cell(path: Path, data_row: int, column: str, value: str) -> int:
    """Set one cell of a CSV (data_row 0 = first data row); return its CSV line number."""
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0].keys())
    rows[data_row][column] = value
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return data_row + 2


@pytest.mark.parametrize(("file", "column", "value", "rule"), [
    ("production.csv", "tonnes", "-5", "no negative numbers"),
    ("production.csv", "country", "XYZ", "unknown country"),
    ("imports.csv", "share", "1.7", "between 0 and 1"),
    ("production.csv", "tonnes", "abc", "must be a number"),
    ("countries.csv", "country", "Chna", "pattern"),
])
def test_bad_cell_is_reported_with_file_row_column(data_copy, capsys, file, column, value,
                                                   rule):
    line = set_cell(data_copy / file, 3, column, value)
    status = main(["metrics", "--csv"])
    err = capsys.readouterr().err
    assert status == 2
    assert f"{file}, row {line}, column {column}: value {value!r}" in err
    assert rule in err
    assert "Traceback" not in err


def test_every_problem_is_listed_at_once(data_copy, capsys):
    set_cell(data_copy / "production.csv", 0, "tonnes", "-1")
    set_cell(data_copy / "imports.csv", 0, "share", "2")
    assert main(["metrics"]) == 2
    err = capsys.readouterr().err
    assert "production.csv" in err and "imports.csv" in err


def test_missing_dataset_file_is_named(data_copy, capsys):
    (data_copy / "demand.csv").unlink()
    assert main(["metrics"]) == 2
    assert "demand.csv: dataset file not found" in capsys.readouterr().err
