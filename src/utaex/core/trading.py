"""Order entry and matching: validation, a dry-run plan of the taker's sweep, the funds check against
that exact plan, then execution and settlement of each fill.

Invariants:
- A rejected placement changes nothing (the plan is computed without touching state).
- The funds check uses the very plan that is then executed, so a taker never spends more than it was
  checked for; a resting remainder freezes ``remaining * per_lot``.
- A maker always fills at its own price, so its reservation per lot covers its fills exactly; fees are
  rounded up and collected in ``Engine.fees``.
- Spot fees are paid in the coin received; futures fees, margin and PnL in the settle coin.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import enums as E
from . import errors as X
from . import records
from .book import Book
from .commands import PlaceOrder
from .events import FillEvent, OrderEvent
from .instruments import Instrument
from .ledger import Account, can_borrow
from .numbers import DP, NumberError, format_fixed, parse_fixed
from .order import Order
from .settle import futures_fee, margin_per_lot, settle_futures, settle_spot

if TYPE_CHECKING:
    from .engine import Engine

# Bitget's documented pattern; always applied with fullmatch ("$" alone also matches before a final "\n")
CLIENT_OID_RE = re.compile(r"^[\.A-Z\:/a-z0-9_-]{1,32}$")
BUY, SELL, LIMIT, MARKET, GTC, POST_ONLY, MARGIN = E.BUY, E.SELL, E.LIMIT, E.MARKET, E.GTC, E.POST_ONLY, E.MARGIN

Plan = tuple[list[tuple[Order, int, int]], list[Order], bool, int]


def valid_client_oid(coid: str) -> bool:
    return CLIENT_OID_RE.fullmatch(coid) is not None


def _param(name: str) -> X.Reject:
    return X.reject(X.PARAM_ERROR, name)


# (side, orderType, timeInForce as sent, stpMode) -> the effective timeInForce (market: IOC unless FOK)
SHAPES: dict[tuple[str, str, str, str], str] = {
    (side, otype, tif, stp): (E.IOC if otype == E.MARKET and tif in ("", E.GTC, E.POST_ONLY) else tif or E.GTC)
    for side in (E.BUY, E.SELL) for otype in (E.LIMIT, E.MARKET) for tif in (*E.TIME_IN_FORCE, "")
    for stp in E.STP_MODES
}
MEMO_MAX = 1 << 14


def _shape_error(cmd: PlaceOrder) -> X.Reject:
    if cmd.side not in (E.BUY, E.SELL):
        return _param("side")
    if cmd.order_type not in (E.LIMIT, E.MARKET):
        return _param("orderType")
    if (cmd.tif or E.GTC) not in E.TIME_IN_FORCE:
        return _param("timeInForce")
    return _param("stpMode")


def _price_ticks(inst: Instrument, text: str) -> int | X.Reject:
    """A limit price string as ticks (> 0, on the tick grid), memoised per instrument."""
    if not text:
        return X.reject(X.PARAM_MISSING, "price")
    try:
        raw, exact = parse_fixed(text, inst.tick_dp)
    except NumberError:
        return _param("price")
    if not exact or raw % inst.tick_num:
        return X.reject(X.PRICE_MULTIPLE, inst.spec.tick)
    ticks = raw // inst.tick_num
    if ticks <= 0:
        return _param("price")
    memo = inst.price_cache
    if len(memo) >= MEMO_MAX:
        memo.clear()
    memo[text] = ticks
    return ticks


def _qty_lots(inst: Instrument, text: str, symbol: str) -> int | X.Reject:
    """A quantity string as lots (on the lot grid, within the instrument's min/max), memoised."""
    try:
        raw, exact = parse_fixed(text, inst.lot_dp)
    except NumberError:
        return _param("qty")
    if not exact or raw % inst.lot_num:
        return X.reject(X.QTY_PRECISION)
    lots = raw // inst.lot_num
    if lots < inst.min_lots:
        return X.reject(X.QTY_TOO_SMALL, symbol, inst.spec.minOrderQty)
    if lots > inst.max_lots:
        return X.reject(X.QTY_TOO_LARGE, symbol, inst.spec.maxOrderQty)
    memo = inst.lot_cache
    if len(memo) >= MEMO_MAX:
        memo.clear()
    memo[text] = lots
    return lots


def validate(eng: Engine, cmd: PlaceOrder, acct: Account) -> tuple[Order, Instrument] | X.Reject:
    """Check a placement against the instrument rules; build the (not yet registered) order."""
    category, symbol = cmd.category, cmd.symbol
    inst = eng.instruments.by_key.get((category, symbol))
    if inst is None:
        return _param("category") if category not in E.CATEGORIES else X.reject(X.SYMBOL_NOT_FOUND, symbol)
    side, otype = cmd.side, cmd.order_type
    tif = SHAPES.get((side, otype, cmd.tif, cmd.stp_mode))
    if tif is None:
        return _shape_error(cmd)
    coid = cmd.client_oid
    if coid:
        if not valid_client_oid(coid):
            return _param("clientOid")
        if coid in eng.client_oids[cmd.uid]:
            return X.reject(X.DUPLICATE_CLIENT_OID)
    price = 0
    if otype == LIMIT:
        price = inst.price_cache.get(cmd.price, 0)
        if not price:
            ticks = _price_ticks(inst, cmd.price)
            if isinstance(ticks, X.Reject):
                return ticks
            price = ticks
    amount = 0
    if otype == MARKET and side == BUY and not inst.is_futures:
        lots = 0
        try:
            raw, exact = parse_fixed(cmd.qty, inst.quote_dp)
        except NumberError:
            return _param("qty")
        if not exact:
            return X.reject(X.QTY_PRECISION)
        amount = raw * 10 ** (DP - inst.quote_dp)
        if amount < inst.min_notional_units or amount <= 0:
            return X.reject(X.MIN_AMOUNT)
    else:
        lots = inst.lot_cache.get(cmd.qty, 0)
        if not lots:
            checked = _qty_lots(inst, cmd.qty, symbol)
            if isinstance(checked, X.Reject):
                return checked
            lots = checked
        if price and lots * price * inst.value_per_tick_lot < inst.min_notional_units:
            return X.reject(X.MIN_AMOUNT)
    now = eng.now
    order = Order(
        order_id=0, client_oid=coid, uid=cmd.uid, category=category, symbol=symbol, side=side,
        order_type=otype, tif=tif, price=price, qty=lots, amount=amount, stp=cmd.stp_mode,
        created=now, updated=now,
    )
    rests = otype == LIMIT and tif in (GTC, POST_ONLY)
    if inst.is_futures:
        order.hold_mode = acct.hold_mode
        order.leverage = acct.leverage_of(category, symbol)
        if acct.hold_mode == E.HEDGE:
            if cmd.pos_side not in (E.LONG, E.SHORT):
                return _param("posSide")
            order.pos_side = cmd.pos_side
            order.closing = (side == BUY) == (cmd.pos_side == E.SHORT)
            order.reduce_only = order.closing
        else:
            order.pos_side = cmd.pos_side if cmd.pos_side in (E.LONG, E.SHORT) else ""
            if cmd.reduce_only:
                order.closing = order.reduce_only = True
                order.pos_side = E.SHORT if side == BUY else E.LONG
        if order.closing:
            pos = eng.positions.get((cmd.uid, category, symbol, order.pos_side))
            if pos is None or pos.qty == 0:
                return X.reject(X.NO_POSITION)
            if lots > pos.qty - pos.pending_close:
                return X.reject(X.POSITION_CLOSE_EXCEEDS)
        if rests and acct.open_futures >= eng.max_open_futures:
            return X.reject(X.TOO_MANY_ORDERS, eng.max_open_futures)
    elif rests and acct.open_spot >= eng.max_open_spot:
        return X.reject(X.TOO_MANY_ORDERS, eng.max_open_spot)
    return order, inst


def plan(eng: Engine, inst: Instrument, order: Order) -> Plan:
    """Dry run of the taker's sweep: (fills as (maker, lots, price), makers cancelled by STP,
    taker stopped by STP, quote spent by a market buy by amount). Changes nothing."""
    book = eng.books[inst.book_key]
    fills: list[tuple[Order, int, int]] = []
    stp_makers: list[Order] = []
    stopped = False
    is_buy = order.side == E.BUY
    limit = order.price
    by_amount = order.amount > 0
    left = order.qty - order.filled  # a modified order (core/modify.py) may have filled already
    amt_left = order.amount
    spent = 0
    k = inst.value_per_tick_lot
    uid, stp = order.uid, order.stp
    done = False
    for price, level in book.opposite(order.side):
        if limit and (price > limit if is_buy else price < limit):
            break
        for maker in level.values():
            if maker.uid == uid and stp != "none":
                if stp == "cancel_maker":
                    stp_makers.append(maker)
                    continue
                if stp == "cancel_both":
                    stp_makers.append(maker)
                stopped = done = True
                break
            avail = maker.qty - maker.filled
            if by_amount:
                take = min(avail, amt_left // (price * k))
                if take <= 0:
                    done = True
                    break
                amt_left -= take * price * k
                spent += take * price * k
                fills.append((maker, take, price))
                if take < avail:
                    done = True
                    break
            else:
                take = avail if avail < left else left
                left -= take
                fills.append((maker, take, price))
                if left == 0:
                    done = True
                    break
        if done:
            break
    return fills, stp_makers, stopped, spent


def funds_needed(eng: Engine, inst: Instrument, order: Order, fills: list[tuple[Order, int, int]],
                 spent: int, rests: bool) -> tuple[str, int, int]:
    """(coin, amount needed now for the taker part and the resting part, per_lot for the rest)."""
    k = inst.value_per_tick_lot
    if not inst.is_futures:
        if not fills and not order.amount:
            if order.side == E.BUY:
                per_lot = order.price * k
                return inst.quote, (order.qty - order.filled) * per_lot, per_lot
            return inst.base, (order.qty - order.filled) * inst.lot_units, inst.lot_units
        if order.side == E.BUY:
            if order.amount:
                return inst.quote, order.amount, 0
            taker = sum(lots * price for _, lots, price in fills) * k
            filled = sum(lots for _, lots, _ in fills) + order.filled
            per_lot = order.price * k
            return inst.quote, taker + (order.qty - filled) * per_lot, per_lot
        return inst.base, (order.qty - order.filled) * inst.lot_units, inst.lot_units
    lev = order.leverage
    need = 0
    filled = order.filled
    if order.closing:
        for _, lots, price in fills:
            need += futures_fee(inst, lots, price, inst.taker_e8)
        return inst.settle, need, 0
    opp_side = E.SHORT if order.side == E.BUY else E.LONG
    opp = eng.positions.get((order.uid, order.category, order.symbol, opp_side))
    closable = opp.qty - opp.pending_close if (opp and order.hold_mode == E.ONE_WAY) else 0
    for _, lots, price in fills:
        close = min(lots, max(closable, 0))
        closable -= close
        need += (lots - close) * margin_per_lot(inst, price, lev) + futures_fee(inst, lots, price, inst.taker_e8)
        filled += lots
    per_lot = 0
    if rests:
        per_lot = margin_per_lot(inst, order.price, lev) + futures_fee(inst, 1, order.price, inst.taker_e8)
        need += (order.qty - filled) * per_lot
    return inst.settle, need, per_lot


def place(eng: Engine, cmd: PlaceOrder) -> Order | X.Reject:
    acct = eng.accounts.get(cmd.uid)
    if acct is None:
        return X.reject(X.USER_NOT_FOUND)
    checked = validate(eng, cmd, acct)
    if isinstance(checked, X.Reject):
        return checked
    order, inst = checked
    book = eng.books[inst.book_key]
    is_buy = order.side == BUY
    tif = order.tif
    rests = order.order_type == LIMIT and tif in (GTC, POST_ONLY)
    best = book.best_ask() if is_buy else book.best_bid()
    if rests and order.category != MARGIN and (best is None or (best > order.price if is_buy
                                                                 else best < order.price)):
        return _rest(eng, inst, book, acct, order)
    end_reason = ""
    fills: list[tuple[Order, int, int]] = []
    stp_makers: list[Order] = []
    stopped = False
    spent = 0
    crosses = best is not None and (order.price == 0 or (best <= order.price if is_buy else best >= order.price))
    if crosses:
        if order.tif == E.POST_ONLY:
            end_reason, rests = E.POST_ONLY_CANCEL, False
        else:
            fills, stp_makers, stopped, spent = plan(eng, inst, order)
            filled = sum(lots for _, lots, _ in fills)
            if order.tif == E.FOK and filled < order.qty:
                fills, stp_makers, end_reason, rests = [], [], E.FOK_CANCEL, False
            elif stopped:
                end_reason, rests = E.STP_CANCEL, False
    elif order.tif == E.FOK:
        end_reason, rests = E.FOK_CANCEL, False
    if order.order_type == E.MARKET and not fills and not stp_makers:
        return X.reject(X.NO_LIQUIDITY)
    coin, need, per_lot = funds_needed(eng, inst, order, fills, spent, rests)
    asset = acct.assets.get(coin)  # not acct.asset(): a rejection must not create an empty entry
    if need > (asset.available if asset is not None else 0):
        short = need - (asset.available if asset is not None else 0)
        if asset is None or order.category != E.MARGIN or not can_borrow(asset, short, inst.margin_leverage):
            return X.reject(X.INSUFFICIENT_MARGIN if inst.is_futures else X.INSUFFICIENT_BALANCE)
        asset.debt += short
        asset.balance += short
        records.ledger(eng, order.uid, order.category, order.symbol, coin, records.BORROW, short, 0, asset.balance)
    # accepted: from here on the state changes
    assign_ids(eng, order)
    order.per_lot = per_lot
    order.frozen_coin = coin
    eng.register(order, acct)
    for maker in stp_makers:
        eng.end_order(maker, E.CANCELLED, E.STP_CANCEL)
    skipped = False
    for maker, lots, price in fills:
        if maker.in_book:
            execute(eng, inst, order, maker, lots, price)
        else:  # a reduce-only maker trimmed by an earlier fill of this sweep
            skipped = True
    if end_reason == E.POST_ONLY_CANCEL or end_reason == E.FOK_CANCEL:
        eng.end_order(order, E.CANCELLED, end_reason)
    elif order.amount:
        leftover, best_ask = order.amount - spent, book.best_ask()
        dust = leftover == 0 or (best_ask is not None and leftover < best_ask * inst.value_per_tick_lot)
        if fills and dust:
            eng.end_order(order, E.FILLED, "")
        else:
            eng.end_order(order, E.CANCELLED, E.IOC_CANCEL)
    elif order.filled == order.qty:
        eng.end_order(order, E.FILLED, "")
    elif skipped and rests and not stopped and (order.qty - order.filled) * per_lot > acct.asset(coin).available:
        # only when a planned maker vanished mid-sweep: the larger remainder is not covered by the check
        eng.end_order(order, E.CANCELLED, E.IOC_CANCEL)
    elif rests and not stopped:
        to_book(eng, inst, book, acct, order)
    else:
        eng.end_order(order, E.CANCELLED, end_reason or E.IOC_CANCEL)
    if order.category == E.MARGIN:
        for c in (inst.base, inst.quote):
            records.repay(eng, order.uid, order.category, order.symbol, c, acct.asset(c))
    eng.touched.add(order.uid)
    return order


def assign_ids(eng: Engine, order: Order) -> None:
    """Give an accepted order its id, and a clientOid when the user sent none."""
    order.order_id = oid = eng.new_id()
    if not order.client_oid:  # the next id, as the real venue often answers (orderId + 1)
        order.client_oid = str(oid + 1)
        eng.last_id = oid + 1
        while order.client_oid in eng.client_oids[order.uid]:  # a user chose that very string
            order.client_oid = str(eng.new_id())


def _rest(eng: Engine, inst: Instrument, book: Book, acct: Account, order: Order) -> Order | X.Reject:
    """The common case, kept short: a SPOT or futures limit order that does not cross goes straight to
    the book. Same outcome as the general path of ``place`` for such an order (no fill, no borrowing)."""
    if inst.is_futures:
        coin, need, per_lot = funds_needed(eng, inst, order, [], 0, True)
    elif order.side == BUY:
        coin, per_lot = inst.quote, order.price * inst.value_per_tick_lot
        need = order.qty * per_lot
    else:
        coin, per_lot = inst.base, inst.lot_units
        need = order.qty * per_lot
    asset = acct.assets.get(coin)
    if need > (asset.balance - asset.frozen - asset.margin if asset is not None else 0):
        return X.reject(X.INSUFFICIENT_MARGIN if inst.is_futures else X.INSUFFICIENT_BALANCE)
    assign_ids(eng, order)
    order.per_lot = per_lot
    order.frozen_coin = coin
    eng.register(order, acct)
    to_book(eng, inst, book, acct, order)
    eng.touched.add(order.uid)
    return order


def to_book(eng: Engine, inst: Instrument, book: Book, acct: Account, order: Order) -> None:
    """Rest what is left of an accepted order: freeze its remainder and add it to the book."""
    order.frozen = (order.qty - order.filled) * order.per_lot
    acct.asset(order.frozen_coin).frozen += order.frozen
    order.in_book = True
    book.add(order)
    eng.touch_book(inst)
    eng.events.append(OrderEvent(order))


def execute(eng: Engine, inst: Instrument, taker: Order, maker: Order, lots: int, price: int) -> None:
    exec_id = eng.new_exec_id()
    value = lots * price * inst.value_per_tick_lot
    for order, is_maker in ((maker, True), (taker, False)):
        rate = inst.maker_e8 if is_maker else inst.taker_e8
        acct = eng.accounts[order.uid]
        if inst.is_futures:
            fee, fee_coin, pnl = settle_futures(eng, inst, acct, order, lots, price, value, rate)
        else:
            fee, fee_coin, pnl = settle_spot(eng, inst, acct, order, lots, value, rate)
        order.filled += lots
        order.cum_value += value
        order.fee += fee
        order.fee_coin = fee_coin
        order.updated = eng.now
        eng.touched.add(order.uid)
        eng.emit(FillEvent(exec_id, order, price, lots, value, fee, fee_coin, is_maker, pnl, eng.now))
        if is_maker:
            if order.filled == order.qty:
                eng.end_order(order, E.FILLED, "")
            else:
                order.status = E.PARTIALLY_FILLED
                eng.emit(OrderEvent(order))
        elif order.filled < order.qty or order.amount:
            order.status = E.PARTIALLY_FILLED
    eng.last_price[inst.book_key] = price
    eng.touch_book(inst)


def fmt_price(inst: Instrument, ticks: int) -> str:
    return format_fixed(ticks * inst.tick_num, inst.tick_dp)


def fmt_qty(inst: Instrument, lots: int) -> str:
    return format_fixed(lots * inst.lot_num, inst.lot_dp)
