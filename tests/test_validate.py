"""Cell coercion rules shared by the workbook and the dataset files."""

from __future__ import annotations

import pytest

from toolkit.validate import to_id, to_number


@pytest.mark.parametrize(("cell", "rule"), [
    (10 ** 400, "too large"), ("1e999", "finite"), ("nan", "finite"), ("abc", "a number"),
    ("1,5", "thousands separators"), (True, "not TRUE/FALSE")])
def test_bad_numbers_are_value_errors_with_the_rule(cell, rule):
    with pytest.raises(ValueError, match=rule):
        to_number(cell)


@pytest.mark.parametrize(("cell", "number"), [
    ("1,200.5", 1200.5), (" 3 ", 3.0), (7, 7.0), ("1e3", 1000.0)])
def test_numeric_text_is_accepted(cell, number):
    assert to_number(cell) == number


def test_ids_are_stripped_and_reject_control_characters():
    assert to_id(" lithium ") == "lithium"
    assert to_id(2024.0) == "2024"
    with pytest.raises(ValueError, match="line breaks"):
        to_id("lith\nium")


def test_scenario_probabilities_one_per_scenario_and_at_most_one_per_mineral():
    import pandas as pd

    from toolkit.validate import Where, check_disruptions

    table = pd.DataFrame({
        "scenario": ["a", "a", "b", "c"], "mineral": ["x", "x", "x", "*"],
        "probability": [0.5, 0.4, 0.3, 0.3]})
    problems = [str(p) for p in check_disruptions(table, Where("in.xlsx", "Disruptions"))]
    assert problems[0] == ("in.xlsx, sheet Disruptions, row 3, column probability: value 0.4: "
                           "scenario 'a' has probability 0.5 on an earlier row; a scenario "
                           "has one probability")
    # x is hit by a (0.5), b (0.3) and the all-minerals scenario c (0.3): 1.1 > 1
    assert "the scenarios hitting x have probabilities summing to 1.1 > 1" in problems[1]
    assert "row 5" in problems[1]
    ok = table.assign(probability=[0.5, 0.5, 0.2, 0.3])
    assert check_disruptions(ok, Where("in.xlsx", "Disruptions")) == []


def test_a_percent_typed_as_text_says_shares_are_fractions():
    with pytest.raises(ValueError, match=r"write 0\.65 for 65%"):
        to_number("65%")
    with pytest.raises(ValueError, match=r"^must be a number$"):
        to_number("abc%")
