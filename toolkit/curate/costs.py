"""``costs.csv``: unit cost per mineral and stage (stage-wide fallback) and per country.

Per (mineral, stage) present in production:

* one **stage-wide** row (blank ``country``): the fallback for every country without its
  own row. Best available figure first: a published or modelled figure (rare-earth
  concentrate, lithium cost curve, China's artificial-graphite export unit value), the world
  trade unit value of a one-product HS code, the USGS 2024 price of the stage's product, and
  only then the labelled single-price rule (mine = 50 % of the refined value, refined = mine
  product / 0.5, manufacture = refined value);
* **country** rows where a country-level figure exists: exporter unit values
  (:mod:`toolkit.curate.unit_values`) or the Busch et al. lithium cost curve
  (:mod:`toolkit.curate.busch`).

The loader uses a node's own country row when one exists, else the stage-wide row x
(1 + ``premium_outside_china``) outside China.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from toolkit.curate.busch import lithium_costs
from toolkit.curate.common import PRICE_YEAR, ROW, TRADE_YEAR
from toolkit.curate.content import BAUXITE_PER_AL, TI_IN_TIO2
from toolkit.curate.minerals import MINERAL_BY_ID, Mineral, _price_row
from toolkit.curate.unit_values import (
    UnitValues,
    china_code_unit_value,
    country_rows,
    read_baci_qty,
    read_china_exports,
    read_comtrade_exports,
    spec_for,
    unit_values,
    world_note,
)

# Cost-stage rule (ASSUMPTION), used only where no stage-specific figure exists:
# mine = 50 % of the refined value; refined = mine-product value / 0.5; manufacture =
# refined value (contained value only).
MINE_TO_REFINE_RATIO = 0.5
COST_COLS = ["mineral", "stage", "country", "unit_cost_usd_per_t", "premium_outside_china",
             "basis", "source_id", "note"]
STAGE_WIDE = "STAGE-WIDE (every country without its own row): "

# Mine-stage prices where USGS quotes a mine product whose basis differs from the
# refined product priced in minerals.csv: (chapter, Statistics_detail, factor, note).
MINE_PRICE_OVERRIDE: dict[str, tuple[str, str, float, str]] = {
    "aluminium": ("BAUXITE AND ALUMINA", "Price, average unit value of imports, free "
                  "alongside ship (f.a.s.), dollars per metric ton", BAUXITE_PER_AL,
                  "US bauxite import unit value USD/t gross dry weight x 4 t bauxite per t "
                  "Al equivalent (USGS rule of thumb, see content.py)"),
    "titanium": ("TITANIUM MINERAL CONCENTRATES", "Price, dollars per metric ton: Rutile, "
                 "bulk, minimum 95% TiO2, free on board (f.o.b.) Australia",
                 1.0 / 0.95 / TI_IN_TIO2,
                 "rutile (95 % TiO2) USD/t / 0.95 / 0.5993 Ti/TiO2 = USD/t Ti contained; "
                 "rutile is dearer than the ilmenite that dominates tonnage, so this "
                 "overstates the average"),
}

# Rare-earth concentrate (REO basis), hand-entered: MP Materials, fourth-quarter 2024
# results (press release of 20 Feb 2025): "the average realized price per REO metric ton
# falling 16% year-over-year to $4,717" (Mountain Pass bastnaesite concentrate, sold mostly
# to Shenghe Resources, priced off the Chinese market), as reported by Investing.com,
# "MP Materials reports mixed Q4 results amid soft realized prices", 20 Feb 2025,
# https://ng.investing.com/news/earnings/mp-materials-reports-mixed-q4-results-amid-soft-
# realized-prices-93CH-1773336 . Replaces the rule 50 % x NdPr oxide (27,500 USD/t), which
# overstated concentrate about 5.8x.
RE_CONCENTRATE_USD_PER_T_REO = 4717.0
RE_CONCENTRATE_NOTE = (
    "MP Materials Q4 2024 results (20 Feb 2025, via Investing.com): average realized price "
    "4,717 USD per t REO of Mountain Pass concentrate; ASSUMPTION: one producer's "
    "bastnaesite concentrate price (a quarter, not the year) applied to every country "
    "(ionic-clay and monazite products differ); replaces 50 % x NdPr oxide = 27,500 USD/t")

# ASSUMPTION: production outside China costs more at the manufacture stage.  Proxy:
# IEA ETP-2024 (levelised cost of production, 2023): battery manufacturing in the EU is
# about 50 % more expensive than in China.  Mine and refine stages get no flat premium:
# their country differences come from the per-country rows where they exist.
PREMIUM_OUTSIDE_CHINA = {"manufacture": 0.5}


@dataclass
class CostInputs:
    """Everything the cost rows are computed from (raw tables and per-spec results)."""

    minerals: pd.DataFrame
    full: pd.DataFrame
    raw_dir: Path
    baci: pd.DataFrame = field(init=False)
    comtrade: pd.DataFrame = field(init=False)
    china: pd.DataFrame = field(init=False)
    _uv: dict = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.baci = read_baci_qty(self.raw_dir)
        self.comtrade = read_comtrade_exports(self.raw_dir)
        self.china = read_china_exports(self.raw_dir)

    def price(self, mineral: str) -> float:
        """USGS 2024 price of the mineral's priced product (``minerals.csv``), USD/t."""
        return float(self.minerals.set_index("mineral").loc[mineral, "unit_price_usd_per_t"])

    def content_basis(self, mineral: str) -> str:
        """The mineral's ``content_basis`` text."""
        return str(self.minerals.set_index("mineral").loc[mineral, "content_basis"])

    def unit_values(self, mineral: str, stage: str) -> UnitValues | None:
        """Trade unit values of the mineral's spec at a stage (cached), if one applies."""
        key = (mineral, stage)
        if key not in self._uv:
            spec = spec_for(mineral, stage, self.content_basis(mineral))
            self._uv[key] = (None if spec is None else
                             unit_values(spec, self.baci, self.comtrade, self.china))
        return self._uv[key]


