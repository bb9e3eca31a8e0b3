"""Public market data endpoints."""

from __future__ import annotations

from typing import Any

from ...wire import responses as R
from ..base import Call

# -- public market data ---------------------------------------------------------------------------------------

def server_time() -> Call[R.ServerTime]:
    return Call("GET", "/api/v2/public/time", signed=False, type=R.ServerTime)


def coins(coin: str | None = None) -> Call[list[R.Coin]]:
    return Call("GET", "/api/v2/spot/public/coins", {"coin": coin}, signed=False, type=list[R.Coin])


def instruments(category: str, symbol: str | None = None) -> Call[list[R.Instrument]]:
    return Call("GET", "/api/v3/market/instruments", {"category": category, "symbol": symbol}, signed=False,
                type=list[R.Instrument])


def tickers(category: str, symbol: str | None = None) -> Call[list[R.Ticker]]:
    return Call("GET", "/api/v3/market/tickers", {"category": category, "symbol": symbol}, signed=False,
                type=list[R.Ticker])


def orderbook(category: str, symbol: str, limit: int | None = None) -> Call[R.OrderBook]:
    return Call("GET", "/api/v3/market/orderbook", {"category": category, "symbol": symbol, "limit": limit},
                signed=False, type=R.OrderBook)


def market_fills(category: str, symbol: str, limit: int | None = None) -> Call[list[R.PublicFill]]:
    return Call("GET", "/api/v3/market/fills", {"category": category, "symbol": symbol, "limit": limit},
                signed=False, type=list[R.PublicFill])


def _candle_params(category: str, symbol: str, interval: str, start_time: int | None, end_time: int | None,
                   kind: str | None, limit: int | None) -> dict[str, Any]:
    return {"category": category, "symbol": symbol, "interval": interval, "startTime": start_time,
            "endTime": end_time, "type": kind, "limit": limit}


def candles(category: str, symbol: str, interval: str, *, start_time: int | None = None,
            end_time: int | None = None, kind: str | None = None, limit: int | None = None) -> Call[list[list[str]]]:
    """Rows ``[ts, open, high, low, close, volume, turnover]`` (strings), oldest first; ``kind`` is the
    ``type`` parameter (market, mark, index, premium)."""
    return Call("GET", "/api/v3/market/candles",
                _candle_params(category, symbol, interval, start_time, end_time, kind, limit),
                signed=False, type=list[list[str]])


def history_candles(category: str, symbol: str, interval: str, *, start_time: int | None = None,
                    end_time: int | None = None, kind: str | None = None,
                    limit: int | None = None) -> Call[list[list[str]]]:
    return Call("GET", "/api/v3/market/history-candles",
                _candle_params(category, symbol, interval, start_time, end_time, kind, limit),
                signed=False, type=list[list[str]])


def current_fund_rate(symbol: str) -> Call[list[R.FundingRate]]:
    return Call("GET", "/api/v3/market/current-fund-rate", {"symbol": symbol}, signed=False,
                type=list[R.FundingRate])


def history_fund_rate(category: str, symbol: str, *, cursor: int | str | None = None,
                      limit: int | None = None) -> Call[list[R.FundingRateRecord]]:
    """Past settlements, newest first (``cursor`` is a page number)."""
    return Call("GET", "/api/v3/market/history-fund-rate",
                {"category": category, "symbol": symbol, "cursor": cursor, "limit": limit}, signed=False,
                type=R.FundingRateHistory, convert=lambda d: d.resultList)


def open_interest(category: str, symbol: str | None = None) -> Call[R.OpenInterest]:
    return Call("GET", "/api/v3/market/open-interest", {"category": category, "symbol": symbol}, signed=False,
                type=R.OpenInterest)


def oi_limit(category: str, symbol: str | None = None) -> Call[list[R.OiLimit]]:
    return Call("GET", "/api/v3/market/oi-limit", {"category": category, "symbol": symbol}, signed=False,
                type=list[R.OiLimit])


def position_tier(category: str, symbol: str | None = None, *, coin: str | None = None) -> Call[list[R.PositionTier]]:
    return Call("GET", "/api/v3/market/position-tier", {"category": category, "symbol": symbol, "coin": coin},
                signed=False, type=list[R.PositionTier])


def discount_rate() -> Call[list[R.DiscountRate]]:
    return Call("GET", "/api/v3/market/discount-rate", signed=False, type=list[R.DiscountRate])


def margin_loans(coin: str) -> Call[R.MarginLoan]:
    return Call("GET", "/api/v3/market/margin-loans", {"coin": coin}, signed=False, type=R.MarginLoan)


def proof_of_reserves() -> Call[R.ProofOfReserves]:
    return Call("GET", "/api/v3/market/proof-of-reserves", signed=False, type=R.ProofOfReserves)


def risk_reserve(category: str, symbol: str) -> Call[R.RiskReserve]:
    return Call("GET", "/api/v3/market/risk-reserve", {"category": category, "symbol": symbol}, signed=False,
                type=R.RiskReserve)
