"""The input schema, declared once as data.

One declaration (sheet, column, type, unit, allowed values, required/optional,
description) drives validation (:mod:`toolkit.validate`), the Excel template
(:mod:`toolkit.io.excel_template`, read back by :mod:`toolkit.io.excel`) and the
documentation (``toolkit schema``, through :mod:`toolkit.schema_docs`).
The sheet and column names are a public interface: analysts' workbooks and
other tools rely on them.  Add optional columns freely; never rename.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "id", "number", "bool"]

STAGES: tuple[str, ...] = ("mine", "refine", "manufacture")
BUYERS: tuple[str, ...] = ("GBR", "JPN")  # the planned buyers: the plan chooses their supply
ROW = "ROW"  # rest-of-world aggregate (a supplier node or a market buyer)
# EU Critical Raw Materials Act (Reg. 2024/1252) benchmark: at most 65 % of a strategic raw
# material from a single third country
CRMA_SINGLE_COUNTRY_SHARE = 0.65
CHINA = "CHN"
WILDCARD = "*"
# Largest magnitudes an input may carry.  HiGHS reads any bound or cost of 1e20 or more as
# infinite, so larger inputs would turn into "no limit" (or overflow) silently.  These caps
# sit far above any real figure and keep every number the solver sees below 1e20:
# path cost <= 6 x 1e12 USD/t, times a multiple <= 1e3, is below 1e16.
MAX_TONNES_T = 1e12
"""Largest tonnage accepted (t/yr): ~400 times world iron-ore output, the largest mined
commodity (about 2.5e9 t in 2024, USGS MCS 2025)."""
MAX_USD_PER_T = 1e12
"""Largest cost per tonne accepted (USD/t): ~2,000 times rhodium's price (about 5e8 USD/t)."""
MAX_CAPEX_USD = 1e15
"""Largest project capital cost accepted (USD): a thousand trillion dollars."""
MAX_MULTIPLE = 1e3
"""Largest multiple or premium accepted (x): a 100,000 % premium."""
MAX_CELL_CHARS = 32_767
"""Most characters Excel holds in one cell (Excel specifications and limits)."""


