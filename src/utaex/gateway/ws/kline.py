"""Candles for the ``kline`` topic, aggregated from the venue's per-minute trade buckets.

Invariants: a candle covers ``[start, start + interval)`` with ``start`` a multiple of the interval
(UTC); it is built only from minutes that had trades, so intervals without trades have no candle.
The venue keeps 24 h of minute buckets, which covers every documented interval (1m .. 1D).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...core.numbers import fmt_amount
from ..convert import price_str, qty_str

if TYPE_CHECKING:
    from ...core.instruments import Instrument
    from ..marketdata import MarketData

MINUTE = 60_000
INTERVALS = {"1m": 1, "3m": 3, "5m": 5, "15m": 15, "30m": 30, "1H": 60, "4H": 240, "6H": 360, "12H": 720,
             "1D": 1440}  # minutes


def candles(market: MarketData, book_key: tuple[str, str], inst: Instrument, minutes: int,
            since_ms: int = 0) -> list[dict[str, Any]]:
    """Candles of ``minutes`` minutes (oldest first) whose period ends after ``since_ms``."""
    out: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    start = -1
    for b in market.buckets.get(book_key, ()):
        period = b.minute // minutes * minutes
        if (period + minutes) * MINUTE <= since_ms:
            continue
        if period != start:
            if current is not None:
                out.append(current)
            start = period
            current = {"start": period * MINUTE, "open": b.open, "high": b.high, "low": b.low, "close": b.close,
                       "volume": b.volume, "turnover": b.turnover}
        else:
            assert current is not None
            current["high"] = max(current["high"], b.high)
            current["low"] = min(current["low"], b.low)
            current["close"] = b.close
            current["volume"] += b.volume
            current["turnover"] += b.turnover
    if current is not None:
        out.append(current)
    return [{"start": str(c["start"]), "open": price_str(inst, c["open"]), "high": price_str(inst, c["high"]),
             "low": price_str(inst, c["low"]), "close": price_str(inst, c["close"]),
             "volume": qty_str(inst, c["volume"]), "turnover": fmt_amount(c["turnover"])} for c in out]
