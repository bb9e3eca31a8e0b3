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
from .commands import ModifyBatch, ModifyItem, ModifyOrder
from .events import OrderEvent, OrderModified
from .instruments import Instrument
from .ledger import auto_repay, can_borrow
from .order import Order
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

NOT_FOUND = X.reject(X.ORDER_NOT_FOUND)
REFUSED = X.reject(X.MODIFY_REFUSED)
SAME = X.reject(X.MODIFY_SAME)
TWICE = X.reject(X.PARAM_ERROR, "orderId: an order may appear only once in a batch")


def modify_order(eng: Engine, cmd: ModifyOrder) -> Order | X.Reject:
    item = cmd.item
    if not item.order_id and not item.client_oid:
        return X.reject(X.PARAM_MISSING, "orderId")
    return modify(eng, cmd.uid, item, None)


def modify_batch(eng: Engine, cmd: ModifyBatch) -> list[Order | X.Reject]:
    """Every item in request order, in this one step (like ``CancelBatch``)."""
    seen: set[int] = set()
    out: list[Order | X.Reject] = []
    for item in cmd.items:
        if not item.order_id and not item.client_oid:
            out.append(X.reject(X.PARAM_ERROR, "orderId or clientOid"))
        else:
            out.append(modify(eng, cmd.uid, item, seen))
    return out


def modify(eng: Engine, uid: int, item: ModifyItem, seen: set[int] | None) -> Order | X.Reject:
    """Modify the user's pending order named by ``item``; with ``auto_cancel`` a failure cancels it (not
    when the item asks for no change at all: that is a malformed request, not a failed modify)."""
    if not item.qty and not item.price:
        return X.reject(X.PARAM_ERROR, "qty or price")
    order = eng.find_pending(uid, item.order_id, item.client_oid, item.category, item.symbol)
    if order is None:
        return NOT_FOUND
    if seen is not None:
        if order.order_id in seen:
            return TWICE
        seen.add(order.order_id)
    result = _change(eng, order, item)
    if type(result) is X.Reject and item.auto_cancel and order.order_id in eng.user_orders[uid]:
        eng.end_order(order, E.CANCELLED, E.MODIFY_CANCEL)
    return result


def _change(eng: Engine, order: Order, item: ModifyItem) -> Order | X.Reject:
    if order.closing:
        return REFUSED
    inst = eng.instruments.by_key[(order.category, order.symbol)]
    price, qty = order.price, order.qty
    if item.price:
        price = inst.price_cache.get(item.price, 0)
        if not price:
            ticks = _price_ticks(inst, item.price)
            if type(ticks) is not int:
                return ticks
            price = ticks
    if item.qty:
        qty = inst.lot_cache.get(item.qty, 0)
        if not qty:
            lots = _qty_lots(inst, item.qty, order.symbol)
            if type(lots) is not int:
                return lots
            qty = lots
    coid = item.new_client_oid
    if coid and coid != order.client_oid:
        if not valid_client_oid(coid):
            return X.reject(X.PARAM_ERROR, "newClientOid")
        if coid in eng.client_oids[order.uid]:
            return X.reject(X.DUPLICATE_CLIENT_OID)
    if price == order.price and qty == order.qty:
        return SAME
    if qty <= order.filled:
        return REFUSED
    if qty * price * inst.value_per_tick_lot < inst.min_notional_units:
        return X.reject(X.MIN_AMOUNT)
    book = eng.books[inst.book_key]
    best = book.best_ask() if order.side == E.BUY else book.best_bid()
    probe = msgspec.structs.replace(order, price=price, qty=qty)
    if best is not None and (best <= price if order.side == E.BUY else best >= price):
        if order.tif == E.POST_ONLY:
            return REFUSED
        return _cross(eng, inst, order, probe, coid)
    return _requeue(eng, inst, order, probe, coid)


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
    return True


def _insufficient(inst: Instrument) -> X.Reject:
    return X.reject(X.INSUFFICIENT_MARGIN if inst.is_futures else X.INSUFFICIENT_BALANCE)


def _note(eng: Engine, order: Order, coid: str) -> None:
    """Record the modify (event) and rename the order if asked; the price and qty are not yet changed."""
    eng.emit(OrderModified(order, order.price, order.qty, order.client_oid))
    if coid and coid != order.client_oid:
        coids = eng.client_oids[order.uid]
        del coids[order.client_oid]
        coids[coid] = order
        order.client_oid = coid
    order.updated = eng.now
    eng.touched.add(order.uid)


def _requeue(eng: Engine, inst: Instrument, order: Order, probe: Order, coid: str) -> Order | X.Reject:
    """A modify that does not cross: re-freeze for the new remainder and move in the book if needed."""
    _, frozen, per_lot = funds_needed(eng, inst, probe, [], 0, True)
    extra = frozen - order.frozen
    if extra > 0 and not _fund(eng, inst, order, extra):
        return _insufficient(inst)
    _note(eng, order, coid)
    book = eng.books[inst.book_key]
    requeue = probe.price != order.price or probe.qty > order.qty
    if requeue:
        book.remove(order)
    asset = eng.accounts[order.uid].assets[order.frozen_coin]
    asset.frozen += extra
    order.frozen, order.per_lot, order.price, order.qty = frozen, per_lot, probe.price, probe.qty
    if requeue:
        book.add(order)
    if order.category == E.MARGIN:
        auto_repay(asset)
    eng.touch_book(inst)
    eng.emit(OrderEvent(order))
    return order


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
            auto_repay(acct.asset(c))
    return order
