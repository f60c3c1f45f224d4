"""The policy brief: one self-contained HTML file that prints well on A4.

Sections: key findings (generated from the results), headline numbers, China's share
of supply by stage per mineral, the cost of lowering China's share (Pareto curve),
disruptions, the recommended portfolio, binding constraints, method (formulas) and
sources.  Charts are PNGs embedded as data URIs; every piece of input text is escaped
(:func:`toolkit.reports.safety.esc`).
"""

from __future__ import annotations

import math

from toolkit.reports import (
    brief_market,
    brief_outlook,
    brief_portfolio,
    charts,
    data,
    plain,
    provenance,
    words,
)
from toolkit.reports.brief_portfolio import first_feasible
from toolkit.reports.findings import (
    CANNOT,
    JOINT_SPLIT_NOTE,
    Tables,
    cannot,
    findings,
    is_joint,
    pct,
    place_caveats,
    tonnes,
    usd,
)
from toolkit.reports.html import figure as _figure
from toolkit.reports.html import none as _none
from toolkit.reports.html import table_html
from toolkit.reports.outlook import buyer_words
from toolkit.reports.safety import esc
from toolkit.schema import STAGES

CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; font-size: 9.5pt;
  line-height: 1.45; color: #222; margin: 0 auto; max-width: 180mm; padding: 8mm 0; }
