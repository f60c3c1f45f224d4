"""Reports of a sweep: JSON, a CSV of every world, an Excel workbook and an HTML page.

Reads the sweep's summary (:func:`toolkit.sweep.summary.summarise`) and its table of
worlds only.  The four files are written to temporary files and renamed together
(:func:`toolkit.reports._write_all`), so a failed sweep never leaves a half-written set.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook

from toolkit.reports import _write_all
from toolkit.reports.excel_report import workbook_bytes
from toolkit.reports.excel_tables import TITLE_FONT, table_sheet, title
from toolkit.reports.html import figure, table_html
from toolkit.reports.provenance import run_time, shown_path, with_subject
from toolkit.reports.safety import esc
from toolkit.reports.sweep_charts import axis_text, cost_chart, tornado_chart
from toolkit.reports.words import pct, usd, when

STATS = ("mean", "p5", "p50", "p95", "cvar")


def write_sweep_reports(summary: dict, worlds: pd.DataFrame, meta: dict, out_dir: Path,
                        name: str) -> list[Path]:
    """Write ``<name>_sweep.json``, ``.csv``, ``.xlsx`` and ``.html`` into ``out_dir``."""
    stem = f"{name}_sweep"
    doc = {**meta, **summary}
    steps = [
        ("json", "sweep: writing JSON", lambda p: p.write_text(
            json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False,
                       default=_plain) + "\n", encoding="utf-8")),
        ("csv", "sweep: writing worlds", lambda p: worlds.to_csv(p, index=False,
                                                                   lineterminator="\n")),
        ("xlsx", "sweep: writing workbook", lambda p: p.write_bytes(
            workbook_bytes(build_workbook(summary, worlds, meta), run_time(meta)))),
        ("html", "sweep: writing page", lambda p: p.write_text(
            render(summary, worlds, meta), encoding="utf-8", newline="\n")),
    ]
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    return _write_all(Path(out_dir), stem, steps, False, lambda _m: None)


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


# ----------------------------------------------------------------------------- tables


def distribution_table(summary: dict) -> pd.DataFrame:
    """One row per case and output: mean, P5, P50, P95 and CVaR."""
    rows = []
    for c in summary["cases"]:
        outputs = [(cost_label(c["met_share"]), "cost_usd", c["cost_usd"]),
                   ("worst served share", "served_share", c["served_share"])]
        outputs += [(f"China's share at {s}", f"china_share_{s}", c["china_share"][s])
                    for s in ("mine", "refine", "manufacture")]
        for label, key, d in outputs:
            rows.append({"case": c["case"], "output": label, "key": key, "worlds": d["n"],
                         **{k: d[k] for k in STATS}})
    return pd.DataFrame(rows)


def cost_label(met_share: float | None) -> str:
    """What a case's cost distribution covers: whole plans where the case can be met in
    every world, else (partly or only) the minerals that can be met."""
    met_share = met_share or 0.0
    if met_share >= 1.0:
        return "annual cost, USD"
    if met_share <= 0.0:
        return "annual cost of the minerals that can be met, USD (never all)"
    return "annual cost, USD (where not met: of the minerals that can be)"


def cases_table(summary: dict) -> pd.DataFrame:
    """One row per case: how often it can be met and meets its served floor."""
    return pd.DataFrame([{
        "case": c["case"], "mode": c["mode"], "worlds": c["worlds"],
        "met_share": c["met_share"], "floor_share": c["floor"],
        "floor_set_by": "the case" if c["floor_from_case"] else "the sweep (--floor)",
        "meets_floor_share": c["meets_floor_share"],
        "minerals_not_met": ", ".join(f"{m} ({n})" for m, n in c["minerals_not_met"].items()),
    } for c in summary["cases"]])


def sensitivity_table(summary: dict) -> pd.DataFrame:
    """Ranked inputs per case and output: swing, SRC, S1 and the fit's R²."""
    rows = []
    for c in summary["cases"]:
        for output, result in c["sensitivity"].items():
            for r in result["rows"]:
                rows.append({"case": c["case"], "output": output, "rank": r["rank"],
                             "input": r["label"], "input_low": r["low_value"],
                             "input_high": r["high_value"], "output_when_low": r["y_low"],
                             "output_when_high": r["y_high"], "swing": r["swing"],
                             "src": r["src"], "s1": r["s1"], "r2": result["r2"]})
    return pd.DataFrame(rows)


