"""Numbers of the tables in their two forms: as stored and added up, and as written in words.

Cells are counts (whole) or amounts (yuan, with decimals). Excel and SQLite hand both back as
floats; a count must be shown as 3, not 3.0, and a sum of amounts must not carry float noise
(0.1 + 0.2 is 0.30000000000000004).
"""

from __future__ import annotations

import math
from decimal import Decimal

# Amounts are yuan: six decimals keep every real value and drop the noise of float sums.
_DECIMALS = 6


def as_stored(v: int | float) -> int | float:
    """An int when whole, otherwise the float rounded off summation noise (2.0 → 2,
    0.1 + 0.2 → 0.3)."""
    if isinstance(v, int):
        return v
    v = round(float(v), _DECIMALS)
    return int(v) if v.is_integer() else v


def as_written(v: int | float) -> str:
    """The number as a report or a finding writes it: a count without ".0", an amount with
    exactly its decimals and never in exponent form (2.0 → "2", 0.35 → "0.35",
    0.00001 → "0.00001"). Nothing is rounded: a text must not say another value than the cell."""
    if isinstance(v, int):
        return str(v)
    v = float(v)
    if v.is_integer():
        return str(int(v))
    return format(Decimal(repr(v)), "f") if math.isfinite(v) else str(v)