@dataclass(frozen=True)
class Column:
    """One column of an input sheet.

    Attributes
    ----------
    name : column header, exactly as it appears in the workbook.
    kind : ``text`` (free text), ``id`` (identifier, stripped), ``number`` or ``bool``.
    unit : physical unit of a number (``t``, ``USD/t``, ``fraction``...), "" if none.
    required : a required column must be present and every cell non-blank.
    default : value a blank optional cell takes.
    allowed : closed set of values (drives Excel dropdowns), or None.
    ref : ``"Sheet.column"`` this id must exist in (referential integrity).
    wildcard : extra value accepted besides ``ref`` (``*`` = all).
    low, high : inclusive numeric bounds.
    pattern : regular expression an id must match in full (e.g. ISO3), or None.
    separator : when set, a cell may list several ``ref`` ids joined by it (e.g. ``;``).
    description : shown in the template README sheet and the docs.
    width : column width in the Excel template (characters); None = sized from the
        header and the data.
    choices : values the template offers in a dropdown when they are checked elsewhere
        rather than by ``allowed`` (Policy settings: :mod:`toolkit.policy`).
    """

    name: str
    kind: Kind
    description: str
    unit: str = ""
    required: bool = True
    default: object = None
    allowed: tuple[str, ...] | None = None
    ref: str | None = None
    wildcard: str | None = None
    low: float | None = None
    high: float | None = None
    pattern: str | None = None
    separator: str | None = None
    width: int | None = None
    choices: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Sheet:
    """One input sheet: its columns, its key and whether it must exist."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    required: bool = True

    def column(self, name: str) -> Column:
        """Return the column called ``name`` (KeyError if not declared)."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        """Declared column names, in template order."""
        return tuple(c.name for c in self.columns)

    @property
    def table(self) -> str:
        """Name of the :class:`~toolkit.chain.SupplyChain` attribute holding this sheet."""
        return self.name.lower()


@dataclass(frozen=True)
class Setting:
    """One policy setting the ``Policy`` sheet (or a model file) may carry."""

    name: str
    description: str
    unit: str = "fraction"
    default: object = None
    low: float | None = 0.0
    high: float | None = 1.0
    allowed: tuple[str, ...] | None = None
    scoped_by: tuple[str, ...] = ("stage", "mineral", "buyer")
    by_year: bool = True  # a Policy row may scope it to one modelled year (``year``)
    kind: str = "number"  # "number", "word" (``allowed``) or "years" (a list of years)

    @property
    def by_country(self) -> bool:
        """True when a Policy row may name one ``country`` (``max_country_share`` only)."""
        return "country" in self.scoped_by


SETTINGS: tuple[Setting, ...] = (
    Setting("mode", "independent: each buyer plans alone; joint: one plan for both.",
            unit="", default="independent", low=None, high=None,
            allowed=("independent", "joint"), scoped_by=(), by_year=False, kind="word"),
    Setting("year", "Data year used for capacities (default: latest final year, 2024; with "
            "`years`: the first modelled year); every mineral with UK or Japan demand needs "
            "Supply rows of that year or earlier.",
            unit="year", default=None, low=1900, high=2100, scoped_by=(), by_year=False),
    Setting("max_china_share", "Max share of a buyer's supply through Chinese nodes at the "
            "scoped stage(s)."),
    Setting("max_china_touch_share", "Max share of a buyer's supply whose path touches China "
            "at any stage.", scoped_by=("mineral", "buyer")),
    Setting("max_country_share", "Max share of a buyer's supply from any single country at "
            "the scoped stage(s) (EU CRMA benchmark 0.65); with `country` set, from that "
            "country only (0 excludes it, e.g. sanctions).",
            scoped_by=("stage", "mineral", "buyer", "country")),
    Setting("min_partner_share", "Min share of a buyer's supply from partner countries at the "
            "scoped stage(s)."),
    Setting("max_offtake_share", "Max share of any node's capacity the buyers together "
            "contract.", scoped_by=("stage", "mineral")),
    Setting("spot_share", "Max share of undisrupted, uncontracted capacity buyable on the spot "
            "market in a disruption.", default=0.0, scoped_by=("stage", "mineral")),
    Setting("bid_premium", "Extra cost of a tonne bid away from market buyers, as a "
            "fraction of the node's unit cost (0.5 = +50 %).", default=0.0, high=MAX_MULTIPLE,
            scoped_by=("stage", "mineral")),
    Setting("max_bid_share", "Max share of the market buyers' holding at a node that the "
            "planned buyers may bid away.", default=1.0, scoped_by=("stage", "mineral")),
    Setting("spot_premium", "Spot price as a multiple of unit cost.", unit="x", default=1.5,
            low=0.0, high=MAX_MULTIPLE, scoped_by=("mineral",)),
    Setting("min_served_share", "Min share of demand served in every scenario that has a "
            "probability above 0 (a probability-0 scenario changes nothing).",
            scoped_by=("mineral", "buyer")),
    Setting("stockpile_cost_usd_per_t", "Annualised cost of holding a tonne; stockpiles are "
            "considered only when given.", unit="USD/t", low=0.0, high=MAX_USD_PER_T,
            scoped_by=("mineral", "buyer")),
    Setting("shortfall_cost_usd_per_t", "Cost of a tonne of unserved demand.", unit="USD/t",
            default=None, low=0.0, high=MAX_USD_PER_T, scoped_by=("mineral", "buyer")),
    Setting("shortfall_cost_multiple", "Cost of a tonne of unserved demand as a multiple of "
            "the full-chain unit cost (used where shortfall_cost_usd_per_t is not given).",
            unit="x", default=None, low=0.0, high=MAX_MULTIPLE, scoped_by=("mineral", "buyer")),
    Setting("stockpile_cost_share", "Annualised cost of holding a tonne as a share of its "
            "full-chain unit cost (used where stockpile_cost_usd_per_t is not given).",
            unit="fraction/yr", default=None, low=0.0, high=MAX_MULTIPLE,
            scoped_by=("mineral", "buyer")),
    Setting("risk_aversion", "Weight on CVaR of scenario cost.", unit="x", default=0.0,
            low=0.0, high=MAX_MULTIPLE, scoped_by=()),
    Setting("cvar_alpha", "CVaR confidence level.", default=0.95, low=0.0, high=0.999999,
            scoped_by=()),
    Setting("years", "Modelled years, e.g. 2024,2030,2035 (blank = one year, the data "
            "year). Each year is a full annual plan; projects link them.", unit="years",
            default=None, low=1900, high=2100, scoped_by=(), by_year=False, kind="years"),
    Setting("discount_rate", "ASSUMPTION: discount rate r of the annualised project capex "
            "CRF = r(1+r)^L/((1+r)^L-1) (0 gives 1/L).", unit="fraction/yr", default=0.08,
            low=0.0, high=1.0, scoped_by=(), by_year=False),
)

SETTING_NAMES: tuple[str, ...] = tuple(s.name for s in SETTINGS)


_FRACTION = {"unit": "fraction", "low": 0.0, "high": 1.0}
_TONNES = {"unit": "t/yr", "low": 0.0, "high": MAX_TONNES_T}
_USD_PER_T = {"unit": "USD/t", "low": 0.0, "high": MAX_USD_PER_T}

MINERALS = Sheet(
    "Minerals",
    "The minerals the workbook models. Other sheets may reference only these ids.",
    (
        Column("mineral", "id", "Mineral id, e.g. lithium, rare_earths."),
        Column("name", "text", "Readable name.", required=False, default=""),
        Column("unit", "id", "Unit of every tonnage of this mineral.", required=False,
               default="t", allowed=("t",)),
        Column("content_basis", "text", "What a tonne means (e.g. Li content, REO).",
               required=False, default=""),
    ),
    key=("mineral",),
)

COUNTRIES = Sheet(
    "Countries",
    "Countries (ISO3) that supply or buy. Other sheets may reference only these codes.",
    (
        Column("country", "id", "ISO 3166-1 alpha-3 code (ROW = rest of world aggregate).",
               pattern=r"[A-Z]{3}"),
        Column("name", "text", "Country name.", required=False, default=""),
        Column("wgi", "number", "Mean of the six World Bank WGI estimates (2023); blank if "
               "unknown.", unit="index", required=False, default=None, low=-2.5, high=2.5),
        Column("partner", "bool", "TRUE if an ally/partner of the UK and Japan (never for "
               "ROW).",
               required=False, default=False),
    ),
    key=("country",),
)

SUPPLY = Sheet(
    "Supply",
    "Annual capacity (production) of each node = (mineral, stage, country), with its cost.",
    (
        Column("mineral", "id", "Mineral id.", ref="Minerals.mineral"),
        Column("stage", "id", "Supply-chain stage.", allowed=STAGES),
        Column("country", "id", "Producing country.", ref="Countries.country"),
        Column("capacity_t", "number", "Annual capacity, tonnes of contained element per "
               "year.", **_TONNES),
        Column("unit_cost_usd_per_t", "number", "Cost of a tonne through this node.",
               required=False, default=0.0, **_USD_PER_T),
        Column("year", "number", "Data year (blank = undated = every year). With the "
               "setting `years`, a row dated in a modelled year replaces, in that year, the "
               "row of the same mineral, stage and country used in the first modelled year.",
               unit="year", required=False, default=None, low=1900, high=2100),
        Column("estimate", "bool", "TRUE if the figure is a source's estimate.",
               required=False, default=False),
        Column("source_id", "text", "Source of the figure (see datasets/PROVENANCE.md).",
               required=False, default=""),
        Column("basis", "text", "reported, derived, hand_entered or assumption.",
               required=False, default=""),
        Column("production_t", "number", "Today's output, tonnes per year (0 <= production_t "
               "<= capacity_t; blank = capacity_t). Spare capacity = capacity_t - "
               "production_t.", required=False, default=None, **_TONNES),
    ),
    key=("mineral", "stage", "country", "year"),
)

DEMAND = Sheet(
    "Demand",
    "Annual demand of each buyer for each mineral. GBR and JPN are the planned buyers "
    "(the plan chooses their supply); any other country or ROW is a market buyer: world "
    "demand the plan does not choose but must leave room for.",
    (
        Column("buyer", "id", "Buyer: GBR or JPN (planned), or any other country or ROW "
               "(market buyer).", ref="Countries.country", wildcard=ROW),
        Column("mineral", "id", "Mineral id.", ref="Minerals.mineral"),
        Column("demand_t", "number", "Annual demand, tonnes of contained element per year.",
               **_TONNES),
        Column("sector", "text", "End-use sector (blank = all).", required=False,
               default="all"),
        Column("year", "number", "Year of the demand (blank = every year). A row dated in "
               "a modelled year replaces, in that year, the row of the same buyer, mineral "
               "and sector used in the first modelled year.", unit="year", required=False,
               default=None, low=1900, high=2100),
    ),
    key=("buyer", "mineral", "sector", "year"),
)

ROUTES = Sheet(
    "Routes",
    "Allowed links between consecutive stages, with extra cost. When the sheet is absent "
    "every link between consecutive stages is allowed at zero extra cost. The links must "
    "leave every planned buyer's demand a path from mine to buyer through countries with "
    "capacity.",
    (
        Column("mineral", "id", "Mineral id.", ref="Minerals.mineral"),
        Column("from_stage", "id", "Upstream stage.", allowed=STAGES),
        Column("from_country", "id", "Upstream country.", ref="Countries.country"),
        Column("to_stage", "id", "Downstream stage, or 'buyer'.", allowed=STAGES + ("buyer",)),
        Column("to_country", "id", "Downstream country (or buyer).", ref="Countries.country"),
        Column("cost_usd_per_t", "number", "Extra cost of a tonne on this link.",
               required=False, default=0.0, **_USD_PER_T),
    ),
    key=("mineral", "from_stage", "from_country", "to_stage", "to_country"),
    required=False,
)

IMPORTS = Sheet(
    "Imports",
    "Optional: each buyer's current import mix by origin (shares of import value).",
    (
        Column("buyer", "id", "Importing buyer.", allowed=BUYERS),
        Column("mineral", "id", "Mineral id.", ref="Minerals.mineral"),
        Column("origin", "id", "Exporting country.", ref="Countries.country"),
        Column("share", "number", "Share of the buyer's imports of the mineral.", **_FRACTION),
        Column("stage", "id", "Stage of the traded product (blank = unknown).",
               required=False, default="", allowed=STAGES + ("",)),
        Column("year", "number", "Trade year.", unit="year", required=False, default=None,
               low=1900, high=2100),
    ),
    key=("buyer", "mineral", "origin", "stage", "year"),
    required=False,
)

DISRUPTIONS = Sheet(
    "Disruptions",
    "Disruption scenarios: the share of a node's capacity lost, and the annual probability.",
    (
        Column("scenario", "text", "Scenario name."),
        Column("mineral", "id", "Mineral id, or * for all.", ref="Minerals.mineral",
               wildcard=WILDCARD),
        Column("stage", "id", "Stage, or * for all.", allowed=STAGES + (WILDCARD,)),
        Column("country", "id", "Country whose capacity is lost.", ref="Countries.country"),
        Column("capacity_loss", "number", "Share of capacity lost (0-1).", **_FRACTION),
        Column("probability", "number", "Annual probability of the scenario (0-1).",
               **_FRACTION),
        Column("date", "text", "Date of the real event it models.", required=False,
               default=""),
        Column("source", "text", "Source of the event.", required=False, default=""),
    ),
    key=("scenario", "mineral", "stage", "country"),
    required=False,
)

POLICY = Sheet(
    "Policy",
    "Policy settings. Blank scope = the setting applies to each stage, mineral and buyer "
    "separately. Rows with a `case` belong to that policy case; blank case = every case.",
    (
        Column("setting", "id", "Setting name (see the list of known settings).",
               choices=SETTING_NAMES),
        Column("value", "text", "Value: a number, or a word for `mode`."),
        Column("stage", "id", "Scope: stage (blank = each).", required=False, default="",
               allowed=STAGES + ("",)),
        Column("mineral", "id", "Scope: mineral (blank = each).", required=False, default="",
               ref="Minerals.mineral", wildcard=""),
        Column("buyer", "id", "Scope: buyer (blank = each).", required=False, default="",
               allowed=BUYERS + ("",)),
        Column("case", "text", "Policy case the row belongs to (blank = every case). "
               "Names that differ only in spaces or capitals are refused: a typo would "
               "make a new case.",
               required=False, default=""),
        Column("country", "id", "Scope: one country (max_country_share only; blank = each "
               "single country).", required=False, default="", ref="Countries.country",
               wildcard=""),
        Column("year", "number", "Scope: one modelled year (blank = every year), e.g. a "
               "glide path of China caps.", unit="year", required=False, default=None,
               low=1900, high=2100),
    ),
    key=("setting", "stage", "mineral", "buyer", "country", "case", "year"),
    required=False,
)

PROJECTS = Sheet(
    "Projects",
    "Optional: new plants the plan may back (a yes/no decision each). A backed project adds "
    "its capacity as spare capacity (not held by other buyers) in every modelled year from "
    "online_year to online_year + lifetime_years - 1, and costs its annualised capex in each "
    "of those modelled years.",
    (
        Column("project", "id", "Project id (unique)."),
        Column("mineral", "id", "Mineral id.", ref="Minerals.mineral"),
        Column("stage", "id", "Supply-chain stage of the plant.", allowed=STAGES),
        Column("country", "id", "Country of the plant.", ref="Countries.country"),
        Column("capacity_t", "number", "Annual capacity, tonnes of contained element per "
               "year.", **_TONNES),
        Column("unit_cost_usd_per_t", "number", "Operating cost of a tonne through the "
               "plant.", **_USD_PER_T),
        Column("capex_usd", "number", "Capital cost of the plant.", unit="USD", low=0.0,
               high=MAX_CAPEX_USD),
        Column("online_year", "number", "First year the plant produces.", unit="year",
               low=1900, high=2100),
        Column("lifetime_years", "number", "Years the plant produces (annuity period L).",
               unit="years", required=False, default=20.0, low=1.0, high=100.0),
        Column("source", "text", "Announcement the figures come from.", required=False,
               default=""),
        Column("name", "text", "Name shown in the reports (operator and plant); blank: "
               "the project id.", required=False, default=""),
    ),
    key=("project",),
    required=False,
)

SAMPLING_INPUTS: tuple[str, ...] = ("export_restriction", "bid_premium", "demand_growth",
                                    "spot_share")
DISTRIBUTIONS: tuple[str, ...] = ("fixed", "uniform", "triangular")

SAMPLING = Sheet(
    "Sampling",
    "Optional: uncertain inputs as distributions, drawn afresh in every world of "
    "`toolkit sweep` (ignored by `toolkit run`). An export_restriction row adds one "
    "disruption scenario (the country's capacity at the stage, yearly probability "
    "`probability`) whose capacity loss is drawn; bid_premium, demand_growth and "
    "spot_share rows replace the case's value in their scope.",
    (
        Column("input", "id", "What is uncertain: export_restriction (share of a "
               "country's capacity lost), bid_premium, demand_growth or spot_share.",
               allowed=SAMPLING_INPUTS),
        Column("country", "id", "export_restriction only: the restricting country (e.g. "
               "CHN).", required=False, default="", ref="Countries.country", wildcard=""),
        Column("stage", "id", "Stage, or * for every stage (blank = every stage; "
               "demand_growth: blank).", required=False, default="",
               allowed=STAGES + (WILDCARD, "")),
        Column("mineral", "id", "Mineral id, or * for every mineral.", required=False,
               default=WILDCARD, ref="Minerals.mineral", wildcard=WILDCARD),
        Column("probability", "number", "export_restriction only: yearly probability that "
               "the restriction happens (0-1).", required=False, default=None,
               **_FRACTION),
        Column("distribution", "id", "fixed (mode), uniform (low-high) or triangular "
               "(low, mode, high).", allowed=DISTRIBUTIONS),
        Column("low", "number", "Lowest value (uniform, triangular).", required=False,
               default=None),
        Column("mode", "number", "Most likely value (fixed, triangular).", required=False,
               default=None),
        Column("high", "number", "Highest value (uniform, triangular).", required=False,
               default=None),
        Column("basis", "id", "bid_premium only: multiplier (x the case's premium) or value "
               "(the premium itself, a fraction of unit cost).", required=False, default="",
               allowed=("multiplier", "value", "")),
        Column("source", "text", "Source of the distribution, or why it is an assumption.",
               required=False, default=""),
    ),
    key=("input", "country", "stage", "mineral"),
    required=False,
)

WORKBOOK: tuple[Sheet, ...] = (MINERALS, COUNTRIES, SUPPLY, DEMAND, ROUTES, IMPORTS, DISRUPTIONS,
                               POLICY, PROJECTS, SAMPLING)

def column_dtype(col: Column) -> str:
    """The pandas dtype a column's typed values take."""
    return {"number": "float64", "bool": "bool"}.get(col.kind, "object")


def sheet(name: str) -> Sheet:
    """Return the declared sheet called ``name``."""
    for sh in WORKBOOK:
        if sh.name == name:
            return sh
    raise KeyError(name)


def setting(name: str) -> Setting:
    """Return the declared policy setting called ``name``."""
    for s in SETTINGS:
        if s.name == name:
            return s
    raise KeyError(name)
