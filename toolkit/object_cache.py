"""Values derived once per input object (a chain, a table) and dropped with it.

Inputs are never modified in place, so what is derived from an object stays valid for
the object's life.  The entry is removed when the object is garbage-collected, so an
object id is never reused for another object's data.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
_CACHE: dict[tuple[int, str], Any] = {}


def once_per(owner: object, what: str, make: Callable[[], T]) -> T:
    """``make()``, computed at the first call for ``owner`` and ``what``, then remembered
    until ``owner`` is garbage-collected."""
    key = (id(owner), what)
    if key not in _CACHE:
        _CACHE[key] = make()
        weakref.finalize(owner, _CACHE.pop, key, None)
    return _CACHE[key]
