"""Values derived once per input object and dropped with it (toolkit.object_cache)."""

from __future__ import annotations

import gc

import pandas as pd

from toolkit import object_cache
from toolkit.object_cache import once_per


def test_a_value_is_made_once_per_object_and_name_and_dropped_with_the_object():
    calls = []

    def make():
        calls.append(1)
        return len(calls)

    table = pd.DataFrame({"a": [1]})
    assert once_per(table, "x", make) == 1
    assert once_per(table, "x", make) == 1  # remembered: not made again
    assert once_per(table, "y", make) == 2  # another name, another value
    other = pd.DataFrame({"a": [1]})         # an equal but other object: its own value
    assert once_per(other, "x", make) == 3
    key = (id(table), "x")
    assert key in object_cache._CACHE
    del table
    gc.collect()
    assert key not in object_cache._CACHE and (key[0], "y") not in object_cache._CACHE
