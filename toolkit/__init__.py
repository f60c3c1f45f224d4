"""UK-Japan critical-mineral supply-chain toolkit.

Data flows one way: inputs (:mod:`toolkit.io`) -> :class:`toolkit.chain.SupplyChain`
-> network and risk measures, optimization -> results -> reports.
"""

__version__ = "0.1.0"