header { border-bottom: 3px solid #1f4e79; margin-bottom: 5mm; padding-bottom: 2mm; }
header .kicker { color: #1f4e79; font-weight: bold; letter-spacing: .08em;
  text-transform: uppercase; font-size: 8pt; }
h1 { font-size: 19pt; margin: 1mm 0 1mm; color: #1f4e79; line-height: 1.2; }
header .subtitle { font-size: 11pt; color: #333; margin: 0 0 1mm; }
header .meta { color: #666; font-size: 8pt; }
h2 { font-size: 12.5pt; color: #1f4e79; border-bottom: 1px solid #c9d6e3;
  padding-bottom: 1mm; margin: 7mm 0 2.5mm; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 10pt; margin: 4mm 0 1.5mm; break-after: avoid; }
.findings { background: #f2f6fa; border-left: 4px solid #1f4e79; padding: 3mm 5mm 3mm 3mm;
  margin: 0; }
.findings ol { margin: 0; padding-left: 6mm; }
.findings li { margin: 1.2mm 0; }
.care { background: #fdf3e7; border-left: 4px solid #c55a11; padding: 2mm 5mm 2mm 3mm;
  margin: 3mm 0 0; }
.care h3 { margin: 0 0 1mm; color: #a64b0c; }
.caveat { margin: 0.6mm 0 1.2mm; color: #a64b0c; font-size: 8.4pt; }
.terms { font-size: 8.2pt; color: #444; margin: 2mm 0 4mm; }
.terms h3 { margin: 0 0 1mm; font-size: 9pt; color: #1f4e79; }
.terms dl { margin: 0; } .terms dt { font-weight: bold; float: left; margin-right: 1.5mm; }
.terms dd { margin: 0 0 0.8mm; }
.care ul { margin: 0; padding-left: 6mm; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; margin: 1mm 0 2mm; }
th { background: #1f4e79; color: #fff; text-align: left; font-weight: bold;
  padding: 1.2mm 1.5mm; }
td { padding: 1mm 1.5mm; border-bottom: 1px solid #e3e8ee; vertical-align: top; }
tr { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
tbody tr:nth-child(even) td { background: #f8fafc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th.wrap { white-space: normal; }
.bad { color: #a61c1c; font-weight: bold; }
.ok { color: #2e6b2e; font-weight: bold; }
figure { margin: 2mm 0 3mm; break-inside: avoid; page-break-inside: avoid; }
section.keep { break-inside: avoid; page-break-inside: avoid; }
figure img { width: 100%; height: auto; display: block; }
figcaption, .note { color: #555; font-size: 7.8pt; }
.formula { font-family: "DejaVu Serif", Georgia, serif; background: #f7f7f7;
  padding: 1.5mm 3mm; margin: 1mm 0 2mm; border-radius: 1mm; }
dl.method dt { font-weight: bold; margin-top: 2.5mm; }
dl.method dd { margin: 0.5mm 0 0 0; }
footer { margin-top: 8mm; border-top: 1px solid #c9d6e3; padding-top: 2mm; color: #777;
  font-size: 7.5pt; }
.sources td { font-size: 7.5pt; overflow-wrap: anywhere; }
.w16 { width: 16%; } .w20 { width: 20%; } .w60 { width: 60%; }
.break { break-before: page; page-break-before: always; }
@media print { body { padding: 0; max-width: none; } a { color: inherit; } }
"""

DISRUPTION_ROWS = 20
TITLE = "Critical minerals: sourcing options for the UK and Japan"


def render(t: Tables, bundle: dict, name: str) -> str:
    """The brief as one HTML string (deterministic for a given bundle)."""
    body = "\n".join([
        _header(t, bundle, name), _findings(t), _headline(t), _china(t),
        brief_outlook.section(t, bundle.get("chain")), _pareto(t),
        brief_market.world_market(t), _disruptions(t), brief_portfolio.section(t), _prices(t),
        _diagnosis(t), _method(), _sources(bundle), _footer(bundle)])
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{esc(provenance.titled(TITLE, bundle, name))}</title>\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def _header(t: Tables, bundle: dict, name: str) -> str:
    cases = ", ".join(f"{esc(c.name)} ({esc(words.status(c.status))})" for c in t.cases)
    stamp = bundle.get("run_timestamp")
    run = f"Run {esc(words.when(stamp))} · " if stamp else ""
    subject = provenance.subject(bundle, name)
    sub = f'<div class="subtitle">{esc(subject)}</div>' if subject else ""
    return (f'<header><div class="kicker">Policy brief</div><h1>{esc(TITLE)}</h1>{sub}'
            f'<div class="meta">{run}Input {esc(provenance.input_name(bundle))} · '
            f"policy cases: {cases}</div></header>")


def _findings(t: Tables) -> str:
    """The key findings, each with the caveats that qualify it right under it; caveats
    that qualify no single finding in a box after them; then the terms used."""
    lines = findings(t)
    placed, loose = place_caveats(t, lines)
    items = "".join(f"<li>{esc(line)}" + "".join(
        f'<p class="caveat"><b>Read with care:</b> {esc(c)}</p>' for c in placed.get(i, []))
        + "</li>" for i, line in enumerate(lines)) or "<li>none</li>"
    care = "".join(f"<li>{esc(line)}</li>" for line in loose)
    box = (f'<div class="care"><h3>Read with care</h3><ul>{care}</ul></div>'
           if care else "")
    return (f'<h2>Key findings</h2><div class="findings"><ol>{items}</ol></div>{box}'
            + _terms())


def _terms() -> str:
    """The glossary of the few technical terms the brief keeps."""
    items = "".join(f"<dt>{esc(term)}</dt><dd>{esc(text)}</dd>"
                    for term, text in words.GLOSSARY.items())
    return f'<div class="terms"><h3>Terms used</h3><dl>{items}</dl></div>'


def _headline(t: Tables) -> str:
    header = [("Case", ""), ("Buyer", ""), ("Status", ""), ("Contract cost", "num")] + [
        (f"China {s}", "num") for s in STAGES
        if t.headline[f"china_{s}_before"].notna().any()] + [
        ("Worst served", "num")]
    stages = [s for s in STAGES if t.headline[f"china_{s}_before"].notna().any()]
    rows = [[esc(r.case), esc(buyer_words(r.buyer) if r.buyer else "all"), _status(r.status),
             esc(_cost(r))]
            + [f"{pct(getattr(r, f'china_{s}_before'))} → "
               f"{pct(getattr(r, f'china_{s}_after'))}" for s in stages]
            + [esc(pct(r.worst_served_share))] for r in t.headline.itertuples()]
    note = ("China shares: unweighted mean over the buyer's minerals, today's world mix "
            "(pro-rata to capacity) → recommended plan. Contract cost: tonnes × unit cost "
            f"of each node, or “{CANNOT}” for a case whose plan is partial. Worst served: "
            "lowest share of the buyer's demand served in any scenario.")
    if any(is_joint(c) for c in t.cases):
        note += " Per-buyer rows of a joint case: " + JOINT_SPLIT_NOTE
    return "<h2>Headline numbers</h2>" + table_html(header, rows, esc(note))


def _cost(row) -> str:
    return usd(row.cost_usd) if row.status == "optimal" else cannot(row.status)


def _status(status: str) -> str:
    cls = "ok" if status == "optimal" else "bad"
    return f'<span class="{cls}">{esc(words.status(status))}</span>'


def _china(t: Tables) -> str:
    world = charts.china_share_chart(t.latest, "China's share of world supply, by stage")
    first = first_feasible(t)
    plan = charts.before_after_chart(t.headline, first) if first else None
    return ('<section class="keep"><h2>Where China sits in each supply chain</h2>'
            + _figure(world, "China's share by stage per mineral",
                      "Share of world capacity (latest data year) located in China, per "
                      "mineral and stage; dashed line: the EU Critical Raw Materials Act "
                      "benchmark of at most 65% from any single third country.") + "</section>"
            + (_figure(plan, "China share before and after",
                       "Mean over minerals of China's share of each buyer's supply at "
                       "each stage.") if plan else ""))


def _pareto(t: Tables) -> str:
    png = charts.pareto_chart(t.pareto, t.pareto_minerals, t.pareto_kept)
    head = "<h2>What lowering China's share costs</h2>"
    if png is None:
        return head + _none("no Pareto sweep in the results")
    return head + _figure(png, "Pareto frontier",
                          "Extra annual cost of the cheapest plan (ε-constraint sweep) over the "
                          "loosest cap, per policy case, summed over the minerals that can "
                          "meet the first cap below the loosest" + esc(_left_out(t)) + "; a "
                          "line stops where one of them can no longer meet the cap (× on the "
                          f"axis: {CANNOT}). " + esc(_pareto_gaps(t))
                          + "Totals in the workbook (sheets Pareto and “Pareto, cap can "
                          "be met”).")


def _left_out(t: Tables) -> str:
    """' (left out where they cannot meet it: gallium)': every mineral some case's or
    sweep's curve leaves out (each case's own list in the workbook, sheet Pareto)."""
    kept = t.pareto_kept
    names = sorted({m for v in kept["left_out"].astype(str) for m in v.split(", ") if m})
    return f" (left out where they cannot meet it: {words.listing(names)})" if names else ""


def _pareto_gaps(t: Tables) -> str:
    """One sentence per case and sweep listing the caps that cannot be met, each run of
    caps with the minerals that block it (the blocking minerals differ from cap to cap)."""
    bad = t.pareto[t.pareto["feasible_cost_usd"].isna()]
    out = []
    for (case, sweep), pts in bad.groupby(["case", "sweep"], sort=False):
        fmt = (lambda e: pct(e)) if sweep == "china_share" else (lambda e: pct(e, 2))
        what = "China share" if sweep == "china_share" else "expected shortfall"
        runs = _runs([(e, _blocking(t, case, sweep, e))
                      for e in sorted(pts["epsilon"], reverse=True)])
        parts = [(", ".join(fmt(e) for e in caps), f" (because of {why})" if why else "")
                 for caps, why in runs]
        (caps, why), later = parts[0], parts[1:]
        out.append(f"“{case}”, {what} cap {caps}: {CANNOT}{why}"
                   + "".join(f"; {c}{w}" for c, w in later) + ". ")
    return "".join(out)


def _runs(blocked: list[tuple[float, str]]) -> list[tuple[list[float], str]]:
    """Consecutive caps with the same blocking minerals, grouped (order kept)."""
    runs: list[tuple[list[float], str]] = []
    for eps, why in blocked:
        if runs and runs[-1][1] == why:
            runs[-1][0].append(eps)
        else:
            runs.append(([eps], why))
    return runs


def _blocking(t: Tables, case: str, sweep: str, eps: float) -> str:
    """'gallium and germanium': the minerals that cannot meet the cap ``eps``."""
    m = t.pareto_minerals
    if m.empty or "mineral" not in m:
        return ""
    sel = m[(m["case"] == case) & (m["sweep"] == sweep) & (m["epsilon"] == eps)
            & (m["status"] != "optimal") & (m["mineral"] != "all")]
    return words.listing([words.mineral(m) for m in sorted(set(sel["mineral"].astype(str)))])


def _disruptions(t: Tables) -> str:
    first = first_feasible(t)
    sel = t.scenarios[t.scenarios["case"] == first] if first else t.scenarios.iloc[0:0]
    head = f"<h2>Disruptions{f' — “{esc(first)}”' if first else ''}</h2>"
    if sel.empty:
        return head + _none("none: no disruption scenario results")
    contested = brief_market.disruptions(t, first)
    if contested is not None:
        return head + contested
    hit = sel[sel["shortfall_t"].fillna(0.0) > 0].sort_values(
        ["served_share", "scenario", "buyer", "mineral"], kind="stable")
    full = len(sel) - len(hit)
    if hit.empty:
        return head + _none(f"Every buyer's demand is fully served in all {len(sel)} "
                            "scenario results.")
    header = [("Scenario", ""), ("Buyer", ""), ("Mineral", ""), ("Served", "num"),
              ("Shortfall", "num"), ("Served share", "num")]
    rows = [[esc(words.scenario(r.scenario)), esc(buyer_words(r.buyer)),
             esc(words.mineral(r.mineral)),
             esc(tonnes(r.served_t)),
             esc(tonnes(r.shortfall_t)), esc(pct(r.served_share))]
            for r in hit.head(DISRUPTION_ROWS).itertuples()]
    more = len(hit) - DISRUPTION_ROWS
    note = ("Scenario results with a shortfall, worst first"
            + (f"; {more} more in the workbook (sheet Disruptions)" if more > 0 else "")
            + (f". {full} other scenario results are fully served." if full else "."))
    if any(is_joint(c) for c in t.cases if c.name == first):
        note += " " + JOINT_SPLIT_NOTE
    return head + table_html(header, rows, esc(note))


def _prices(t: Tables, top: int = 12) -> str:
    sel = data.binding_prices(t.prices)
    head = "<h2>What each binding constraint costs</h2>"
    if sel.empty:
        return head + _none("none: no binding constraint with a price")
    header = [("Case", ""), ("Rule", ""), ("Stage", ""), ("Mineral", ""), ("Buyer", ""),
              ("Saved by one point (USD a year)", "num wrap"),
              ("Marginal rate (USD a year per point)", "num wrap")]
    rows = [[esc(r.case), esc(_rule(r)), esc(r.stage), esc(words.mineral(r.mineral)),
             esc(plain.who(str(r.buyer))), f"{r.saving_usd:,.0f}", f"{abs(r.usd_per_pp):,.0f}"]
            for r in sel.head(top).itertuples()]
    return head + table_html(header, rows, "Saved by one point: the annual cost saved by "
                             "relaxing the constraint by one percentage point of the buyer's "
                             "demand, re-solved. Marginal rate: the shadow price, the rate at "
                             "which the first tonnes freed save; it is larger where the "
                             "cheaper supply runs out within the point (the whole point then "
                             "saves less).")


def _rule(row) -> str:
    """'caps on single countries' shares: China' (the binding countries named), or
    'exclusion of North Korea' (a cap of 0)."""
    if row.country_names and row.exclusion:
        return f"exclusion of {row.country_names}"
    rule = words.setting(row.setting).removeprefix("the ")
    return f"{rule}: {row.country_names}" if row.country_names else rule


def _diagnosis(t: Tables) -> str:
    bad = [c for c in t.cases if c.status != "optimal"]
    if not bad:
        return ""
    items = "".join(f"<li><b>{esc(c.name)}</b> ({esc(words.status(c.status))}): "
                    + ("; ".join(esc(x) for x in _reasons(c)) or "no diagnosis")
                    + "</li>" for c in bad)
    return f"<h2>Policies that cannot be met</h2><ul>{items}</ul>"


def _reasons(case) -> list[str]:
    """The case's problems in plain words (technical lines put in words where no plain
    sentence is known)."""
    rows, lines = data.diagnosis_rows(case), data.diagnosis_lines(case)
    plain_rows = [plain.reason(r) for r in rows]
    if rows and all(plain_rows):
        return plain_rows
    return [words.plain(line) for line in lines]


def _method() -> str:
    from toolkit.reports.method import METHOD_HTML

    return METHOD_HTML


def _sources(bundle: dict) -> str:
    table = provenance.sources(bundle)
    # the source ids (datasets' keys) stay in the workbook's Sources sheet, not here
    header = [("Title and publisher", "w60"), ("Edition", "w20"), ("Licence", "w20")]
    cited = sorted(table.itertuples(), key=lambda r: _join(r.title, r.publisher).casefold())
    rows = [[esc(_join(r.title, r.publisher)) + _link(r.url), esc(_blank(r.edition)),
             esc(_blank(r.licence))] for r in cited]
    body = table_html(header, rows) if rows else _none()
    return f'<h2>Sources</h2><div class="sources">{body}</div>'


def _blank(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else str(value)


def _join(title: object, publisher: object) -> str:
    return ", ".join(x for x in (_blank(title), _blank(publisher)) if x)


def _link(url: object) -> str:
    url = _blank(url)
    if not url.startswith(("https://", "http://")):
        return ""
    return f' <a href="{esc(url)}">{esc(url)}</a>'


def _footer(bundle: dict) -> str:
    facts = provenance.run_facts(bundle)
    text = " · ".join(f"{esc(FACT_WORDS.get(r.item, r.item))}: {esc(_fact(r.item, r.value))}"
                      for r in facts.itertuples() if _blank(r.value))
    return f"<footer>{text}</footer>"


FACT_WORDS = {"toolkit_version": "toolkit", "solver_version": "solver version",
              "input_file": "input", "input_path": "input path", "input_sha256": "SHA-256",
              "data_source": "data", "run_timestamp": "run", "run_seconds": "run time"}


def _fact(item: str, value: object) -> str:
    """A run fact as shown: times rounded, never an absolute path."""
    if item == "run_timestamp":
        return words.when(value)
    if item == "run_seconds":
        return words.duration(value)
    return _blank(value)
