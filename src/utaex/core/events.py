"""Events: what a command caused, in order. They feed the history store and WebSocket pushes.

Invariant: events reference live engine objects (``Order``, ``Position``); consumers must read them
synchronously right after ``Engine.apply`` returns, before the next command is applied (the sequencer
does), or copy them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from .order import Order

if TYPE_CHECKING:
    from .strategy import Strategy


class OrderEvent(msgspec.Struct, gc=False):
    order: Order


class OrderModified(msgspec.Struct, gc=False):
    """A modify took effect on ``order`` (core/modify.py); ``price``/``qty`` are its values before. The order
    push that follows is an ``OrderEvent``, emitted once the order rests again or ends."""

    order: Order
    price: int
    qty: int
    client_oid: str


class FillEvent(msgspec.Struct, gc=False):
    exec_id: int
    order: Order
    price: int
    qty: int
    value: int
    fee: int
    fee_coin: str
    maker: bool
    pnl: int
    ts: int


class AccountEvent(msgspec.Struct, gc=False):
    uid: int


class PositionEvent(msgspec.Struct, gc=False):
    uid: int
    category: str
    symbol: str


class BookEvent(msgspec.Struct, gc=False):
    category: str
    symbol: str


class ResetEvent(msgspec.Struct, gc=False):
    """The venue went back to its start state (``Reset``): derived market data starts afresh."""

    ts: int


class StrategyEvent(msgspec.Struct, gc=False):
    """A strategy order was placed, modified, triggered or ended."""

    strategy: Strategy


class MarkPriceChanged(msgspec.Struct, gc=False):
    """A market tick moved a futures instrument's index and/or mark price (ticks) at ``ts``."""

    category: str
    symbol: str
    index: int
    mark: int
    ts: int


class FundingSettled(msgspec.Struct, gc=False):
    """Funding of one instrument settled at the funding time ``ts`` (core/funding.py): the rate (1e-8), the
    mark (ticks) it was charged at, and per position ``(uid, posSide, amount)`` in ``coin`` units (< 0 paid,
    > 0 received)."""

    category: str
    symbol: str
    coin: str
    rate: int
    mark: int
    ts: int
    payments: list[tuple[int, str, int]]


class PositionLiquidated(msgspec.Struct, gc=False):
    """The risk engine closed (part of) a position against the book (core/liquidation.py): ``lots`` at the
    average ``price`` (ticks; ``value`` the exact value units), by the liquidation order ``order_id``."""

    uid: int
    category: str
    symbol: str
    pos_side: str
    order_id: int
    lots: int
    price: int
    value: int
    ts: int


class LedgerEntry(msgspec.Struct, gc=False):
    """One change of one coin's balance of one user (a financial record, ``core/records.py``): values, not
    references, so it may be recorded at any later time. ``balance`` is the balance right after the change;
    ``amount + fee`` is the change (``fee`` <= 0 when charged). ``kind`` is Bitget's financial-record type."""

    id: int
    uid: int
    category: str
    symbol: str
    coin: str
    kind: str
    amount: int
    fee: int
    balance: int
    ts: int


class PositionClosed(msgspec.Struct, gc=False):
    """A position's lifetime ended (its size went to 0): a frozen copy of its totals (``core/records.py``).
    Lots, value units of the entry/exit value (``value_per_tick_lot`` per tick and lot) and settle-coin units."""

    position_id: int
    uid: int
    category: str
    symbol: str
    hold_mode: str
    pos_side: str
    open_lots: int
    open_value: int
    close_lots: int
    close_value: int
    pnl: int
    funding: int
    open_fee: int
    close_fee: int
    created: int
    updated: int


Event = (OrderEvent | OrderModified | FillEvent | AccountEvent | PositionEvent | BookEvent | ResetEvent
         | StrategyEvent | MarkPriceChanged | FundingSettled | PositionLiquidated | LedgerEntry | PositionClosed)
