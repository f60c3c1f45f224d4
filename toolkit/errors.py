"""Errors the toolkit raises on purpose, each mapped to an exit status by the CLI.

Exit statuses: 0 ok, 2 bad input, 3 infeasible policy, 1 anything else.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where it is, what was there, which rule it breaks.

    ``row`` is the row number as the file shows it (Excel row, or CSV line with the
    header on line 1); ``None`` when the problem concerns the whole sheet or file.
    """

    file: str
    rule: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: object = None

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet {self.sheet}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        shown = "" if self.value is None else f" value {_show(self.value)}:"
        return f"{', '.join(where)}:{shown} {self.rule}"


def _show(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


class ToolkitError(Exception):
    """Base class; ``exit_status`` is what the CLI returns."""

    exit_status = 1


class InputError(ToolkitError):
    """Bad input: carries every problem found, not only the first."""

    exit_status = 2

    def __init__(self, problems: list[Problem] | Problem | str, file: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(file or "input", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class InfeasiblePolicyError(ToolkitError):
    """A policy cannot be met (results are still reported)."""

    exit_status = 3


class OutputError(ToolkitError):
    """An output file could not be written (disk full, permissions...); the message names
    the file, and the earlier version of it is left as it was."""

    exit_status = 1

    def __init__(self, path: object, reason: str) -> None:
        self.path, self.reason = str(path), reason
        super().__init__(f"{path}: cannot be written: {reason} (the earlier file, if any, "
                         "is unchanged)")


class Terminated(KeyboardInterrupt):
    """SIGTERM (or SIGHUP) arrived: unwinds like Ctrl-C, so every temporary file is
    removed and no earlier output is replaced; the CLI exits with 128 + the signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
