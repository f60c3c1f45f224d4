"""Atomic file output: write to a temporary file in the same folder, then rename.

A failed write never leaves a half-written file and never replaces a good one; an
operating-system error (disk full, no permission) becomes an
:class:`~toolkit.errors.OutputError` naming the file being written, not the
temporary one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from toolkit.errors import OutputError

_COMMIT = {"active": False, "run": False}


@contextlib.contextmanager
def run_outputs() -> Iterator[None]:
    """A run's output phase: renames begun inside it (:func:`renaming`,
    :func:`begin_commit`) hold stop signals until the phase ends, so the last files of
    the set (the JSON is renamed last) are covered too."""
    _COMMIT["run"] = True
    try:
        yield
    finally:
        _COMMIT.update(active=False, run=False)


def begin_commit() -> None:
    """The staged outputs are being renamed onto their targets: a stop signal arriving
    from now on is not acted on (the renames take microseconds; stopping between two of
    them would leave a mixed set of new and old files, so the run completes with a whole
    new set instead).  Ends with :func:`run_outputs`, or with :func:`renaming` outside
    a run."""
    _COMMIT["active"] = True


@contextlib.contextmanager
def renaming() -> Iterator[None]:
    """Around a loop of renames (see :func:`begin_commit`)."""
    begin_commit()
    try:
        yield
    finally:
        if not _COMMIT["run"]:
            _COMMIT["active"] = False


def committing() -> bool:
    """True while outputs are renamed into place (:func:`begin_commit`)."""
    return _COMMIT["active"]


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it onto ``path`` on success.

    On any exception the temporary file is removed and ``path`` is left untouched.

    Raises
    ------
    OutputError
        When the operating system refuses to create, rename or set permissions on the file
    (naming ``path``); wrap the writes into the temporary file in
    :func:`output_errors` to have them named the same way.
    """
    path = Path(path)
    with output_errors(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    try:
        yield Path(tmp)
        with output_errors(path):
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def output_errors(path: Path) -> Iterator[None]:
    """Turn an ``OSError`` raised while writing ``path`` into an :class:`OutputError`."""
    try:
        yield
    except OSError as exc:
        raise OutputError(path, str(exc.strerror or exc)) from None


def write_text(path: Path, text: str) -> Path:
    """Atomically write UTF-8 text (``\\n`` line endings) to ``path``."""
    with atomic_path(path) as tmp, output_errors(path):
        tmp.write_text(text, encoding="utf-8", newline="\n")
    return Path(path)


def write_bytes(path: Path, data: bytes) -> Path:
    """Atomically write bytes to ``path``."""
    with atomic_path(path) as tmp, output_errors(path):
        tmp.write_bytes(data)
    return Path(path)


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
