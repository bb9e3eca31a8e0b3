"""Close all positions (``ClosePositions``): market orders that flatten a user's positions in one step.

Invariants:
- For each matching open position (category, optional symbol and side), oldest key first: the user's
  pending closing (reduce-only) orders on it are cancelled first (releasing what they hold), then one
  market order for the whole quantity closes it, in hold mode's own way (one-way: reduce-only on the
  opposite side; hedge: the position's side with the opposite direction), through the normal place
  path, so funds, fees, PnL and events are exactly those of a user's own closing market order.
- A market order that finds no liquidity is rejected as any market order is, and the position stays.
- The whole command is one engine step: no other command interleaves between the positions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import enums as E
from . import errors as X
from .commands import ClosePositions, PlaceOrder
from .numbers import format_fixed
from .order import Order
from .trading import place

if TYPE_CHECKING:
    from .engine import Engine


def close_positions(eng: Engine, cmd: ClosePositions) -> list[Order | X.Reject] | X.Reject:
    """One result per closed position, in position-key order: its market order, or why it was refused."""
    acct = eng.accounts.get(cmd.uid)
    if acct is None:
        return X.reject(X.USER_NOT_FOUND)
    targets = [pos for key, pos in sorted(eng.positions.items())
               if key[0] == cmd.uid and key[1] == cmd.category and pos.qty > 0
               and (not cmd.symbol or key[2] == cmd.symbol) and (not cmd.pos_side or key[3] == cmd.pos_side)]
    out: list[Order | X.Reject] = []
    mine = eng.user_orders.get(cmd.uid, {})
    for pos in targets:
        closing = sorted((o for o in mine.values() if o.closing and o.category == pos.category
                          and o.symbol == pos.symbol and o.pos_side == pos.pos_side), key=lambda o: o.order_id)
        for order in closing:
            eng.end_order(order, E.CANCELLED, E.NORMAL_CANCEL)
        inst = eng.instruments.by_key[(pos.category, pos.symbol)]
        hedge = acct.hold_mode == E.HEDGE
        side = E.SELL if pos.pos_side == E.LONG else E.BUY
        qty = format_fixed(pos.qty * inst.lot_num, inst.lot_dp)
        result = place(eng, PlaceOrder(ts=cmd.ts, uid=cmd.uid, category=pos.category, symbol=pos.symbol, side=side,
                                       order_type=E.MARKET, qty=qty, pos_side=pos.pos_side if hedge else "",
                                       reduce_only=not hedge))
        out.append(result)
    return out
