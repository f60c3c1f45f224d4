"""Reliance outside China: where a recommended plan leans on one country that is neither a
partner nor well governed (a World Bank WGI mean below 0), e.g. Russia for the UK's
titanium refining.  The optimisation caps China's share only; a brief that tracked China
alone would recommend such reliance without a word."""

from __future__ import annotations

import pandas as pd

from toolkit.reports import plain, words
from toolkit.reports.words import pct

LEAN = 0.5      # a single country's share of a buyer's tonnes at a stage counted as reliance
SHOWN = 3       # reliances named in the finding (the largest shares; all in the workbook)
STAGE_NOUN = {"mine": "mining", "refine": "refining", "manufacture": "manufacturing"}


def exposed_countries(chain) -> frozenset[str]:
    """Countries neither partner nor well governed (WGI mean < 0), China and ROW aside."""
    if chain is None or chain.countries.empty or "wgi" not in chain.countries:
        return frozenset()
    c = chain.countries
    partner = c["partner"].fillna(False).astype(bool) if "partner" in c else False
    wgi = pd.to_numeric(c["wgi"], errors="coerce")
    out = c.loc[(~partner) & (wgi < 0), "country"].astype(str)
    return frozenset(out) - {"CHN", "ROW"}


def reliance(portfolio: pd.DataFrame, case: str, exposed: frozenset[str]) -> pd.DataFrame:
    """Per buyer, mineral and stage of ``case``: an exposed country with at least
    :data:`LEAN` of the buyer's tonnes there, the largest share first."""
    sel = _shares(portfolio, case)
    if sel.empty or not exposed:
        return sel.iloc[0:0]
    sel = sel[sel["country"].astype(str).isin(exposed) & (sel["share"] >= LEAN)]
    return sel.sort_values(["share", "tonnes", "buyer", "mineral"],
                           ascending=[False, False, True, True], kind="stable")


def reliance_lines(portfolio: pd.DataFrame, case: str, exposed: frozenset[str]) -> list[str]:
    """The finding: the largest reliances on exposed countries, in words."""
    sel = reliance(portfolio, case, exposed)
    if sel.empty:
        return []
    groups: dict[tuple, list] = {}  # one item per country, mineral, stage and share shown
    for r in sel.itertuples():
        groups.setdefault((str(r.country), str(r.mineral), str(r.stage), pct(r.share)),
                          []).append(r)
    items = []
    for (_c, mineral, stage, share), rows in list(groups.items())[:SHOWN]:
        whose = " and ".join(f"{plain.who(str(r.buyer))}'s"
                             for r in sorted(rows, key=lambda r: str(r.buyer)))
        items.append(f"{_name(rows[0])} for {share} of {whose} {words.mineral(mineral)} "
                     f"{STAGE_NOUN.get(stage, stage)}")
    more = len(groups) - SHOWN
    return [f"Outside China, the plan of “{case}” leans on countries that are neither "
            f"partners nor well governed (World Bank governance score below 0): "
            f"{words.listing(items)}"
            + (f" ({more} more such reliances in the workbook, sheet Portfolio)" if more > 0
               else "")
            + "; the caps in this model limit China's share only."]


def unnamed_lines(portfolio: pd.DataFrame, case: str) -> list[str]:
    """Where the plan takes at least :data:`LEAN` of a buyer's tonnes at a stage from the
    rest-of-world aggregate (producers the data do not name): not a supplier one can
    contract with, and concentration there is only what the named countries show."""
    sel = _shares(portfolio, case)
    sel = sel[(sel["country"].astype(str) == "ROW") & (sel["share"] >= LEAN)]
    if sel.empty:
        return []
    top = sel.groupby(["mineral", "stage"], as_index=False)["share"].max().sort_values(
        ["share", "mineral", "stage"], ascending=[False, True, True], kind="stable")
    items = [f"{words.mineral(r.mineral)} {STAGE_NOUN.get(r.stage, r.stage)} "
             f"({pct(r.share)})" for r in top.head(SHOWN).itertuples()]
    more = len(top) - SHOWN
    items += [f"{more} more (workbook, sheet Portfolio)"] if more > 0 else []
    return [f"The plan of “{case}” takes most of some supplies from producers the data do "
            f"not name (their “other countries” aggregate): {words.listing(items)}. "
            "That is a direction to look in, not a supplier to contract with, and "
            "China's share there is the only concentration the data can show."]


def _shares(portfolio: pd.DataFrame, case: str) -> pd.DataFrame:
    """The case's portfolio rows with tonnes and ``share``: of the buyer's tonnes of the
    mineral at the stage."""
    sel = portfolio[(portfolio["case"] == case) & (portfolio["tonnes"] > 0)]
    total = sel.groupby(["buyer", "mineral", "stage"])["tonnes"].transform("sum")
    return sel.assign(share=sel["tonnes"] / total)


def _name(row) -> str:
    name = getattr(row, "country_name", None)
    return name if isinstance(name, str) and name else str(row.country)
