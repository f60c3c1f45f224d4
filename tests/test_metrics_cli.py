"""`toolkit metrics` on the embedded dataset: columns, selection, CSV and files."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from toolkit.cli import main

REQUIRED = ["mineral", "stage", "year", "total_t", "china_share", "top1_country",
            "top1_share", "top3_share", "hhi", "hhi_wgi"]
MUST_HAVE = ["lithium", "cobalt", "nickel", "graphite", "rare_earths", "copper", "gallium",
             "germanium", "tungsten", "antimony", "manganese", "vanadium", "magnesium",
             "silicon", "titanium", "bismuth", "indium", "tellurium", "platinum", "palladium",
             "niobium"]


@pytest.fixture(scope="module")
def metrics_csv() -> pd.DataFrame:
    out = io.StringIO()
    import contextlib
    with contextlib.redirect_stdout(out):
        assert main(["metrics", "--csv"]) == 0
    return pd.read_csv(io.StringIO(out.getvalue()))


def test_csv_has_required_columns_and_all_minerals(metrics_csv):
    assert list(metrics_csv.columns[:len(REQUIRED)]) == REQUIRED
    assert set(MUST_HAVE) <= set(metrics_csv["mineral"])
    assert metrics_csv["mineral"].nunique() >= 20
    assert not metrics_csv.duplicated(["mineral", "stage", "year"]).any()


def test_shares_are_fractions_and_hhi_in_range(metrics_csv):
    for col in ("china_share", "top1_share", "top3_share"):
        assert metrics_csv[col].between(0, 1).all(), col
    assert metrics_csv["hhi"].between(0, 10_000).all()
    assert metrics_csv["hhi_wgi"].between(0, 10).all()
    assert (metrics_csv["top1_share"] <= metrics_csv["top3_share"] + 1e-12).all()


def test_headline_figures_2024(metrics_csv):
    rows = metrics_csv.set_index(["mineral", "stage", "year"])
    # USGS MCS 2026 (China / sum of listed countries incl. Other countries)
    assert rows.loc[("rare_earths", "mine", 2024), "china_share"] == pytest.approx(0.703,
                                                                                   abs=5e-4)
    assert rows.loc[("graphite", "mine", 2024), "china_share"] == pytest.approx(0.819,
                                                                                abs=5e-4)
    # IEA Critical Minerals Data Explorer 2025, refining, 2024
    assert rows.loc[("cobalt", "refine", 2024), "china_share"] == pytest.approx(0.784,
                                                                                abs=5e-4)


def test_selection_by_mineral_stage_year(capsys):
    assert main(["metrics", "--csv", "--mineral", "lithium", "--stage", "mine",
                 "--year", "2024"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(zip(table["mineral"], table["stage"], table["year"], strict=True)) == [
        ("lithium", "mine", 2024)]


def test_unknown_mineral_is_a_clear_error(capsys):
    assert main(["metrics", "--mineral", "unobtainium"]) == 2
    err = capsys.readouterr().err
    assert "--mineral 'unobtainium': unknown" in err and "lithium" in err


def test_readable_output_and_written_files(tmp_path, capsys):
    assert main(["metrics", "--mineral", "gallium", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "gallium" in out and "%" in out and "Risk band rule" in out
    written = pd.read_csv(tmp_path / "metrics.csv")
    assert set(written["mineral"]) == {"gallium"}
    choke = pd.read_csv(tmp_path / "chokepoints.csv")
    assert {"mineral", "buyer", "stage", "country", "loss_t", "loss_share"} <= set(
        choke.columns)
