"""One single-year policy case solved by several local processes, minerals shared out.

``toolkit run`` forks one process per policy case (:func:`toolkit.sweep.execute.run_forked`);
a workbook with a single case (the peer-size one) would leave the other cores idle.  No
setting couples minerals (:mod:`toolkit.optimize.model`), so the case's minerals are
dealt out round-robin: this process solves the first share and each forked child one
other.  Each process builds, solves, rations and sweeps its minerals' models exactly as
one process would (:func:`toolkit.optimize.run.solve_part`).  Two figures span minerals
and are agreed before they are used: the top ε of the expected-shortfall sweep (the
largest base expected-shortfall share of any mineral) and whether any model has bids
(the bid-premium sensitivity).  The parts are then combined in this process
(:func:`toolkit.optimize.run.combine`), so the numbers equal a run in one process
(``tests/test_mineral_split.py``).

Children inherit the chain and case at the fork (nothing is pickled on the way in) and
send back their part, stripped of its built models.  A child's exception is raised
here; a child that dies raises :class:`SplitError`; when this process fails, is
interrupted or terminated, every child is stopped at once.
"""

from __future__ import annotations

import multiprocessing
import os
import sys

from toolkit.chain import SupplyChain
from toolkit.io.forked import error_message, fork_is_safe, start_forked_child
from toolkit.optimize.cooperation import release
from toolkit.optimize.run import CasePart, CaseRun, Progress, combine, solve_part
from toolkit.optimize.timeline import is_multi_year, year_views
from toolkit.policy import CaseSettings


class SplitError(RuntimeError):
    """A process solving a share of a case's minerals died without an answer."""


def can_split(chain: SupplyChain, case: CaseSettings, processes: int) -> bool:
    """True when ``case`` can be shared out: a single-year case, several processes, more
    than one mineral, and a process that may fork."""
    if processes < 2 or len(chain.mineral_ids) < 2 or not fork_is_safe():
        return False
    return not is_multi_year(year_views(chain, case))


def shares(minerals: list[str], processes: int) -> list[set[str]]:
    """``minerals`` dealt round-robin into at most ``processes`` non-empty shares."""
    return [set(minerals[i::processes]) for i in range(min(processes, len(minerals)))]


def solve_case_split(chain: SupplyChain, case: CaseSettings, pareto_points: int,
                     processes: int, progress: Progress | None = None) -> CaseRun:
    """:func:`toolkit.optimize.run.solve_case` of a single-year case on ``processes``
    local processes (this one included); the same numbers."""
    at_year = year_views(chain, case)[0].chain
    mine, *others = shares(list(at_year.mineral_ids), processes)
    sys.stdout.flush()
    sys.stderr.flush()
    context = multiprocessing.get_context("fork")
    children = []
    try:
        for minerals in others:
            ours, theirs = context.Pipe(duplex=True)
            process = context.Process(target=_child, daemon=True, args=(
                theirs, at_year, case, pareto_points, minerals, os.getpid()))
            children.append((process, ours))  # before the start: stopped in any case
            process.start()
            theirs.close()
        part = solve_part(at_year, case, pareto_points, progress, mine,
                          lambda local: _agree(local, children))
        parts = [part] + [_receive(process, conn, "part") for process, conn in children]
        return combine(at_year, case, parts)
    finally:
        for process, conn in children:
            if process.pid is not None:  # started
                if process.is_alive():
                    process.terminate()
                process.join()
            conn.close()


def _agree(local: tuple[float, bool], children: list) -> tuple[float, bool]:
    """The largest expected-shortfall top and whether any process has bids, shared."""
    tops, bids = [local[0]], [local[1]]
    for process, conn in children:
        top, has = _receive(process, conn, "local")
        tops.append(top)
        bids.append(has)
    agreed = (max(tops), any(bids))
    for _process, conn in children:
        conn.send(agreed)
    return agreed


def _receive(process, conn, expected: str):
    """The child's next message of kind ``expected``; its exception is raised here."""
    try:
        kind, payload = conn.recv()
    except (EOFError, OSError) as exc:
        process.join()
        raise SplitError(f"a process solving part of a case's minerals stopped "
                         f"(exit status {process.exitcode}) before it answered") from exc
    if kind == "error":
        raise payload
    if kind != expected:
        raise SplitError(f"expected {expected!r} from a case process, got {kind!r}")
    return payload


def _child(conn, at_year: SupplyChain, case: CaseSettings, pareto_points: int,
           minerals: set[str], parent_pid: int) -> None:
    start_forked_child(parent_pid)
    try:
        def agree(local: tuple[float, bool]) -> tuple[float, bool]:
            conn.send(("local", local))
            return conn.recv()

        part = solve_part(at_year, case, pareto_points, None, minerals, agree)
        conn.send(("part", _strip(part)))
    except BaseException as exc:  # handed to the parent, raised there
        conn.send_bytes(error_message(exc))
    finally:
        conn.close()
        os._exit(0)  # no interpreter exit in the child: the parent's state is its own


def _strip(part: CasePart) -> CasePart:
    """The part without its built models and solvers (they do not travel; the results
    never read them)."""
    for plans in (part.independent, part.joint):
        for group in plans.values():
            release(group)
    return part
