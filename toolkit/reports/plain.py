"""A policy case that cannot be met, in plain words (no setting names, no country codes).

Built from a diagnosis row (:mod:`toolkit.optimize.diagnose`): ``setting, stage,
mineral, buyer, scenario, country, needed_t, available_t, gap_t, value``.  A row of a
kind not known here keeps its technical message.
"""

from __future__ import annotations

from toolkit.reports.words import SETTING_WORDS, pct, tonnes

WHO = {"GBR": "the UK", "JPN": "Japan", "GBR+JPN": "the UK and Japan"}
NAMES = {"CHN": "China", "ROW": "the rest of the world"}


def who(buyer: str) -> str:
    """A buyer code in words."""
    return WHO.get(buyer, buyer)


def _place(row: dict) -> str:
    stage = f" at the {row['stage']} stage" if row.get("stage") else ""
    scenario = f" when “{row['scenario']}” happens" if row.get("scenario") else ""
    year = f"In {row['year']}, " if row.get("year") else ""
    return (f"{year}{who(str(row.get('buyer', '')))}'s {row.get('mineral', '')}{stage}"
            f"{scenario}")


def _need(row: dict, what: str) -> str:
    return (f"needs {tonnes(float(row['needed_t']))} {what}, but only "
            f"{tonnes(max(0.0, float(row['available_t'])))} can be had "
            f"({tonnes(float(row['gap_t']))} short)")


def reason(row: dict) -> str | None:
    """One plain sentence for a diagnosis row, or None for a kind not known here."""
    try:
        setting, value = str(row.get("setting", "")), row.get("value")
        cap = pct(float(value)) if value is not None else ""
        if setting == "max_china_share":
            return f"{_place(row)}: a cap of {cap} on China's share " + _need(
                row, "from outside China")
        if setting == "max_country_share":
            country = NAMES.get(str(row.get("country", "")), str(row.get("country", "")))
            return (f"{_place(row)}: taking at most {cap} from any one country "
                    + _need(row, f"from outside {country}"))
        if setting == "max_china_touch_share":
            return f"{_place(row)}: a cap of {cap} on supply that passes China " + _need(
                row, "on paths that avoid China")
        if setting == "min_partner_share":
            return f"{_place(row)}: a floor of {cap} from partner countries " + _need(
                row, "from partners")
        if setting == "min_served_share":
            return f"{_place(row)}: serving at least {cap} of demand " + _need(row, "served")
        if setting in ("world_balance", "capacity"):
            return f"{_place(row)}: the world " + _need(row, "to spare for them")
    except (KeyError, TypeError, ValueError):
        return None
    return None


def is_exclusion(row) -> bool:
    """Whether a shadow-price row (of :func:`toolkit.reports.data.price_table`, whose
    ``exclusion`` column is boolean) is a ban: every binding country capped at 0."""
    return bool(row.get("exclusion", False))


def constraint(row) -> str:
    """A shadow-price row's constraint in words: 'the cap on China's share (Japan's
    nickel at the refine stage)', 'the caps on single countries' shares, binding for
    China (…)', 'the exclusion of North Korea (…)' (a cap of 0); unknown settings keep
    their name."""
    name = str(row.get("setting", "")) if hasattr(row, "get") else ""
    words = SETTING_WORDS.get(name, name)
    binding = row.get("country_names") if hasattr(row, "get") else None
    if name == "max_country_share" and isinstance(binding, str) and binding:
        words = f"the exclusion of {binding}" if is_exclusion(row) else \
            f"{words}, binding for {binding}"
    buyer, mineral, stage = (str(row.get(k) or "") for k in ("buyer", "mineral", "stage"))
    who_ = f"{who(buyer)}'s " if buyer else ""
    at = f" at the {stage} stage" if stage else ""
    return f"{words} ({who_}{mineral}{at})" if mineral or buyer else words


def diagnosis(lines: list[str], rows: list[dict]) -> list[str]:
    """A case's diagnosis messages in plain sentences: each message by :func:`reason` of
    its row where the rows match the messages one to one (else only the first), the
    message itself where no sentence is known."""
    if not lines:
        return []
    if len(rows) == len(lines):
        return [reason(r) or line for r, line in zip(rows, lines, strict=True)]
    first = reason(rows[0]) if rows else None
    return ([first] + lines[1:]) if first else lines
