"""What a forked worker process does first (the case pool, the brief writer).

It takes SIGTERM's default action (its parent stops it with SIGTERM), leaves Ctrl-C to
the parent, drops its copy of the parent's output-folder lock (so the lock ends with the
parent, :mod:`toolkit.io.lock`), and on Linux asks to be killed when its parent dies (a
parent killed with SIGKILL must not leave a child writing into the folder).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
import threading

from toolkit.io.lock import drop_inherited_locks

PR_SET_PDEATHSIG = 1  # prctl(2)


def can_fork() -> bool:
    """True where worker processes can be forked (Linux, macOS): they inherit the loaded
    modules and inputs, so they start in milliseconds instead of a Dask worker's seconds."""
    return "fork" in multiprocessing.get_all_start_methods()


def fork_is_safe() -> bool:
    """True where this process may fork now: the platform can, and no other thread runs
    (a fork copies only the calling thread, and other threads' locks with it)."""
    return can_fork() and threading.active_count() == 1


def start_forked_child(parent_pid: int) -> None:
    """Set up a child forked from ``parent_pid``; exit at once if it is already gone."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    drop_inherited_locks()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)


def error_message(exc: BaseException, kind: str = "error") -> bytes:
    """``(kind, exc)`` pickled for the parent of a forked child; an exception that does
    not survive pickling both ways is sent as a RuntimeError naming it (the parent must
    be able to raise it)."""
    try:
        payload = pickle.dumps((kind, exc))
        pickle.loads(payload)
        return payload
    except Exception:
        return pickle.dumps((kind, RuntimeError(f"{type(exc).__name__}: {exc}")))
