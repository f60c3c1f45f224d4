"""Resolve the ``Policy`` table into per-case, per-scope settings.

A Policy row is ``(setting, value, stage, mineral, buyer, country, case)``.  A blank
scope cell means *each* stage, mineral or buyer separately: a row
``max_china_share = 0.5`` with every scope blank yields one constraint per stage,
per mineral and per buyer, never one pooled constraint.  A blank ``case`` means
the row belongs to every case.  Only ``max_country_share`` takes a ``country``: a
row naming one country caps that country alone (``0`` excludes it); a blank
``country`` caps each single country (the ``ROW`` aggregate is never capped unless
named).

Resolution rule for one concrete key ``(setting, stage, mineral, buyer)`` of one
case: among the rows that match it, the most specific (most non-blank scope
cells) wins; at equal specificity a row of the case beats a row for every case;
remaining ties take the tighter value (the smallest ``max_*``, the largest
``min_*``) or, for parameters, the last row.  When no row matches, the declared
default of the setting applies (:data:`toolkit.schema.SETTINGS`).

Years.  A row's optional ``year`` scopes it to one modelled year (a glide path); it
counts as one more scope cell in the specificity above, so in year ``Y`` a row for
``Y`` beats an otherwise equal row with a blank year.  The settings of modelled year
``Y`` are resolved from the rows with a blank year or year ``Y``
(:meth:`CaseSettings.at_year`); the case itself (and ``years``, ``mode``,
``discount_rate``, ``year``, which take no year) from the blank-year rows.  Without
``years`` a single-year run uses the rows dated in its data year, if any.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from toolkit.case_names import check_case_names
from toolkit.chain import SupplyChain
from toolkit.errors import InputError, Problem
from toolkit.schema import BUYERS, SETTING_NAMES, STAGES, Setting, setting
from toolkit.validate import OVERFLOW_NOTE, Where, did_you_mean, to_number

DEFAULT_CASE = "base"
SCOPE = ("stage", "mineral", "buyer", "country")
Key = tuple[str, str, str, str]


@dataclass(frozen=True)
class CaseSettings:
    """The settings of one policy case, resolved for every scope.

    Attributes
    ----------
    name : case name (``base`` when the Policy table names no case).
    values : ``{setting: {(stage, mineral, buyer, country): value}}`` for every key
        some row sets; dimensions a setting is not scoped by are ``""`` in the key, and
        ``country`` is a named country only where a row names it.
    """

    name: str
    values: dict[str, dict[Key, object]] = field(default_factory=dict)
    by_year: dict[int, CaseSettings] = field(default_factory=dict, compare=False)

    def get(self, name: str, stage: str = "", mineral: str = "", buyer: str = "",
            country: str = "") -> object:
        """Resolved value of ``name`` for one scope (the declared default if unset).

        A country no row names takes the value of the blank-country key.
        """
        values = self.values.get(name, {})
        key = scope_key(setting(name), stage, mineral, buyer, country)
        if key not in values and key[3]:
            key = (*key[:3], "")
        return values.get(key, setting(name).default)

    def number(self, name: str, stage: str = "", mineral: str = "", buyer: str = "",
               country: str = "") -> float | None:
        """Resolved numeric value, or None when the setting is unset and has no default."""
        value = self.get(name, stage, mineral, buyer, country)
        return None if value is None else float(value)

    def is_set(self, name: str, stage: str = "", mineral: str = "", buyer: str = "",
               country: str = "") -> bool:
        """True when a Policy row sets ``name`` for this scope."""
        values = self.values.get(name, {})
        key = scope_key(setting(name), stage, mineral, buyer, country)
        return key in values or (bool(key[3]) and (*key[:3], "") in values)

    def is_named(self, name: str, stage: str, mineral: str, buyer: str,
                 country: str) -> bool:
        """True when a row names ``country`` itself for this scope (no blank fallback)."""
        key = scope_key(setting(name), stage, mineral, buyer, country)
        return bool(key[3]) and key in self.values.get(name, {})


    @property
    def mode(self) -> str:
        """``independent`` or ``joint``."""
        return str(self.get("mode"))

    @property
    def year(self) -> float | None:
        """Data year for capacities (None = the chain's default year; with ``years``,
        None = the first modelled year)."""
        return self.number("year")

    @property
    def years(self) -> tuple[int, ...] | None:
        """Modelled years (setting ``years``), or None for a single-year case."""
        value = self.get("years")
        return None if value is None else tuple(value)  # type: ignore[arg-type]

    @property
    def discount_rate(self) -> float:
        """Discount rate of the annualised project capex (ASSUMPTION, default 0.08)."""
        return float(self.get("discount_rate"))  # type: ignore[arg-type]

    def at_year(self, year: int) -> CaseSettings:
        """The settings of modelled year ``year`` (rows with a blank year or ``year``)."""
        return self.by_year.get(int(year), self)

    def with_values(self, name: str, values: dict[Key, object]) -> CaseSettings:
        """A copy where ``name`` takes ``values`` (used for the other mode, sweeps)."""
        merged = dict(self.values)
        merged[name] = dict(values)
        return CaseSettings(self.name, merged)

    def rows(self) -> list[dict]:
        """The resolved settings as tidy rows ``setting, stage, mineral, buyer, value``."""
        out = []
        for name in sorted(self.values):
            for (stage, mineral, buyer, country), value in sorted(self.values[name].items()):
                out.append({"setting": name, "stage": stage, "mineral": mineral,
                            "buyer": buyer, "country": country, "value": value})
        return out


def scope_key(spec: Setting, stage: str, mineral: str, buyer: str, country: str = "") -> Key:
    """The key of one scope, with dimensions the setting ignores blanked."""
    given = {"stage": stage, "mineral": mineral, "buyer": buyer, "country": country}
    return tuple(given[d] if d in spec.scoped_by else "" for d in SCOPE)  # type: ignore[return-value]


def check_policy(table: pd.DataFrame, where: Where) -> list[Problem]:
    """Check setting names, values, scopes and the ``mode``/``year`` consistency.

    ``where.first_row`` is the displayed number of the table's first row.
    """
    problems: list[Problem] = []
    for i, row in enumerate(table.to_dict("records")):
        problems += _check_row(row, where, where.first_row + i)
    return problems + check_case_names(table, where)


def _check_row(row: dict, where: Where, line: int) -> list[Problem]:
    name = str(row.get("setting", "")).strip()
    if name not in SETTING_NAMES:
        hint = did_you_mean(name, SETTING_NAMES)
        return [where.problem(f"unknown setting{hint}; known settings: "
                              f"{', '.join(SETTING_NAMES)}", line, "setting", name)]
    spec = setting(name)
    problems = [where.problem(f"{name} cannot be scoped by {dim} (it applies to "
                              f"{', '.join(spec.scoped_by) or 'the whole case'})",
                              line, dim, row.get(dim))
                for dim in SCOPE if str(row.get(dim) or "") and dim not in spec.scoped_by]
    problems += _check_year(spec, row.get("year"), where, line)
    try:
        parse_value(spec, row.get("value"))
    except ValueError as exc:
        problems.append(where.problem(str(exc), line, "value", row.get("value")))
    return problems


def _check_year(spec: Setting, year: object, where: Where, line: int) -> list[Problem]:
    """A row's ``year`` must be a whole year, and only for settings that vary by year."""
    if _blank(year):
        return []
    if isinstance(year, float) and year == int(year):
        year = int(year)
    if not spec.by_year:
        return [where.problem(f"{spec.name} applies to every modelled year and cannot be "
                              "scoped by year (leave year blank)", line, "year", year)]
    try:
        number = to_number(year)
    except ValueError as exc:
        return [where.problem(str(exc), line, "year", year)]
    if number != int(number):
        return [where.problem("year must be a whole year, e.g. 2030", line, "year", year)]
    return []


