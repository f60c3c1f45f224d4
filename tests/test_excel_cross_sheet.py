"""Rules that span sheets: demand needs supply; scenario probabilities."""

from __future__ import annotations

from tests.excel_cases import edited
from toolkit.cli import main


def _append(sheet: str, *rows: list) -> object:
    def change(workbook) -> None:
        for row in rows:
            workbook[sheet].append(row)
    return change


def test_demand_for_a_mineral_without_supply_is_an_input_error(tmp_path, capsys):
    def change(workbook) -> None:
        workbook["Minerals"].append(["unob", "Unobtainium", "t", ""])
        workbook["Demand"].append(["GBR", "unob", 10, "all"])

    path = edited(tmp_path, change)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "sheet Demand" in err and "value 'unob': has demand but no Supply rows" in err


def test_scenario_probabilities_over_one_are_an_input_error(tmp_path, capsys):
    path = edited(tmp_path, _append("Disruptions", ["s1", "*", "*", "CHN", 0.5, 0.6, "", ""],
                                    ["s2", "*", "*", "AUS", 0.5, 0.6, "", ""]))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    # the small template already carries 0.15 of scenarios: 0.15 + 0.6 + 0.6 = 1.35
    assert "sheet Disruptions" in err and "summing to 1.35 > 1" in err
