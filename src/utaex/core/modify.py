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

from . import enums as E
from . import errors as X
from . import records
from .commands import ModifyBatch, ModifyItem, ModifyOrder
from .events import OrderEvent, OrderModified
from .instruments import Instrument
from .ledger import can_borrow
from .order import Order
from .trading import (
    _price_ticks,
    _qty_lots,
    execute,
    funds_needed,
    futures_fee,
    margin_per_lot,
    plan,
    to_book,
    valid_client_oid,
)

if TYPE_CHECKING:
    from .engine import Engine

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
    """Every item in request order, in this one step (like ``CancelBatch``)."""
    uid = cmd.uid
    seen: set[int] = set()
    out: list[Order | X.Reject] = []
    append, find, change = out.append, eng.find_pending, _change
    for item in cmd.items:
        if not item.order_id and not item.client_oid:
            append(X.reject(X.PARAM_ERROR, "orderId or clientOid"))
        elif not item.qty and not item.price:
            append(NO_CHANGE)
        else:
            order = find(uid, item.order_id, item.client_oid, item.category, item.symbol)
            if order is None:
                append(NOT_FOUND)
            elif order.order_id in seen:
                append(TWICE)
            else:
                seen.add(order.order_id)
                result = change(eng, order, item)
                if result is not order and item.auto_cancel:
                    eng.end_order(order, E.CANCELLED, E.MODIFY_CANCEL)
                append(result)
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
    result = _change(eng, order, item)
    if result is not order and item.auto_cancel:
        eng.end_order(order, E.CANCELLED, E.MODIFY_CANCEL)
    return result


def _change(eng: Engine, order: Order, item: ModifyItem) -> Order | X.Reject:
    """Check the new values, then re-queue (or, when the new price crosses, sweep). Kept flat: a modify of
    20 orders is measured against a cancel of 20 (bench/engine.py)."""
    if order.closing:
        return REFUSED
    inst = eng.instruments.by_key[(order.category, order.symbol)]
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
    is_buy = order.side == E.BUY
    book = eng.books[inst.book_key]
    if price > old_price if is_buy else price < old_price:  # towards the book: may cross
        best = book.best_ask() if is_buy else book.best_bid()
        if best is not None and (best <= price if is_buy else best >= price):
            if order.tif == E.POST_ONLY:
                return REFUSED
            return _cross(eng, inst, order, msgspec.structs.replace(order, price=price, qty=qty), coid)
    # rests: hold what a fresh order of this price and remainder would (trading.funds_needed's per lot)
    if inst.is_futures:
        per_lot = margin_per_lot(inst, price, order.leverage) + futures_fee(inst, 1, price, inst.taker_e8)
    else:
        per_lot = price * k if is_buy else inst.lot_units
    frozen = (qty - order.filled) * per_lot
    extra = frozen - order.frozen
    asset = eng.accounts[order.uid].assets[order.frozen_coin]
    if extra > 0 and extra > asset.balance - asset.frozen - asset.margin and not _fund(eng, inst, order, extra):
        return _insufficient(inst)
    events = eng.events
    events.append(OrderModified(order, old_price, old_qty, order.client_oid))
    if coid:
        _rename(eng, order, coid)
    order.updated = eng.now
    eng.touched.add(order.uid)
    requeue = price != old_price or qty > old_qty
    if requeue:
        book.remove(order)
    asset.frozen += extra
    order.frozen, order.per_lot, order.price, order.qty = frozen, per_lot, price, qty
    if requeue:
        book.add(order)
    if order.category == E.MARGIN:
        records.repay(eng, order.uid, order.category, order.symbol, order.frozen_coin, asset)
    eng.touch_book(inst)
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