def parse_years(raw: object) -> tuple[int, ...]:
    """``years``: a comma-separated list (or a TOML list) of distinct whole years,
    returned sorted.

    Raises
    ------
    ValueError
        When an item is not a whole year in 1900-2100, or a year repeats.
    """
    text = str(raw).strip().strip("[]()")
    items = raw if isinstance(raw, list | tuple) else text.replace(";", ",").split(",")
    years = []
    for item in items:
        word = str(item).strip()
        try:
            number = float(word)
        except ValueError:
            number = float("nan")
        if not (number == number and number == int(number) and 1900 <= number <= 2100):
            raise ValueError(f"years must list whole years 1900-2100 separated by commas, "
                             f"e.g. 2024,2030,2035 ({word!r} is not a year)")
        years.append(int(number))
    if not years or len(set(years)) != len(years):
        raise ValueError("years must list distinct whole years, e.g. 2024,2030,2035")
    return tuple(sorted(years))


def parse_value(spec: Setting, raw: object) -> object:
    """Coerce a Policy ``value`` cell for ``spec`` (a word for ``mode``, a list of years
    for ``years``, else a number).

    Raises
    ------
    ValueError
        With the rule broken (unknown word, not a number, out of bounds).
    """
    if spec.kind == "years":
        return parse_years(raw)
    if spec.allowed is not None:
        word = str(raw).strip().lower()
        if word not in spec.allowed:
            raise ValueError(f"{spec.name} must be one of: {', '.join(spec.allowed)}")
        return word
    number = to_number(raw)
    if spec.low is not None and number < spec.low:
        raise ValueError(f"{spec.name} must be at least {spec.low:g}")
    if spec.high is not None and number > spec.high:
        raise ValueError(f"{spec.name} must be at most {spec.high:g}"
                         + (OVERFLOW_NOTE if spec.high >= 1e6 else ""))
    return number


