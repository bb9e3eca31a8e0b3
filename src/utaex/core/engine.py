"""The engine: ``Engine.apply(command) -> (result, events)`` is the only door that changes state.

Invariants:
- Pure and deterministic: no I/O, no clock (``now`` is the largest command timestamp seen), no global
  randomness; ids come from counters and timestamps, so replaying the same commands gives the same
  state (``state_hash``) and the same ids.
- Every path that ends an order (fill, cancel, IOC/FOK/STP/post-only expiry) goes through
  ``end_order``, which releases exactly what the order still holds.
- An order of another user answers exactly like a missing one.
- ``CancelBatch`` and ``ModifyBatch`` are one step each: no fill can interleave between their items.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import msgspec

from . import accounts, capture, funding, liquidation, market, modify, records, strategy, tick, trading, triggers
from . import enums as E
from . import errors as X
from .book import Book
from .capture import State
from .close import close_positions
from .commands import (
    CancelAll,
    CancelBatch,
    CancelOrder,
    CancelStrategy,
    ClosePositions,
    Command,
    Configure,
    CreateApiKey,
    CreateUser,
    Deposit,
    MarketTick,
    ModifyBatch,
    ModifyOrder,
    ModifyStrategy,
    PlaceBatch,
    PlaceOrder,
    PlaceStrategy,
    Reset,
    SaveState,
    SetHoldMode,
    SetLeverage,
)
from .events import AccountEvent, BookEvent, Event, OrderEvent, PositionEvent
from .instruments import Instrument, InstrumentSet
from .ledger import Account, ApiKey
from .order import Order
from .positions import Position

ID_EPOCH_MS = 1_288_834_974_657
FIRST_UID = 1_000_000_001
NOT_FOUND = X.reject(X.ORDER_NOT_FOUND)
MARGIN, FUTURES, CANCELLED, NORMAL_CANCEL = E.MARGIN, E.FUTURES, E.CANCELLED, E.NORMAL_CANCEL


class Engine:
    def __init__(self, instruments: InstrumentSet | None = None, *, seed: int = 0,
                 max_open_spot: int = 400, max_open_futures: int = 400) -> None:
        self.instruments = instruments or InstrumentSet()
        self.seed = seed
        self.max_open_spot = max_open_spot
        self.max_open_futures = max_open_futures
        self.now = 0
        self.last_id = 0
        self.last_exec = 0
        self.next_uid = FIRST_UID
        self.accounts: dict[int, Account] = {}
        self.keys: dict[str, ApiKey] = {}
        # pending orders, per user: every lookup by id or clientOid goes through the caller's own maps,
        # so another user's order is simply not there
        self.user_orders: dict[int, dict[int, Order]] = {}
        self.client_oids: dict[int, dict[str, Order]] = {}  # uid -> clientOid -> pending order
        self.positions: dict[tuple[int, str, str, str], Position] = {}
        # the same positions per user, keyed (category, symbol, posSide): what reads of one user walk
        self.user_positions: dict[int, dict[tuple[str, str, str], Position]] = {}
        self.books: dict[tuple[str, str], Book] = {}
        for inst in self.instruments.by_key.values():
            if inst.book_key not in self.books:
                self.books[inst.book_key] = Book(*inst.book_key)
        # (category, symbol) of any instrument -> its book (MARGIN shares the SPOT book)
        self.book_of: dict[tuple[str, str], Book] = {
            key: self.books[inst.book_key] for key, inst in self.instruments.by_key.items()}
        self.deposits: dict[str, int] = {}
        self.fees: dict[str, int] = {}
        self.inverse_pnl: dict[str, int] = {}
        self.last_price: dict[tuple[str, str], int] = {}
        self.settings: dict[str, str] = {}  # Configure: opaque venue configuration (faults), journaled
        self.reset_at = 0  # timestamp of the latest Reset (history before it is not shown)
        self.strategies = strategy.StrategyBook()
        self.saved: dict[str, bytes] = {}  # SaveState: name -> snapshot payload (saved states left out)
        self.market = market.MarketPrices()  # index and mark prices (MarketTick)
        self.funding_history: dict[tuple[str, str], list[funding.FundingRecord]] = {}
        self.insurance: dict[str, int] = {}  # the insurance fund per coin, the venue's account
        self.fund_days: dict[str, list[liquidation.FundDay]] = {}  # its daily records (risk-reserve)
        self.events: list[Event] = []
        self.touched: set[int] = set()
        self._books_touched: set[tuple[str, str]] = set()
        self._positions_touched: set[tuple[int, str, str]] = set()
        self._handlers: dict[type, Callable[[Any], Any]] = {
            PlaceOrder: self._place,
            PlaceBatch: self._place_batch,
            CancelOrder: self._cancel_order,
            CancelBatch: self._cancel_batch,
            CancelAll: self._cancel_all,
            ModifyOrder: lambda cmd: modify.modify_order(self, cmd),
            ModifyBatch: lambda cmd: modify.modify_batch(self, cmd),
            Deposit: lambda cmd: accounts.deposit(self, cmd),
            CreateUser: lambda cmd: accounts.create_user(self, cmd),
            CreateApiKey: lambda cmd: accounts.create_key(self, cmd),
            SetLeverage: lambda cmd: accounts.set_leverage(self, cmd),
            SetHoldMode: lambda cmd: accounts.set_hold_mode(self, cmd),
            ClosePositions: lambda cmd: close_positions(self, cmd),
            Configure: lambda cmd: capture.configure(self, cmd),
            Reset: lambda cmd: capture.reset(self, cmd),
            SaveState: lambda cmd: capture.save_state(self, cmd),
            PlaceStrategy: lambda cmd: strategy.place(self, cmd),
            ModifyStrategy: lambda cmd: strategy.modify(self, cmd),
            CancelStrategy: lambda cmd: strategy.cancel(self, cmd),
            MarketTick: lambda cmd: tick.apply(self, cmd),
        }

    # ---- the door ---------------------------------------------------------------------------------
    def apply(self, cmd: Command) -> tuple[Any, list[Event]]:
        """Apply one command; returns its result (a value or ``Reject``) and the events it caused."""
        if cmd.ts > self.now:
            self.now = cmd.ts
        events: list[Event] = []
        self.events = events
        result = self._handlers[type(cmd)](cmd)
        if self.strategies.busy:
            triggers.after_step(self)
        futures_step = bool(self._positions_touched)  # only a futures fill can take a balance below 0
        if futures_step:
            positions = self.positions
            for uid, cat, sym in sorted(self._positions_touched):
                for side in (E.LONG, E.SHORT):
                    pos = positions.get((uid, cat, sym, side))
                    if pos is not None and not pos.qty and pos.position_id:
                        records.close_lifetime(self, pos)
                events.append(PositionEvent(uid, cat, sym))
            self._positions_touched.clear()
        books = self._books_touched
        if books:
            if len(books) == 1:
                events.append(BookEvent(*books.pop()))
            else:
                for cat, sym in sorted(books):
                    events.append(BookEvent(cat, sym))
                books.clear()
        touched = self.touched
        if touched:
            if futures_step:
                for uid in touched:
                    acct = self.accounts.get(uid)
                    if acct is not None and any(a.balance < 0 for a in acct.assets.values()):
                        liquidation.cover_deficits(self, {uid})
            if len(touched) == 1:
                events.append(AccountEvent(touched.pop()))
            else:
                for uid in sorted(touched):
                    events.append(AccountEvent(uid))
                touched.clear()
        return result, events

    @property
    def orders(self) -> dict[int, Order]:
        """Every pending order by id (a new dict: for audits, tests and snapshots, not the hot path)."""
        return {oid: o for mine in self.user_orders.values() for oid, o in mine.items()}

    def open_order_count(self) -> int:
        return sum(len(mine) for mine in self.user_orders.values())

    # ---- reads (the gateway's view; callers never change what these return) -----------------------
    def account(self, uid: int) -> Account | None:
        return self.accounts.get(uid)

    def api_key(self, api_key: str) -> ApiKey | None:
        return self.keys.get(api_key)

    def open_orders(self, uid: int, category: str = "", symbol: str = "") -> list[Order]:
        """The user's pending orders (of one category and/or symbol when given), newest first."""
        mine = self.user_orders.get(uid)
        if not mine:
            return []
        return [mine[oid] for oid in sorted(mine, reverse=True)
                if (not category or mine[oid].category == category) and (not symbol or mine[oid].symbol == symbol)]

    def open_positions(self, uid: int, category: str = "", symbol: str = "", pos_side: str = "") -> list[Position]:
        """The user's open (non-zero) positions, filtered when given, by (category, symbol, posSide)."""
        mine = self.user_positions.get(uid)
        if not mine:
            return []
        return [mine[k] for k in sorted(mine) if mine[k].qty and (not category or k[0] == category)
                and (not symbol or k[1] == symbol) and (not pos_side or k[2] == pos_side)]

    def position_of(self, uid: int, category: str, symbol: str, pos_side: str) -> Position | None:
        """One position of the user, also when closed (size 0); None if it never existed."""
        mine = self.user_positions.get(uid)
        return mine.get((category, symbol, pos_side)) if mine else None

    def open_interest(self, category: str, symbol: str) -> int:
        """Lots held long on one contract (equal to the lots held short)."""
        return sum(p.qty for (_, c, s, side), p in self.positions.items()
                   if c == category and s == symbol and side == E.LONG)

    def last_trade_price(self, inst: Instrument) -> int:
        """Ticks of the instrument's book's last trade; 0 before the first."""
        return self.last_price.get(inst.book_key, 0)

    def book(self, inst: Instrument) -> Book:
        return self.books[inst.book_key]

    # ---- helpers used by trading ------------------------------------------------------------------
    def new_id(self) -> int:
        candidate = ((self.now - ID_EPOCH_MS) << 22) | ((self.seed & 0x3FF) << 12)
        self.last_id = candidate if candidate > self.last_id else self.last_id + 1
        return self.last_id

    def new_exec_id(self) -> int:
        self.last_exec = self.new_id()
        return self.last_exec

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def touch_book(self, inst: Instrument) -> None:
        self._books_touched.add(inst.book_key)

    def touched_positions(self) -> set[tuple[int, str, str]]:
        """(uid, category, symbol) of the positions changed in the current step."""
        return self._positions_touched

    def touch_position(self, pos: Position) -> None:
        self._positions_touched.add((pos.uid, pos.category, pos.symbol))

    def position(self, uid: int, category: str, symbol: str, side: str, leverage: int) -> Position:
        key = (uid, category, symbol, side)
        pos = self.positions.get(key)
        if pos is None:
            pos = self.positions[key] = Position(uid, category, symbol, side, leverage=leverage,
                                                 created=self.now, updated=self.now)
            self.user_positions.setdefault(uid, {})[(category, symbol, side)] = pos
            records.open_lifetime(self, pos)
        elif pos.qty == 0:  # a new position on the same key: its lifetime totals start again
            pos.leverage = leverage
            records.open_lifetime(self, pos)
        return pos

    def register(self, order: Order, acct: Account) -> None:
        oid, uid = order.order_id, order.uid
        self.user_orders[uid][oid] = order
        self.client_oids[uid][order.client_oid] = order
        if order.category in FUTURES:
            acct.open_futures += 1
            if order.closing:
                pos = self.positions[(order.uid, order.category, order.symbol, order.pos_side)]
                pos.pending_close += order.qty
        else:
            acct.open_spot += 1

    def end_order(self, order: Order, status: str, reason: str) -> None:
        """The one path by which an order ends: release what it holds, leave the book, record why."""
        uid = order.uid
        acct = self.accounts[uid]
        category = order.category
        if order.frozen:
            asset = acct.assets[order.frozen_coin]
            asset.frozen -= order.frozen
            order.frozen = 0
            if category == MARGIN:
                records.repay(self, uid, category, order.symbol, order.frozen_coin, asset)
        if order.in_book:
            book = self.book_of[(category, order.symbol)]
            book.remove(order)
            order.in_book = False
            self._books_touched.add(book.key)
        del self.user_orders[uid][order.order_id]
        del self.client_oids[uid][order.client_oid]
        if category in FUTURES:
            acct.open_futures -= 1
            if order.closing and order.qty > order.filled:
                pos = self.positions[(uid, category, order.symbol, order.pos_side)]
                pos.pending_close -= order.qty - order.filled
        else:
            acct.open_spot -= 1
        order.status = status
        order.cancel_reason = reason
        order.updated = self.now
        self.touched.add(uid)
        self.events.append(OrderEvent(order))

    def trim_closing_orders(self, pos: Position) -> None:
        """A position shrank below its pending closing orders: cancel the newest of them."""
        mine = self.user_orders.get(pos.uid, {})
        closing = [o for o in mine.values() if o.closing and o.category == pos.category
                   and o.symbol == pos.symbol and o.pos_side == pos.pos_side]
        for order in sorted(closing, key=lambda o: -o.order_id):
            if pos.pending_close <= pos.qty:
                break
            self.end_order(order, E.CANCELLED, E.REDUCE_CANCEL)

    # ---- trading commands ---------------------------------------------------------------------------
    def _place(self, cmd: PlaceOrder) -> Order | X.Reject:
        if cmd.tpsl is None:
            return trading.place(self, cmd)
        return self._place_with_preset(cmd)

    def _place_with_preset(self, cmd: PlaceOrder) -> Order | X.Reject:
        """An order with a preset TP/SL: the preset is checked first; once accepted the order carries it
        and ``triggers.after_step`` arms it on the position at the order's fills."""
        inst = self.instruments.by_key.get((cmd.category, cmd.symbol))
        tpsl = cmd.tpsl
        if inst is None or cmd.uid not in self.accounts or tpsl is None:
            return trading.place(self, cmd)  # answers the same rejection as without a preset
        price = 0
        if cmd.order_type == E.LIMIT:
            ticks = trading._price_ticks(inst, cmd.price)
            if isinstance(ticks, X.Reject):
                return ticks
            price = ticks
        hedge_close = self.accounts[cmd.uid].hold_mode == E.HEDGE and (cmd.side == E.BUY) == (cmd.pos_side == E.SHORT)
        legs = strategy.check_preset(self, inst, tpsl, cmd.side, price, cmd.reduce_only or hedge_close)
        if isinstance(legs, X.Reject):
            return legs
        preset_orders = self.strategies.preset_orders
        result = trading.place(self, cmd)
        if type(result) is Order:
            result.preset = legs
            preset_orders[result.order_id] = 0
        return result

    def _place_batch(self, cmd: PlaceBatch) -> list[Order | X.Reject]:
        return [self._place(o) for o in cmd.orders]

    def find_pending(self, uid: int, order_id: str, client_oid: str, category: str = "",
                     symbol: str = "") -> Order | None:
        """The user's pending order named by orderId (which wins) or clientOid, or None."""
        if order_id:
            if not order_id.isdigit() or not order_id.isascii() or len(order_id) > 20:
                return None
            mine = self.user_orders.get(uid)
            order = mine.get(int(order_id)) if mine is not None else None
        elif client_oid:
            coids = self.client_oids.get(uid)
            order = coids.get(client_oid) if coids is not None else None
        else:
            return None
        if order is None or (category and order.category != category) or (symbol and order.symbol != symbol):
            return None
        return order

    def _cancel_order(self, cmd: CancelOrder) -> Order | X.Reject:
        if not cmd.order_id and not cmd.client_oid:
            return X.reject(X.PARAM_MISSING, "orderId")
        if not cmd.order_id and not trading.valid_client_oid(cmd.client_oid):
            return X.reject(X.PARAM_ERROR, "clientOid")
        order = self.find_pending(cmd.uid, cmd.order_id, cmd.client_oid, cmd.category, cmd.symbol)
        if order is None:
            return NOT_FOUND
        self.end_order(order, CANCELLED, NORMAL_CANCEL)
        return order

    def _cancel_batch(self, cmd: CancelBatch) -> list[Order | X.Reject]:
        """Every item in request order, in this one step; orderId wins over clientOid (docs/decisions.md)."""
        uid = cmd.uid
        find, end_order, valid_coid = self.find_pending, self.end_order, trading.valid_client_oid
        out: list[Order | X.Reject] = []
        append = out.append
        for item in cmd.items:
            if not item.order_id and not item.client_oid:
                append(X.reject(X.PARAM_ERROR, "orderId or clientOid"))
                continue
            if not item.order_id and not valid_coid(item.client_oid):  # Bitget's pattern, in full
                append(X.reject(X.PARAM_ERROR, "clientOid"))
                continue
            order = find(uid, item.order_id, item.client_oid, item.category, item.symbol)
            if order is None:
                append(NOT_FOUND)
                continue
            end_order(order, CANCELLED, NORMAL_CANCEL)
            append(order)
        return out

    def _cancel_all(self, cmd: CancelAll) -> list[Order]:
        mine = self.user_orders.get(cmd.uid, {})
        victims = [o for o in mine.values() if (not cmd.category or o.category == cmd.category)
                   and (not cmd.symbol or o.symbol == cmd.symbol)]
        victims.sort(key=lambda o: o.order_id)
        for order in victims:
            self.end_order(order, E.CANCELLED, E.NORMAL_CANCEL)
        return victims

    # ---- state --------------------------------------------------------------------------------------
    def state(self) -> State:
        return capture.capture(self)

    def snapshot(self) -> bytes:
        return msgspec.json.encode(self.state())

    def state_hash(self) -> str:
        return hashlib.sha256(self.snapshot()).hexdigest()

    @classmethod
    def from_snapshot(cls, payload: bytes, instruments: InstrumentSet | None = None, **kw: Any) -> Engine:
        st = msgspec.json.decode(payload, type=State)
        eng = cls(instruments, seed=st.seed, **kw)
        capture.load(eng, st)
        return eng
