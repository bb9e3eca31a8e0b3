"""Public market statistics derived from trades: the minute-bar feed, 24 h ticker figures and recent
public trades.

Not engine state: rebuilt from the event stream, never journaled. The minute bars (``core.candles``)
are the one source of the ``candles`` / ``history-candles`` endpoints, the WebSocket ``kline`` topic
and the 24 h ticker figures. Each bar is handed to ``sink`` (the history store) when its minute
closes and, through ``open_rows``, at every snapshot; after a restart ``seed`` reloads the last day's
bars from the store and trades replayed from the journal at or below the newest stored bar's
``last_exec`` are skipped (already counted), so every trade is counted exactly once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable

from ..core.candles import HOUR, MINUTE, MinuteBar, roll

DAY_MINUTES = 1440
BookKey = tuple[str, str]
BarRows = list[tuple[str, str, int, int, int, int, int, int, int, int]]
BarSink = Callable[[BarRows, int], None]  # rows, span (ms)


def series_key(category: str, symbol: str, kind: str) -> BookKey:
    """The key of a futures contract's ``mark`` or ``index`` price series: minute bars kept like a book's
    (volume 0), fed by ``MarkPriceChanged`` events with the event time as their id (gateway/venue.py)."""
    return (f"{category}#{kind}", symbol)


class MarketData:
    def __init__(self, recent: int = 500) -> None:
        self.buckets: dict[BookKey, deque[MinuteBar]] = {}  # the last day's minute bars, oldest first
        self.trades: dict[BookKey, deque[tuple[int, int, int, str, int]]] = {}
        self.recent = recent
        self.floor: dict[BookKey, int] = {}  # trades with exec ids at or below are already in the bars
        self.older: set[BookKey] = set()  # books whose store holds bars older than their first bucket
        self.seeded_from = 0  # ms: the buckets hold every minute bar from here on (within the last day)
        self.sink: BarSink | None = None

    def seed(self, book_key: BookKey, bars: Iterable[MinuteBar], floor: int, older: bool) -> None:
        """Reload stored minute bars (oldest first) before the journal is replayed; ``older``: the store
        holds bars before the first of them."""
        dq = self.buckets[book_key] = deque(bars)
        self.floor[book_key] = max(floor, dq[-1].last_exec if dq else 0)
        if older:
            self.older.add(book_key)

    def clear(self) -> None:
        """Forget every trade and bar in memory (after a venue reset); exec-id floors stay."""
        self.buckets.clear()
        self.trades.clear()

    def on_trade(self, book_key: BookKey, exec_id: int, price: int, lots: int, value: int,
                 taker_side: str, ts: int) -> None:
        tq = self.trades.get(book_key)
        if tq is None:
            tq = self.trades[book_key] = deque(maxlen=self.recent)
        tq.append((exec_id, price, lots, taker_side, ts))
        if exec_id <= self.floor.get(book_key, 0):
            return
        minute = ts // MINUTE
        dq = self.buckets.get(book_key)
        if dq is None:
            dq = self.buckets[book_key] = deque()
        if not dq or dq[-1].minute != minute:
            if dq and self.sink is not None:
                last = dq[-1]
                self.sink([(*book_key, *last.row())], MINUTE)
                if last.start // HOUR != minute * MINUTE // HOUR:  # an hour closed: its rollup too
                    self.sink([(*book_key, *self._hour(dq, last.start - last.start % HOUR).row())], HOUR)
            dq.append(MinuteBar(minute * MINUTE, price))
            while dq and dq[0].minute <= minute - DAY_MINUTES:
                dq.popleft()
                self.older.add(book_key)
        dq[-1].add(price, lots, value, exec_id)

    def open_rows(self, span: int = MINUTE) -> BarRows:
        """The newest bar (``span`` MINUTE or HOUR) of every book as store rows (persisted at each
        snapshot and on close)."""
        if span == MINUTE:
            return [(*bk, *dq[-1].row()) for bk, dq in self.buckets.items() if dq]
        return [(*bk, *self._hour(dq, dq[-1].start - dq[-1].start % HOUR).row()) for bk, dq in self.buckets.items()
                if dq]

    @staticmethod
    def _hour(dq: deque[MinuteBar], start: int) -> MinuteBar:
        """The rollup of the hour opening at ``start`` (its minutes are the newest in ``dq``)."""
        mine: list[MinuteBar] = []
        for b in reversed(dq):
            if b.start < start:
                break
            if b.start < start + HOUR:
                mine.append(b)
        mine.reverse()
        return roll(mine, HOUR)[0]

    def complete_from(self, now: int) -> int:
        """Earliest ms from which ``buckets`` hold every minute bar (older ones: the store)."""
        return max(self.seeded_from, (now // MINUTE - DAY_MINUTES + 1) * MINUTE)

    def day(self, book_key: BookKey, now: int) -> tuple[int, int, int, int, int, int] | None:
        """(open, high, low, last, volume lots, turnover units) over the last 24 h, or None."""
        dq = self.buckets.get(book_key)
        if not dq:
            return None
        first = now // MINUTE - DAY_MINUTES
        live = [b for b in dq if b.minute > first]
        if not live:
            last = dq[-1].close
            return last, last, last, last, 0, 0
        return (live[0].open, max(b.high for b in live), min(b.low for b in live), live[-1].close,
                sum(b.volume for b in live), sum(b.turnover for b in live))

    def recent_trades(self, book_key: BookKey, limit: int) -> list[tuple[int, int, int, str, int]]:
        tq = self.trades.get(book_key)
        if not tq:
            return []
        return list(tq)[-limit:][::-1]