Cost = tuple[float, str, str, str]  # value, basis, source_id, note


def _published(inp: CostInputs, mineral: str, stage: str) -> Cost | None:
    """Stage-wide figures from a publication or a model, where one exists."""
    if (mineral, stage) == ("rare_earths", "mine"):
        return (RE_CONCENTRATE_USD_PER_T_REO, "hand_entered", "mp_materials_q4_2024",
                RE_CONCENTRATE_NOTE)
    if (mineral, stage) == ("lithium", "mine"):
        _, world = lithium_costs(inp.raw_dir)
        return world.usd_per_t_li, "modelled", "busch_2024", world.note()
    if (mineral, stage) == ("graphite", "refine"):
        uv, detail = china_code_unit_value(inp.china, "380110")
        return uv, "assumption", "un_comtrade_china_exports", (
            f"ASSUMPTION: China's {TRADE_YEAR} export unit value of artificial graphite (HS "
            f"380110, UN Comtrade China exports by partner and month: {detail}) applied to "
            "every country as the battery-grade graphite price (no other country's trade "
            "data in the extracts); replaces 2 x flake price")
    return None


def _rule(inp: CostInputs, m: Mineral, stage: str) -> Cost:
    """The single-price rule, kept only where no stage-specific figure exists."""
    if stage == "mine":
        value, _, sid, _ = stage_wide(inp, m, "refine")
        return value * MINE_TO_REFINE_RATIO, "assumption", f"assumption;{sid}", (
            f"ASSUMPTION (single-price rule; no ore/concentrate figure found): mine = "
            f"{MINE_TO_REFINE_RATIO:.0%} of the stage-wide refine value ({value:,.0f} USD/t)")
    if stage == "refine":
        value, _, sid, _ = stage_wide(inp, m, "mine")
        return value / MINE_TO_REFINE_RATIO, "assumption", f"assumption;{sid}", (
            f"ASSUMPTION (single-price rule; no refined-product figure found): refined = "
            f"mine value ({value:,.0f} USD/t) / {MINE_TO_REFINE_RATIO}")
    value, _, sid, _ = stage_wide(inp, m, "refine")
    return value, "assumption", f"assumption;{sid}", (
        f"ASSUMPTION: manufacture = stage-wide refine value of the contained mineral "
        f"({value:,.0f} USD/t; no processing premium)")


