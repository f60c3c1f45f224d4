"""Small HTML builders of the brief: tables, figures, notes (every text escaped)."""

from __future__ import annotations

from collections.abc import Iterable

from toolkit.reports import charts
from toolkit.reports.safety import esc


def table_html(header: list[tuple[str, str]], rows: Iterable[list[str]],
               caption: str = "") -> str:
    """An HTML table; ``header`` is (label, css class); cells are already escaped."""
    head = "".join(f'<th class="{cls}">{esc(label)}</th>' for label, cls in header)
    body = "".join("<tr>" + "".join(f'<td class="{cls}">{cell}</td>' for cell, (_, cls)
                                    in zip(row, header, strict=True)) + "</tr>"
                   for row in rows)
    note = f'<p class="note">{caption}</p>' if caption else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}"


def none(text: str = "none") -> str:
    return f'<p class="note">{esc(text)}</p>'


def figure(png: bytes | None, alt: str, caption: str) -> str:
    if png is None:
        return none(f"{alt}: no data")
    return (f'<figure><img src="{charts.data_uri(png)}" alt="{esc(alt)}">'
            f"<figcaption>{caption}</figcaption></figure>")
