"""Risk: unrealised PnL on the mark, maintenance margin from the position tiers, liquidation, and the
insurance fund (docs/decisions.md, "Liquidation and the insurance fund").

- Per user and settle coin: ``equity = balance + sum(unrealised PnL at mark)`` of the positions settled in
  that coin; ``maintenance = sum(notional at mark * mmr of the notional's tier)`` (rounded up; for
  COIN-FUTURES the size in coin times the mmr). The check runs at every ``MarketTick``.
- ``equity < maintenance`` liquidates: every order of the user holding or settling in that coin is
  cancelled (``burst_cancel``), then each position in that coin is closed by a market IOC order of the
  risk engine (``execType`` liquidation) against the book, as deep as the book goes, without a funds
  check. What the book cannot take stays open and is tried again at the next tick.
- Once the positions in that coin are flat, a liquidation fee of what is left of the balance, at most the
  maintenance margin at the trigger, goes to the insurance fund. A balance below 0 after the closes (a
  loss beyond the equity) is brought back to 0 by the insurance fund.
- The insurance fund (``Engine.insurance``, per coin) is the venue's own account: it receives liquidation
  fees and the rounding of funding, and pays deficits; it may go below 0 (the venue's capital then
  covers what the fund had not collected). No user's balance is ever left below 0.

Invariants: pure; conservation holds with the fund counted: per coin, balances + fees + insurance ==
deposits + debts + realised PnL (core/audit.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from . import enums as E
from . import records, trading
from .events import PositionLiquidated
from .instruments import Instrument
from .ledger import Account, Asset
from .market import mark_price
from .numbers import ceil_div
from .order import Order

if TYPE_CHECKING:
    from .engine import Engine
    from .positions import Position

E8 = 10**8
DAY_MS = 86_400_000
FUND_DAYS_KEPT = 400  # days of insurance-fund records kept per coin


def unrealised(inst: Instrument, pos: Position, mark: int) -> int:
    """Unrealised PnL of ``pos`` at ``mark`` (ticks), in settle-coin units."""
    value = pos.qty * mark * inst.value_per_tick_lot
    gain: int = value - pos.cost if pos.pos_side == E.LONG else pos.cost - value
    if inst.kind == "inverse" and mark:
        gain = gain * 10**inst.tick_dp // (mark * inst.tick_num)
    return gain


def maintenance(inst: Instrument, pos: Position, mark: int) -> int:
    """Maintenance margin of ``pos`` at ``mark``, in settle-coin units (rounded up)."""
    value = pos.qty * mark * inst.value_per_tick_lot
    tier = inst.tier_of(value)
    base = pos.qty * inst.lot_units if inst.kind == "inverse" else value
    return ceil_div(base * tier.mmr_e8, E8)


def position_mark(eng: Engine, inst: Instrument, pos: Position) -> int:
    """The mark of the position's instrument; its entry price if the instrument has no price yet."""
    mark = mark_price(eng, inst)
    if not mark and pos.qty:
        mark = pos.cost // (pos.qty * inst.value_per_tick_lot)
    return mark


def exposure(eng: Engine, uid: int) -> dict[str, tuple[int, int]]:
    """Per settle coin of the user's open positions: (equity, maintenance margin)."""
    acct = eng.accounts[uid]
    out: dict[str, tuple[int, int]] = {}
    for (cat, sym, _side), pos in sorted(eng.user_positions.get(uid, {}).items()):
        if not pos.qty:
            continue
        inst = eng.instruments.by_key[(cat, sym)]
        mark = position_mark(eng, inst, pos)
        coin = inst.settle
        equity, mm = out.get(coin, (acct.assets[coin].balance if coin in acct.assets else 0, 0))
        out[coin] = (equity + unrealised(inst, pos, mark), mm + maintenance(inst, pos, mark))
    return out