def inputs_table(summary: dict) -> pd.DataFrame:
    """The uncertain inputs and their distributions."""
    return pd.DataFrame([{k: v for k, v in r.items() if k != "input"}
                         for r in summary["inputs"]])


def build_workbook(summary: dict, worlds: pd.DataFrame, meta: dict) -> Workbook:
    """Sheets Summary, Distributions, Sensitivity, Inputs and Worlds."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Summary"
    title(ws, "Sampled disruptions: the policy cases across the sampled worlds", 1, TITLE_FONT)
    lines = [f"{summary['samples']:,} worlds, seed {summary['seed']}, CVaR level "
             f"{summary['alpha']:g}, {summary['workers']}", *findings(summary)]
    for i, line in enumerate(lines, start=3):
        ws.cell(i, 1, line)
    table_sheet(wb, "Cases", cases_table(summary))
    table_sheet(wb, "Distributions", distribution_table(summary).drop(columns="key"))
    table_sheet(wb, "Sensitivity", sensitivity_table(summary))
    table_sheet(wb, "Inputs", inputs_table(summary))
    table_sheet(wb, "Worlds", worlds)
    return wb


# ------------------------------------------------------------------------------ words


def findings(summary: dict) -> list[str]:
    """Plain-words findings, one or two per case."""
    n = summary["samples"]
    lines = []
    for c in summary["cases"]:
        cost, served = c["cost_usd"], c["served_share"]
        if not c["met_share"]:
            worst = ", ".join(c["minerals_not_met"]) or "some mineral"
            lines.append(f"{c['case']}: cannot be met in any of the {n:,} worlds "
                         f"(not met for {worst}).")
            continue
        floor = pct(c["floor"])
        who = "its own floor" if c["floor_from_case"] else "a reference floor; the case sets none"
        lines.append(
            f"{c['case']}: can be met in {pct(c['met_share'])} of the {n:,} worlds; where "
            f"it can, it costs {usd(cost['mean'])} a year on average (5th to 95th "
            f"percentile {usd(cost['p5'])} to {usd(cost['p95'])}; mean of the worst "
            f"{pct(1 - summary['alpha'])} of worlds {usd(cost['cvar'])}). It keeps at least "
            f"{floor} of demand served in every disruption in {pct(c['meets_floor_share'])} "
            f"of the worlds ({floor} is {who}); the worst served share is "
            f"{pct(served['p50'])} in the median world.")
        top = c["sensitivity"]["cost_usd"]["rows"][:1]
        if top:
            r = top[0]
            lines.append(f"{c['case']}: the input that moves its cost most is the "
                         f"{r['label']}: {usd(r['y_low'])} a year when it is in its lowest "
                         f"tenth, {usd(r['y_high'])} in its highest.")
    for name in summary.get("skipped_cases") or []:
        lines.append(f"{name}: not swept (it has several modelled years or projects to "
                     "back; the sweep solves single-year cases only).")
    return lines


# ------------------------------------------------------------------------------- page

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 9.5pt; line-height: 1.45;
  color: #222; margin: 0 auto; max-width: 180mm; padding: 8mm 0; }
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
h1 { font-size: 17pt; color: #1f4e79; } h2 { font-size: 12pt; color: #1f4e79;
  border-bottom: 1px solid #c9d6e3; break-after: avoid; }
h3 { font-size: 10pt; margin: 4mm 0 1mm; break-after: avoid; page-break-after: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; margin: 1mm 0 2mm; }
th { background: #1f4e79; color: #fff; text-align: left; padding: 1.2mm 1.5mm; }
td { padding: 1mm 1.5mm; border-bottom: 1px solid #e3e8ee; vertical-align: top; }
td.num, th.num { text-align: right; white-space: nowrap; }
tr, figure { break-inside: avoid; page-break-inside: avoid; }
figure { margin: 2mm 0 3mm; } figure img { width: 100%; height: auto; }
figcaption, .note { color: #555; font-size: 7.8pt; }
.findings { background: #f2f6fa; border-left: 4px solid #1f4e79; padding: 3mm 5mm 3mm 3mm; }
.care { background: #fdf3e7; border-left: 4px solid #c55a11; padding: 2mm 5mm 2mm 3mm; }
"""


