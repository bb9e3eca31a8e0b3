"""ccxt 4.5.90 (``uta: true``, unchanged) market reads against the real server: OHLCV from the venue's
own trades (recent and history endpoints)."""

from __future__ import annotations

import itertools
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
    last = next(b for b in bars if b[0] == minute)  # the live bar, or the one before it if the minute turned
    assert bars[-1][0] in (minute, minute + 60_000)
    assert last[5] == 0.75 and last[2] == 2510.5 and last[4] == 2510.5
    day = maker.ex.fetch_ohlcv(sym, "1d", limit=3)
    assert day[-1][0] == INTERVALS["1D"].start(trades[-1]["timestamp"])  # UTC+8 day grid (16:00 UTC)
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


def test_fetch_funding_rate_history_and_open_interest(pair: tuple[Trader, Trader]) -> None:
    maker, taker = pair
    sym = "BTC/USDT:USDT"
    now = int(time.time() * 1000)
    rate = maker.ex.fetch_funding_rate(sym)  # GET /api/v3/market/current-fund-rate?symbol=BTCUSDT
    assert rate["symbol"] == sym and rate["fundingRate"] == 0.0001  # no premium: the interest (core/funding.py)
    assert rate["fundingTimestamp"] % (8 * 3_600_000) == 0 and now < rate["fundingTimestamp"] <= now + 8 * 3_600_000
    assert rate["interval"] == "8h"
    assert maker.ex.fetch_funding_rate_history(sym, limit=5) == []  # history-fund-rate: no tick, nothing settled
    before = maker.ex.fetch_open_interest(sym)  # open-interest
    maker.ex.create_order(sym, "limit", "sell", 0.25, 60000)
    taker.ex.create_order(sym, "market", "buy", 0.25)
    after = maker.ex.fetch_open_interest(sym)
    assert after["symbol"] == sym
    assert Decimal(str(after["openInterestAmount"])) - Decimal(str(before["openInterestAmount"])) == Decimal("0.25")
    tiers = maker.ex.fetch_market_leverage_tiers(sym)  # position-tier
    assert tiers[0]["minNotional"] == 0 and tiers[0]["maxLeverage"] == 125
    assert all(a["maxNotional"] == b["minNotional"] for a, b in itertools.pairwise(tiers))
