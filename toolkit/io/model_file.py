"""Model files (TOML): a dataset plus disruption scenarios and policy cases.

A model file reads::

    name = "uk_japan_default"
    data = "embedded"                # or a workbook path relative to this file
    top_country_loss = { capacity_loss = 1.0, probability = 0.02 }   # optional

    [[disruptions]]
    scenario = "..."; mineral = "gallium"; stage = "*"; country = "CHN"
    capacity_loss = 0.5; probability = 0.1; date = "2023-08-01"; source = "..."

    [[policy]]
    setting = "max_china_share"; value = 0.5; case = "China cap 50 %"

    [[projects]]                     # optional: plants the plan may back (Projects sheet)
    project = "..."; mineral = "rare_earths"; stage = "refine"; country = "AUS"
    capacity_t = 5000; unit_cost_usd_per_t = 60000; capex_usd = 5e8; online_year = 2028

    [[sampling]]                     # optional: uncertain inputs for `toolkit sweep`
    input = "export_restriction"; country = "CHN"; stage = "refine"; mineral = "*"
    probability = 0.05; distribution = "triangular"; low = 0.1; mode = 0.3; high = 0.6

Rows are validated with the ``Disruptions``, ``Policy`` and ``Sampling`` declarations
of :mod:`toolkit.schema`; a problem names the file, the table (``disruptions``,
``policy`` or ``sampling``), the row (1 = the first ``[[disruptions]]`` entry) and the column.
``top_country_loss`` expands, for every mineral and stage, into the loss of the
stage's largest producer (the ``ROW`` aggregate is not a country and is skipped)
in the default data year: one scenario per stage, ``top_country_loss:<stage>``.
"""

from __future__ import annotations

import contextlib
import tomllib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pandas as pd

from toolkit.chain import SupplyChain, default_year, empty_table, supply_at_year
from toolkit.errors import InputError, Problem
from toolkit.policy import check_policy
from toolkit.projects import check_projects
from toolkit.schema import DISRUPTIONS, POLICY, PROJECTS, SAMPLING, STAGES, Sheet
from toolkit.validate import Where, check_disruptions, validate_table

TOP_LEVEL = {"name", "description", "data", "top_country_loss", "disruptions", "policy",
             "projects", "sampling"}
_LOADING: list[Path] = []
"""Model files being loaded, outermost first (a model file may name another as its data)."""
GENERATED_KEYS = {"capacity_loss", "probability", "source", "date"}
ROW_COUNTRY = "ROW"


def load_model(path: str | Path) -> SupplyChain:
    """Load a model file into a :class:`SupplyChain` (data + scenarios + policy).

    Raises
    ------
    InputError
        Listing every problem found (bad TOML, unknown keys, missing workbook,
        invalid disruption or policy rows).
    """
    path = Path(path)
    with _loading(path):
        return _load(path)


@contextlib.contextmanager
def _loading(path: Path) -> Iterator[None]:
    """Refuse a model file that is already being loaded: a cycle of ``data`` references."""
    key = path.resolve()
    if key in _LOADING:
        cycle = [p.name for p in _LOADING[_LOADING.index(key):]] + [key.name]
        outer = _LOADING[-1]
        raise InputError(Problem(str(outer), "model files name each other as data in a "
                                 f"cycle: {' -> '.join(cycle)}; point data at a workbook "
                                 "(.xlsx) or \"embedded\"", None, None, "data", path.name))
    _LOADING.append(key)
    try:
        yield
    finally:
        _LOADING.pop()


def _load(path: Path) -> SupplyChain:
    doc = _read(path)
    problems = [Problem(str(path), f"unknown key {k!r}; known keys: {', '.join(sorted(TOP_LEVEL))}",
                        None, None, k) for k in sorted(set(doc) - TOP_LEVEL)]
    chain = _data(path, doc.get("data", "embedded"), problems)
    known = {"Minerals.mineral": chain.mineral_ids,
             "Countries.country": chain.countries["country"].tolist()}
    dis, found = _table(path, doc.get("disruptions", []), DISRUPTIONS, "disruptions", known)
    problems += found + check_disruptions(dis, Where(str(path), "disruptions", 1))
    pol, found = _table(path, doc.get("policy", []), POLICY, "policy", known)
    problems += found
    if not found:
        problems += check_policy(pol, Where(str(path), "policy", 1))
    sampling, found = _table(path, doc.get("sampling", []), SAMPLING, "sampling", known)
    problems += found
    if not found and len(sampling):
        from toolkit.sampling import check_sampling

        problems += check_sampling(sampling, Where(str(path), "sampling", 1))
    projects = _projects(path, doc.get("projects", []), chain, known, problems)
    generated = _top_country_loss(path, doc.get("top_country_loss"), chain, problems)
    if problems:
        raise InputError(problems)
    disruptions = pd.concat([t for t in (chain.disruptions, dis, generated) if len(t)]
                            or [empty_table(DISRUPTIONS)], ignore_index=True)
    policy = pd.concat([t for t in (chain.policy, pol) if len(t)] or [empty_table(POLICY)],
                       ignore_index=True)
    meta = {**chain.meta, "model_name": str(doc.get("name") or path.stem),
            "model_file": str(path), "description": str(doc.get("description", ""))}
    if len(chain.sampling) and len(sampling):
        sampling = pd.concat([chain.sampling, sampling], ignore_index=True)
    elif not len(sampling):
        sampling = chain.sampling
    return replace(chain, disruptions=disruptions, policy=policy, projects=projects,
                   sampling=sampling, source=str(path), meta=meta)