def render(summary: dict, worlds: pd.DataFrame, meta: dict) -> str:
    """The sweep page as one self-contained HTML string."""
    body = "\n".join([_header(summary, meta), _findings(summary),
                      _distributions(summary), _cost_figure(summary, worlds),
                      _sensitivity(summary), _inputs(summary), _method(summary)])
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{esc(with_subject('Sampled disruptions', meta.get('about')))}</title>\n"
            f"<style>{CSS}</style>\n"
            f"</head>\n<body>\n{body}\n</body>\n</html>\n")


def _header(summary: dict, meta: dict) -> str:
    title = with_subject("Sampled disruptions: how the policy cases hold up",
                         meta.get("about"))
    return (f"<h1>{esc(title)}</h1>"
            f'<p class="note">{summary["samples"]:,} sampled worlds · seed '
            f'{summary["seed"]} · input {esc(shown_path(meta.get("input", "")))} · run '
            f'{esc(when(meta.get("run_timestamp", "")))} · {esc(summary["workers"])}</p>')


def _findings(summary: dict) -> str:
    items = "".join(f"<li>{esc(line)}</li>" for line in findings(summary))
    care = ("Each world is one possible set of the uncertain inputs below (the size of "
            "each export restriction, bid premiums, demand growth, spot share); the plan "
            "is re-optimised for that world. The spread shows how much each case's answer "
            "depends on what we assume, not how a fixed plan fares from year to year. "
            "Restriction probabilities are fixed per row (see Inputs); every distribution "
            "marked ASSUMPTION in its source is one.")
    return (f'<h2>Key findings</h2><div class="findings"><ol>{items}</ol></div>'
            f'<div class="care"><b>Read with care.</b> {esc(care)}</div>')


def _distributions(summary: dict) -> str:
    head = [("Case", ""), ("Output", ""), ("Mean", "num"), ("5th pct", "num"),
            ("Median", "num"), ("95th pct", "num"), (f"Worst {pct(1 - summary['alpha'])}",
                                                     "num")]
    rows = []
    for r in distribution_table(summary).itertuples():
        unit = "usd" if r.key == "cost_usd" else "share"
        rows.append([esc(r.case), esc(r.output)] + [
            esc(axis_text(getattr(r, k), unit)) for k in STATS])
    cases = [[esc(r.case), esc(pct(r.met_share)), esc(pct(r.floor_share)),
              esc(r.floor_set_by), esc(pct(r.meets_floor_share))]
             for r in cases_table(summary).itertuples()]
    note = ("Cost: the case's annual cost in USD where every mineral can be met (else the "
            "cost of the minerals that can be). Worst served share: the lowest share of "
            "the UK and Japan's combined demand served in any disruption, any mineral. "
            "China's share: of the UK and Japan's supply at the stage, unweighted mean over "
            "minerals. 'Worst' column: mean of the worst worlds (CVaR): highest cost or "
            "China share, lowest served share.")
    return ("<h2>Across the worlds</h2>" + table_html(
        [("Case", ""), ("Can be met", "num"), ("Served floor", "num"), ("Floor set by", ""),
         ("Meets floor", "num")], cases, "Share of the sampled worlds.")
            + table_html(head, rows, esc(note)))


def _cost_figure(summary: dict, worlds: pd.DataFrame) -> str:
    costs = {c["case"]: worlds.loc[(worlds["case"] == c["case"]) & worlds["met"],
                                   "cost_usd"].to_numpy(dtype=float)
             for c in summary["cases"]}
    return figure(cost_chart(costs), "cost distribution",
                  "Number of worlds by annual cost (USD bn), worlds where the case can be met.")


FEW_PER_TENTH = 10  # worlds in a tenth below which its mean is one or two worlds' noise


