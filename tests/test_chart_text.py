"""Ids are drawn as plain text in charts: matplotlib's mathtext must not read ``$...$``
or backslashes in a mineral, buyer or case name as markup (an unbalanced ``$`` used to
stop the run with an "unexpected ValueError")."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from toolkit.reports import charts

HOSTILE = ["$\\notacommand$", "$^$", "Li $\\left($", "price$", "$x^2$", "a\\b\\alpha",
           "50$ and 60$"]


def _latest(mineral: str) -> pd.DataFrame:
    return pd.DataFrame({"mineral": [mineral, "lithium"], "stage": ["mine", "mine"],
                         "china_share": [0.7, 0.2]})


@pytest.mark.parametrize("name", HOSTILE)
def test_charts_render_ids_with_markup_characters(name):
    png = charts.china_share_chart(_latest(name), f"title {name}")
    assert Image.open(io.BytesIO(png)).size[0] > 100
    headline = pd.DataFrame([{"case": name, "buyer": name, **{
        f"china_{s}_{w}": 0.5 for s in ("mine", "refine", "manufacture")
        for w in ("before", "after")}}])
    assert charts.before_after_chart(headline, name) is not None


def _width(text: str) -> float:
    with rc_context(charts.RC):
        fig = Figure()
        canvas = FigureCanvasAgg(fig)
        label = fig.text(0, 0, text)
        return label.get_window_extent(canvas.get_renderer()).width


def test_dollar_signs_are_drawn_as_themselves():
    """Plain text is as wide as its glyphs side by side; mathtext would draw ``$x^2$`` as
    a two-glyph x-squared, narrower than the five characters."""
    assert _width("$x^2$") == pytest.approx(_width("$x") + _width("^2$"), abs=1.5)
    assert _width("$\\alpha$") == pytest.approx(_width("$\\al") + _width("pha$"), abs=1.5)


def test_drawing_a_chart_imports_matplotlib_without_pyplot():
    """The brief's charts need neither pyplot nor pylab: importing matplotlib for them
    sets pyomo's post-import hook aside (it would import both, most of matplotlib's
    import time) and puts it back after."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import pyomo.environ\n"
        "from pyomo.common.dependencies import DeferredImportCallbackFinder as F\n"
        "import pandas as pd\n"
        "from toolkit.reports import charts\n"
        "assert 'matplotlib' not in sys.modules\n"
        "png = charts.china_share_chart(pd.DataFrame({'mineral': ['lithium'], "
        "'stage': ['mine'], 'china_share': [0.7]}), 'title')\n"
        "assert png.startswith(b'\\x89PNG')\n"
        "print('matplotlib.pyplot' in sys.modules, 'matplotlib.pylab' in sys.modules, "
        "'matplotlib' in F._callbacks)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False", "True"]