def case_names(policy: pd.DataFrame) -> list[str]:
    """Case names in order of first appearance (``[base]`` when none is named)."""
    if policy is None or policy.empty or "case" not in policy.columns:
        return [DEFAULT_CASE]
    names = [str(c).strip() for c in policy["case"].fillna("").tolist()]
    seen = list(dict.fromkeys(n for n in names if n))
    return seen or [DEFAULT_CASE]


def resolve_cases(chain: SupplyChain) -> list[CaseSettings]:
    """Resolve the chain's Policy table into one :class:`CaseSettings` per case.

    Raises
    ------
    InputError
        When a row names an unknown setting, a bad value or a scope the setting
        does not take (located as Policy sheet rows, header on row 1).
    """
    table = _clean(chain.policy)
    problems = check_policy(table, Where(chain.source, "Policy", 2))
    if problems:
        raise InputError(problems)
    minerals = chain.mineral_ids
    return [_with_years(table, name, minerals, chain) for name in case_names(table)]


def _with_years(table: pd.DataFrame, name: str, minerals: list[str],
                chain: SupplyChain) -> CaseSettings:
    """The case from its blank-year rows, with the settings of each modelled year."""
    case = _resolve_case(table, name, minerals, None)
    dated = table["year"].notna()
    if not dated.any():
        return case
    years = case.years
    if years is None:
        from toolkit.chain import default_year

        year = case.year if case.year is not None else default_year(chain)
        if year is None or not (table["year"] == year).any():
            return case
        return _resolve_case(table, name, minerals, int(year))
    by_year = {y: _resolve_case(table, name, minerals, y) for y in years}
    return CaseSettings(case.name, case.values, by_year)



def _clean(policy: pd.DataFrame | None) -> pd.DataFrame:
    cols = ["setting", "value", *SCOPE, "case"]
    if policy is None or policy.empty:
        out = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
        out["year"] = pd.Series(dtype=float)
        return out
    out = policy.copy()
    for c in cols:
        if c not in out.columns:
            out[c] = ""
        if c != "value":
            out[c] = out[c].map(lambda v: "" if _blank(v) else str(v).strip())
    year = out["year"] if "year" in out.columns else pd.Series(None, index=out.index)
    out["year"] = year.map(_year_of)
    return out[[*cols, "year"]].reset_index(drop=True)


def _year_of(value: object) -> float | None:
    """A Policy ``year`` cell as a float (None when blank or not a number: the check
    reports it)."""
    if _blank(value):
        return None
    try:
        return float(to_number(value))
    except ValueError:
        return None


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip())


def _resolve_case(table: pd.DataFrame, case: str, minerals: list[str],
                  year: int | None) -> CaseSettings:
    """Resolve one case from the rows of every year and, when ``year`` is given, of it."""
    rows = table[(table["case"] == "") | (table["case"] == case)]
    dated = rows["year"].notna()
    rows = rows[~dated | (rows["year"] == year)] if year is not None else rows[~dated]
    values: dict[str, dict[Key, object]] = {}
    for name, group in rows.groupby("setting", sort=True):
        spec = setting(str(name))
        named = sorted(set(group["country"]) - {""}) if spec.by_country else []
        records = [(order, row, parse_value(spec, row["value"]))
                   for order, row in enumerate(group.to_dict("records"))]
        resolved = {key: _pick(spec, records, key, case)
                    for key in _keys(spec, minerals, named)}
        values[str(name)] = {k: v for k, v in resolved.items() if v is not None}
    return CaseSettings(case, values)


def _keys(spec: Setting, minerals: list[str], countries: list[str]) -> Iterable[Key]:
    """Every concrete key: each stage, mineral and buyer; for the country dimension
    the blank key plus each country some row names."""
    dims = {"stage": STAGES, "mineral": tuple(minerals), "buyer": BUYERS}
    stages = dims["stage"] if "stage" in spec.scoped_by else ("",)
    mins = dims["mineral"] if "mineral" in spec.scoped_by else ("",)
    buyers = dims["buyer"] if "buyer" in spec.scoped_by else ("",)
    named = ("", *countries) if spec.by_country else ("",)
    return [(s, m, b, c) for s in stages for m in mins for b in buyers for c in named]


def _pick(spec: Setting, records: list[tuple[int, dict, object]], key: Key,
          case: str) -> object:
    """The value of one key among ``records`` ``(order, row, parsed value)`` (module doc)."""
    best: list[tuple[int, int, int, object]] = []
    for order, row, value in records:
        if any(row[d] not in ("", key[i]) for i, d in enumerate(SCOPE)):
            continue
        specificity = sum(1 for d in SCOPE if row[d]) + int(row["year"] is not None
                                                            and row["year"] == row["year"])
        best.append((specificity, int(row["case"] == case), order, value))
    if not best:
        return None
    top = max((b[0], b[1]) for b in best)
    tied = [b for b in best if (b[0], b[1]) == top]
    if spec.name.startswith("max_"):
        return min(float(b[3]) for b in tied)  # type: ignore[arg-type]
    if spec.name.startswith("min_"):
        return max(float(b[3]) for b in tied)  # type: ignore[arg-type]
    return tied[-1][3]
