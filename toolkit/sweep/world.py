"""One sampled world: the uncertain inputs' values applied to a mineral's instance.

A world changes only numbers, never the shape of the LP, so one built model per
mineral (and buyer) serves every world (:mod:`toolkit.sweep.worker`):

* **export restriction** ``j`` (country :math:`c`, stage, mineral): an extra
  disruption scenario of yearly probability :math:`p_j` whose capacity loss
  :math:`\\ell_j` at the country's nodes is the world's draw.  The sweep builds the
  scenario at the highest loss of its range (so every path it can hit has a
  coefficient) and sets ``path_loss`` and ``spot_avail`` per world.
* **bid premium** :math:`\\beta_k`: multiplier :math:`\\times` the case's premium, or the
  value itself; enters the mutable bid costs ``bid_cost``.
* **spot share** :math:`\\phi_k`: replaces the case's; enters ``spot_avail``.
* **demand growth** :math:`g`: every buyer's demand of the mineral (planned and
  market) times :math:`1+g`.  The LP is homogeneous in demand: with every demand,
  holding and flow scaled by :math:`1+g` and capacities :math:`C` fixed, dividing
  every row by :math:`1+g` gives the LP with the original demand and capacities
  :math:`C/(1+g)` (free tonnes :math:`C/(1+g) - H`, world balance
  :math:`\\sum_{n \\in k} C_n/(1+g) - D^M`), whose optimum is the original one divided
  by :math:`1+g`.  So the world's cost is :math:`(1+g)\\,z`, and shares (China's, served)
  are unchanged by the scaling.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from toolkit.chain import SupplyChain
from toolkit.errors import InputError, Problem
from toolkit.optimize.bids import bid_unit_cost
from toolkit.optimize.data import MineralData
from toolkit.optimize.scenario_rows import spot_availability
from toolkit.sampling import Uncertain
from toolkit.schema import DISRUPTIONS, WILDCARD
from toolkit.validate import Where, check_disruptions


def scenario_name(x: Uncertain) -> str:
    """Name of the disruption scenario an export_restriction row adds."""
    return f"sampled: {x.label}"


def with_restrictions(chain: SupplyChain, inputs: list[Uncertain]) -> SupplyChain:
    """``chain`` with one Disruptions row per export_restriction input, at its highest
    loss (the structure every world shares).

    Raises
    ------
    InputError
        When the scenarios hitting a mineral then have probabilities summing above 1.
    """
    rows = [{"scenario": scenario_name(x), "mineral": x.mineral, "stage": x.stage,
             "country": x.country, "capacity_loss": x.high, "probability": x.probability,
             "date": "", "source": x.source}
            for x in inputs if x.input == "export_restriction"]
    if not rows:
        return chain
    added = pd.DataFrame(rows, columns=list(DISRUPTIONS.names))
    table = pd.concat([t for t in (chain.disruptions, added) if len(t)], ignore_index=True)
    problems = check_disruptions(table, Where(chain.source, "Disruptions + Sampling", 2))
    if problems:
        raise InputError([Problem(p.file, p.rule + " (with the Sampling sheet's export "
                                  "restrictions added)", p.sheet, None, p.column, p.value)
                          for p in problems])
    return chain.with_tables(disruptions=table)


def _match(x: Uncertain, kind: str, mineral: str, stage: str | None) -> int:
    """Specificity of ``x`` for (mineral, stage): -1 no match, else the number of exact
    scope cells (the most specific row wins)."""
    if x.input != kind or x.mineral not in (mineral, WILDCARD):
        return -1
    if stage is not None and x.stage not in (stage, WILDCARD):
        return -1
    return (x.mineral == mineral) + (stage is not None and x.stage == stage)


def pick(inputs: list[Uncertain], kind: str, mineral: str, stage: str | None = None
         ) -> int | None:
    """Index of the most specific ``kind`` input for (mineral, stage) (last row on ties)."""
    best, score = None, -1
    for j, x in enumerate(inputs):
        s = _match(x, kind, mineral, stage)
        if s >= score and s >= 0:
            best, score = j, s
    return best


def check_structure(base: MineralData, inputs: list[Uncertain]) -> None:
    """Refuse spot-share inputs where the case has no spot purchases (the LP would change
    shape).

    Raises
    ------
    InputError
        Naming the mineral and stage.
    """
    if base.spot_enabled:
        return
    for stage in base.stages:
        if pick(inputs, "spot_share", base.mineral, stage) is not None:
            raise InputError(Problem(
                "Sampling", f"spot_share is sampled for {base.mineral} at {stage}, but the "
                "case has no spot purchases (spot_share > 0 at every stage): set "
                "spot_share in Policy first", "Sampling", None, "input", "spot_share"))


def world_data(base: MineralData, inputs: list[Uncertain], values: np.ndarray
               ) -> tuple[MineralData, float]:
    """The world's instance of one mineral (scaled for demand growth) and :math:`1+g`."""
    loss = base.node_loss.copy()
    names = {scenario_name(x): j for j, x in enumerate(inputs)
             if x.input == "export_restriction"}
    for s, name in enumerate(base.scenarios):
        if name in names:
            loss[s, base.node_loss[s] > 0] = values[names[name]]
    premium, spot = base.bid_premium.copy(), base.spot_share.copy()
    for k, stage in enumerate(base.stages):
        j = pick(inputs, "bid_premium", base.mineral, stage)
        if j is not None and len(premium):
            premium[k] = values[j] * (premium[k] if inputs[j].basis == "multiplier" else 1.0)
        j = pick(inputs, "spot_share", base.mineral, stage)
        if j is not None:
            spot[k] = values[j]
    j = pick(inputs, "demand_growth", base.mineral)
    scale = 1.0 + (values[j] if j is not None else 0.0)
    world = base.world_t
    if len(world):
        world = (world + base.market_t) / scale - base.market_t
    data = replace(base, node_loss=loss, bid_premium=premium, spot_share=spot,
                   capacity_t=base.capacity_t / scale, world_t=world)
    return data, scale


