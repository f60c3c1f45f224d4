"""Run independent tasks in-process, on forked local processes or on Dask
(``dask.distributed``), results in order.

* ``workers == 1`` and no scheduler: in-process, one task after another (no cluster).
* ``scheduler`` given: submit to that existing cluster (``tcp://host:8786``; e.g. one
  started by ``dask-jobqueue`` or the Dask Kubernetes operator, see README).  Its
  workers need this toolkit installed.
* otherwise: a ``LocalCluster`` of ``workers`` processes (default: one per core), one
  thread each (HiGHS runs single-threaded), closed when the tasks are done.

Large shared inputs (the chains, the inputs' values) are scattered to every worker
once; tasks then carry only their case, mineral and world range.  A task is a plain
function of its arguments, so the results do not depend on where or in which order
the tasks run.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from toolkit.io.forked import can_fork, start_forked_child  # noqa: F401  (re-exported)

Progress = Callable[[int, int], None]
_FORKED: dict[str, Any] = {}  # the task function and shared input, inherited by forked workers


def default_workers() -> int:
    """Worker processes of a default LocalCluster: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_tasks(func: Callable[..., Any], shared: Any, tasks: Sequence[tuple],
              workers: int | None = None, scheduler: str | None = None,
              progress: Progress | None = None) -> list[Any]:
    """``[func(shared, *task) for task in tasks]``, computed in-process or on Dask.

    Parameters
    ----------
    func : a module-level function (picklable by reference).
    shared : passed to every call; sent to each Dask worker once.
    workers : worker processes of a LocalCluster (None: one per core; 1: in-process).
    scheduler : address of an existing Dask scheduler (overrides ``workers``).
    progress : called with (done, total) after each task.
    """
    workers = default_workers() if workers is None else workers
    if scheduler is None and workers <= 1:
        return _in_process(func, shared, tasks, progress)
    with _client(workers, scheduler) as client:
        return _on_dask(client, func, shared, tasks, progress)


def _in_process(func: Callable[..., Any], shared: Any, tasks: Sequence[tuple],
                progress: Progress | None) -> list[Any]:
    out = []
    for i, task in enumerate(tasks):
        out.append(func(shared, *task))
        if progress:
            progress(i + 1, len(tasks))
    return out


@contextlib.contextmanager
def _client(workers: int, scheduler: str | None) -> Iterator[Any]:
    from distributed import Client, LocalCluster

    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        yield client


def _on_dask(client: Any, func: Callable[..., Any], shared: Any, tasks: Sequence[tuple],
             progress: Progress | None) -> list[Any]:
    from distributed import as_completed

    [shared_future] = client.scatter([shared], broadcast=True, hash=False)
    futures = [client.submit(func, shared_future, *task, pure=False) for task in tasks]
    index = {f.key: i for i, f in enumerate(futures)}
    out: list[Any] = [None] * len(futures)
    for done, future in enumerate(as_completed(futures), start=1):
        out[index[future.key]] = future.result()
        future.release()
        if progress:
            progress(done, len(futures))
    return out


def run_forked(func: Callable[..., Any], shared: Any, tasks: Sequence[tuple],
               processes: int, progress: Progress | None = None,
               meanwhile: Callable[[], Any] | None = None,
               received: Callable[[Any], None] | None = None) -> list[Any]:
    """``[func(shared, *task) for task in tasks]`` on ``processes`` forked local workers,
    results in task order (tasks are handed out in order: put the longest first).
    ``meanwhile()``, if given, is one more job, handed out after the tasks (the first
    worker done with its tasks runs it while the others still solve, instead of this
    process competing with them for a core); its result is passed to ``received`` here
    and its exception stops the workers like a failed task's.

    Each worker inherits ``func``, ``shared`` and ``meanwhile`` at the fork (nothing is
    pickled on the way in); results are pickled back.  A failed task's exception (or a
    worker that died: ``BrokenProcessPool``) is raised here, and the other workers are
    stopped at once, as they are when the run is interrupted or terminated.
    """
    _FORKED.update(func=func, shared=shared, meanwhile=meanwhile)
    out: list[Any] = [None] * len(tasks)
    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(processes, mp_context=context, initializer=start_forked_child,
                               initargs=(os.getpid(),))
    try:
        futures = [pool.submit(_forked_task, i, task) for i, task in enumerate(tasks)]
        if meanwhile is not None:
            futures.append(pool.submit(_forked_call))
        done = 0
        for future in as_completed(futures):
            i, result = future.result()  # a dead worker raises BrokenProcessPool here
            if i is None:
                (received or (lambda _value: None))(result)
                continue
            out[i] = result
            done += 1
            if progress:
                progress(done, len(tasks))
    except BaseException:  # a failed task, Ctrl-C or SIGTERM: stop every worker now
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        _FORKED.clear()
    pool.shutdown()
    return out


def _forked_task(i: int, task: tuple) -> tuple[int, Any]:
    return i, _FORKED["func"](_FORKED["shared"], *task)


def _forked_call() -> tuple[None, Any]:
    return None, _FORKED["meanwhile"]()
