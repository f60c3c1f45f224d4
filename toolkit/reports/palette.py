"""The reports' colours: one colour per stage and per case, shared by the brief's
matplotlib charts and the workbook's native charts and header styles.

Colours are ``#RRGGBB``; :func:`excel` gives the ``RRGGBB`` form openpyxl wants.
"""

from __future__ import annotations

NAVY = "#1f4e79"
GREY = "#a6a6a6"
RED = "#a61c1c"
STAGE_COLOURS = {"mine": "#8c6d31", "refine": "#3b6ea5", "manufacture": "#c0504d"}
CASE_COLOURS = ["#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6"]
TODAY, PLAN = GREY, NAVY  # the before/after bars: today's world mix, recommended plan


def excel(colour: str) -> str:
    """``#8c6d31`` as openpyxl's ``8C6D31``."""
    return colour.lstrip("#").upper()


def case_colour(index: int) -> str:
    """The colour of the ``index``-th case (cycling)."""
    return CASE_COLOURS[index % len(CASE_COLOURS)]
