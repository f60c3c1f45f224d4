"""`toolkit run` end to end, model files, policy resolution and the JSON document."""

from __future__ import annotations

import json

import pytest

from tests.chains import two_path_chain
from tests.optimize_chains import policy
from toolkit.cli import main
from toolkit.errors import InputError
from toolkit.io.model_file import load_model
from toolkit.optimize.run import solve_case
from toolkit.policy import resolve_cases
from toolkit.results import run_result

INFEASIBLE_MODEL = """
name = "ga_cap"
data = "embedded"

[[disruptions]]
scenario = "CHN gallium"
mineral = "gallium"
stage = "refine"
country = "CHN"
capacity_loss = 0.5
probability = 0.1
date = "2023-08-01"
source = "test"

[[policy]]
setting = "max_china_share"
value = 0.2
mineral = "gallium"
"""


@pytest.fixture(scope="module")
def infeasible_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    model = folder / "ga_cap.toml"
    model.write_text(INFEASIBLE_MODEL, encoding="utf-8")
    status = main(["-q", "run", str(model), "--out", str(folder / "out"), "--no-reports",
                   "--pareto-points", "2"])
    return status, json.loads((folder / "out" / "ga_cap.json").read_text(encoding="utf-8"))


def test_infeasible_policy_exits_3_and_names_the_constraint(infeasible_run, capsys):
    status, result = infeasible_run
    assert status == 3
    assert result["status"] == "infeasible"
    messages = result["diagnosis"]["messages"]
    assert any("max_china_share" in m and "gallium" in m and "refine" in m
               for m in messages)
    row = [r for r in result["diagnosis"]["rows"] if r["mineral"] == "gallium"][0]
    # Non-China gallium refining is 9 t (JPN 3 + RUS 6); alone each buyer may use all of it.
    assert row["available_t"] <= 9.0 + 1e-6
    assert row["gap_t"] > 0


def test_other_minerals_still_report(infeasible_run):
    _, result = infeasible_run
    statuses = {r["mineral"]: r["status"] for r in result["minerals"]}
    assert statuses["gallium"] == "infeasible"
    assert statuses["cobalt"] == "optimal"
    assert {r["mineral"] for r in result["portfolio"]} >= {"cobalt", "lithium", "nickel"}
    demand = {(r["buyer"], r["mineral"]): 0.0 for r in result["portfolio"]}
    for r in result["portfolio"]:
        if r["stage"] == "mine" and r["mineral"] == "cobalt":
            demand[r["buyer"], "cobalt"] += r["tonnes"]
    assert demand["GBR", "cobalt"] == pytest.approx(1201.16, rel=1e-4)


def test_json_has_the_documented_keys(infeasible_run):
    _, result = infeasible_run
    for key in ("status", "objective_usd", "portfolio", "stockpile", "scenarios",
                "shadow_prices", "diagnosis", "cases", "mode", "pareto", "cooperation",
                "china_share", "settings", "solver", "model"):
        assert key in result, key
    assert result["model"] == "ga_cap"
    assert {"case", "sweep", "epsilon", "objective_usd", "status"} <= set(result["pareto"][0])
    assert {"definition", "independent_cost_usd", "joint_cost_usd", "saving_usd"} <= set(
        result["cooperation"])


def test_run_is_deterministic():
    chain = two_path_chain().with_tables(policy=policy(
        ("max_china_share", 0.5, "refine", "", "", "capped"), ("mode", "joint", "", "", "",
                                                                "capped")))
    first = [run_result([solve_case(chain, c, 3) for c in resolve_cases(chain)], "t", None)
             for _ in range(2)]
    assert json.dumps(first[0]) == json.dumps(first[1])
    assert first[0]["case"] == "capped"
    assert first[0]["objective_usd"] == pytest.approx(150.0)
    assert first[0]["china_share"][-1]["portfolio_share"] == pytest.approx(0.5)
    # Pareto over the China cap re-solves the built model: min(case 50 %, eps) at each
    # stage; eps = 0 leaves only the AUS-JPN path (17 USD/t x 10 t).
    sweep = {r["epsilon"]: r["objective_usd"] for r in first[0]["pareto"]
             if r["sweep"] == "china_share" and r["mineral"] == "all"}
    assert sweep == pytest.approx({1.0: 150.0, 0.5: 150.0, 0.0: 170.0})


def test_policy_blank_scope_means_each_and_case_rows_override():
    chain = two_path_chain().with_tables(policy=policy(
        ("max_china_share", 0.6), ("max_china_share", 0.4, "refine", "", "", "strict"),
        ("max_china_share", 0.9, "", "", "", "loose")))
    strict, loose = resolve_cases(chain)
    assert strict.number("max_china_share", "mine", "x", "GBR") == 0.6
    assert strict.number("max_china_share", "refine", "x", "JPN") == 0.4
    assert loose.number("max_china_share", "refine", "x", "JPN") == 0.9
    assert len(strict.values["max_china_share"]) == 3 * 1 * 2


def test_policy_errors_name_row_and_column():
    chain = two_path_chain().with_tables(policy=policy(("max_china_shar", 0.5),
                                                       ("max_offtake_share", 2.0)))
    with pytest.raises(InputError) as err:
        resolve_cases(chain)
    text = str(err.value)
    assert "row 2, column setting" in text and "unknown setting" in text
    assert "row 3, column value" in text and "at most 1" in text


def test_model_file_errors_name_file_table_row_column(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('data = "embedded"\n[[disruptions]]\nscenario = "s"\nmineral = "unobtainium"'
                   '\nstage = "mine"\ncountry = "CHN"\ncapacity_loss = 1.5\nprobability = 0.1\n'
                   '[[policy]]\nsetting = "mode"\nvalue = "together"\n', encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_model(bad)
    lines = [str(p) for p in err.value.problems]
    assert any("sheet disruptions, row 1, column mineral" in ln for ln in lines)
    assert any("row 1, column capacity_loss" in ln and "between 0 and 1" in ln for ln in lines)
    assert any("sheet policy, row 1, column value" in ln for ln in lines)
    assert all(ln.startswith(str(bad)) for ln in lines)


def test_default_model_loads_real_events_and_generated_scenarios():
    from toolkit.io.inputs import DEFAULT_MODEL

    chain = load_model(DEFAULT_MODEL)
    dis = chain.disruptions
    assert {"2023-08-01", "2023-12-01", "2024-12-03", "2025-04-04", "2025-02-22",
            "2020-01-01"} <= set(dis["date"])
    assert (dis["source"] != "").all()
    top = dis[dis["scenario"] == "top_country_loss:refine"]
    assert top.loc[top["mineral"] == "cobalt", "country"].tolist() == ["CHN"]
    assert "ROW" not in set(top["country"])
    assert [c.name for c in resolve_cases(chain)] == [
        "baseline", "CRMA 65 % cap", "China cap 60 % + joint stockpile",
        "Glide path to 2035 + joint investment"]
    assert {c.mode for c in resolve_cases(chain)} == {"independent", "joint"}


def test_solver_failures_are_not_reported_as_infeasible_policies():
    from toolkit.results import combined_status

    assert combined_status(["optimal", "optimal"]) == "optimal"
    assert combined_status(["optimal", "infeasible"]) == "infeasible"
    assert combined_status(["infeasible", "time_limit", "optimal"]) == "time_limit"