def _sensitivity(summary: dict) -> str:
    parts = ["<h2>Which inputs matter</h2>"]
    tenth = int(summary["samples"]) // 10
    if tenth < FEW_PER_TENTH:
        parts.append(f'<p class="note">Read with care: with {summary["samples"]:,} worlds '
                     f"each tenth holds {tenth} world{'s' if tenth != 1 else ''}, so the "
                     "low and high ends below mostly show which worlds fell there, not the "
                     "input's effect (the other inputs differ between them too); the SRC "
                     "sign is the steadier guide. Sample at least 100 worlds for the "
                     "ranking.</p>")
    for c in summary["cases"]:
        cost = "annual cost" if (c["met_share"] or 0.0) > 0 else \
            "annual cost of the minerals that can be met"
        for output, unit, what in (("cost_usd", "usd", cost),
                                   ("served_share", "share", "worst served share")):
            result = c["sensitivity"][output]
            parts.append(f"<h3>{esc(c['case'])}: {esc(what)}</h3>")
            if not result["rows"]:
                parts.append(f'<p class="note">{esc(c["case"])}, {what}: no ranking '
                             f'({esc(result["note"])}).</p>')
                continue
            centre = c[output]["mean"]
            parts.append(figure(tornado_chart(result["rows"], centre,
                                              f"{c['case']}: {what}", unit),
                                f"tornado {c['case']} {what}",
                                esc(f"Mean {what} where each input is in its lowest tenth "
                                    "of the worlds (one end of the bar) and in its highest "
                                    "tenth (the other). Orange: the output rises with the "
                                    "input; blue: it falls. Dashed line: mean over all "
                                    "worlds.")))
            parts.append(table_html(
                [("Input", ""), ("Low → high", "num"), ("Swing", "num"), ("SRC", "num"),
                 ("S1", "num")],
                [[esc(r["label"]), esc(f"{axis_text(r['y_low'], unit)} → "
                                       f"{axis_text(r['y_high'], unit)}"),
                  esc(axis_text(r["swing"], unit)), f"{r['src']:+.2f}",
                  s1_text(r["s1"])] for r in result["rows"]],
                esc(f"SRC: standardised regression coefficient (R² of the linear fit "
                    f"{result['r2']:.2f}); S1: first-order Sobol index (RBD-FAST), the "
                    "share of the output's variance the input explains alone; an estimate "
                    "below 0 is sampling noise around 0 and is shown as ≈ 0"
                    + (f" ({result['note']}: left blank)" if result["note"] else "")
                    + ".")))
    return "\n".join(parts)


def s1_text(s1: float | None) -> str:
    """An S1 index as shown: blank when not computed, "≈ 0" for a noisy estimate below 0
    (a share of variance is never negative; the JSON keeps the estimate)."""
    if s1 is None:
        return ""
    return "≈ 0" if s1 < 0.005 else f"{s1:.2f}"


def _inputs(summary: dict) -> str:
    rows = [[esc(r["label"]), esc(r["distribution"]),
             esc(" / ".join(f"{v:g}" for v in (r["low"], r["mode"], r["high"]))),
             esc("" if r["probability"] is None else pct(r["probability"], 1)),
             esc(r["source"])] for r in summary["inputs"]]
    return "<h2>Uncertain inputs</h2>" + table_html(
        [("Input", ""), ("Distribution", ""), ("Low / mode / high", "num"),
         ("Yearly probability", "num"), ("Source", "")], rows,
        esc("Losses and spot shares are shares (0-1); bid premiums as stated; demand "
            "growth as a change in the UK and Japan's demand (0.1 = 10 % more)."))


def _method(summary: dict) -> str:
    text = (
        f"Each world draws every input from its distribution with numpy's random "
        f"generator seeded by the sweep's seed and the world's number, so the same seed "
        f"gives the same worlds whatever the number of workers. An export restriction is "
        f"one more disruption scenario of the stated yearly probability whose capacity loss "
        f"at the country's plants is the world's draw. Demand growth scales the UK and "
        f"Japan's demand of the mineral and the rest of the world gives way by the same "
        f"tonnes (world demand stays at world output); it is solved exactly as capacities "
        f"divided by 1 + growth, with the cost multiplied back. CVaR at level "
        f"{summary['alpha']:g} is the mean "
        f"of the worst {pct(1 - summary['alpha'])} of worlds.")
    return f'<h2>Method</h2><p class="note">{esc(text)}</p>'
