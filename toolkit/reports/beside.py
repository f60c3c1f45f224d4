"""Writing one report in a forked process while this process writes another.

The workbook and the brief read the same tables and write different files, so the brief
(its charts are most of its time) is written by a forked child while the parent writes the
workbook.  The child inherits everything at the fork (nothing is pickled on the way in),
writes its staged temporary file and reports back only its error, if any; the parent still
renames every staged file onto its target only when all of them succeeded.  Where the
platform cannot fork, or this process runs other threads (a fork would copy their locks),
the step runs in this process when it is waited for.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path

from toolkit.errors import OutputError
from toolkit.io.atomic import output_errors
from toolkit.io.forked import error_message, fork_is_safe, start_forked_child


class WriteBeside:
    """One report written to ``path`` (final name ``target``) beside this process."""

    def __init__(self, writer: Callable[[Path], object], path: Path, target: Path) -> None:
        self.writer, self.path, self.target = writer, path, target
        self.process = None
        if not fork_is_safe():
            return
        sys.stdout.flush()
        sys.stderr.flush()
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self.process = context.Process(target=self._child, args=(send, os.getpid()),
                                       daemon=True)
        self.process.start()
        send.close()

    def _child(self, send, parent_pid: int) -> None:
        start_forked_child(parent_pid)
        try:
            with output_errors(self.target):
                self.writer(self.path)
            send.send_bytes(b"")
        except OutputError as exc:
            send.send_bytes(pickle.dumps(("output", exc.path, exc.reason)))
        except BaseException as exc:  # handed to the parent, raised there
            send.send_bytes(error_message(exc))
        finally:
            send.close()
            os._exit(0)  # no interpreter exit in the child: the parent's state is its own

    def wait(self) -> None:
        """Wait for the report; raise its error here (as in-process)."""
        if self.process is None:
            with output_errors(self.target):
                self.writer(self.path)
            return
        try:
            message = self._receive.recv_bytes()
        except EOFError:
            message = pickle.dumps(("error", RuntimeError(
                f"the process writing {self.target.name} stopped before it finished")))
        finally:
            self.process.join()
            self._receive.close()
        if message:
            kind, *rest = pickle.loads(message)
            if kind == "output":
                raise OutputError(*rest)
            raise rest[0]

    def stop(self) -> None:
        """Stop the child now (the run failed or was interrupted)."""
        if self.process is not None and self.process.is_alive():
            self.process.terminate()
            self.process.join()
