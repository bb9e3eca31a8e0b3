"""Modifying a pending order: new price and/or total quantity (and optionally a new clientOid), one order
(``ModifyOrder``) or up to 20 in one step (``ModifyBatch``, partial success as in ``CancelBatch``).

Invariants:
- The orderId survives a modify; so does the clientOid unless ``new_client_oid`` is given. Filled
  quantity, fills and fees already done stay.
- A rejected modify changes nothing, except that with ``auto_cancel`` the original order is then
  cancelled (``cancelReason`` ``modify_limit_order``) through ``Engine.end_order``.
- Queue position (docs/decisions.md, "Modify"): a price change or a quantity increase sends the order to
  the back of its (new) level; a pure quantity decrease keeps its place.
- Funds are re-computed exactly: afterwards the order holds ``remaining * per_lot`` at its new price, as
  a fresh order would, and the asset's ``frozen`` moved by exactly the difference.
- A new price that crosses the book makes the order a taker for its remainder in this same step, with
  the same plan / funds check / execution as a placement (core/trading.py); what is left rests at the
  back of the new level. A post-only order may not be modified to cross (``25568``).
- Closing (reduce-only) orders cannot be modified (``25568``), as the Batch-Modify page says.
- A batch is one engine step; each order may be modified at most once per batch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec
from sortedcontainers import SortedList

from . import enums as E
from . import errors as X
from . import records
from .commands import ModifyBatch, ModifyItem, ModifyOrder
from .events import OrderEvent, OrderModified
from .instruments import Instrument
from .ledger import can_borrow
from .order import Order
from .settle import futures_fee, margin_per_lot
from .trading import (
    _price_ticks,
    _qty_lots,
    execute,
    funds_needed,
    plan,
    to_book,
    valid_client_oid,
)

if TYPE_CHECKING:
    from .engine import Engine

BUY, MARGIN = E.BUY, E.MARGIN
NOT_FOUND = X.reject(X.ORDER_NOT_FOUND)
REFUSED = X.reject(X.MODIFY_REFUSED)
SAME = X.reject(X.MODIFY_SAME)
NO_CHANGE = X.reject(X.PARAM_ERROR, "qty or price")
TWICE = X.reject(X.PARAM_ERROR, "orderId: an order may appear only once in a batch")


def modify_order(eng: Engine, cmd: ModifyOrder) -> Order | X.Reject:
    item = cmd.item
    if not item.order_id and not item.client_oid:
        return X.reject(X.PARAM_MISSING, "orderId")
    return modify(eng, cmd.uid, item, None)


def modify_batch(eng: Engine, cmd: ModifyBatch) -> list[Order | X.Reject]:
    """Every item in request order, in this one step (like ``CancelBatch``).

    Kept flat (a modify of 20 orders is measured against a cancel of 20, bench/engine.py): the lookup of
    ``Engine.find_pending`` is inlined, the user's maps are read once per batch, and the common item (a new
    price only, away from the book, needing no more funds) is done here with exactly ``_change``'s checks
    and effects; any other item goes through ``_change``."""
    uid = cmd.uid
    seen: set[int] = set()
    out: list[Order | X.Reject] = []
    append, change = out.append, _change
    mine = eng.user_orders.get(uid)
    coids = eng.client_oids.get(uid)
    by_key, books, events, now = eng.instruments.by_key, eng.books, eng.events, eng.now
    acct = eng.accounts.get(uid)
    assets = acct.assets if acct is not None else {}  # a user without an account has no order to find
    inst: Instrument | None = None
    cur_cat = cur_sym = ""
    bids: dict[int, dict[int, Order]] = {}
    asks: dict[int, dict[int, Order]] = {}
    bid_prices: SortedList[int] = SortedList()
    ask_prices: SortedList[int] = SortedList()
    price_cache: dict[str, int] = {}
    min_value = k = lot_units = 0  # min_value: the minimum order value in ticks x lots (ceil of units / k)
    spot = False
    touched: list[Instrument] = []  # books to mark changed once, after the batch
    for item in cmd.items:
        oid = item.order_id
        if not oid and not item.client_oid:
            append(X.reject(X.PARAM_ERROR, "orderId or clientOid"))
            continue
        text = item.price
        if not item.qty and not text:
            append(NO_CHANGE)
            continue
        if oid:  # as Engine.find_pending: orderId wins over clientOid
            order = (mine.get(int(oid)) if mine is not None and oid.isdigit() and oid.isascii() and len(oid) <= 20
                     else None)
        else:
            order = coids.get(item.client_oid) if coids is not None else None
        if (order is None or (item.category and order.category != item.category)
                or (item.symbol and order.symbol != item.symbol)):
            append(NOT_FOUND)
            continue
        if order.order_id in seen:
            append(TWICE)
            continue
        seen.add(order.order_id)
        category = order.category
        if inst is None or order.symbol != cur_sym or category != cur_cat:
            cur_cat, cur_sym = category, order.symbol
            inst = by_key[(cur_cat, cur_sym)]
            book = books[inst.book_key]
            bids, asks, bid_prices, ask_prices = book.bids, book.asks, book.bid_prices, book.ask_prices
            price_cache, k, lot_units = inst.price_cache, inst.value_per_tick_lot, inst.lot_units
            min_value = -(-inst.min_notional_units // k)
            spot = category == E.SPOT  # (MARGIN may borrow or repay, futures hold margin: through _change)
        if spot and text and not item.qty and not item.new_client_oid:
            # the common case: a SPOT order moved away from the book (never crosses), same qty, no more funds
            price = price_cache.get(text, 0)
            old = order.price
            if order.side == BUY:
                if price and price < old and order.qty * price >= min_value:
                    frozen = (order.qty - order.filled) * price * k
                    extra = frozen - order.frozen  # < 0: a lower price holds less
                    events.append(OrderModified(order, old, order.qty, order.client_oid))
                    order.updated = now
                    assets[order.frozen_coin].frozen += extra
                    order.frozen = frozen
                    order.per_lot = price * k
                    level = bids[old]  # Book.move, inlined: leave the old level, join the back of the new one
                    oid_int = order.order_id
                    del level[oid_int]
                    if not level:
                        del bids[old]
                        bid_prices.remove(-old)
                    order.price = price
                    joined = bids.get(price)
                    if joined is None:
                        joined = bids[price] = {}
                        bid_prices.add(-price)
                    joined[oid_int] = order
                    events.append(OrderEvent(order))
                    if not touched or touched[-1] is not inst:
                        touched.append(inst)
                    append(order)
                    continue
            elif price and price > old:  # a sell holds its base coin whatever the price: frozen unchanged
                events.append(OrderModified(order, old, order.qty, order.client_oid))
                order.updated = now
                order.per_lot = lot_units
                level = asks[old]
                oid_int = order.order_id
                del level[oid_int]
                if not level:
                    del asks[old]
                    ask_prices.remove(old)
                order.price = price
                joined = asks.get(price)
                if joined is None:
                    joined = asks[price] = {}
                    ask_prices.add(price)
                joined[oid_int] = order
                events.append(OrderEvent(order))
                if not touched or touched[-1] is not inst:
                    touched.append(inst)
                append(order)
                continue
        result = change(eng, order, item, inst, False)
        if result is order:
            if not touched or touched[-1] is not inst:
                touched.append(inst)
        elif item.auto_cancel:
            eng.end_order(order, E.CANCELLED, E.MODIFY_CANCEL)
        append(result)
    if touched:
        eng.touched.add(uid)
        for i in touched:
            eng.touch_book(i)
    return out


def modify(eng: Engine, uid: int, item: ModifyItem, seen: set[int] | None) -> Order | X.Reject:
    """Modify the user's pending order named by ``item``; with ``auto_cancel`` a failure cancels it (not
    when the item asks for no change at all: that is a malformed request, not a failed modify)."""
    if not item.qty and not item.price:
        return NO_CHANGE
    order = eng.find_pending(uid, item.order_id, item.client_oid, item.category, item.symbol)
    if order is None:
        return NOT_FOUND
    if seen is not None:
        if order.order_id in seen:
            return TWICE
        seen.add(order.order_id)
    result = _change(eng, order, item, eng.instruments.by_key[(order.category, order.symbol)], True)
    if result is not order and item.auto_cancel:
        eng.end_order(order, E.CANCELLED, E.MODIFY_CANCEL)
    return result


def _change(eng: Engine, order: Order, item: ModifyItem, inst: Instrument, touch: bool) -> Order | X.Reject:
    """Check the new values, then re-queue (or, when the new price crosses, sweep). Kept flat: a modify of
    20 orders is measured against a cancel of 20 (bench/engine.py). ``inst`` is the order's instrument; a
    resting modify marks its book changed only when ``touch`` (a batch marks its books once, at the end)."""
    if order.closing:
        return REFUSED
    old_price = price = order.price
    old_qty = qty = order.qty
    text = item.price
    if text:
        price = inst.price_cache.get(text, 0)
        if not price:
            ticks = _price_ticks(inst, text)
            if isinstance(ticks, X.Reject):
                return ticks
            price = ticks
    text = item.qty
    if text:
        qty = inst.lot_cache.get(text, 0)
        if not qty:
            lots = _qty_lots(inst, text, order.symbol)
            if isinstance(lots, X.Reject):
                return lots
            qty = lots
    coid = item.new_client_oid
    if coid:
        if coid == order.client_oid:
            coid = ""
        elif not valid_client_oid(coid):
            return X.reject(X.PARAM_ERROR, "newClientOid")
        elif coid in eng.client_oids[order.uid]:
            return X.reject(X.DUPLICATE_CLIENT_OID)
    if price == old_price and qty == old_qty:
        return SAME
    if qty <= order.filled:
        return REFUSED
    k = inst.value_per_tick_lot
    if (price < old_price or qty < old_qty) and qty * price * k < inst.min_notional_units:  # it was above
        return X.reject(X.MIN_AMOUNT)
    is_buy = order.side == BUY
    book = eng.books[inst.book_key]
    if price > old_price if is_buy else price < old_price:  # towards the book: may cross
        prices = book.ask_prices if is_buy else book.bid_prices
        if prices and (prices[0] <= price if is_buy else -prices[0] >= price):
            if order.tif == E.POST_ONLY:
                return REFUSED
            return _cross(eng, inst, order, msgspec.structs.replace(order, price=price, qty=qty), coid)
    # rests: hold what a fresh order of this price and remainder would (trading.funds_needed's per lot)
    if inst.is_futures:
        per_lot = margin_per_lot(inst, price, order.leverage) + futures_fee(inst, 1, price, inst.taker_e8)
    elif is_buy:
        per_lot = price * k
    else:
        per_lot = inst.lot_units
    frozen = (qty - order.filled) * per_lot
    extra = frozen - order.frozen
    uid = order.uid
    asset = eng.accounts[uid].assets[order.frozen_coin]
    if extra > 0 and extra > asset.balance - asset.frozen - asset.margin and not _fund(eng, inst, order, extra):
        return _insufficient(inst)
    events = eng.events
    events.append(OrderModified(order, old_price, old_qty, order.client_oid))
    if coid:
        _rename(eng, order, coid)
    order.updated = eng.now
    eng.touched.add(uid)
    asset.frozen += extra
    order.frozen = frozen
    order.per_lot = per_lot
    order.qty = qty
    if price != old_price:
        book.move(order, price)  # sets order.price; the back of the new level
    elif qty > old_qty:
        book.requeue(order)  # the back of its own level
    if touch:
        eng.touch_book(inst)
    if order.category == MARGIN:
        records.repay(eng, uid, MARGIN, order.symbol, order.frozen_coin, asset)
    events.append(OrderEvent(order))
    return order


def _fund(eng: Engine, inst: Instrument, order: Order, need: int) -> bool:
    """Whether ``need`` more of the order's coin is available (borrowing on MARGIN); borrows if so."""
    asset = eng.accounts[order.uid].asset(order.frozen_coin)
    if need <= asset.available:
        return True
    short = need - asset.available
    if order.category != E.MARGIN or not can_borrow(asset, short, inst.margin_leverage):
        return False
    asset.debt += short
    asset.balance += short
    records.ledger(eng, order.uid, order.category, order.symbol, order.frozen_coin, records.BORROW, short, 0,
                   asset.balance)
    return True


