"""Provenance of a run: sources with edition and licence, versions, input hash, time."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd

from toolkit import __version__
from toolkit.reports.words import scenario

SOURCE_COLS = ["source_id", "title", "publisher", "edition", "year", "licence", "url",
               "caveats"]
EPOCH = dt.datetime(2000, 1, 1)


def run_time(bundle: dict) -> dt.datetime:
    """The run time stamp as a naive UTC datetime (2000-01-01 when absent or unreadable)."""
    text = str(bundle.get("run_timestamp") or "")
    try:
        stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return EPOCH
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)
    return stamp.replace(microsecond=0)


def input_name(bundle: dict) -> str:
    """The input file's name, or "embedded dataset and default model" when none."""
    path = bundle.get("input_path")
    return Path(str(path)).name if path else "embedded dataset and default model"


PACKAGE_ROOT = Path(__file__).resolve().parents[2]


def subject(bundle: dict, name: str) -> str | None:
    """What a report is about, in the analyst's words: the model file's ``description``,
    else the input file's name (``name``, its stem); None for the embedded model without
    a description (its id is not shown to readers)."""
    meta = getattr(bundle.get("chain"), "meta", None) or {}
    described = str(meta.get("description") or "").strip()
    if described:
        return described
    return name if bundle.get("input_path") else None


def titled(title: str, bundle: dict, name: str) -> str:
    """``title — subject`` (:func:`subject`), or the title alone."""
    return with_subject(title, subject(bundle, name))


def with_subject(title: str, about: str | None) -> str:
    """``title — about``, or the title alone when ``about`` is empty."""
    return f"{title} — {about}" if about else title


def shown_path(path: object) -> str:
    """A path as the reports show it: never absolute — relative to the working folder
    or to the toolkit's folder when under them, else the file name alone."""
    text = str(path or "")
    if not text or not Path(text).is_absolute():
        return text
    full = Path(text).resolve()
    for base in (Path.cwd().resolve(), PACKAGE_ROOT):
        if full.is_relative_to(base):
            return str(full.relative_to(base))
    return full.name


def run_facts(bundle: dict) -> pd.DataFrame:
    """One row per fact of the run: toolkit version, solver, input, SHA-256, times."""
    result = bundle.get("result") if isinstance(bundle.get("result"), dict) else {}
    solver = bundle.get("solver") or result.get("solver")
    solver = solver if isinstance(solver, dict) else {}
    seconds = bundle.get("run_seconds")
    chain = bundle.get("chain")
    facts = [
        ("toolkit_version", bundle.get("toolkit_version") or result.get("toolkit_version")
         or __version__),
        ("solver", solver.get("name") or ""),
        ("solver_version", solver.get("version") or ""),
        ("input_file", input_name(bundle)),
        ("input_path", shown_path(bundle.get("input_path"))),
        ("input_sha256", bundle.get("input_sha256") or ""),
        ("data_source", shown_path(getattr(chain, "source", "")) if chain is not None
         else ""),
        ("run_timestamp", str(bundle.get("run_timestamp") or "")),
        ("run_seconds", float(seconds) if isinstance(seconds, int | float)
         and not math.isnan(seconds) else None),
    ]
    return pd.DataFrame(facts, columns=["item", "value"])


def sources(bundle: dict) -> pd.DataFrame:
    """Every source of the data, with edition and licence.

    With the embedded dataset (the chain carries its loaded ``sources.csv`` in
    ``meta["tables"]``) every source of the dataset is listed; otherwise the rows of
    ``datasets/sources.csv`` whose ``source_id`` the supply table cites.  A cited id
    missing from the table is listed with blank details; the sources of the disruption
    scenarios follow, one row per scenario.
    """
    chain = bundle.get("chain")
    tables = (getattr(chain, "meta", None) or {}).get("tables") or {}
    table = tables.get("sources.csv") if isinstance(tables, dict) else None
    cited = _cited(chain)
    if table is None:
        table = _read_sources()
        table = pd.DataFrame(columns=SOURCE_COLS) if table is None else table
        table = table[table["source_id"].isin(cited)]
    missing = pd.DataFrame({"source_id": sorted(set(cited) - set(table["source_id"]))})
    table = pd.concat([table, missing], ignore_index=True)
    table = table.reindex(columns=SOURCE_COLS + [c for c in table.columns
                                                if c not in SOURCE_COLS])
    table = table.sort_values("source_id", kind="stable")
    return pd.concat([table, _scenario_sources(chain)], ignore_index=True)


def _scenario_sources(chain) -> pd.DataFrame:
    table = getattr(chain, "disruptions", None)
    if table is None or table.empty or "source" not in table.columns:
        return pd.DataFrame(columns=SOURCE_COLS)
    cols = ["scenario", "source"] + (["date"] if "date" in table.columns else [])
    rows = table[cols].drop_duplicates(["scenario"]).fillna("")
    rows = rows[rows["source"].astype(str) != ""]
    return pd.DataFrame({"source_id": "scenario: " + rows["scenario"].map(scenario),
                         "title": rows["source"].astype(str),
                         "edition": rows.get("date", "")}).reindex(columns=SOURCE_COLS)


def _read_sources() -> pd.DataFrame | None:
    from toolkit.io.datasets import datasets_dir

    path = datasets_dir() / "sources.csv"
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _cited(chain) -> list[str]:
    if chain is None or "source_id" not in chain.supply.columns:
        return []
    ids = chain.supply["source_id"].dropna().astype(str).str.split(r"[;,]").explode()
    ids = ids.str.strip()
    return sorted(set(ids[ids != ""]))
