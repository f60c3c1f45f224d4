"""One run at a time per output folder: a lock file held while ``toolkit run`` works.

Two runs writing into the same ``--out`` would interleave their files (one run's
workbook beside the other's brief).  ``toolkit run`` therefore holds an exclusive,
advisory lock on ``OUT/.toolkit-run.lock`` from before it reads its input until its
last file is renamed into place; a second run into that folder stops at once with a
message naming the process that holds it.  The operating system releases the lock
when the holder exits, even when it is killed, so a lock is never stale.  While it
holds the lock, a run also removes temporary files that an earlier, killed run left.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from toolkit.errors import InputError, Problem

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".toolkit-run.lock"
_HELD: set[int] = set()  # descriptors of the locks this process holds


@contextlib.contextmanager
def out_lock(folder: Path) -> Iterator[None]:
    """Hold the lock of ``folder`` for the duration of the ``with`` block.

    Raises
    ------
    InputError
        When another process holds it ("another run (process N) is writing to DIR").
    """
    folder = Path(folder)
    path = folder / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        if not _try_lock(fd):
            raise InputError(Problem(str(folder), f"another run (process {_holder(path)}) "
                                     f"is writing to {folder}: wait for it to finish, or "
                                     "give another --out folder"))
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        remove_stale_temporaries(folder)
        _HELD.add(fd)
        yield
    finally:
        _HELD.discard(fd)
        os.close(fd)  # closing the descriptor releases the lock


def drop_inherited_locks() -> None:
    """In a forked child: close the copies of the parent's lock descriptors (without
    unlocking: the lock is the parent's), so that the lock ends with the parent even if
    the child outlives it."""
    for fd in list(_HELD):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


def _try_lock(fd: int) -> bool:
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True
    import msvcrt  # pragma: no cover - Windows

    try:  # pragma: no cover
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:  # pragma: no cover
        return False
    return True  # pragma: no cover


def _holder(path: Path) -> str:
    with contextlib.suppress(OSError, ValueError):
        return str(int(path.read_text(encoding="ascii").strip()))
    return "unknown"


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete ``.NAME.*.tmp`` / ``.NAME.*.tmp.EXT`` files: the temporary files of
    :mod:`toolkit.io.atomic` and :mod:`toolkit.reports` that a killed run left (safe
    only while holding the folder's lock)."""
    removed = []
    for entry in folder.iterdir():
        name = entry.name
        if name.startswith(".") and (name.endswith(".tmp") or ".tmp." in name) \
                and entry.is_file():
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
                removed.append(entry)
    return removed
