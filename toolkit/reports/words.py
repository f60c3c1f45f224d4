"""Words for the reports: money, shares, tonnes and times as text, and the plain words
for the model's ids (policy settings, generated scenarios, solver statuses, terms)."""

from __future__ import annotations

import datetime as dt
import math
import re


def usd(value: float) -> str:
    """Money in words: ``USD 1.23 bn``, ``USD 45.6 m``, ``USD 12,345``."""
    if value is None or math.isnan(value):
        return "n/a"
    size = abs(value)
    if size >= 1e9:
        return f"USD {value / 1e9:,.2f} bn"
    if size >= 1e6:
        return f"USD {value / 1e6:,.1f} m"
    return f"USD {value:,.0f}"


def pct(value: float, digits: int = 0) -> str:
    """A fraction as a percentage: ``0.623 -> '62%'``."""
    if value is None or math.isnan(value):
        return "n/a"
    text = f"{100 * value:.{digits}f}%"
    return text[1:] if text.startswith("-") and not text.strip("-0.%") else text  # no "-0%"


def tonnes(value: float) -> str:
    """Tonnes in words, three significant figures below 100 t: ``1,234 t``, ``10.4 t``,
    ``1.41 t``."""
    if value is None or math.isnan(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f} t"
    return f"{value:,.1f} t" if abs(value) >= 10 else f"{value:,.2f} t"


# ----------------------------------------------------------------------------- plain words
# One mapping from the model's ids (policy settings, generated scenarios, solver statuses)
# to the words the reports print; used by the brief, the findings and the workbook.

SETTING_WORDS = {
    "max_china_share": "the cap on China's share",
    "max_country_share": "the caps on single countries' shares",
    "max_china_touch_share": "the cap on supply that passes China",
    "min_partner_share": "the floor on partner countries' share",
    "min_served_share": "the floor on demand served in a disruption",
    "max_offtake_share": "the cap on the share of a supplier's output contracted",
    "max_bid_share": "the cap on the share of other buyers' tonnes bid away",
    "world_balance": "the world's spare tonnes",
    "capacity": "the world's capacity",
}
STAGE_LEADER = {"mine": "the largest mining country", "refine": "the largest refiner",
                "manufacture": "the largest manufacturer"}
STATUS_WORDS = {"optimal": "can be met", "infeasible": "cannot be met"}
GLOSSARY = {
    "HHI": "Herfindahl–Hirschman index: the sum of the squared percentage shares of "
           "world supply held by each country, from near 0 (many small suppliers) to "
           "10,000 (one supplier). Above 2,500 the market counts as highly concentrated.",
    "CVaR": "conditional value at risk: the average cost over the worst 5 % of "
            "disruption outcomes, weighted by their probabilities; a plan that weighs "
            "it guards against bad years rather than the average year.",
    "shadow price": "the rate, in USD a year per percentage point, at which more room in "
                    "a binding rule saves cost at the margin; the saving of a whole point, "
                    "re-solved, is shown beside it and is never larger.",
}
GENERATED_SCENARIO = re.compile(r"\btop_country_loss:(mine|refine|manufacture)\b")
# only ids with an underscore are rewritten inside prose: "capacity" is also an English word
SETTING_ID = re.compile(r"\b(" + "|".join(sorted((k for k in SETTING_WORDS if "_" in k),
                                                  key=len, reverse=True)) + r")\b")


def setting(name: object) -> str:
    """A policy setting id in words: ``max_china_share`` → "the cap on China's share";
    an unknown name keeps its name with spaces for underscores."""
    return SETTING_WORDS.get(str(name), str(name).replace("_", " "))


def mineral(name: object) -> str:
    """A mineral id in words: ``rare_earths`` → "rare earths"."""
    return str(name).replace("_", " ")


def scenario(name: object) -> str:
    """A scenario name in words: ``top_country_loss:manufacture`` → "loss of the largest
    manufacturer"; names the user gave are kept."""
    return GENERATED_SCENARIO.sub(lambda m: f"loss of {STAGE_LEADER[m.group(1)]}", str(name))


def status(value: object) -> str:
    """A solver status in words: optimal → "can be met", else "cannot be met (…)"."""
    text = str(value)
    return STATUS_WORDS.get(text, f"cannot be met ({text.replace('_', ' ')})")


def plain(text: object) -> str:
    """``text`` with every setting id and generated scenario name put in words."""
    words = scenario(text)
    return SETTING_ID.sub(lambda m: SETTING_WORDS[m.group(1)].removeprefix("the "), words)


def when(stamp: object) -> str:
    """An ISO time stamp to the minute: ``2026-12-01T22:44:05+00:00`` → "1 Dec 2026,
    22:44 UTC"; text that is not a time stamp is returned as is."""
    try:
        moment = dt.datetime.fromisoformat(str(stamp))
    except ValueError:
        return str(stamp)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    zone = " UTC" if moment.tzinfo is not None else ""
    return f"{moment.day} {moment:%b %Y, %H:%M}{zone}"


def duration(seconds: object) -> str:
    """Seconds in words, rounded: "0.4 s", "12 s", "3 min 5 s", "1 h 2 min"."""
    try:
        value = float(seconds)
    except (TypeError, ValueError):
        return str(seconds)
    if math.isnan(value):
        return "n/a"
    if value < 10:
        return f"{value:.1f} s"
    total = round(value)
    if total < 60:
        return f"{total} s"
    if total < 3600:
        return f"{total // 60} min {total % 60} s"
    return f"{total // 3600} h {total % 3600 // 60} min"


def listing(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = [str(i) for i in items]
    return " and ".join(items) if len(items) < 3 else ", ".join(items[:-1]) + f" and {items[-1]}"
