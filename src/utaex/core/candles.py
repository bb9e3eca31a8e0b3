"""Candles: one minute-bar feed built from trades, aggregated to every granularity Bitget serves.

Pure: no I/O, no clock. Prices are ticks, volumes lots, turnovers value units (``numbers.SCALE``).

Invariants:
- A minute bar covers ``[m, m + 60 000)`` (``m`` a multiple of a minute, UTC); it exists only for
  minutes that had a trade, and ``last_exec`` is the id of the last trade in it. Exec ids grow with
  time, so a trade with an id at or below the newest bar's ``last_exec`` is already counted (this
  makes re-feeding trades after a restart idempotent).
- Every interval has a grid: sub-6H intervals and the ``...utc`` variants open on the UTC grid;
  native ``6H`` and longer open on the UTC+8 grid (00:00 Asia/Shanghai = 16:00 UTC). ``1W`` opens
  on Monday 00:00, ``1M`` on the first of the month, ``3D`` every third day from 1970-01-01 (local).
- ``aggregate`` gives, for every grid slot from the first one with a trade (or from ``lo`` when a
  close before it is known) up to ``hi``, one bar: OHLC of its minutes and the sums of volume and
  turnover; a slot without trades is flat at the previous close with zero volume and turnover.
  Aggregating minute bars equals building the bars from the trades directly.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from typing import NamedTuple

__all__ = [
    "INTERVALS",
    "MINUTE",
    "WS_INTERVALS",
    "Bar",
    "Interval",
    "MinuteBar",
    "aggregate",
    "bars_from_trades",
    "minute_bars",
    "roll",
]

MINUTE = 60_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR
UTC8 = 8 * HOUR
_MONDAY = 4 * DAY  # 1970-01-01 was a Thursday: the first Monday is four days later


class Bar(NamedTuple):
    """A closed or live bar of any interval (ints: ticks, lots, value units)."""

    start: int
    open: int
    high: int
    low: int
    close: int
    volume: int
    turnover: int


class MinuteBar:
    """The mutable bar of one minute (``start`` in ms) and the id of its last trade."""

    __slots__ = ("close", "high", "last_exec", "low", "minute", "open", "start", "turnover", "volume")

    def __init__(self, start: int, price: int, volume: int = 0, turnover: int = 0, last_exec: int = 0,
                 high: int | None = None, low: int | None = None, close: int | None = None) -> None:
        self.start = start
        self.minute = start // MINUTE
        self.open = price
        self.high = price if high is None else high
        self.low = price if low is None else low
        self.close = price if close is None else close
        self.volume = volume
        self.turnover = turnover
        self.last_exec = last_exec

    def add(self, price: int, lots: int, value: int, exec_id: int) -> None:
        if price > self.high:
            self.high = price
        if price < self.low:
            self.low = price
        self.close = price
        self.volume += lots
        self.turnover += value
        self.last_exec = exec_id

    def row(self) -> tuple[int, int, int, int, int, int, int, int]:
        """``(start, open, high, low, close, volume, turnover, last_exec)``: what the store persists."""
        return (self.start, self.open, self.high, self.low, self.close, self.volume, self.turnover, self.last_exec)

    @classmethod
    def from_row(cls, row: Sequence[int]) -> MinuteBar:
        start, o, h, lo, c, vol, turn, last = row
        return cls(start, o, vol, turn, last, h, lo, c)

    def __repr__(self) -> str:
        return f"MinuteBar{self.row()}"


class Interval:
    """One granularity: fixed ``length`` ms on a grid shifted by ``shift`` (local = UTC + shift), or
    calendar months (``length`` 0)."""

    __slots__ = ("anchor", "length", "name", "shift")

    def __init__(self, name: str, length: int, shift: int = 0, anchor: int = 0) -> None:
        self.name = name
        self.length = length
        self.shift = shift
        self.anchor = anchor

    def start(self, ts: int) -> int:
        """Open time of the slot holding ``ts``."""
        if self.length:
            local = ts + self.shift - self.anchor
            return local - local % self.length + self.anchor - self.shift
        d = _dt.datetime.fromtimestamp((ts + self.shift) // 1000, _dt.UTC)
        first = _dt.datetime(d.year, d.month, 1, tzinfo=_dt.UTC)
        return int(first.timestamp()) * 1000 - self.shift

    def next(self, start: int) -> int:
        """Open time of the slot after the one opening at ``start``."""
        if self.length:
            return start + self.length
        d = _dt.datetime.fromtimestamp((start + self.shift) // 1000, _dt.UTC)
        year, month = (d.year + 1, 1) if d.month == 12 else (d.year, d.month + 1)
        return int(_dt.datetime(year, month, 1, tzinfo=_dt.UTC).timestamp()) * 1000 - self.shift

    def prev(self, start: int) -> int:
        """Open time of the slot before the one opening at ``start``."""
        return self.start(start - 1)

    def back(self, start: int, n: int) -> int:
        """Open time ``n`` slots before ``start``."""
        if self.length:
            return start - n * self.length
        for _ in range(n):
            start = self.prev(start)
        return start

    def __repr__(self) -> str:
        return f"Interval({self.name})"


def _intervals() -> dict[str, Interval]:
    out = {name: Interval(name, n * MINUTE) for name, n in (("1m", 1), ("3m", 3), ("5m", 5), ("15m", 15),
                                                             ("30m", 30))}
    out.update({name: Interval(name, n * HOUR) for name, n in (("1H", 1), ("2H", 2), ("4H", 4))})
    for suffix, shift in (("", UTC8), ("utc", 0)):
        out[f"6H{suffix}"] = Interval(f"6H{suffix}", 6 * HOUR, shift)
        out[f"12H{suffix}"] = Interval(f"12H{suffix}", 12 * HOUR, shift)
        out[f"1D{suffix}"] = Interval(f"1D{suffix}", DAY, shift)
        out[f"3D{suffix}"] = Interval(f"3D{suffix}", 3 * DAY, shift)
        out[f"1W{suffix}"] = Interval(f"1W{suffix}", 7 * DAY, shift, _MONDAY)
        out[f"1M{suffix}"] = Interval(f"1M{suffix}", 0, shift)
    return out


INTERVALS: dict[str, Interval] = _intervals()
"""Every granularity the REST candle endpoints accept (the documented ten plus v2's extras); case matters."""

WS_INTERVALS: tuple[str, ...] = ("1m", "3m", "5m", "15m", "30m", "1H", "4H", "6H", "12H", "1D")
"""The granularities of the WebSocket ``kline`` topic."""


def aggregate(minutes: Iterable[MinuteBar], iv: Interval, lo: int, hi: int,
              prev_close: int | None = None) -> list[Bar]:
    """Bars of ``iv`` opening in ``[lo, hi]`` (both slot starts), oldest first, from the minute bars
    (oldest first) of that range. ``prev_close`` is the close of the last trade before ``lo`` (None:
    none known, so bars begin at the first slot with a trade)."""
    out: list[Bar] = []
    slot = lo
    close = prev_close
    cur: list[int] | None = None  # start, open, high, low, close, volume, turnover

    def flush_to(until: int) -> None:  # emit the current slot, then flat bars up to (excluding) `until`
        nonlocal slot, cur, close
        while slot < until:
            if cur is not None:
                out.append(Bar(*cur))
                close = cur[4]
                cur = None
            elif close is not None:
                out.append(Bar(slot, close, close, close, close, 0, 0))
            slot = iv.next(slot)

    for b in minutes:
        if b.start < lo:
            continue
        s = iv.start(b.start)
        if s > hi:
            break
        if s != slot:
            flush_to(s)
        if cur is None:
            cur = [s, b.open, b.high, b.low, b.close, b.volume, b.turnover]
        else:
            if b.high > cur[2]:
                cur[2] = b.high
            if b.low < cur[3]:
                cur[3] = b.low
            cur[4] = b.close
            cur[5] += b.volume
            cur[6] += b.turnover
    flush_to(iv.next(hi))
    return out


def roll(minutes: Iterable[MinuteBar], span: int) -> list[MinuteBar]:
    """Minute bars (oldest first) summed into bars of ``span`` ms on the UTC grid (only spans that had
    trades; the hourly rollup long intervals read instead of 60 times as many minutes)."""
    out: list[MinuteBar] = []
    for b in minutes:
        start = b.start - b.start % span
        if not out or out[-1].start != start:
            out.append(MinuteBar(start, b.open, b.volume, b.turnover, b.last_exec, b.high, b.low, b.close))
            continue
        cur = out[-1]
        if b.high > cur.high:
            cur.high = b.high
        if b.low < cur.low:
            cur.low = b.low
        cur.close = b.close
        cur.volume += b.volume
        cur.turnover += b.turnover
        cur.last_exec = b.last_exec
    return out


def minute_bars(trades: Iterable[tuple[int, int, int, int, int]]) -> list[MinuteBar]:
    """Minute bars of trades ``(ts, price, lots, value, exec_id)`` given in exec order."""
    out: list[MinuteBar] = []
    for ts, price, lots, value, exec_id in trades:
        start = ts - ts % MINUTE
        if not out or out[-1].start != start:
            out.append(MinuteBar(start, price))
        out[-1].add(price, lots, value, exec_id)
    return out


def bars_from_trades(trades: Iterable[tuple[int, int, int, int, int]], iv: Interval, lo: int, hi: int,
                     prev_close: int | None = None) -> list[Bar]:
    """The bars of ``iv`` built straight from trades (the reference ``aggregate`` must equal)."""
    slots: dict[int, list[int]] = {}
    for ts, price, lots, value, _ in trades:
        s = iv.start(ts)
        if s < lo or s > hi:
            continue
        cur = slots.get(s)
        if cur is None:
            slots[s] = [s, price, price, price, price, lots, value]
        else:
            cur[2], cur[3], cur[4] = max(cur[2], price), min(cur[3], price), price
            cur[5] += lots
            cur[6] += value
    out: list[Bar] = []
    close = prev_close
    s = lo
    while s <= hi:
        cur = slots.get(s)
        if cur is not None:
            out.append(Bar(*cur))
            close = cur[4]
        elif close is not None:
            out.append(Bar(s, close, close, close, close, 0, 0))
        s = iv.next(s)
    return out
