"""Futures positions.

Invariants:
- ``qty`` is in lots (>= 0); ``cost`` is the exact entry value of the open quantity in quote units
  (USD units for inverse contracts); ``margin`` the initial margin held in the settle coin.
- Closing ``c`` of ``q`` lots releases ``cost * c // q`` and ``margin * c // q`` (everything when the
  position closes fully), so what stays is exact and nothing is lost to rounding.
- ``open_fee`` / ``close_fee`` are the fees charged (settle-coin units, >= 0) on the fills that opened /
  closed this position since it last opened from size 0; a fill that closes and opens splits its fee
  pro rata by quantity.
- Lifetime totals (since the position last opened from size 0; ``core/records.py`` reports them when it
  closes): ``position_id`` (0 while no lifetime is open), ``open_lots`` / ``open_value`` and ``close_lots`` /
  ``close_value`` (value units of the fills that opened / closed it), ``pnl`` (realised PnL) and ``funding``
  (funding received, < 0 when paid).
- ``pending_close`` is the remaining quantity of the user's open closing orders on this position and
  never exceeds ``qty``.
"""

from __future__ import annotations

import msgspec


class Position(msgspec.Struct, gc=False):
    uid: int
    category: str
    symbol: str
    pos_side: str
    qty: int = 0
    cost: int = 0
    margin: int = 0
    leverage: int = 10
    realized: int = 0
    pending_close: int = 0
    created: int = 0
    updated: int = 0
    open_fee: int = 0
    close_fee: int = 0
    position_id: int = 0
    open_lots: int = 0
    open_value: int = 0
    close_lots: int = 0
    close_value: int = 0
    pnl: int = 0
    funding: int = 0

    def take(self, lots: int) -> tuple[int, int]:
        """Remove ``lots`` from the position; returns (released cost, released margin)."""
        if lots >= self.qty:
            cost, margin = self.cost, self.margin
            self.qty = self.cost = self.margin = 0
            return cost, margin
        cost = self.cost * lots // self.qty
        margin = self.margin * lots // self.qty
        self.qty -= lots
        self.cost -= cost
        self.margin -= margin
        return cost, margin
