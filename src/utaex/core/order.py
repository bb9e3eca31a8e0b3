"""The order record.

Invariants:
- ``price`` is in ticks (0 for market orders), ``qty``/``filled`` in lots; a spot market buy has
  ``qty == 0`` and its size in ``amount`` (quote units of 10**-18).
- While an order is open, ``frozen == (qty - filled) * per_lot`` in ``frozen_coin``; it is 0 once the
  order has ended (filled or cancelled), released through ``Engine.end_order`` only.
- ``cum_value`` and ``fee`` are exact coin units; ``status`` moves live -> partially_filled ->
  filled | cancelled and never back; once ended, an order object is final (nothing changes it again),
  which lets the venue record its history row later (gateway/venue.py).
"""

from __future__ import annotations

import msgspec

from .legs import Legs


class Order(msgspec.Struct, kw_only=True, gc=False, array_like=True):
    order_id: int
    client_oid: str
    uid: int
    category: str
    symbol: str
    side: str
    order_type: str
    tif: str
    price: int
    qty: int
    amount: int = 0
    filled: int = 0
    cum_value: int = 0
    fee: int = 0
    fee_coin: str = ""
    status: str = "live"
    pos_side: str = ""
    hold_mode: str = ""
    reduce_only: bool = False
    closing: bool = False
    stp: str = "none"
    created: int = 0
    updated: int = 0
    cancel_reason: str = ""
    per_lot: int = 0
    frozen: int = 0
    frozen_coin: str = ""
    leverage: int = 0
    in_book: bool = False
    preset: Legs | None = None  # preset TP/SL, armed as a strategy order on the position when it fills
    exec_type: str = ""  # "" normal; "liquidation": placed by the risk engine (core/liquidation.py)

    @property
    def remaining(self) -> int:
        return self.qty - self.filled

    @property
    def is_buy(self) -> bool:
        return self.side == "buy"
