"""What a user could open now (``max-open-available``): a read, computed from the ledger and the book.

Invariants:
- Pure and read-only: nothing changes; the same state gives the same answer.
- Every figure uses the rules the place path applies, so an order for the reported maximum passes the
  funds check: spot needs the quote (buy) or base (sell) available; margin may borrow up to
  ``(leverage - 1) x own equity`` beyond it; futures need the initial margin at the user's leverage plus
  the taker fee, per lot, from the settle coin's available balance.
- A market order is priced at the best opposite level, else the last trade price; with neither there is
  no price, and the figures that need one are absent (``None``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from . import enums as E
from . import errors as X
from .settle import futures_fee, margin_per_lot
from .trading import _price_ticks, _qty_lots

if TYPE_CHECKING:
    from .engine import Engine


class MaxOpen(msgspec.Struct):
    """Amounts in coin units (10**-18), quantities in lots; None where the category has no such figure."""

    coin: str  # the coin of ``available``
    available: int
    max_open: int | None = None  # MARGIN: what may be bought (quote units) / sold (base units) with borrowing
    open_cost: int | None = None  # futures: margin + fee for ``size`` at the price
    max_open_lots: int | None = None  # futures: the most lots the available balance opens on this side


def max_open(eng: Engine, uid: int, category: str, symbol: str, order_type: str, side: str, price: str,
             size: str) -> MaxOpen | X.Reject:
    acct = eng.accounts.get(uid)
    if acct is None:
        return X.reject(X.USER_NOT_FOUND)
    inst = eng.instruments.by_key.get((category, symbol))
    if inst is None:
        return X.reject(X.SYMBOL_NOT_FOUND, symbol)
    if side not in (E.BUY, E.SELL):
        return X.reject(X.PARAM_ERROR, "side")
    if order_type == E.LIMIT:
        ticks = _price_ticks(inst, price)
        if isinstance(ticks, X.Reject):
            return ticks
    elif order_type == E.MARKET:
        book = eng.books[inst.book_key]
        best = book.best_ask() if side == E.BUY else book.best_bid()
        ticks = best if best is not None else eng.last_price.get(inst.book_key, 0)
    else:
        return X.reject(X.PARAM_ERROR, "orderType")
    lots = 0
    if size:
        got = _qty_lots(inst, size, symbol)
        if isinstance(got, X.Reject):
            return got
        lots = got
    if not inst.is_futures:
        coin = inst.quote if side == E.BUY else inst.base
        asset = acct.assets.get(coin)
        available = max(asset.available, 0) if asset is not None else 0
        out = MaxOpen(coin, available)
        if category == E.MARGIN and asset is not None:
            own = asset.balance - asset.debt
            room = max(0, (inst.margin_leverage - 1) * own - asset.debt) if own > 0 else 0
            out.max_open = available + room
        elif category == E.MARGIN:
            out.max_open = 0
        return out
    asset = acct.assets.get(inst.settle)
    available = max(asset.available, 0) if asset is not None else 0
    out = MaxOpen(inst.settle, available)
    if ticks:
        leverage = acct.leverage.get(f"{category}:{symbol}", 10)
        per_lot = margin_per_lot(inst, ticks, leverage) + futures_fee(inst, 1, ticks, inst.taker_e8)
        if size:
            out.open_cost = lots * margin_per_lot(inst, ticks, leverage) + futures_fee(inst, lots, ticks,
                                                                                      inst.taker_e8)
        out.max_open_lots = min(available // per_lot, inst.max_lots) if per_lot else 0
    return out
