"""Build the embedded reference dataset (``datasets/*.csv``) from the raw files.

Pure derivation code, one module per source in :mod:`toolkit.curate`: every number
in the output tables is read from a raw file in ``datasets/raw/`` or is a hand-entered
figure defined next to its citation (publication, table/section, year).  Rebuild with::

    python -m toolkit.datasets_build

See ``datasets/PROVENANCE.md`` for the sources, derivations, caveats and the list of
hand-entered figures and assumptions.
"""

from __future__ import annotations

import sys

from toolkit.curate.assemble import build_all, check_integrity, main, write_all
from toolkit.curate.common import STAGES, parse_usgs_value, render_csv, usgs_iso3
from toolkit.curate.trade import HS6_STAGE, buyer_trade_shares, read_baci

__all__ = ["HS6_STAGE", "STAGES", "build_all", "buyer_trade_shares", "check_integrity",
           "main", "parse_usgs_value", "read_baci", "render_csv", "usgs_iso3", "write_all"]

if __name__ == "__main__":
    sys.exit(main())