def liquidation_price(eng: Engine, inst: Instrument, pos: Position) -> int:
    """Estimated mark (ticks) at which the user's account would be liquidated through this position's
    price alone (linear contracts; the other positions at their marks, the tier kept): 0 when no positive
    price liquidates it, and for COIN-FUTURES (not estimated)."""
    if inst.kind != "linear" or not pos.qty:
        return 0
    mark = position_mark(eng, inst, pos)
    equity, mm = exposure(eng, pos.uid).get(inst.settle, (0, 0))
    k = pos.qty * inst.value_per_tick_lot
    value = k * mark
    rate = inst.tier_of(value).mmr_e8
    direction = 1 if pos.pos_side == E.LONG else -1
    equity_rest = equity - direction * (value - pos.cost) - direction * pos.cost  # equity less this leg's value
    mm_rest = mm - maintenance(inst, pos, mark)
    # equity_rest + d * V == mm_rest + V * rate  =>  V = (mm_rest - equity_rest) / (d - rate)
    den = direction * E8 - rate
    at_value = (mm_rest - equity_rest) * E8 // den
    ticks: int = at_value // k if direction > 0 else -(-at_value // k)
    return max(ticks, 0)


def check(eng: Engine) -> None:
    """Liquidate every account whose equity in a settle coin fell below its maintenance margin.

    A first pass finds the accounts at risk at this tick's marks (one mark per instrument, sums that do not
    depend on the order of the positions); they are then liquidated in (uid, coin) order, each checked
    again first (an earlier liquidation of the same tick may have filled its orders)."""
    by_key = eng.instruments.by_key
    marks: dict[tuple[str, str], int] = {}
    at_risk: list[tuple[int, str]] = []
    for uid, mine in eng.user_positions.items():
        sums: dict[str, list[int]] | None = None
        for (cat, sym, side), pos in mine.items():
            qty = pos.qty
            if not qty:
                continue
            key = (cat, sym)
            inst = by_key[key]
            mark = marks.get(key)
            if mark is None:
                mark = marks[key] = mark_price(eng, inst)
            k = inst.value_per_tick_lot
            price = mark or pos.cost // (qty * k)  # as position_mark: the entry before any price
            value = qty * price * k
            if inst.kind == "linear":  # unrealised() and maintenance(), inlined for the common case
                gain = value - pos.cost if side == E.LONG else pos.cost - value
                mm = ceil_div(value * inst.tier_of(value).mmr_e8, E8)
            else:
                gain, mm = unrealised(inst, pos, price), maintenance(inst, pos, price)
            if sums is None:
                sums = {}
            acc = sums.get(inst.settle)
            if acc is None:
                acc = sums[inst.settle] = [0, 0]
            acc[0] += gain
            acc[1] += mm
        if sums:
            assets = eng.accounts[uid].assets
            for coin, (gain, mm) in sums.items():
                asset = assets.get(coin)
                if mm > 0 and (asset.balance if asset is not None else 0) + gain < mm:
                    at_risk.append((uid, coin))
    for uid, coin in sorted(at_risk):
        equity, mm = exposure(eng, uid).get(coin, (0, 0))
        if mm > 0 and equity < mm:
            liquidate(eng, uid, coin, mm)


def liquidate(eng: Engine, uid: int, coin: str, mm: int) -> None:
    acct = eng.accounts[uid]
    by_key = eng.instruments.by_key
    mine = eng.user_orders.get(uid, {})
    doomed = [o for o in mine.values()
              if o.frozen_coin == coin or (o.category in E.FUTURES and by_key[(o.category, o.symbol)].settle == coin)]
    for order in sorted(doomed, key=lambda o: o.order_id):
        eng.end_order(order, E.CANCELLED, E.BURST_CANCEL)
    left = False
    for (cat, sym, _side), pos in sorted(eng.user_positions[uid].items()):
        inst = by_key[(cat, sym)]
        if pos.qty and inst.settle == coin:
            close(eng, inst, acct, pos)
            left = left or pos.qty > 0
    asset = acct.asset(coin)
    if asset.balance < 0:
        cover(eng, uid, coin, asset)
    elif not left:
        fee = min(asset.balance - asset.frozen, mm)
        if fee > 0:
            asset.balance -= fee
            to_fund(eng, coin, fee)
            records.ledger(eng, uid, records.coin_category(eng, coin), "", coin, records.LIQ_FEE, 0, -fee,
                           asset.balance)
    eng.touched.add(uid)


