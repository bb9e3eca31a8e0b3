"""ccxt 4.5.90 (``bitget`` with ``options={'uta': True}``) against the real utaex server.

ccxt is used unchanged: the only adaptation is pointing every REST section URL at the venue
(``conftest.point_at``). Two users trade with each other, so every fill, fee, balance and position
asserted below is what the venue computed, read back through ccxt's own parsers.

Known ccxt behaviours the assertions follow (the project's ccxt UTA notes, ccxt-uta-notes.md §5, §8, §9):
- create/cancel calls return only ids (``status`` None); the state is read back with fetch_order.
- a spot market buy's ``amount`` is a quote amount (UTA semantics), and its parsed ``amount`` is None.
- fees come out negated, and spot order fees have ``currency`` None (ccxt uses the market's settle).
- failed batch items carry no ``errorMsg``, so ccxt shows them as orders with status None.
- ``25xxx`` error codes are not in ccxt's map: they surface as plain ``ExchangeError``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import ccxt
import ccxt.async_support
import pytest
from ccxt_env import Trader, ccxt_config, point_at

from support import DEFAULT_FUNDS, Server

D = Decimal
SPOT = "BTC/USDT"


def approx(value: Any) -> Any:
    return pytest.approx(float(value), abs=1e-9)


def balance(t: Trader, coin: str) -> tuple[float, float, float]:
    b = t.ex.fetch_balance()[coin]
    return b["free"], b["used"], b["total"]


def assert_balance(t: Trader, coin: str, total: Any, used: Any = 0) -> None:
    free_, used_, total_ = balance(t, coin)
    assert (free_, used_, total_) == (approx(D(str(total)) - D(str(used))), approx(used), approx(total)), coin


def ids(orders: list[dict[str, Any]]) -> list[str]:
    return [o["id"] for o in orders]


# --------------------------------------------------------------------------------------------------
# markets, time, public data
# --------------------------------------------------------------------------------------------------

def test_load_markets_and_time(new_trader: Callable[..., Trader]) -> None:
    ex = new_trader().ex
    assert set(ex.markets) == {
        "BTC/USDT", "ETH/USDT",
        "BTC/USDT:USDT", "ETH/USDT:USDT", "BTC/USDC:USDC", "ETH/USDC:USDC", "BTC/USD:BTC", "ETH/USD:ETH",
    }
    spot = ex.market("BTC/USDT")
    assert (spot["id"], spot["type"], spot["spot"], spot["swap"], spot["contract"]) == \
        ("BTCUSDT", "spot", True, False, False)
    assert (spot["base"], spot["quote"], spot["active"]) == ("BTC", "USDT", True)
    assert spot["precision"] == {"amount": 1e-06, "price": 0.01}
    assert spot["limits"]["amount"] == {"min": 1e-05, "max": 10000000.0}
    assert spot["limits"]["cost"]["min"] == 1.0
    assert (spot["maker"], spot["taker"]) == (0.001, 0.001)

    futures = {
        # symbol: (id, settle, linear, amount tick, price tick, amount min)
        "BTC/USDT:USDT": ("BTCUSDT", "USDT", True, 0.0001, 0.1, 0.0001),
        "ETH/USDT:USDT": ("ETHUSDT", "USDT", True, 0.01, 0.01, 0.01),
        "BTC/USDC:USDC": ("BTCPERP", "USDC", True, 0.0001, 0.1, 0.0001),
        "ETH/USDC:USDC": ("ETHPERP", "USDC", True, 0.01, 0.01, 0.01),
        "BTC/USD:BTC": ("BTCUSD", "BTC", False, 0.001, 0.1, 0.001),
        "ETH/USD:ETH": ("ETHUSD", "ETH", False, 0.01, 0.01, 0.01),
    }
    for symbol, (mid, settle, linear, amount_tick, price_tick, amount_min) in futures.items():
        m = ex.market(symbol)
        assert (m["id"], m["type"], m["swap"], m["contract"], m["spot"], m["active"]) == \
            (mid, "swap", True, True, False, True), symbol
        assert (m["settle"], m["linear"], m["inverse"], m["contractSize"]) == \
            (settle, linear, not linear, 1.0), symbol
        assert m["precision"] == {"amount": amount_tick, "price": price_tick}, symbol
        assert m["limits"]["amount"] == {"min": amount_min, "max": 1000000.0}, symbol
        assert m["limits"]["cost"]["min"] == 5.0, symbol
        assert m["limits"]["leverage"] == {"min": 1.0, "max": 125.0}, symbol
        assert (m["maker"], m["taker"]) == (0.0002, 0.0006), symbol

    # the coins list (/api/v2/spot/public/coins) became currencies
    assert {"BTC", "ETH", "USDT", "USDC"} <= set(ex.currencies)
    assert ex.currencies["USDT"]["deposit"] is True and ex.currencies["USDT"]["withdraw"] is True

    now = time.time() * 1000
    assert abs(ex.fetch_time() - now) < 5000


def test_order_book_ticker_and_tickers(pair: tuple[Trader, Trader]) -> None:
    maker, taker = pair
    sym = "ETH/USDT"
    for side, amount, price in (("sell", 1, 3000), ("sell", 0.5, 3001), ("sell", 0.25, 3001),
                                ("buy", 2, 2990), ("buy", 1, 2989)):
        maker.ex.create_order(sym, "limit", side, amount, price)
    book = maker.ex.fetch_order_book(sym, 5)
    assert book["symbol"] == sym
    assert book["asks"] == [[3000.0, 1.0], [3001.0, 0.75]]
    assert book["bids"] == [[2990.0, 2.0], [2989.0, 1.0]]
    assert abs(book["timestamp"] - time.time() * 1000) < 5000

    taker.ex.create_order(sym, "limit", "buy", 0.4, 3000)
    taker.ex.create_order(sym, "market", "sell", 0.5)
    top = taker.ex.fetch_order_book(sym, 1)
    assert (top["asks"], top["bids"]) == ([[3000.0, 0.6]], [[2990.0, 1.5]])

    t = taker.ex.fetch_ticker(sym)
    assert t["symbol"] == sym
    assert (t["last"], t["open"], t["high"], t["low"]) == (2990.0, 3000.0, 3000.0, 2990.0)
    assert (t["bid"], t["bidVolume"], t["ask"], t["askVolume"]) == (2990.0, 1.5, 3000.0, 0.6)
    assert t["baseVolume"] == approx("0.9")
    assert t["quoteVolume"] == approx(D("0.4") * 3000 + D("0.5") * 2990)
    assert t["percentage"] == pytest.approx(-1 / 3, abs=0.01)
    assert t["markPrice"] is None  # spot tickers carry no mark price

    one = taker.ex.fetch_tickers([sym])
    assert list(one) == [sym] and one[sym]["last"] == 2990.0

    # no symbols: ccxt asks for category USDT-FUTURES (its default subType), whatever the default type
    linear = taker.ex.fetch_tickers()
    assert set(linear) == {"BTC/USDT:USDT", "ETH/USDT:USDT"}
    coin_m = taker.ex.fetch_tickers(["BTC/USD:BTC", "ETH/USD:ETH"])
    assert set(coin_m) == {"BTC/USD:BTC", "ETH/USD:ETH"}
    # a contract that shares its id with a spot market, queried before it ever traded
    assert taker.ex.fetch_ticker("ETH/USDT:USDT")["symbol"] == "ETH/USDT:USDT"


# --------------------------------------------------------------------------------------------------
# spot
# --------------------------------------------------------------------------------------------------

def test_spot_limit_market_post_only(pair: tuple[Trader, Trader]) -> None:
    maker, taker = pair
    ex = maker.ex
    ask = ex.create_order(SPOT, "limit", "sell", 0.01, 50000, {"clientOrderId": "compat-ask-1"})
    assert (ask["symbol"], ask["status"], ask["clientOrderId"]) == (SPOT, None, "compat-ask-1")  # ids only
    assert ex.fetch_order(None, SPOT, {"clientOrderId": "compat-ask-1"})["id"] == ask["id"]
    o = ex.fetch_order(ask["id"], SPOT)
    assert (o["id"], o["clientOrderId"], o["symbol"], o["type"], o["side"], o["status"]) == \
        (ask["id"], ask["clientOrderId"], SPOT, "limit", "sell", "open")
    assert (o["price"], o["amount"], o["filled"], o["remaining"], o["timeInForce"], o["postOnly"]) == \
        (50000.0, 0.01, 0.0, 0.01, "GTC", False)
    assert o["reduceOnly"] is False
    assert abs(o["timestamp"] - time.time() * 1000) < 5000 and o["lastUpdateTimestamp"] == o["timestamp"]
    assert_balance(maker, "BTC", total=100, used="0.01")

    # post-only: one rests, one would cross and is cancelled by the venue
    bid = ex.create_order(SPOT, "limit", "buy", 0.001, 49000, {"postOnly": True})
    crossing = taker.ex.create_order(SPOT, "limit", "buy", 0.001, 50000, {"postOnly": True})
    b = ex.fetch_order(bid["id"], SPOT)
    assert (b["status"], b["timeInForce"], b["postOnly"], b["price"]) == ("open", "PO", True, 49000.0)
    c = taker.ex.fetch_order(crossing["id"], SPOT)
    assert (c["status"], c["filled"], c["postOnly"]) == ("canceled", 0.0, True)
    assert_balance(maker, "USDT", total=1000000, used=49)

    # market buy: amount is the quote to spend (100 USDT buys 0.002 BTC at 50000)
    mkt = taker.ex.create_order(SPOT, "market", "buy", 100)
    m = taker.ex.fetch_order(mkt["id"], SPOT)
    assert (m["type"], m["side"], m["status"], m["filled"]) == ("market", "buy", "closed", 0.002)
    assert m["fee"] == {"cost": approx("-0.000002"), "currency": None}
    assert m["info"]["cumExecValue"] == "100"

    lim = taker.ex.create_order(SPOT, "limit", "buy", 0.003, 50000)
    li = taker.ex.fetch_order(lim["id"], SPOT)
    assert (li["status"], li["filled"], li["remaining"], li["price"]) == ("closed", 0.003, 0.0, 50000.0)
    assert li["fee"]["cost"] == approx("-0.000003")

    # market sell of base into the post-only bid
    sell = taker.ex.create_order(SPOT, "market", "sell", 0.001)
    s = taker.ex.fetch_order(sell["id"], SPOT)
    assert (s["status"], s["filled"], s["amount"], s["fee"]["cost"]) == ("closed", 0.001, 0.001, approx("-0.049"))

    o = ex.fetch_order(ask["id"], SPOT)
    assert (o["status"], o["filled"], o["remaining"], o["cost"]) == ("open", 0.005, 0.005, 250.0)
    assert o["fee"]["cost"] == approx("-0.25")
    assert ex.fetch_order(bid["id"], SPOT)["status"] == "closed"

    # balances, exact: maker sold 0.005 @ 50000 (fee 0.25 USDT), bought 0.001 @ 49000 (fee 0.000001 BTC)
    assert_balance(maker, "BTC", total=D(100) - D("0.005") + D("0.000999"), used="0.005")
    assert_balance(maker, "USDT", total=D(1000000) + D("249.75") - 49)
    assert_balance(taker, "BTC", total=D(100) + D("0.001998") + D("0.002997") - D("0.001"))
    assert_balance(taker, "USDT", total=D(1000000) - 100 - 150 + D("48.951"))

    open_orders = ex.fetch_open_orders(SPOT)
    assert ids(open_orders) == [ask["id"]]
    assert (open_orders[0]["status"], open_orders[0]["filled"]) == ("open", 0.005)
    everything = ex.fetch_open_orders()  # no symbol: ccxt asks for category SPOT
    assert [(o["id"], o["symbol"]) for o in everything] == [(ask["id"], SPOT)]

    trades = taker.ex.fetch_my_trades(SPOT)
    got = sorted((t["order"], t["side"], t["price"], t["amount"], t["takerOrMaker"], t["fee"]["cost"],
                  t["fee"]["currency"]) for t in trades)
    assert got == sorted([
        (mkt["id"], "buy", 50000.0, 0.002, "taker", approx("-0.000002"), "BTC"),
        (lim["id"], "buy", 50000.0, 0.003, "taker", approx("-0.000003"), "BTC"),
        (sell["id"], "sell", 49000.0, 0.001, "taker", approx("-0.049"), "USDT"),
    ])
    assert all(t["symbol"] == SPOT and t["cost"] == t["price"] * t["amount"] for t in trades)
    newest = taker.ex.fetch_my_trades(SPOT, limit=1)
    assert ids(newest) == [t["id"] for t in trades if t["order"] == sell["id"]]
    since = taker.ex.fetch_my_trades(SPOT, since=newest[0]["timestamp"])
    assert newest[0]["id"] in ids(since) and all(t["timestamp"] >= newest[0]["timestamp"] for t in since)
    maker_trades = ex.fetch_my_trades(SPOT)
    assert sorted(t["takerOrMaker"] for t in maker_trades) == ["maker"] * 3

    closed = taker.ex.fetch_closed_orders(SPOT)
    assert sorted(ids(closed)) == sorted([mkt["id"], lim["id"], sell["id"]])
    assert {o["status"] for o in closed} == {"closed"}
    assert ids(taker.ex.fetch_closed_orders(SPOT, limit=1)) == [sell["id"]]
    canceled = taker.ex.fetch_canceled_orders(SPOT)
    assert ids(canceled) == [crossing["id"]]

    cancelled = ex.cancel_order(None, SPOT, {"clientOrderId": "compat-ask-1"})
    assert (cancelled["id"], cancelled["clientOrderId"]) == (ask["id"], "compat-ask-1")
    assert ex.fetch_order(None, SPOT, {"clientOrderId": "compat-ask-1"})["status"] == "canceled"
    o = ex.fetch_order(ask["id"], SPOT)
    assert (o["status"], o["filled"], o["remaining"]) == ("canceled", 0.005, 0.005)
    assert ex.fetch_open_orders(SPOT) == []
    assert_balance(maker, "BTC", total=D(100) - D("0.005") + D("0.000999"))
    assert ids(ex.fetch_canceled_orders(SPOT)) == [ask["id"]]
    assert sorted(ids(ex.fetch_closed_orders(SPOT))) == [bid["id"]]


def test_errors_surface_as_ccxt_exceptions(new_trader: Callable[..., Trader]) -> None:
    t = new_trader({"USDT": "100"})
    with pytest.raises(ccxt.ExchangeError, match="25204"):
        t.ex.fetch_order("1234567", SPOT)
    with pytest.raises(ccxt.ExchangeError, match="25204"):
        t.ex.cancel_order("1234567", SPOT)
    with pytest.raises(ccxt.ExchangeError, match="25202"):
        t.ex.create_order(SPOT, "limit", "buy", 0.01, 20000)
    assert_balance(t, "USDT", total=100)


# --------------------------------------------------------------------------------------------------
# batch create / batch cancel / cancel all, in every category
# --------------------------------------------------------------------------------------------------

BATCH_CASES = [
    pytest.param("BTC/USDT", {}, id="spot"),
    pytest.param("BTC/USDT", {"marginMode": "cross"}, id="margin"),
    pytest.param("ETH/USDT:USDT", {}, id="usdt-swap"),
    pytest.param("ETH/USDC:USDC", {}, id="usdc-swap"),
    pytest.param("ETH/USD:ETH", {}, id="coin-swap"),
]


def reserve(market: dict[str, Any], amount: Decimal, price: Decimal, leverage: int = 10) -> Decimal:
    """What a resting buy holds: quote for spot; initial margin plus the taker fee for futures."""
    if market["spot"]:
        return amount * price
    if market["inverse"]:
        return amount / leverage + amount * D("0.0006")
    return amount * price / leverage + amount * price * D("0.0006")


@pytest.mark.parametrize(("sym", "params"), BATCH_CASES)
def test_create_orders_cancel_orders_cancel_all(new_trader: Callable[..., Trader], sym: str,
                                                params: dict[str, Any]) -> None:
    t = new_trader()
    ex = t.ex
    market = ex.market(sym)
    amount = D("0.01")  # at 1000 its value clears every minimum order value (1 or 5)
    prices = [D(1000), D(1001), D(1002)]
    requests = [{"symbol": sym, "type": "limit", "side": "buy", "amount": float(amount), "price": float(p),
                 "params": dict(params)} for p in prices]
    # the 4th item is below the minimum order value: the venue rejects it per item
    requests.append({"symbol": sym, "type": "limit", "side": "buy", "amount": float(amount), "price": 1,
                     "params": dict(params)})
    placed = ex.create_orders(requests)
    assert len(placed) == 4
    good, bad = placed[:3], placed[3]
    assert all(o["id"] and o["clientOrderId"] and o["symbol"] == sym for o in good)
    # ccxt only flags items carrying `errorMsg`; the documented per-item code/msg leaves it invisible
    assert (bad["id"], bad["status"], bad["info"]["code"]) == (None, None, "25611")

    coin = market["quote"] if market["spot"] else market["settle"]
    funds = D(DEFAULT_FUNDS[coin])
    held = sum(reserve(market, amount, p) for p in prices)
    assert_balance(t, coin, total=funds, used=held)

    opened = ex.fetch_open_orders(sym, params=dict(params))
    assert sorted(ids(opened)) == sorted(ids(good))
    assert {(o["symbol"], o["status"], o["amount"], o["filled"]) for o in opened} == \
        {(sym, "open", float(amount), 0.0)}
    if params:
        assert ex.fetch_open_orders(sym) == []  # the margin orders are not in SPOT

    result = ex.cancel_orders([good[0]["id"], good[1]["id"], "1234567"], sym, dict(params))
    assert ids(result)[:2] == ids(good[:2])
    assert result[2]["info"]["code"] == "25204"
    assert ids(ex.fetch_open_orders(sym, params=dict(params))) == [good[2]["id"]]
    assert_balance(t, coin, total=funds, used=reserve(market, amount, prices[2]))

    canceled = ex.fetch_canceled_orders(sym, params=dict(params))
    assert sorted(ids(canceled)) == sorted(ids(good[:2]))
    assert {(o["status"], o["filled"]) for o in canceled} == {("canceled", 0.0)}

    all_cancelled = ex.cancel_all_orders(sym, dict(params))
    assert ids(all_cancelled) == [good[2]["id"]]
    assert ex.fetch_open_orders(sym, params=dict(params)) == []
    assert ex.fetch_order(good[2]["id"], sym)["status"] == "canceled"
    assert_balance(t, coin, total=funds)


# --------------------------------------------------------------------------------------------------
# margin (spot markets + marginMode)
# --------------------------------------------------------------------------------------------------

def test_margin_cross_borrow_and_repay(new_trader: Callable[..., Trader]) -> None:
    maker = new_trader()
    m = new_trader({"USDT": "1000"})
    cross = {"marginMode": "cross"}
    maker.ex.create_order(SPOT, "limit", "sell", 0.03, 50000)
    maker.ex.create_order(SPOT, "limit", "buy", 0.01, 49000)

    # 1500 USDT of BTC with 1000 USDT: the MARGIN order borrows 500
    buy = m.ex.create_order(SPOT, "limit", "buy", 0.03, 50000, cross)
    o = m.ex.fetch_order(buy["id"], SPOT)
    assert (o["symbol"], o["status"], o["filled"], o["price"]) == (SPOT, "closed", 0.03, 50000.0)
    assert o["info"]["category"] == "MARGIN"
    assert o["fee"]["cost"] == approx("-0.00003")
    bal = m.ex.fetch_balance()
    assert (bal["USDT"]["free"], bal["USDT"]["used"], bal["USDT"]["total"], bal["USDT"]["debt"]) == \
        (0.0, 0.0, -500.0, 500.0)
    assert (bal["BTC"]["free"], bal["BTC"]["total"], bal["BTC"]["debt"]) == (0.02997, 0.02997, 0.0)

    # market sell on margin: the proceeds (490 - 0.49 fee) repay the debt automatically
    sell = m.ex.create_order(SPOT, "market", "sell", 0.01, None, cross)
    s = m.ex.fetch_order(sell["id"], SPOT)
    assert (s["status"], s["filled"], s["type"], s["info"]["category"]) == ("closed", 0.01, "market", "MARGIN")
    bal = m.ex.fetch_balance()
    assert (bal["USDT"]["free"], bal["USDT"]["total"], bal["USDT"]["debt"]) == (0.0, -10.49, approx("10.49"))
    assert bal["BTC"]["total"] == approx("0.01997")

    # post-only margin order rests in the shared spot book
    po = m.ex.create_order(SPOT, "limit", "sell", 0.01, 60000, {**cross, "postOnly": True})
    p = m.ex.fetch_order(po["id"], SPOT)
    assert (p["status"], p["postOnly"], p["info"]["category"]) == ("open", True, "MARGIN")
    assert maker.ex.fetch_order_book(SPOT)["asks"] == [[60000.0, 0.01]]
    assert ids(m.ex.fetch_open_orders(SPOT, params=cross)) == [po["id"]]
    assert_balance(m, "BTC", total="0.01997", used="0.01")

    closed = m.ex.fetch_closed_orders(SPOT, params=cross)
    assert sorted(ids(closed)) == sorted([buy["id"], sell["id"]])
    assert m.ex.fetch_closed_orders(SPOT) == []  # SPOT history holds none of them
    trades = m.ex.fetch_my_trades(SPOT)
    assert sorted((t["side"], t["amount"], t["price"]) for t in trades) == \
        [("buy", 0.03, 50000.0), ("sell", 0.01, 49000.0)]
    m.ex.cancel_order(po["id"], SPOT, cross)
    assert m.ex.fetch_order(po["id"], SPOT)["status"] == "canceled"


# --------------------------------------------------------------------------------------------------
# perpetual swaps: USDT-, USDC- and coin-margined
# --------------------------------------------------------------------------------------------------

SWAPS = [
    pytest.param("BTC/USDT:USDT", id="usdt"),
    pytest.param("BTC/USDC:USDC", id="usdc"),
    pytest.param("BTC/USD:BTC", id="coin"),
]
TAKER, MAKER = D("0.0006"), D("0.0002")


@pytest.mark.parametrize("sym", SWAPS)
def test_swap_trading_positions_and_pnl(pair: tuple[Trader, Trader], sym: str) -> None:
    maker, taker = pair
    market = maker.ex.market(sym)
    inverse = market["inverse"]
    coin = market["settle"]
    funds = D(100) if coin == "BTC" else D(1000000)

    def value(amount: str, price: int) -> Decimal:
        """Margin/fee base in the settle coin: notional for linear, the base amount for inverse."""
        return D(amount) if inverse else D(amount) * price

    def pnl(amount: str, entry: int, exit_: int, long: bool) -> Decimal:
        diff = D(amount) * (exit_ - entry) * (1 if long else -1)
        return diff / exit_ if inverse else diff

    assert maker.ex.set_leverage(10, sym)["data"] == "success"
    assert taker.ex.set_leverage(20, sym)["data"] == "success"

    ask = maker.ex.create_order(sym, "limit", "sell", 0.1, 50000)
    o = maker.ex.fetch_order(ask["id"], sym)
    assert (o["symbol"], o["status"], o["amount"], o["price"], o["reduceOnly"]) == (sym, "open", 0.1, 50000.0, False)
    assert_balance(maker, coin, total=funds, used=value("0.1", 50000) / 10 + value("0.1", 50000) * TAKER)

    mkt = taker.ex.create_order(sym, "market", "buy", 0.04)
    lim = taker.ex.create_order(sym, "limit", "buy", 0.06, 50000)
    m = taker.ex.fetch_order(mkt["id"], sym)
    assert (m["type"], m["status"], m["filled"], m["amount"]) == ("market", "closed", 0.04, 0.04)
    assert m["fee"] == {"cost": approx(-value("0.04", 50000) * TAKER), "currency": coin}
    li = taker.ex.fetch_order(lim["id"], sym)
    assert (li["status"], li["filled"], li["fee"]["cost"]) == ("closed", 0.06, approx(-value("0.06", 50000) * TAKER))
    o = maker.ex.fetch_order(ask["id"], sym)
    assert (o["status"], o["filled"], o["fee"]["cost"]) == ("closed", 0.1, approx(-value("0.1", 50000) * MAKER))

    (long,) = taker.ex.fetch_positions([sym])
    assert (long["symbol"], long["side"], long["contracts"], long["entryPrice"]) == (sym, "long", 0.1, 50000.0)
    assert (long["leverage"], long["marginMode"], long["hedged"]) == (20, "cross", False)
    assert long["initialMargin"] == approx(value("0.1", 50000) / 20)
    (short,) = maker.ex.fetch_positions([sym])
    assert (short["side"], short["contracts"], short["entryPrice"], short["leverage"]) == \
        ("short", 0.1, 50000.0, 10)
    taker_fees = value("0.1", 50000) * TAKER
    assert_balance(taker, coin, total=funds - taker_fees, used=value("0.1", 50000) / 20)
    assert_balance(maker, coin, total=funds - value("0.1", 50000) * MAKER, used=value("0.1", 50000) / 10)

    # post-only on a swap: one rests, the crossing one is cancelled
    bid = maker.ex.create_order(sym, "limit", "buy", 0.02, 49000, {"postOnly": True})
    crossing = taker.ex.create_order(sym, "limit", "sell", 0.01, 48000, {"postOnly": True})
    assert maker.ex.fetch_order(bid["id"], sym)["timeInForce"] == "PO"
    c = taker.ex.fetch_order(crossing["id"], sym)
    assert (c["status"], c["filled"], c["postOnly"]) == ("canceled", 0.0, True)

    # reduce-only market sell closes 0.02 of the long against the post-only bid at 49000
    close = taker.ex.create_order(sym, "market", "sell", 0.02, None, {"reduceOnly": True})
    cl = taker.ex.fetch_order(close["id"], sym)
    assert (cl["status"], cl["filled"], cl["reduceOnly"]) == ("closed", 0.02, True)
    (long,) = taker.ex.fetch_positions([sym])
    taker_pnl = pnl("0.02", 50000, 49000, long=True)
    assert (long["contracts"], long["entryPrice"], long["markPrice"]) == (0.08, 50000.0, 49000.0)
    assert long["realizedPnl"] == pytest.approx(float(taker_pnl), abs=1e-12)
    assert long["unrealizedPnl"] == pytest.approx(float(pnl("0.08", 50000, 49000, long=True)), abs=1e-12)
    (short,) = maker.ex.fetch_positions([sym])
    assert (short["side"], short["contracts"]) == ("short", 0.08)
    ticker = taker.ex.fetch_ticker(sym)
    assert (ticker["symbol"], ticker["last"], ticker["markPrice"]) == (sym, 49000.0, 49000.0)
    assert (ticker["high"], ticker["low"], ticker["baseVolume"]) == (50000.0, 49000.0, approx("0.12"))

    taker_fees += value("0.02", 49000) * TAKER
    maker_fees = value("0.1", 50000) * MAKER + value("0.02", 49000) * MAKER
    free_, used_, total_ = balance(taker, coin)
    assert used_ == approx(value("0.08", 50000) / 20)
    assert total_ == pytest.approx(float(funds - taker_fees + taker_pnl), abs=1e-12)
    assert free_ == pytest.approx(total_ - used_, abs=1e-12)
    _, used_, total_ = balance(maker, coin)
    assert used_ == approx(value("0.08", 50000) / 10)
    assert total_ == pytest.approx(float(funds - maker_fees - taker_pnl), abs=1e-12)

    trades = taker.ex.fetch_my_trades(sym)
    assert sorted((t["order"], t["side"], t["amount"], t["price"], t["takerOrMaker"], t["fee"]["currency"])
                  for t in trades) == sorted([
        (mkt["id"], "buy", 0.04, 50000.0, "taker", coin),
        (lim["id"], "buy", 0.06, 50000.0, "taker", coin),
        (close["id"], "sell", 0.02, 49000.0, "taker", coin),
    ])
    assert {t["symbol"] for t in trades} == {sym}
    assert sorted(ids(taker.ex.fetch_closed_orders(sym))) == sorted([mkt["id"], lim["id"], close["id"]])
    assert ids(taker.ex.fetch_canceled_orders(sym)) == [crossing["id"]]
    assert taker.ex.fetch_open_orders(sym) == []


def test_set_position_mode_hedged_orders(pair: tuple[Trader, Trader]) -> None:
    maker, hedger = pair
    sym = "ETH/USDT:USDT"
    ex = hedger.ex
    assert ex.set_position_mode(True)["data"] == "success"
    maker.ex.create_order(sym, "limit", "sell", 1, 3000)
    maker.ex.create_order(sym, "limit", "buy", 1, 2900)

    # hedge mode: ccxt sends posSide (hedged=True), one-way style orders are refused
    with pytest.raises(ccxt.BadRequest, match="posSide"):
        ex.create_order(sym, "limit", "buy", 0.5, 2000)
    opened = ex.create_order(sym, "market", "buy", 0.5, None, {"hedged": True})
    short = ex.create_order(sym, "limit", "sell", 0.2, 3100, {"hedged": True})
    (long,) = ex.fetch_positions([sym])
    assert (long["side"], long["contracts"], long["entryPrice"], long["hedged"]) == ("long", 0.5, 3000.0, True)
    assert ex.fetch_order(opened["id"], sym)["info"]["posSide"] == "long"
    resting = ex.fetch_open_orders(sym)
    assert ids(resting) == [short["id"]]
    assert (resting[0]["info"]["posSide"], resting[0]["info"]["holdMode"]) == ("short", "hedge_mode")

    with pytest.raises(ccxt.ExchangeError, match="25107"):
        ex.set_position_mode(False)  # not while a position is open

    close = ex.create_order(sym, "market", "sell", 0.5, None, {"hedged": True, "reduceOnly": True})
    c = ex.fetch_order(close["id"], sym)
    assert (c["status"], c["filled"], c["reduceOnly"], c["info"]["posSide"]) == ("closed", 0.5, True, "long")
    assert ex.fetch_positions([sym]) == []
    ex.cancel_order(short["id"], sym)
    assert ex.set_position_mode(False)["data"] == "success"
    one_way = ex.create_order(sym, "limit", "buy", 0.1, 2000)
    assert ex.fetch_order(one_way["id"], sym)["info"]["holdMode"] == "one_way_mode"
    # realised: bought 0.5 @ 3000, sold 0.5 @ 2900
    fees = D("0.5") * 3000 * TAKER + D("0.5") * 2900 * TAKER
    reserved = D("0.1") * 2000 / 10 + D("0.1") * 2000 * TAKER
    assert_balance(hedger, "USDT", total=D(1000000) - 50 - fees, used=reserved)


# --------------------------------------------------------------------------------------------------
# async client
# --------------------------------------------------------------------------------------------------

def test_async_client_place_batch_cancel(venue: Server) -> None:
    creds = venue.new_user({"USDT": "10000"})

    async def run() -> None:
        ex = point_at(ccxt.async_support.bitget(ccxt_config(creds)), venue.base_url)
        try:
            await ex.load_markets()
            first = await ex.create_order("ETH/USDT", "limit", "buy", 0.5, 1500)
            second = await ex.create_order("ETH/USDT", "limit", "buy", 0.5, 1501)
            opened = await ex.fetch_open_orders("ETH/USDT")
            assert sorted(ids(opened)) == sorted([first["id"], second["id"]])
            assert (await ex.fetch_balance())["USDT"]["used"] == approx("1500.5")
            cancelled = await ex.cancel_orders([first["id"], second["id"]], "ETH/USDT")
            assert ids(cancelled) == [first["id"], second["id"]]
            assert await ex.fetch_open_orders("ETH/USDT") == []
            assert (await ex.fetch_order(second["id"], "ETH/USDT"))["status"] == "canceled"
            usdt = (await ex.fetch_balance())["USDT"]
            assert (usdt["free"], usdt["used"], usdt["total"]) == (10000.0, 0.0, 10000.0)
        finally:
            await ex.close()

    asyncio.run(run())