def _projects(path: Path, rows: object, chain: SupplyChain, known: dict,
              problems: list[Problem]) -> pd.DataFrame:
    """The data's projects plus the file's ``[[projects]]`` (ids must not repeat)."""
    table, found = _table(path, rows, PROJECTS, "projects", known)
    where = Where(str(path), "projects", 1)
    if not found and len(table):
        found += check_projects(table, chain.supply, where)
        taken = set(chain.projects["project"]) if len(chain.projects) else set()
        found += [where.problem("project id is already in the data (use another id)", i + 1,
                                "project", p) for i, p in enumerate(table["project"])
                  if p in taken]
    problems += found
    parts = [t for t in (chain.projects, table) if len(t)]
    return pd.concat(parts, ignore_index=True) if parts else empty_table(PROJECTS)


def _read(path: Path) -> dict:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(Problem(str(path), f"cannot read the model file: {exc}")) from None
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark (Windows Notepad) is fine
    except UnicodeDecodeError as exc:
        raise InputError(Problem(str(path), "the model file is not UTF-8 text (byte "
                                 f"0x{data[exc.start]:02x} at position {exc.start}): save "
                                 "it as UTF-8 in your editor")) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(Problem(str(path), f"not a valid TOML model file: {exc}")) from None


def _data(path: Path, data: object, problems: list[Problem]) -> SupplyChain:
    from toolkit.io.inputs import load_input

    if not isinstance(data, str):
        problems.append(Problem(str(path), "must be \"embedded\" or a workbook path", None,
                                None, "data", data))
        return load_input(None)
    if data.strip().lower() == "embedded":
        return load_input(None)
    workbook = (path.parent / data).resolve()
    if not workbook.is_file():
        raise InputError(Problem(str(path), f"workbook {workbook} does not exist", None, None,
                                 "data", data))
    return load_input(workbook)


def _table(path: Path, rows: object, sheet: Sheet, table: str,
           known: dict) -> tuple[pd.DataFrame, list[Problem]]:
    where = Where(str(path), table, 1)
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        return empty_table(sheet), [where.problem(f"[[{table}]] must be a list of tables")]
    problems = [where.problem(f"unknown column {k!r}; columns: {', '.join(sheet.names)}",
                              i + 1, k) for i, r in enumerate(rows) for k in r
                if k not in sheet.names]
    raw = pd.DataFrame([{c: r.get(c, "") for c in sheet.names} for r in rows],
                       columns=list(sheet.names), dtype=object)
    typed, found = validate_table(raw, sheet, where, known)
    return typed[list(sheet.names)], problems + found


def _top_country_loss(path: Path, spec: object, chain: SupplyChain,
                      problems: list[Problem]) -> pd.DataFrame:
    if spec is None:
        return empty_table(DISRUPTIONS)
    if not isinstance(spec, dict) or set(spec) - GENERATED_KEYS:
        problems.append(Problem(str(path), "top_country_loss must be a table with keys "
                                + ", ".join(sorted(GENERATED_KEYS)), None, None,
                                "top_country_loss", spec))
        return empty_table(DISRUPTIONS)
    row = {"scenario": "top_country_loss", "mineral": "*", "stage": "*", "country": "ROW",
           "capacity_loss": spec.get("capacity_loss", 1.0),
           "probability": spec.get("probability", 0.0), "date": "",
           "source": spec.get("source", "")}
    _, found = validate_table(pd.DataFrame([row], dtype=object), DISRUPTIONS,
                              Where(str(path), "top_country_loss", 1))
    if found:
        problems += found
        return empty_table(DISRUPTIONS)
    return top_country_rows(chain, float(row["capacity_loss"]), float(row["probability"]),
                            str(row["source"]))


def top_country_rows(chain: SupplyChain, loss: float, probability: float,
                     source: str = "") -> pd.DataFrame:
    """One disruption row per (mineral, stage): its largest single-country producer."""
    supply = supply_at_year(chain.supply, default_year(chain))
    supply = supply[supply["country"] != ROW_COUNTRY]
    totals = supply.groupby(["mineral", "stage", "country"], as_index=False)["capacity_t"].sum()
    totals = totals.sort_values(["mineral", "stage", "capacity_t", "country"],
                                ascending=[True, True, False, True])
    top = totals.groupby(["mineral", "stage"], as_index=False).first()
    note = source or ("generated: largest producer of the stage in the data year; the "
                      "probability is an ASSUMPTION")
    rows = [{"scenario": f"top_country_loss:{r.stage}", "mineral": r.mineral,
             "stage": r.stage, "country": r.country, "capacity_loss": loss,
             "probability": probability, "date": "", "source": note}
            for r in top.itertuples() if r.capacity_t > 0]
    rows.sort(key=lambda r: (STAGES.index(r["stage"]), r["mineral"]))
    return pd.DataFrame(rows, columns=list(DISRUPTIONS.names))
