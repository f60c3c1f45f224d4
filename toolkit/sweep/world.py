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
* **demand growth** :math:`g`: the UK and Japan's demand of the mineral times
  :math:`1+g`; the market buyers' demand, in the embedded data the residual of world
  output, gives way by the same tonnes (:func:`grown`).  The LP is homogeneous in
  demand: dividing every row by :math:`1+g` gives the LP with the original planned
  demand and capacities, holdings and world balances divided by :math:`1+g`, whose
  optimum is the grown one's divided by :math:`1+g`.  So the world's cost is
  :math:`(1+g)\\,z`; shares (China's, served) are unchanged by the scaling.
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
    """Name of the disruption scenario an export_restriction row adds (by country code,
    so that it never depends on the Countries sheet's names)."""
    return f"sampled export restriction: {x.country} {x.stage} {x.mineral}"


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
    growth = values[j] if j is not None else 0.0
    return grown(replace(base, node_loss=loss, bid_premium=premium, spot_share=spot), growth)


def grown(d: MineralData, g: float) -> tuple[MineralData, float]:
    r"""The instance with the planned buyers' demand times :math:`1+g`, as the equivalent
    LP scaled by :math:`1/(1+g)` (see the module docstring), and :math:`1+g`.

    With market buyers the world's demand stays at its output: their demand
    :math:`D^M` (in the embedded data the rest of the world is the residual of world
    output) becomes :math:`D^{M\prime} = \max(0, D^M - g D^P)`, their holdings
    :math:`H' = H D^{M\prime}/D^M` and :math:`\sigma' = (1+g)D^P / ((1+g)D^P + D^{M\prime})`.
    Then every capacity, holding and world balance is divided by :math:`1+g`.
    """
    scale = 1.0 + g
    if scale == 1.0:
        return d, 1.0
    market, holding, world = d.market_t, d.holding_t, d.world_t
    sigma = d.sigma
    if d.market_enabled:
        total = world + market  # (K,) sum of the stage's capacities
        market = max(0.0, d.market_t - g * d.planned_t)
        holding = d.holding_t * (market / d.market_t)
        world = total - market
        sigma = scale * d.planned_t / (scale * d.planned_t + market)
    data = replace(d, capacity_t=d.capacity_t / scale, holding_t=holding / scale,
                   world_t=world / scale, market_t=market / scale, sigma=sigma)
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


def _params(m: pyo.ConcreteModel, name: str) -> tuple[list, list]:
    """The parameter's keys and entries in key order (cached on the model)."""
    cache = m.__dict__.setdefault("_sweep_params", {})
    if name not in cache:
        param = m.component(name)
        keys = list(param.keys())
        cache[name] = (keys, [param[k] for k in keys])
    return cache[name]


def _keys(m: pyo.ConcreteModel, name: str) -> list:
    return _params(m, name)[0]


def _assign(m: pyo.ConcreteModel, name: str, values: np.ndarray) -> None:
    """Set parameter ``name`` (in key order: nodes, stages, (s, p) pairs, (s, n) row-major)
    to ``values``, touching only the entries whose current value differs (rationing
    sets some of them between worlds).  The keys are the parameter's own, so Pyomo's
    unchecked ``store_values`` is safe here."""
    keys, data = _params(m, name)
    current = np.fromiter((p.value for p in data), float, len(data))
    values = np.asarray(values, dtype=float)
    changed = np.flatnonzero(values != current).tolist()
    if changed:
        m.component(name).store_values({keys[i]: float(values[i]) for i in changed},
                                       check=False)
