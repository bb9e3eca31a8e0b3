"""ccxt 4.5.90 (``uta: true``, unchanged) market reads against the real server: OHLCV from the venue's
own trades (recent and history endpoints)."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal

import ccxt
import pytest
from ccxt_env import Trader

from utaex.core.candles import INTERVALS


def test_fetch_ohlcv_recent_and_history(pair: tuple[Trader, Trader]) -> None:
    maker, taker = pair
    sym = "ETH/USDT:USDT"
    for price, qty in (("2500", 0.5), ("2510.5", 0.25)):
        maker.ex.create_order(sym, "limit", "sell", qty, float(price))
        taker.ex.create_order(sym, "market", "buy", qty)
    trades = maker.ex.fetch_trades(sym, limit=2)
    minute = INTERVALS["1m"].start(trades[-1]["timestamp"])
    bars = maker.ex.fetch_ohlcv(sym, "1m")  # GET /api/v3/market/candles
    assert bars[-1][0] == minute
    last = bars[-1]
    assert last[5] == 0.75 and last[2] == 2510.5 and last[4] == 2510.5
    day = maker.ex.fetch_ohlcv(sym, "1d", limit=3)
    assert day[-1][0] == INTERVALS["1D"].start(int(time.time() * 1000))  # UTC+8 day grid (16:00 UTC)
    assert Decimal(str(day[-1][5])) >= Decimal("0.75")
    # far enough back, ccxt switches to history-candles (closed bars only)
    since = int(time.time() * 1000) - 40 * 86_400_000
    old = maker.ex.fetch_ohlcv(sym, "1m", since=since, limit=50)
    assert old == []
    spot = taker.ex.fetch_ohlcv("BTC/USDT", "15m", limit=5)
    assert isinstance(spot, list)


def test_fetch_ohlcv_errors_are_ccxt_errors(new_trader: Callable[..., Trader]) -> None:
    t = new_trader()
    with pytest.raises(ccxt.BadRequest, match="40020"):  # 8h is no Bitget granularity
        t.ex.fetch_ohlcv("BTC/USDT:USDT", "8h")
