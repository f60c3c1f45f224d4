"""Policy case names that differ only in spaces or capitals: a misspelt case name would
silently make a new policy case (its rows then miss from the case they were meant for),
so such a name is an input error naming each row that spells it differently."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from toolkit.errors import Problem
from toolkit.validate import Where


def check_case_names(table: pd.DataFrame, where: Where) -> list[Problem]:
    """A problem for every Policy row whose case name differs from another row's only in
    spaces or capitals (the spelling most rows use is the case's; ties: the first)."""
    if table is None or table.empty or "case" not in table.columns:
        return []
    names = [_name(v) for v in table["case"].tolist()]
    spellings: dict[str, Counter] = {}
    for name in names:
        if name:
            spellings.setdefault(_key(name), Counter())[name] += 1
    problems = []
    for i, name in enumerate(names):
        counts = spellings.get(_key(name)) if name else None
        if not counts or len(counts) < 2:
            continue
        main = max(counts, key=lambda n: (counts[n], -names.index(n)))
        if name != main:
            rows = [where.row(j) for j, other in enumerate(names) if other == main]
            problems.append(where.problem(
                f"differs from the case {main!r} (row{'s' if len(rows) > 1 else ''} "
                f"{_rows(rows)}) only in spaces or capitals: a misspelt case name makes a "
                "new policy case; spell it as the other rows do", where.row(i), "case",
                name))
    return problems


def _name(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) \
        else str(value).strip()


def _key(name: str) -> str:
    return "".join(name.split()).casefold()


def _rows(rows: list[int]) -> str:
    return ", ".join(str(r) for r in rows[:5]) + (f" and {len(rows) - 5} more"
                                                  if len(rows) > 5 else "")
