"""Settlement of one fill on one side: balances, frozen funds, fees, positions and financial records.

Invariants:
- A fill releases exactly ``lots * per_lot`` of what the order froze (a maker always fills at its own
  price, so its reservation per lot covers its fills exactly).
- Fees are rounded up and collected in ``Engine.fees``; spot fees are paid in the coin received, futures
  fees, margin and PnL in the settle coin.
- Every balance change is written as a financial record with the balance after it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import enums as E
from . import records
from .instruments import Instrument
from .ledger import Account
from .numbers import ceil_div
from .order import Order

if TYPE_CHECKING:
    from .engine import Engine

E8 = 10**8


def fee_of(value: int, rate_e8: int) -> int:
    return ceil_div(value * rate_e8, E8)


def margin_per_lot(inst: Instrument, price: int, leverage: int) -> int:
    if inst.kind == "inverse":
        return ceil_div(inst.lot_units, leverage)
    return ceil_div(price * inst.value_per_tick_lot, leverage)


def futures_fee(inst: Instrument, lots: int, price: int, rate_e8: int) -> int:
    if inst.kind == "inverse":
        return fee_of(lots * inst.lot_units, rate_e8)
    return fee_of(lots * price * inst.value_per_tick_lot, rate_e8)


def settle_spot(eng: Engine, inst: Instrument, acct: Account, order: Order, lots: int, value: int,
                rate: int) -> tuple[int, str, int]:
    base, quote = acct.asset(inst.base), acct.asset(inst.quote)
    qty_units = lots * inst.lot_units
    if order.side == E.BUY:
        if order.frozen:
            release = lots * order.per_lot
            order.frozen -= release
            quote.frozen -= release
        quote.balance -= value
        fee = fee_of(qty_units, rate)
        base.balance += qty_units - fee
        coin, paid, paid_units, received, received_units = inst.base, inst.quote, value, base, qty_units
        out = quote
    else:
        if order.frozen:
            order.frozen -= qty_units
            base.frozen -= qty_units
        base.balance -= qty_units
        fee = fee_of(value, rate)
        quote.balance += value - fee
        coin, paid, paid_units, received, received_units = inst.quote, inst.base, qty_units, quote, value
        out = base
    eng.fees[coin] = eng.fees.get(coin, 0) + fee
    uid, cat, sym = order.uid, order.category, order.symbol
    records.ledger(eng, uid, cat, sym, paid, records.ORDER_DEALT_FROZEN_OUT, -paid_units, 0, out.balance)
    records.ledger(eng, uid, cat, sym, coin, records.ORDER_DEALT_IN, received_units, -fee, received.balance)
    if cat == E.MARGIN:
        records.repay(eng, uid, cat, sym, coin, received)
    return fee, coin, 0


def settle_futures(eng: Engine, inst: Instrument, acct: Account, order: Order, lots: int, price: int,
                   value: int, rate: int) -> tuple[int, str, int]:
    settle = acct.asset(inst.settle)
    if order.frozen:
        release = lots * order.per_lot
        order.frozen -= release
        settle.frozen -= release
    fee = futures_fee(inst, lots, price, rate)
    settle.balance -= fee
    coin = inst.settle
    eng.fees[coin] = eng.fees.get(coin, 0) + fee
    uid, cat, sym = order.uid, order.category, order.symbol
    if order.hold_mode == E.HEDGE:
        close_side = order.pos_side if order.closing else ""
        open_side = "" if order.closing else order.pos_side
    else:
        close_side = E.SHORT if order.side == E.BUY else E.LONG
        open_side = "" if order.reduce_only else (E.LONG if order.side == E.BUY else E.SHORT)
    pnl = 0
    left = lots
    if close_side:
        pos = eng.positions.get((uid, cat, sym, close_side))
        close = min(left, pos.qty) if pos else 0
        if close and pos is not None:
            cost, margin = pos.take(close)
            settle.margin -= margin
            close_value = close * price * inst.value_per_tick_lot
            gain = close_value - cost if close_side == E.LONG else cost - close_value
            if inst.kind == "inverse":
                gain = gain * 10**inst.tick_dp // (price * inst.tick_num)
                eng.inverse_pnl[coin] = eng.inverse_pnl.get(coin, 0) + gain
            settle.balance += gain
            pos.realized += gain
            pos.pnl += gain
            pos.close_lots += close
            pos.close_value += close_value
            pos.close_fee += fee if close == lots else fee * close // lots
            pos.updated = eng.now
            pnl = gain
            if order.closing:
                pos.pending_close -= close
            left -= close
            eng.touch_position(pos)
            if pos.pending_close > pos.qty:
                eng.trim_closing_orders(pos)
        if not open_side and left:
            open_side = E.LONG if order.side == E.BUY else E.SHORT
    if open_side and left:
        pos = eng.position(uid, cat, sym, open_side, order.leverage)
        pos.open_fee += fee if left == lots else fee - fee * (lots - left) // lots
        pos.qty += left
        pos.open_lots += left
        pos.open_value += left * price * inst.value_per_tick_lot
        pos.cost += left * price * inst.value_per_tick_lot
        m = left * margin_per_lot(inst, price, order.leverage)
        pos.margin += m
        settle.margin += m
        pos.updated = eng.now
        eng.touch_position(pos)
    records.ledger(eng, uid, cat, sym, coin, records.futures_kind(order.hold_mode, order.side, order.closing,
                                                                  order.pos_side, order.exec_type),
                   pnl, -fee, settle.balance)
    return fee, coin, pnl
