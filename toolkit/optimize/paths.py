"""The paths of one mineral's sourcing problem: one node per stage, then the buyer.

A *path* is one chain of nodes ``mine -> refine -> manufacture -> buyer`` over
the stages the mineral has rows for.  Links come from the ``Routes`` table when it
has rows for a pair of stages (only those links, with their extra cost), otherwise
every link is allowed at zero extra cost (the rule of :mod:`toolkit.network`).
Path cost:

.. math:: c_p = \\sum_{n \\in p} c_n + \\sum_{(u,v) \\in p} r_{uv}

A path-based formulation keeps three meanings exact and linear: the *China-touch*
share (a path touches China or not), and the multiplicative survival of a path
in a disruption, :math:`\\prod_{n \\in p} (1 - \\ell_{n,s})`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from toolkit.chain import SupplyChain

BUYER_STAGE = "buyer"


def _links(chain: SupplyChain, mineral: str, up: str, down: str) -> pd.DataFrame | None:
    """Allowed links ``from_country, to_country, cost`` between two stages (None = all)."""
    routes = chain.routes
    if routes is None or routes.empty:
        return None
    rows = routes[(routes["mineral"] == mineral) & (routes["from_stage"] == up)
                  & (routes["to_stage"] == down)]
    if rows.empty:
        return None
    out = rows[["from_country", "to_country", "cost_usd_per_t"]].copy()
    out["cost_usd_per_t"] = out["cost_usd_per_t"].fillna(0.0).astype(float)
    return out.reset_index(drop=True)


def enumerate_paths(chain: SupplyChain, mineral: str, nodes: pd.DataFrame,
                    stages: list[str], buyer: str) -> tuple[np.ndarray, np.ndarray]:
    """All allowed paths to ``buyer``: ((P, K) node indices, (P,) route cost), in
    lexicographic order of the node indices."""
    if chain.routes is None or chain.routes.empty or not (
            chain.routes["mineral"] == mineral).any():
        return _every_path(nodes, stages)
    first = nodes.index[nodes["stage"] == stages[0]]
    paths = pd.DataFrame({"n0": first, "route": 0.0})
    for k in range(1, len(stages)):
        paths = _extend(paths, k, nodes, stages, _links(chain, mineral, stages[k - 1],
                                                        stages[k]))
    paths = _to_buyer(paths, nodes, stages, _links(chain, mineral, stages[-1], BUYER_STAGE),
                      buyer)
    cols = [f"n{k}" for k in range(len(stages))]
    paths = paths.sort_values(cols).reset_index(drop=True)
    return paths[cols].to_numpy(dtype=np.int64), paths["route"].to_numpy(dtype=float)


def _every_path(nodes: pd.DataFrame, stages: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Every combination of one node per stage (no Routes rows: every link allowed, route
    cost 0), in lexicographic order."""
    stage = nodes["stage"].to_numpy()
    per_stage = [np.flatnonzero(stage == s) for s in stages]
    grid = np.meshgrid(*[nodes.index.to_numpy()[i] for i in per_stage], indexing="ij")
    paths = np.stack([g.ravel() for g in grid], axis=1).astype(np.int64)
    return paths.reshape(-1, len(stages)), np.zeros(len(paths))


def _extend(paths: pd.DataFrame, k: int, nodes: pd.DataFrame, stages: list[str],
            links: pd.DataFrame | None) -> pd.DataFrame:
    down = pd.DataFrame({f"n{k}": nodes.index[nodes["stage"] == stages[k]]})
    if links is None:
        return paths.merge(down, how="cross")
    country = nodes["country"]
    left = paths.assign(from_country=country.loc[paths[f"n{k - 1}"]].to_numpy())
    right = down.assign(to_country=country.loc[down[f"n{k}"]].to_numpy())
    out = left.merge(links, on="from_country").merge(right, on="to_country")
    out["route"] = out["route"] + out["cost_usd_per_t"]
    return out.drop(columns=["from_country", "to_country", "cost_usd_per_t"])


def _to_buyer(paths: pd.DataFrame, nodes: pd.DataFrame, stages: list[str],
              links: pd.DataFrame | None, buyer: str) -> pd.DataFrame:
    if links is None:
        return paths
    last = f"n{len(stages) - 1}"
    mine = links[links["to_country"] == buyer][["from_country", "cost_usd_per_t"]]
    left = paths.assign(from_country=nodes["country"].loc[paths[last]].to_numpy())
    out = left.merge(mine, on="from_country")
    out["route"] = out["route"] + out["cost_usd_per_t"]
    return out.drop(columns=["from_country", "cost_usd_per_t"])


def path_cost(cost: np.ndarray, paths: np.ndarray, owner: np.ndarray,
               route: np.ndarray) -> np.ndarray:
    """USD/t of each path: node costs along it plus route costs."""
    return (cost[paths].sum(axis=1) if paths.size else np.zeros(len(owner))) + route


def all_paths(chain: SupplyChain, mineral: str, nodes: pd.DataFrame, stages: list[str],
               buyers: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not stages or not buyers:
        return (np.zeros((0, len(stages)), dtype=np.int64), np.zeros(0),
                np.zeros(0, dtype=np.int64))
    return combined([enumerate_paths(chain, mineral, nodes, stages, b) for b in buyers])


def combined(parts: list[tuple[np.ndarray, np.ndarray]]
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The paths of several buyers, one after another: ((P, K) node indices, (P,) route
    cost, (P,) position of the path's buyer in ``parts``)."""
    owner = np.concatenate([np.full(len(p[0]), i, dtype=np.int64)
                            for i, p in enumerate(parts)])
    return (np.vstack([p[0] for p in parts]), np.concatenate([p[1] for p in parts]), owner)


def first_cut(chain: SupplyChain, mineral: str, nodes: pd.DataFrame, stages: list[str],
              buyer: str) -> tuple[str, str] | None:
    """Where the allowed links stop every path to ``buyer``: the stages ``(up, down)``
    (``down`` = ``"buyer"`` for the last link), or None when some path reaches it.

    The same rule as :func:`enumerate_paths` (Routes rows restrict a pair of stages only
    where they exist), followed country by country instead of path by path.
    """
    if not stages:
        return None
    reached = set(nodes.loc[nodes["stage"] == stages[0], "country"])
    for up, down in zip(stages, [*stages[1:], BUYER_STAGE], strict=True):
        links = _links(chain, mineral, up, down)
        if down == BUYER_STAGE:
            if links is not None:
                reached &= set(links.loc[links["to_country"] == buyer, "from_country"])
        else:
            ahead = set(nodes.loc[nodes["stage"] == down, "country"])
            if links is not None:
                ahead &= set(links.loc[links["from_country"].isin(reached), "to_country"])
            reached = ahead
        if not reached:
            return up, down
    return None
