"""The venue's event fan-out: what one applied command's events become outside the engine.

``EventFanout`` is the part of ``Venue`` (gateway/venue.py) that turns events into values right after
``apply``: public trades and candles (``MarketData``), push payloads for the WebSocket hub (sent by the
sequencer once the command is durable), closed bars for the store, and history rows (orders that ended,
fills, financial records, closed positions) handed to the store off the acknowledgement path.

Invariants:
- ``_publish`` runs right after ``apply``, before any other command, so every value it builds reflects
  the state the command left; the history rows it defers are built from ended orders and fills only,
  which never change again, so recording later gives the same rows as recording at once.
- Before any history read, ``history()`` hands the store the rows of every command applied so far.
- Bars closed by a command reach the store only once that command is durable (``_durable``).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from ..core import enums as E
from ..core.candles import HOUR, MINUTE
from ..core.events import (
    AccountEvent,
    BookEvent,
    Event,
    FillEvent,
    LedgerEntry,
    MarkPriceChanged,
    OrderEvent,
    PositionClosed,
    PositionEvent,
    PositionLiquidated,
    ResetEvent,
)
from ..core.instruments import InstrumentSet
from ..journal import AsyncGroupCommitter
from ..store import HistoryStore
from . import convert
from .marketdata import MarketData, series_key

ENDED = (E.FILLED, E.CANCELLED)
LEDGER, POSITION = "ledger", "position"  # record kinds in the history store (financial records, closed positions)
HISTORY_DEFER_MAX = 10_000  # applied commands whose history rows may wait for an idle moment (bounds
# memory and the catch-up a history read does; beyond it one is recorded per command applied)
RECORD_IDLE_S = 0.005  # "idle": no command completed for this long
RECORD_SLICE = 200  # commands recorded per idle step
Push = tuple[str, Any]  # (kind, payload) handed to the WebSocket hub


class EventFanout:
    """Events to pushes, market data, bars and history rows; ``Venue`` sets this state up in its ``__init__``."""

    instruments: InstrumentSet
    store: HistoryStore
    market: MarketData
    committer: AsyncGroupCommitter | None
    inflight: int
    last_done: float
    listeners: list[Callable[[list[Push]], None]]
    push_filter: Callable[[int], bool] | None
    order_pnl: dict[int, int]
    _closed_bars: deque[tuple[int, list[Any], int]]
    _publishing: int
    _store_encode: Callable[[Any], bytes]
    _unrecorded: deque[list[Event]]
    _record_timer: asyncio.TimerHandle | None

    def _busy(self, within_s: float = 0.002) -> bool:
        """A command is in flight, or one completed less than ``within_s`` ago."""
        return self.inflight > 0 or time.monotonic() - self.last_done < within_s

    def _bars_closed(self, rows: list[Any], span: int) -> None:
        if self.committer is None:  # recovering: replayed commands are durable
            self.store.put_bars(rows, span)
        else:
            self._closed_bars.append((self._publishing, rows, span))

    def _put_every_bar(self) -> None:
        """Every closed and open minute bar to the store (everything applied is durable)."""
        while self._closed_bars:
            _, rows, span = self._closed_bars.popleft()
            self.store.put_bars(rows, span)
        self.store.put_bars(self.market.open_rows(MINUTE), MINUTE)
        self.store.put_bars(self.market.open_rows(HOUR), HOUR)

    def _publish(self, events: list[Event], seq: int = 0) -> list[Push]:
        """Right after ``apply``: public trades and push payloads now; history rows later (``history``)."""
        self._publishing = seq
        unrecorded = self._unrecorded
        unrecorded.append(events)
        if len(unrecorded) > HISTORY_DEFER_MAX:
            self._record(unrecorded.popleft())  # at the bound: one recorded per one applied, no stall
        elif self._record_timer is None and self.committer is not None:
            self._record_timer = asyncio.get_running_loop().call_later(RECORD_IDLE_S, self._record_when_idle)
        pushes: list[Push] = []
        want_push = bool(self.listeners)
        by_key = self.instruments.by_key
        wanted = self.push_filter
        for ev in events:
            if type(ev) is FillEvent:
                if not ev.maker:
                    o = ev.order
                    inst = by_key[(o.category, o.symbol)]
                    self.market.on_trade(inst.book_key, ev.exec_id, ev.price, ev.qty, ev.value, o.side, ev.ts)
                    if want_push:
                        pushes.append(("trade", (inst.book_key, ev.exec_id, ev.price, ev.qty, o.side, ev.ts)))
                if ev.pnl:  # the order push's totalProfit: realised PnL of the order's fills so far
                    oid = ev.order.order_id
                    self.order_pnl[oid] = self.order_pnl.get(oid, 0) + ev.pnl
                if want_push and (wanted is None or wanted(ev.order.uid)):
                    o = ev.order
                    row = self._fill_row(ev)
                    pushes.append(("fill", (o.uid, convert.fill_doc(by_key[(o.category, o.symbol)], row),
                                            row.hold_side)))
            elif type(ev) is OrderEvent:
                o = ev.order
                pnl = self.order_pnl.get(o.order_id, 0) if self.order_pnl else 0
                if pnl and o.status in ENDED:
                    del self.order_pnl[o.order_id]  # an ended order never changes again
                if want_push and (wanted is None or wanted(o.uid)):
                    pushes.append(("order", (o.uid, convert.order_doc(by_key[(o.category, o.symbol)], o), pnl,
                                             str(o.leverage) if o.leverage else "")))
            elif type(ev) is MarkPriceChanged:  # the mark and index series: candles of type mark / index
                market = self.market
                market.on_trade(series_key(ev.category, ev.symbol, "mark"), ev.ts, ev.mark, 0, 0, "", ev.ts)
                market.on_trade(series_key(ev.category, ev.symbol, "index"), ev.ts, ev.index, 0, 0, "", ev.ts)
                if want_push:  # the ticker shows index and mark
                    pushes.append(("book", (ev.category, ev.symbol)))
            elif not want_push:
                continue
            elif type(ev) is AccountEvent:
                pushes.append(("account", ev.uid))
            elif type(ev) is PositionEvent:
                pushes.append(("position", (ev.uid, ev.category, ev.symbol)))
            elif type(ev) is BookEvent:
                pushes.append(("book", (ev.category, ev.symbol)))
            elif type(ev) is PositionLiquidated:
                inst = by_key[(ev.category, ev.symbol)]
                pushes.append(("liquidation", (ev.category, convert.liquidation_doc(inst, ev))))
        if events and type(events[-1]) is ResetEvent:
            self.market.clear()
        return pushes

    @staticmethod
    def _fill_row(ev: FillEvent) -> convert.FillRow:
        o = ev.order
        return convert.FillRow(ev.exec_id, o.order_id, o.client_oid, o.category, o.symbol, o.order_type, o.side,
                               ev.price, ev.qty, ev.value, ev.fee, ev.fee_coin, ev.maker, ev.pnl, ev.ts,
                               convert.trade_side(o), convert.hold_side(o))

    def history(self) -> HistoryStore:
        """The history store, after handing it the rows of every command applied so far.

        Recording is deferred off the acknowledgement path (docs/decisions.md, "History store under
        load"): it runs when the venue has been idle for a moment, before any history read (which must
        see every acknowledged change), and beyond ``HISTORY_DEFER_MAX`` waiting commands one per command
        applied. The events only reference ended orders (final, never changed again) and fills, so
        recording later gives the same rows as recording at once."""
        unrecorded, record = self._unrecorded, self._record
        while unrecorded:
            record(unrecorded.popleft())
        return self.store

    def _record(self, events: list[Event]) -> None:
        """Hand the history rows of one command's events to the store."""
        store, encode = self.store, self._store_encode
        ended: list[tuple[int, int, str, str, str, str, int, int, bytes]] = []
        recs: list[tuple[int, str, int, str, str, str, str, int, bytes]] = []
        for ev in events:
            if type(ev) is OrderEvent:
                o = ev.order
                if o.status in ENDED:
                    ended.append((o.uid, o.order_id, o.client_oid, o.category, o.symbol, o.status, o.created,
                                  o.updated, encode(o)))
            elif type(ev) is FillEvent:
                o = ev.order
                store.put_fill(o.uid, ev.exec_id, o.order_id, o.category, o.symbol, ev.ts, encode(self._fill_row(ev)))
            elif type(ev) is LedgerEntry:  # any kind, recorded as is (core/records.py)
                recs.append((ev.uid, LEDGER, ev.id, ev.category, ev.symbol, ev.coin, ev.kind, ev.ts, encode(ev)))
            elif type(ev) is PositionClosed:  # dated by its close: what "the last 90 days" of history means
                recs.append((ev.uid, POSITION, ev.position_id, ev.category, ev.symbol, "", "", ev.updated,
                             encode(ev)))
        if ended:
            store.put_orders(ended)
        if recs:
            store.put_records(recs)

    @property
    def unrecorded(self) -> int:
        """Applied commands whose history rows the store has not been handed yet."""
        return len(self._unrecorded)

    def _record_when_idle(self) -> None:
        """Timer: while the venue is idle, record in slices (a request arriving meanwhile waits at most
        one slice); while it is busy, look again later."""
        self._record_timer = None
        unrecorded = self._unrecorded
        if not unrecorded:
            return
        loop = asyncio.get_running_loop()
        if self._busy(RECORD_IDLE_S):
            self._record_timer = loop.call_later(RECORD_IDLE_S, self._record_when_idle)
            return
        record = self._record
        for _ in range(min(RECORD_SLICE, len(unrecorded))):
            record(unrecorded.popleft())
        if unrecorded:
            self._record_timer = loop.call_later(0, self._record_when_idle)
