"""The checked take-profit / stop-loss legs shared by a preset on an order and a strategy order.

Invariant: prices are ticks of the instrument, 0 meaning the leg is not set; at least one leg is set.
"""

from __future__ import annotations

import msgspec


class Legs(msgspec.Struct, kw_only=True, gc=False, array_like=True):
    tp: int = 0
    sl: int = 0
    tp_by: str = "market"
    sl_by: str = "market"
    tp_type: str = "market"
    sl_type: str = "market"
    tp_limit: int = 0
    sl_limit: int = 0
