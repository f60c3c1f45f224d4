"""The brief reads as advice: no setting ids, internal scenario names, absolute paths or
seconds-precise times; no finding that states no change; caveats next to findings; the
mineral that makes a cap impossible named.  (The default model's brief is scanned the
same way in tests/test_reports_real.py.)"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.fixtures import report_bundle as fx
from toolkit.reports import words, write_reports
from toolkit.reports.findings import findings, tables_of
from toolkit.reports.provenance import shown_path
from toolkit.schema import SETTINGS

SETTING_IDS = re.compile(r"\b(" + "|".join(s.name for s in SETTINGS if "_" in s.name)
                         + r")\b")
SCENARIO_IDS = re.compile(r"\btop_country_loss\b")
# mineral ids with an underscore (the embedded dataset's: rare_earths), shown in words
MINERAL_IDS = re.compile(r"\b(" + "|".join(
    m for m in pd.read_csv(Path(__file__).parents[1] / "datasets" / "minerals.csv")["mineral"]
    if "_" in m) + r")\b")
# "26% to 26%" (a finding that states no change); a step of a longer path
# ("18% → 20% → 20%" over three years) is not one
NO_CHANGE = re.compile(r"(?<![\d.])(?<!→ )(\d+(?:\.\d+)?) ?% (?:to|→) \1 ?%(?! →)")
SECONDS = re.compile(r"\d{2}:\d{2}:\d{2}|\d+\.\d{3,} ?s\b")


def text_of(page: str) -> str:
    """The brief's visible text (no markup, no embedded images, no CSS)."""
    page = re.sub(r"<style.*?</style>|data:image/png;base64,[A-Za-z0-9+/=]+", "", page,
                  flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def problems(page: str, *paths: Path) -> list[str]:
    """Every internal id, absolute path, no-change statement or raw time in ``page``."""
    text = text_of(page)
    found = [m.group(0) for pattern in (SETTING_IDS, SCENARIO_IDS, MINERAL_IDS, NO_CHANGE,
                                        SECONDS)
             for m in pattern.finditer(text)]
    return found + [str(p) for p in paths if str(p) in text]


def _hostile_bundle(tmp_path: Path) -> dict:
    """The fixture with a generated scenario, a China-cap diagnosis, an absolute input
    path and an equal worst-served share before and after cooperation."""
    bundle = fx.bundle()
    base, strict = bundle["result"]["cases"]
    for row in base["scenarios"]:
        row["scenario"] = "top_country_loss:refine"
    base["cooperation"]["joint_worst_served_share"] = 0.3125  # = independent: no change
    strict["diagnosis"] = {"messages": ["refine, cobalt, GBR: max_china_share 30 %: "
                                        "supply from outside CHN 4100 t < 6000 t needed"],
                           "rows": [{"setting": "max_china_share"}]}
    bundle["input_path"] = str(tmp_path / "inputs" / "model.toml")
    bundle["run_seconds"] = 12.3456
    bundle["run_timestamp"] = "2026-01-15T10:30:17+00:00"
    return bundle


def test_brief_has_no_ids_paths_no_change_or_raw_times(tmp_path):
    write_reports(_hostile_bundle(tmp_path), tmp_path, "r")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert problems(page, tmp_path) == []
    text = text_of(page)
    assert "loss of the largest refiner" in text
    assert "run time: 12 s" in text and "Run 15 Jan 2026, 10:30 UTC" in text


def test_workbook_names_generated_scenarios_in_words(tmp_path):
    import openpyxl

    write_reports(_hostile_bundle(tmp_path), tmp_path, "r")
    cells = [str(c.value) for ws in openpyxl.load_workbook(tmp_path / "r.xlsx").worksheets
             for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert [c for c in cells if SCENARIO_IDS.search(c)] == []
    assert "loss of the largest refiner" in cells  # the Disruptions sheet's rows


def test_brief_scan_catches_what_it_looks_for():
    bad = "<p>max_china_share binds; top_country_loss:mine; from 26% to 26%; 10:30:17</p>"
    assert len(problems(bad)) == 4
    assert problems("<p>17% → 7% at mine; 18% → 20% → 20% at refine</p>") == []


def test_no_change_clause_dropped_from_cooperation_finding(tmp_path):
    lines = findings(tables_of(_hostile_bundle(tmp_path)))
    coop = next(line for line in lines if line.startswith("Planning jointly"))
    assert "worst scenario" not in coop and "31% to 31%" not in coop


def test_glossary_and_caveat_next_to_its_finding(tmp_path):
    write_reports(fx.bundle(), tmp_path, "r")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    terms = page[page.index('<div class="terms">'):]
    for term in ("HHI", "CVaR"):
        assert f"<dt>{term}</dt>" in terms
    assert page.index('<div class="terms">') < page.index("<h2>Headline numbers</h2>")


def test_mineral_that_blocks_a_cap_is_named(tmp_path):
    bundle = fx.bundle()
    pareto = bundle["result"]["cases"][0]["pareto"]
    pareto += [{"case": "baseline", "sweep": "china_share", "epsilon": 0.2,
                "mineral": "cobalt", "objective_usd": None, "status": "infeasible"},
               {"case": "baseline", "sweep": "china_share", "epsilon": 0.2,
                "mineral": "lithium", "objective_usd": 10.0, "status": "optimal"}]
    for p in pareto:
        p.setdefault("mineral", "all")
    write_reports(bundle, tmp_path, "r")
    text = text_of((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert "China share cap 20%: cannot be met (because of cobalt)" in text
    lines = findings(tables_of(bundle))
    assert any("below 40% no feasible plan exists (cobalt cannot meet it)" in line
               for line in lines)


def test_each_run_of_caps_names_its_own_blocking_minerals(tmp_path):
    """Caps blocked by different minerals are not lumped together: '20%: cannot be met
    (because of cobalt); 10%, 0% (because of cobalt and lithium)'."""
    bundle = fx.bundle()
    pareto = bundle["result"]["cases"][0]["pareto"]
    pareto[:] = [p for p in pareto if p.get("sweep") != "china_share" or p["epsilon"] > 0.25]
    for eps, failed in ((0.2, ["cobalt"]), (0.1, ["cobalt", "lithium"]),
                        (0.0, ["cobalt", "lithium"])):
        pareto.append({"case": "baseline", "sweep": "china_share", "epsilon": eps,
                       "mineral": "all", "objective_usd": None, "status": "infeasible"})
        pareto += [{"case": "baseline", "sweep": "china_share", "epsilon": eps, "mineral": m,
                    "objective_usd": None if m in failed else 10.0,
                    "status": "infeasible" if m in failed else "optimal"}
                   for m in ("cobalt", "lithium")]
    write_reports(bundle, tmp_path, "r")
    text = " ".join(text_of((tmp_path / "r.html").read_text(encoding="utf-8")).split())
    assert ("China share cap 20%: cannot be met (because of cobalt); 10%, 0% (because of "
            "cobalt and lithium).") in text


@pytest.mark.parametrize(("name", "shown"), [
    ("top_country_loss:manufacture", "loss of the largest manufacturer"),
    ("top_country_loss:mine", "loss of the largest mining country"),
    ("DRC cobalt export suspension", "DRC cobalt export suspension")])
def test_scenario_words(name, shown):
    assert words.scenario(name) == shown


def test_setting_and_status_words():
    assert words.setting("max_china_share") == "the cap on China's share"
    assert words.plain("gallium: max_china_share 65 %") == "gallium: cap on China's share 65 %"
    assert words.status("optimal") == "can be met"
    assert words.status("time_limit") == "cannot be met (time limit)"


@pytest.mark.parametrize(("seconds", "shown"), [
    (0.44, "0.4 s"), (12.5, "12 s"), (185.2, "3 min 5 s"), (3725, "1 h 2 min")])
def test_duration_rounded(seconds, shown):
    assert words.duration(seconds) == shown


def test_no_absolute_paths_in_provenance(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert shown_path(tmp_path / "in" / "m.toml") == str(Path("in") / "m.toml")
    assert shown_path("/somewhere/else/m.toml") == "m.toml"
    assert shown_path("models/m.toml") == "models/m.toml"


def test_plain_keeps_the_english_word_capacity():
    # "capacity" is a diagnosis id too; inside a sentence it must stay the English word
    from toolkit.reports.words import plain
    assert plain("cannot be met with today's capacity") == \
        "cannot be met with today's capacity"
    assert plain("max_china_share binds") == "cap on China's share binds"


@pytest.mark.parametrize("description, input_path, shown", [
    ("UK-Japan magnets study", None, "UK-Japan magnets study"),
    ("", "inputs/my_inputs.xlsx", "my_inputs"),
    ("", None, None),
])
def test_titles_say_what_the_run_is_about_not_the_model_id(tmp_path, description,
                                                           input_path, shown):
    """The brief's and workbook's titles carry the model's description, else the input
    file's name; the default model's id (the output stem) is never a title."""
    import openpyxl

    bundle = fx.bundle()
    bundle["chain"].meta["description"] = description
    bundle["input_path"] = input_path
    stem = "my_inputs" if input_path else "uk_japan_default"
    write_reports(bundle, tmp_path, stem)
    page = (tmp_path / f"{stem}.html").read_text(encoding="utf-8")
    tab = re.search(r"<title>(.*?)</title>", page).group(1)
    summary = openpyxl.load_workbook(tmp_path / f"{stem}.xlsx")["Summary"]["A1"].value
    brief_title = "Critical minerals: sourcing options for the UK and Japan"
    book_title = "Critical-mineral sourcing report"
    if shown is None:
        assert (html.unescape(tab), summary) == (brief_title, book_title)
        assert "uk_japan_default" not in text_of(page)
    else:
        assert html.unescape(tab) == f"{brief_title} — {shown}"
        assert summary == f"{book_title} — {shown}"
        assert f'<div class="subtitle">{html.escape(shown)}</div>' in page


def test_bids_name_countries_and_sources_show_no_ids(tmp_path):
    """The brief's bids table names the country a tonne is bid from in words, and its
    Sources table lists titles, not the datasets' source ids."""
    from toolkit.reports.brief_market import _bids

    bundle = fx.bundle()
    t = tables_of(bundle)
    names = dict(zip(bundle["chain"].countries["country"], bundle["chain"].countries["name"],
                     strict=True))
    code = next(iter(names))
    bids = pd.DataFrame([{"case": "base", "buyer": "GBR", "mineral": "cobalt",
                          "stage": "refine", "country": code, "country_name": names[code],
                          "bid_t": 10.0, "bid_premium": 0.2, "unit_cost_usd_per_t": 100.0,
                          "bid_cost_usd": 200.0}])
    from dataclasses import replace

    page = _bids(replace(t, bids=bids))
    cells = re.findall(r"<td[^>]*>(.*?)</td>", page)
    assert html.escape(names[code]) in cells and code not in cells
    from toolkit.io.inputs import load_default
    from toolkit.reports.brief import _sources
    from toolkit.reports.provenance import sources

    embedded = {"chain": load_default()}
    listed = sources(embedded)
    shown = text_of(_sources(embedded))
    assert len(listed) > 20
    assert [i for i in listed["source_id"] if re.search(rf"\b{re.escape(i)}\b", shown)] == []
    titles = [html.unescape(m) for m in re.findall(r"<tr><td[^>]*>(.*?)(?: <a |</td>)",
                                                   _sources(embedded))]
    assert titles == sorted(titles, key=str.casefold) and len(titles) == len(listed)


def test_a_free_cut_in_chinas_share_says_why_it_is_free():
    """The largest cut in China's share, at a stage where every supplier has one unit
    cost, says that the move costs nothing and what decides it; elsewhere it does not."""
    from dataclasses import replace

    t = tables_of(fx.bundle())
    line = next(x for x in findings(t) if x.startswith("Largest cut"))
    assert "costs nothing in contracts" not in line
    sel = t.china.dropna(subset=["change_pp"]).sort_values(
        ["change_pp", "buyer", "mineral", "stage"], kind="stable").iloc[0]
    free = replace(t, same_cost=frozenset({(sel["mineral"], sel["stage"])}))
    line = next(x for x in findings(free) if x.startswith("Largest cut"))
    assert (f"(every {sel['stage']} supplier of {words.mineral(sel['mineral'])} has the same "
            "unit cost in the data, so the move costs nothing in contracts") in line


def test_every_diagnosis_line_is_a_plain_sentence_in_the_workbook(tmp_path):
    """Each problem of a case that cannot be met reads in words (no setting ids) in the
    workbook's Summary as in the brief, not only the first; a message with no known
    sentence is kept as it is."""
    import openpyxl

    from toolkit.reports import plain

    rows = [{"setting": "max_china_share", "value": 0.3, "stage": "refine",
             "mineral": "cobalt", "buyer": "GBR", "needed_t": 6000.0, "available_t": 4100.0,
             "gap_t": 1900.0},
            {"setting": "max_country_share", "value": 0.65, "stage": "refine",
             "mineral": "gallium", "buyer": "JPN", "country": "CHN", "needed_t": 35.0,
             "available_t": 9.0, "gap_t": 26.0}]
    lines = ["refine, cobalt, GBR: max_china_share 30 %: ...",
             "refine, gallium, JPN: max_country_share 65 %: ..."]
    said = plain.diagnosis(lines, rows)
    assert said[1] == ("Japan's gallium at the refine stage: taking at most 65% from any one "
                       "country needs 35.0 t from outside China, but only 9.00 t can be had "
                       "(26.0 t short)")
    assert plain.diagnosis(lines, rows[:1])[1] == lines[1]  # rows do not match: as given
    bundle = fx.bundle()
    bundle["result"]["cases"][1]["diagnosis"] = {"messages": lines, "rows": rows}
    write_reports(bundle, tmp_path, "r")
    cells = [str(c.value) for row in openpyxl.load_workbook(tmp_path / "r.xlsx")["Summary"]
             .iter_rows() for c in row if c.value is not None]
    assert any(said[0] in c for c in cells) and any(said[1] in c for c in cells)
    assert not [c for c in cells if "max_country_share" in c or "max_china_share" in c]
