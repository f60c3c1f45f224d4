"""Dispatch an INPUT argument to the importer for its format."""

from __future__ import annotations

from pathlib import Path

from toolkit.chain import SupplyChain
from toolkit.errors import InputError, Problem

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
DEFAULT_MODEL = MODELS_DIR / "uk_japan_default.toml"


def load_input(path: str | Path | None) -> SupplyChain:
    """Load and validate an input: None = embedded dataset, ``.xlsx``, or ``.toml``.

    Raises
    ------
    InputError
        Listing every problem found, each naming file, sheet, row, column and rule.
    """
    if path is None:
        from toolkit.io.datasets import load_embedded

        return load_embedded()
    path = Path(path)
    if not path.exists():
        raise InputError(Problem(str(path), "file does not exist"))
    if path.is_dir():
        raise InputError(Problem(str(path), "is a folder, not a workbook or model file"))
    if path.suffix.lower() == ".toml":
        from toolkit.io.model_file import load_model

        return load_model(path)
    from toolkit.io.excel import load_workbook

    return load_workbook(path)


def load_default() -> SupplyChain:
    """The embedded dataset with the default model's scenarios and policy cases.

    This is what ``toolkit run`` solves with no INPUT and what ``toolkit template``
    writes into a new workbook.
    """
    if DEFAULT_MODEL.is_file():
        return load_input(DEFAULT_MODEL)
    return load_input(None)
