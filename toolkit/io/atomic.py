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