class FundDay(msgspec.Struct, gc=False, array_like=True):
    """The insurance fund's net change in ``coin`` over one UTC day (``day``: its start) and its balance at
    the end of it (so far): what ``GET /api/v3/market/risk-reserve`` lists."""

    coin: str
    day: int
    amount: int
    balance: int


def to_fund(eng: Engine, coin: str, delta: int) -> None:
    """The one door of the insurance fund: add ``delta`` (< 0: it pays) and keep the day's record."""
    if not delta:
        return
    balance = eng.insurance[coin] = eng.insurance.get(coin, 0) + delta
    day = eng.now - eng.now % DAY_MS
    rows = eng.fund_days.setdefault(coin, [])
    if rows and rows[-1].day == day:
        rows[-1].amount += delta
        rows[-1].balance = balance
    else:
        rows.append(FundDay(coin, day, delta, balance))
        if len(rows) > FUND_DAYS_KEPT:
            del rows[: len(rows) - FUND_DAYS_KEPT]


def cover(eng: Engine, uid: int, coin: str, asset: Asset) -> None:
    """The insurance fund brings a balance below 0 back to 0."""
    to_fund(eng, coin, asset.balance)
    covered, asset.balance = -asset.balance, 0
    records.ledger(eng, uid, records.coin_category(eng, coin), "", coin, records.LIQ_FUND_IN, covered, 0, 0)


def cover_deficits(eng: Engine, uids: set[int]) -> None:
    """After any step: a realised loss beyond a user's balance (a close without a prior liquidation, e.g.
    in a venue without market ticks) is covered by the insurance fund, so no balance stays below 0."""
    for uid in sorted(uids):
        acct = eng.accounts.get(uid)
        if acct is not None:
            for coin in sorted(acct.assets):
                asset = acct.assets[coin]
                if asset.balance < 0:
                    cover(eng, uid, coin, asset)


def close(eng: Engine, inst: Instrument, acct: Account, pos: Position) -> Order | None:
    """Close what the book takes of ``pos`` with a market IOC liquidation order; None if it takes nothing."""
    lots = min(pos.qty - pos.pending_close, inst.max_lots)
    if lots <= 0:
        return None
    now = eng.now
    order = Order(
        order_id=0, client_oid="", uid=pos.uid, category=pos.category, symbol=pos.symbol,
        side=E.SELL if pos.pos_side == E.LONG else E.BUY, order_type=E.MARKET, tif=E.IOC, price=0, qty=lots,
        created=now, updated=now, hold_mode=acct.hold_mode, leverage=pos.leverage, pos_side=pos.pos_side,
        reduce_only=True, closing=True, exec_type=E.LIQUIDATION)
    fills, _, _, _ = trading.plan(eng, inst, order)
    if not fills:
        return None
    trading.assign_ids(eng, order)
    order.frozen_coin = inst.settle
    eng.register(order, acct)
    for maker, size, price in fills:
        if maker.in_book:
            trading.execute(eng, inst, order, maker, size, price)
    if order.filled == order.qty:
        eng.end_order(order, E.FILLED, "")
    else:
        eng.end_order(order, E.CANCELLED, E.IOC_CANCEL)
    if order.filled:
        avg = order.cum_value // (order.filled * inst.value_per_tick_lot)
        eng.emit(PositionLiquidated(pos.uid, pos.category, pos.symbol, pos.pos_side, order.order_id, order.filled,
                                    avg, order.cum_value, now))
    return order
