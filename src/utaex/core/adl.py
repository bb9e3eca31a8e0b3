"""ADL rank: where each of a user's open positions stands in the auto-deleveraging queue of its contract
and side (docs/decisions.md, "ADL").

Invariants:
- Pure read: nothing changes. The score of a position is its unrealised PnL ratio times its leverage
  when in profit, divided by it when not (the profitable, highly leveraged go first), at the contract's
  last trade price (the entry price before the first trade).
- The rank is the share of open positions on the same contract and side whose score is at most this
  one's: in (0, 1], 1 for the first in the queue; exact (``Fraction``), formatted by the caller.
- Positions are listed in the user's position order (category, symbol, side).
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from . import enums as E

if TYPE_CHECKING:
    from .engine import Engine
    from .positions import Position


def _score(eng: Engine, pos: Position, mark: int) -> Fraction:
    """PnL ratio (unrealised PnL over entry value, both in the contract's value units, so linear and inverse
    alike) times the position's leverage in profit, over it in loss."""
    inst = eng.instruments.by_key[(pos.category, pos.symbol)]
    if pos.cost <= 0:
        return Fraction(0)
    value = pos.qty * mark * inst.value_per_tick_lot
    gain = value - pos.cost if pos.pos_side == E.LONG else pos.cost - value
    ratio = Fraction(gain, pos.cost)
    return ratio * pos.leverage if gain > 0 else ratio / pos.leverage


def adl_ranks(eng: Engine, uid: int) -> list[tuple[Position, Fraction]]:
    """Each open position of ``uid`` with its ADL rank."""
    out: list[tuple[Position, Fraction]] = []
    for pos in eng.open_positions(uid):
        inst = eng.instruments.by_key[(pos.category, pos.symbol)]
        mark = eng.last_trade_price(inst) or pos.cost // (pos.qty * inst.value_per_tick_lot)
        peers = [p for (_, c, s, side), p in eng.positions.items()
                 if c == pos.category and s == pos.symbol and side == pos.pos_side and p.qty]
        mine = _score(eng, pos, mark)
        behind = sum(1 for p in peers if _score(eng, p, mark) <= mine)
        out.append((pos, Fraction(behind, len(peers))))
    return out
