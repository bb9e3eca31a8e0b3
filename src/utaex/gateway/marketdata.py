"""Public market statistics derived from trades: 24 h ticker figures and recent public trades.

Not engine state: rebuilt from the event stream (recent history only), never journaled.
"""

from __future__ import annotations

from collections import deque

MINUTE = 60_000
DAY_MINUTES = 1440


class Bucket:
    __slots__ = ("close", "high", "low", "minute", "open", "turnover", "volume")

    def __init__(self, minute: int, price: int) -> None:
        self.minute = minute
        self.open = self.high = self.low = self.close = price
        self.volume = 0  # lots
        self.turnover = 0  # value units


class MarketData:
    def __init__(self, recent: int = 500) -> None:
        self.buckets: dict[tuple[str, str], deque[Bucket]] = {}
        self.trades: dict[tuple[str, str], deque[tuple[int, int, int, str, int]]] = {}
        self.recent = recent

    def on_trade(self, book_key: tuple[str, str], exec_id: int, price: int, lots: int, value: int,
                 taker_side: str, ts: int) -> None:
        minute = ts // MINUTE
        dq = self.buckets.get(book_key)
        if dq is None:
            dq = self.buckets[book_key] = deque()
        if not dq or dq[-1].minute != minute:
            dq.append(Bucket(minute, price))
            while dq and dq[0].minute <= minute - DAY_MINUTES:
                dq.popleft()
        b = dq[-1]
        b.close = price
        if price > b.high:
            b.high = price
        if price < b.low:
            b.low = price
        b.volume += lots
        b.turnover += value
        tq = self.trades.get(book_key)
        if tq is None:
            tq = self.trades[book_key] = deque(maxlen=self.recent)
        tq.append((exec_id, price, lots, taker_side, ts))

    def day(self, book_key: tuple[str, str], now: int) -> tuple[int, int, int, int, int, int] | None:
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

    def recent_trades(self, book_key: tuple[str, str], limit: int) -> list[tuple[int, int, int, str, int]]:
        tq = self.trades.get(book_key)
        if not tq:
            return []
        return list(tq)[-limit:][::-1]
