"""Small CLI commands: schema documentation, dataset check, version, bad arguments."""

from __future__ import annotations

from pathlib import Path

from toolkit.cli import main
from toolkit.schema import WORKBOOK

DOCS = Path(__file__).resolve().parents[1] / "docs" / "WORKBOOK.md"


def test_schema_doc_is_generated_from_the_declaration(capsys):
    assert main(["schema"]) == 0
    printed = capsys.readouterr().out
    for sheet in WORKBOOK:
        for col in sheet.columns:
            assert f"| {sheet.name} | {col.name} |" in printed
    assert printed == DOCS.read_text(encoding="utf-8"), "run: toolkit schema > docs/WORKBOOK.md"


def test_datasets_check_validates_committed_files(capsys):
    assert main(["datasets", "check"]) == 0
    assert "dataset files valid" in capsys.readouterr().out


def test_missing_input_file_is_exit_2_without_traceback(tmp_path, capsys):
    assert main(["metrics", str(tmp_path / "nope.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "nope.xlsx: file does not exist" in err
    assert "Traceback" not in err


def test_out_that_is_a_file_fails_before_any_work(tmp_path, capsys):
    blocker = tmp_path / "reports"
    blocker.write_text("not a folder")
    assert main(["run", "--out", str(blocker)]) == 2
    assert "--out must be a folder" in capsys.readouterr().err
    assert blocker.read_text() == "not a folder"


def test_run_refuses_outputs_that_would_replace_the_input_workbook(tmp_path, capsys):
    book = tmp_path / "book.xlsx"
    assert main(["template", str(book)]) == 0
    before = book.read_bytes()
    assert main(["run", str(book), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "book.xlsx" in err and "would replace this input file" in err
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]  # no work was done
