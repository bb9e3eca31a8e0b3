"""Public market data through the SDK (sync and async): time, coins, instruments, tickers, book, trades."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from utaex.client import BitgetError
from utaex.wire.responses import Coin, Instrument, OrderBook, PublicFill, ServerTime, Ticker


def test_server_time(connect):
    c = connect()
    before = int(time.time() * 1000)
    t = c.server_time()
    after = int(time.time() * 1000)
    assert isinstance(t, ServerTime)
    assert isinstance(t.serverTime, str)
    assert before - 1000 <= int(t.serverTime) <= after + 1000


def test_coins(connect):
    c = connect()
    coins = c.coins()
    assert all(isinstance(x, Coin) for x in coins)
    assert [x.coin for x in coins] == ["BTC", "ETH", "USDC", "USDT"]
    assert [x.coinId for x in coins] == ["1", "2", "3", "4"]
    (btc,) = c.coins("BTC")
    assert btc.coin == "BTC"
    assert [ch.chain for ch in btc.chains] == ["BTC"]
    assert btc.chains[0].withdrawable == "true"
    assert btc.chains[0].rechargeable == "true"


def test_instruments(connect):
    c = connect()
    spot = c.instruments("SPOT")
    assert all(isinstance(i, Instrument) for i in spot)
    assert [i.symbol for i in spot] == ["BTCUSDT", "ETHUSDT"]
    btc = spot[0]
    assert (btc.category, btc.baseCoin, btc.quoteCoin) == ("SPOT", "BTC", "USDT")
    assert (btc.minOrderQty, btc.minOrderAmount, btc.pricePrecision, btc.quantityPrecision) == (
        "0.00001", "1", "2", "6")
    assert (btc.makerFeeRate, btc.takerFeeRate, btc.status) == ("0.001", "0.001", "online")
    assert btc.maxLeverage == "" and btc.priceMultiplier == ""  # futures-only fields stay empty

    (perp,) = c.instruments("USDT-FUTURES", "BTCUSDT")
    assert (perp.category, perp.symbol, perp.quoteCoin) == ("USDT-FUTURES", "BTCUSDT", "USDT")
    assert (perp.priceMultiplier, perp.quantityMultiplier, perp.maxLeverage, perp.symbolType) == (
        "0.1", "0.0001", "125", "perpetual")
    assert (perp.makerFeeRate, perp.takerFeeRate) == ("0.0002", "0.0006")

    (margin,) = c.instruments("margin", "ETHUSDT")  # the category is case-insensitive on input
    assert (margin.category, margin.minOrderAmount) == ("MARGIN", "5")
    assert margin.maxCrossedLeverage != ""

    assert [i.symbol for i in c.instruments("COIN-FUTURES")] == ["BTCUSD", "ETHUSD"]
    assert [i.symbol for i in c.instruments("USDC-FUTURES")] == ["BTCPERP", "ETHPERP"]

    with pytest.raises(BitgetError) as err:
        c.instruments("SPOT", "NOPEUSDT")
    assert (err.value.code, err.value.msg, err.value.status) == ("25100", "Trading pair NOPEUSDT does not exist", 400)


def test_book_ticker_and_public_trades(connect, user):
    maker, taker, public = connect(user()), connect(user()), connect()
    cat, sym = "SPOT", "ETHUSDT"
    start = public.orderbook(cat, sym)
    assert (start.a, start.b) == ([], [])  # this package's venue; earlier tests cancelled what they left
    maker.place_order(cat, sym, "sell", "limit", "1.5", "2000.5")
    maker.place_order(cat, sym, "sell", "limit", "0.25", "2001")
    maker.place_order(cat, sym, "buy", "limit", "2", "1999.99")

    book = public.orderbook(cat, sym)
    assert isinstance(book, OrderBook)
    assert book.a == [(Decimal("2000.5"), Decimal("1.5")), (Decimal("2001"), Decimal("0.25"))]
    assert book.b == [(Decimal("1999.99"), Decimal("2"))]
    assert all(isinstance(x, Decimal) for level in book.a + book.b for x in level)  # never float
    assert int(book.ts) > 0
    assert public.orderbook(cat, sym, limit=1).a == [(Decimal("2000.5"), Decimal("1.5"))]
    assert public.orderbook("MARGIN", sym).a == book.a  # SPOT and MARGIN share one book

    taker.place_order(cat, sym, "buy", "limit", "0.5", "2000.5", time_in_force="ioc")
    (trade,) = public.market_fills(cat, sym, limit=1)
    assert isinstance(trade, PublicFill)
    assert (trade.price, trade.size, trade.side) == ("2000.5", "0.5", "buy")
    assert int(trade.execId) > 0 and int(trade.ts) > 0

    (tick,) = public.tickers(cat, sym)
    assert isinstance(tick, Ticker)
    assert (tick.category, tick.symbol, tick.lastPrice) == ("SPOT", "ETHUSDT", "2000.5")
    assert (tick.ask1Price, tick.ask1Size, tick.bid1Price, tick.bid1Size) == ("2000.5", "1", "1999.99", "2")
    assert (tick.highPrice24h, tick.lowPrice24h) == ("2000.5", "2000.5")
    assert tick.markPrice == ""  # spot tickers carry no futures fields
    assert [t.symbol for t in public.tickers(cat)] == ["BTCUSDT", "ETHUSDT"]
    (perp,) = public.tickers("USDC-FUTURES", "ETHPERP")
    assert perp.markPrice != "" and perp.fundingRate == "0.0001"  # no tick: the interest (core/funding.py)


def test_candles(connect):
    public = connect()
    cat, sym = "USDC-FUTURES", "BTCPERP"
    rows = public.candles(cat, sym, "1m")
    assert all(isinstance(r, list) and len(r) == 7 and all(isinstance(x, str) for x in r) for r in rows)
    assert public.candles(cat, sym, "1D", kind="mark", limit=2) == [[*r[:5], "0", "0"] for r in
                                                                    public.candles(cat, sym, "1D", limit=2)]
    assert public.history_candles(cat, sym, "1m", start_time=0, end_time=1000) == []
    with pytest.raises(BitgetError) as err:
        public.history_candles(cat, sym, "3H")
    assert err.value.code == "40020"


def test_funding_interest_tiers_and_venue_figures(connect):
    from utaex.wire import responses as R

    c = connect()
    (rate,) = c.current_fund_rate("ETHPERP")
    assert isinstance(rate, R.FundingRate) and (rate.fundingRate, rate.fundingRateInterval) == ("0.0001", "8")
    assert c.history_fund_rate("USDC-FUTURES", "ETHPERP", cursor=1, limit=2) == []  # nothing settled: no tick
    oi = c.open_interest("USDC-FUTURES", "ETHPERP")
    assert isinstance(oi, R.OpenInterest) and oi.list[0].symbol == "ETHPERP" and int(oi.ts) > 0
    assert c.oi_limit("USDC-FUTURES")[0].notionalValue == "10000000"
    tiers = c.position_tier("USDC-FUTURES", "ETHPERP")
    assert isinstance(tiers[0], R.PositionTier) and tiers[0].minTierValue == "0"
    assert c.position_tier("MARGIN", coin="ETH")[0].maxTierValue == ""
    assert {d.coin for d in c.discount_rate()} == {"BTC", "ETH", "USDC", "USDT"}
    assert c.margin_loans("ETH").dailyInterest == "0"
    reserves = c.proof_of_reserves()
    assert isinstance(reserves, R.ProofOfReserves) and len(reserves.list) == 4 and reserves.merkleRootHash
    assert c.risk_reserve("COIN-FUTURES", "ETHUSD").coin == "ETH"
    with pytest.raises(BitgetError) as err:
        c.position_tier("USDC-FUTURES")
    assert err.value.code == "40034"