def set_world(m: pyo.ConcreteModel, d: MineralData) -> None:
    """Put the world's numbers into the built model's mutable parameters (every node and
    stage, which also undoes any rationing of the previous world)."""
    holding = d.holding_t if len(d.holding_t) else np.zeros(len(d.capacity_t))
    _assign(m, "capacity_t", d.capacity_t)
    _assign(m, "holding_t", holding)
    _assign(m, "free_t", d.capacity_t - holding)
    if m.world_t is not None:
        _assign(m, "world_t", d.world_t)
    if len(m.bid_index):
        _assign(m, "bid_cost", np.array([bid_unit_cost(d, n) for n in m.bid_index]))
    if m.component("path_loss") is not None:
        loss = d.path_loss()
        pairs = m.__dict__.setdefault("_sweep_pairs", tuple(np.array(_keys(m, "path_loss")).T))
        _assign(m, "path_loss", loss[pairs])
    if m.component("spot_avail") is not None:
        _assign(m, "spot_avail", spot_availability(d).ravel())


def _params(m: pyo.ConcreteModel, name: str) -> list:
    """The parameter's entries in key order (cached on the model)."""
    cache = m.__dict__.setdefault("_sweep_params", {})
    if name not in cache:
        param = m.component(name)
        cache[name] = [param[k] for k in param.keys()]
    return cache[name]


def _keys(m: pyo.ConcreteModel, name: str) -> list:
    return list(m.component(name).keys())


def _assign(m: pyo.ConcreteModel, name: str, values: np.ndarray) -> None:
    """Set parameter ``name`` (in key order: nodes, stages, (s, p) pairs, (s, n) row-major)
    to ``values``, touching only the entries whose current value differs (rationing
    sets some of them between worlds)."""
    data = _params(m, name)
    current = np.fromiter((p.value for p in data), float, len(data))
    values = np.asarray(values, dtype=float)
    for i in np.flatnonzero(values != current).tolist():
        data[i].set_value(float(values[i]))