def _insufficient(inst: Instrument) -> X.Reject:
    return X.reject(X.INSUFFICIENT_MARGIN if inst.is_futures else X.INSUFFICIENT_BALANCE)


def _note(eng: Engine, order: Order, coid: str) -> None:
    """Record the modify (event) and rename the order if asked; the price and qty are not yet changed."""
    eng.events.append(OrderModified(order, order.price, order.qty, order.client_oid))
    if coid:
        _rename(eng, order, coid)
    order.updated = eng.now
    eng.touched.add(order.uid)


def _rename(eng: Engine, order: Order, coid: str) -> None:
    coids = eng.client_oids[order.uid]
    del coids[order.client_oid]
    coids[coid] = order
    order.client_oid = coid


def _cross(eng: Engine, inst: Instrument, order: Order, probe: Order, coid: str) -> Order | X.Reject:
    """A new price that crosses: leave the book and sweep as a taker for the remainder, then rest."""
    fills, stp_makers, stopped, spent = plan(eng, inst, probe)
    coin, need, per_lot = funds_needed(eng, inst, probe, fills, spent, not stopped)
    extra = need - order.frozen
    if extra > 0 and not _fund(eng, inst, order, extra):
        return _insufficient(inst)
    _note(eng, order, coid)
    book = eng.books[inst.book_key]
    acct = eng.accounts[order.uid]
    book.remove(order)
    order.in_book = False
    acct.assets[coin].frozen -= order.frozen
    order.frozen, order.per_lot, order.price, order.qty = 0, per_lot, probe.price, probe.qty
    eng.touch_book(inst)
    for maker in stp_makers:
        eng.end_order(maker, E.CANCELLED, E.STP_CANCEL)
    skipped = False
    for maker, lots, price in fills:
        if maker.in_book:
            execute(eng, inst, order, maker, lots, price)
        else:  # a reduce-only maker trimmed by an earlier fill of this sweep
            skipped = True
    if order.filled == order.qty:
        eng.end_order(order, E.FILLED, "")
    elif stopped:
        eng.end_order(order, E.CANCELLED, E.STP_CANCEL)
    elif skipped and (order.qty - order.filled) * per_lot > acct.asset(coin).available:
        eng.end_order(order, E.CANCELLED, E.IOC_CANCEL)  # as in trading.place: the check did not cover it
    else:
        to_book(eng, inst, book, acct, order)
    if order.category == E.MARGIN:
        for c in (inst.base, inst.quote):
            records.repay(eng, order.uid, order.category, order.symbol, c, acct.asset(c))
    return order
