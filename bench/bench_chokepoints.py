"""Bench: chokepoints of one mineral with many countries per stage.

For three stages of ``n`` countries each (every link allowed: the closed form) and
the same network with 30 % of the links between stages kept (as Routes would: one
max-flow LP re-solved per removal), with pro-rata access, full access, and full access
with a demand above every stage's capacity (the cuts bind: most removals re-solved),
prints the median time of :func:`toolkit.chokepoints.chokepoints`
for one buyer and of the whole ``chokepoint_table`` (network build included), and,
for sizes up to ``--reference-max``, the ratio to the definition (one networkx
max flow per removed node), measured in this process; answers are checked equal.
Goal (issue 11): 100 countries per stage <= 1 s.
Run: ``python bench/bench_chokepoints.py [--sizes 20 50 100] [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_helpers import median, scaled_chain, timed  # noqa: E402
from toolkit.chokepoints import chokepoints, deliverable_t  # noqa: E402
from toolkit.network import BUYER_STAGE, build_network  # noqa: E402
from toolkit.risk import chokepoint_table  # noqa: E402


def restricted(graph: nx.DiGraph, keep: float = 0.3, seed: int = 3) -> nx.DiGraph:
    """A copy keeping a random ``keep`` share of the links between supply stages."""
    rng = np.random.default_rng(seed)
    out = graph.copy()
    drop = [(u, v) for u, v in sorted(graph.edges) if v[0] != BUYER_STAGE
            and rng.random() > keep]
    out.remove_edges_from(drop)
    return out


def definition(graph: nx.DiGraph, buyer: str, access: float | str = "pro_rata") -> dict:
    """Loss per node by one networkx max flow per removed node (the old algorithm)."""
    base = deliverable_t(graph, buyer, access)
    return {n: max(0.0, base - deliverable_t(graph, buyer, access, removed=n))
            for n in sorted(graph) if n[0] != BUYER_STAGE}


def losses(table) -> dict:
    """Loss per (stage, country) node of a chokepoints table."""
    return {(s, c): v for s, c, v in zip(table["stage"], table["country"], table["loss_t"],
                                         strict=True)}


def measure(n: int, repeats: int, reference_max: int) -> None:
    """Print one size's line for the complete and the restricted network."""
    chain = scaled_chain((n, n, n), scenarios=5)
    t_table = median([timed(lambda: chokepoint_table(chain))[0] for _ in range(repeats)])
    graph = build_network(chain.at_year(None), "x")
    scarce = restricted(graph)
    scarce.nodes[(BUYER_STAGE, "JPN")]["demand_t"] = 1e9  # more than any stage: cuts bind
    for name, g, access in (("complete", graph, "pro_rata"),
                            ("restricted", restricted(graph), "pro_rata"),
                            ("restricted, full access", restricted(graph), 1.0),
                            ("restricted, scarce", scarce, 1.0)):
        runs = [timed(lambda g=g, a=access: chokepoints(g, "JPN", a))
                for _ in range(repeats)]
        fast = median([t for t, _ in runs])
        line = f"{n:>4} per stage  {name:<24}  chokepoints {fast:8.3f} s"
        if name == "complete":
            line += f"   whole table (build included) {t_table:7.3f} s"
        if n <= reference_max:
            t_ref, ref = timed(lambda g=g, a=access: definition(g, "JPN", a))
            got = losses(runs[0][1])
            assert all(abs(got[k] - v) <= 1e-6 * max(1.0, v) for k, v in ref.items())
            line += f"   per-node max flow {t_ref:7.2f} s   ratio {t_ref / fast:,.0f}x"
        print(line)


def main() -> None:
    """Parse arguments and print the bench."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 50, 100])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--reference-max", type=int, default=20,
                        help="largest size also solved the old way (cubic: slow)")
    args = parser.parse_args()
    print("chokepoints for one buyer, medians of repeats (goal: 100 per stage <= 1 s)")
    for n in args.sizes:
        measure(n, args.repeats, args.reference_max)


if __name__ == "__main__":
    main()