def stage_wide(inp: CostInputs, m: Mineral, stage: str) -> Cost:
    """Stage-wide unit cost, basis, source ids and note of one mineral and stage."""
    published = _published(inp, m.mineral, stage)
    if published is not None:
        return published
    uv = inp.unit_values(m.mineral, stage)
    if uv is not None and uv.spec.world_fallback:
        return uv.world_usd_per_t, "derived", "cepii_baci_qty_v202601", world_note(uv)
    if stage == "mine" and m.mineral in MINE_PRICE_OVERRIDE:
        chapter, detail, factor, note = MINE_PRICE_OVERRIDE[m.mineral]
        r = _price_row(inp.full, chapter, detail)
        value = float(r["Value"].replace(",", "")) * factor
        return value, "derived", "usgs_mcs2026", (
            f"USGS MCS 2026 {chapter} row {r['source_row_number']} ({PRICE_YEAR}): {note}")
    if stage == m.price_stage:
        return inp.price(m.mineral), "derived", "usgs_mcs2026", (
            f"USGS MCS 2026 {PRICE_YEAR} price (minerals.csv) refers to the {stage}-stage "
            "product")
    return _rule(inp, m, stage)


def _premium(stage: str) -> tuple[float, str]:
    """Cost premium outside China for a stage-wide row and its note."""
    if stage in PREMIUM_OUTSIDE_CHINA:
        value = PREMIUM_OUTSIDE_CHINA[stage]
        return value, (f"; ASSUMPTION: non-China nodes without their own row cost "
                       f"+{value:.0%} (proxy: IEA ETP-2024, EU vs China battery levelised "
                       "cost of production 2023, iea_etp_2024)")
    return 0.0, "; premium_outside_china 0 (country differences only via own rows)"


def production_by_country(prod: pd.DataFrame, mineral: str, stage: str) -> pd.Series:
    """Tonnes per country of the stage in the trade year (else its latest year)."""
    g = prod[(prod["mineral"] == mineral) & (prod["stage"] == stage)]
    year = TRADE_YEAR if (g["year"] == TRADE_YEAR).any() else g["year"].max()
    g = g[g["year"] == year]
    return g.groupby("country")["tonnes"].sum()


def _lithium_rows(inp: CostInputs, production: pd.Series) -> list[dict]:
    """Per-country lithium mine rows from the Busch et al. cost curve."""
    countries, _ = lithium_costs(inp.raw_dir)
    return [{"mineral": "lithium", "stage": "mine", "country": c,
             "unit_cost_usd_per_t": round(countries[c].usd_per_t_li, 2),
             "premium_outside_china": 0.0, "basis": "modelled", "source_id": "busch_2024",
             "note": countries[c].note()}
            for c in production.index if c != ROW and c in countries]


def _country_rows(inp: CostInputs, mineral: str, stage: str,
                  production: pd.Series) -> list[dict]:
    if (mineral, stage) == ("lithium", "mine"):
        return _lithium_rows(inp, production)
    uv = inp.unit_values(mineral, stage)
    return [] if uv is None else country_rows(uv, production)


def build_costs(minerals: pd.DataFrame, prod: pd.DataFrame, full: pd.DataFrame,
                raw_dir: Path) -> pd.DataFrame:
    """Stage-wide and per-country unit costs for every mineral x stage in production.

    Parameters
    ----------
    minerals : DataFrame
        ``minerals.csv`` (USGS 2024 prices, content bases).
    prod : DataFrame
        ``production.csv``.
    full : DataFrame
        The MCS 2026 commodities table (for the mine-price overrides).
    raw_dir : Path
        Folder of the raw copies (trade extracts, lithium deposits).

    Returns
    -------
    DataFrame
        Columns :data:`COST_COLS`, one stage-wide row (blank ``country``) per mineral and
        stage plus country rows, sorted by mineral, stage, country.
    """
    inp = CostInputs(minerals, full, Path(raw_dir))
    rows = []
    for (mineral, stage), _ in prod.groupby(["mineral", "stage"]):
        cost, basis, source_id, note = stage_wide(inp, MINERAL_BY_ID[mineral], stage)
        premium, premium_note = _premium(stage)
        rows.append({"mineral": mineral, "stage": stage, "country": "",
                     "unit_cost_usd_per_t": round(cost, 2), "premium_outside_china": premium,
                     "basis": basis, "source_id": source_id,
                     "note": STAGE_WIDE + note + premium_note})
        rows += _country_rows(inp, mineral, stage, production_by_country(prod, mineral, stage))
    out = pd.DataFrame(rows, columns=COST_COLS)
    return out.sort_values(["mineral", "stage", "country"]).reset_index(drop=True)
