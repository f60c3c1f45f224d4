"""How the input schema (:mod:`toolkit.schema`) reads in the documentation: the rows of
``toolkit schema`` and of the template's README sheet, defaults and bounds in words."""

from __future__ import annotations

from dataclasses import dataclass, field

from toolkit.schema import WORKBOOK, Setting


@dataclass(frozen=True)
class DocRow:
    """One line of the generated documentation table."""

    sheet: str
    column: str
    kind: str
    unit: str
    required: str
    allowed: str
    description: str = field(default="")
    default: str = field(default="")


def documentation_rows() -> list[DocRow]:
    """Flatten the declaration into rows for the README sheet and ``toolkit schema``."""
    rows = []
    for sh in WORKBOOK:
        for c in sh.columns:
            allowed = ", ".join(a or "(blank)" for a in c.allowed) if c.allowed else (
                f"ids from {c.ref}" + (f" or {c.wildcard}" if c.wildcard else "") if c.ref
                else ("whole years " if c.unit == "year" else "") + _bounds(c.low, c.high))
            rows.append(DocRow(sh.name, c.name, c.kind, c.unit,
                               "required" if c.required else "optional", allowed,
                               c.description, show_default(c.default, c.required)))
    return rows


def show_default(default: object, required: bool = False) -> str:
    """How a blank cell's default reads in the docs ("" for required columns)."""
    if required:
        return ""
    if default is None:
        return "(blank)"
    if isinstance(default, bool):
        return "TRUE" if default else "FALSE"
    if isinstance(default, float):
        return f"{default:g}"
    return str(default) if default != "" else "(blank)"


def setting_bounds(s: Setting) -> str:
    """The values a setting accepts, as the docs show them."""
    if s.kind == "years":
        return "a comma-separated list of years " + _bounds(s.low, s.high)
    if s.allowed:
        return ", ".join(s.allowed)
    return "a number " + (_bounds(s.low, s.high) or "(any)")


def _bounds(low: float | None, high: float | None) -> str:
    if low is None and high is None:
        return ""
    if high is None:
        return f">= {low:g}"
    if low is None:
        return f"<= {high:g}"
    return f"{low:g} to {high:g}"
