"""Trading, account and market endpoints over real HTTP, with two users trading with each other.

Expected amounts are worked out by hand from the fee policy: spot 0.1 % maker and taker, charged in the coin
received; futures maker 0.02 %, taker 0.06 % of the notional in the settle coin; leverage 10 by default, initial
margin = notional / leverage; a resting futures order freezes margin + taker fee at its own price; coin-M
(inverse) notional is the quantity in BTC, PnL = USD gain / exit price (in BTC).
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
from uta_helpers import (
    CATEGORIES,
    FUTURES,
    MARKETS,
    assets,
    balance,
    error_of,
    open_ids,
    open_orders,
    order,
)

from support import Server
from utaex.client import Client

FUNDS = {"USDT": "1000000", "USDC": "1000000", "BTC": "100", "ETH": "1000"}
each_category = pytest.mark.parametrize("cat", CATEGORIES)


def fill_view(f: dict[str, Any]) -> tuple[str, ...]:
    return (f["side"], f["orderType"], f["execPrice"], f["execQty"], f["execValue"], f["tradeScope"],
            f["feeDetail"][0]["feeCoin"], f["feeDetail"][0]["fee"], f["execPnl"])


def balances(c: Client, *coins: str) -> dict[str, tuple[str, str]]:
    have = assets(c)
    return {coin: (have[coin]["available"], have[coin]["locked"]) for coin in coins}


# ---- a round trip between two users, per category ---------------------------------------------------------
# Step 1: A sells 0.01 BTC @ 40000 (resting, maker); B buys 0.01 (taker). Value 400 (USD).
# Step 2: B sells (spot 0.005, futures 0.01) @ 50000 (resting, maker); A buys at market (taker): spot by quote
#         amount 250, futures 0.01 (closing A's short and B's long).
# spot/margin  step 1: A gets 400 - 0.4 USDT, B gets 0.01 - 0.00001 BTC.
#              step 2: B gets 250 - 0.25 USDT, A gets 0.005 - 0.000005 BTC.
# linear       step 1: A fee 400 x 0.0002 = 0.08, B fee 0.24, margin 40 each (short A, long B).
#              step 2: B's sell rests and freezes 500/10 + 500 x 0.0006 = 50.3; A fee 0.3, PnL -100; B fee 0.1, +100.
# inverse      step 1: A fee 0.01 x 0.0002 = 0.000002 BTC, B 0.000006, margin 0.001 BTC each.
#              step 2: B's sell freezes 0.001 + 0.000006; A fee 0.000006, PnL (400 - 500) / 50000 = -0.002; B fee
#              0.000002, PnL +0.002.
SPOT_TRIP: dict[str, Any] = {
    "coins": ("USDT", "BTC"),
    "after1": {"A": {"USDT": ("1000399.6", "0"), "BTC": ("99.99", "0")},
               "B": {"USDT": ("999600", "0"), "BTC": ("100.00999", "0")}},
    "resting2": {"B": {"BTC": ("100.00499", "0.005")}},
    "after2": {"A": {"USDT": ("1000149.6", "0"), "BTC": ("99.994995", "0")},
               "B": {"USDT": ("999849.75", "0"), "BTC": ("100.00499", "0")}},
    "fills1": {"A": ("sell", "limit", "40000", "0.01", "400", "maker", "USDT", "0.4", "0"),
               "B": ("buy", "limit", "40000", "0.01", "400", "taker", "BTC", "0.00001", "0")},
    "fills2": {"A": ("buy", "market", "50000", "0.005", "250", "taker", "BTC", "0.000005", "0"),
               "B": ("sell", "limit", "50000", "0.005", "250", "maker", "USDT", "0.25", "0")},
    "volume": ("0.015", "650"), "trade2": ("0.005", "buy"),
}


def linear_trip(coin: str) -> dict[str, Any]:
    return {
        "coins": (coin,),
        "after1": {"A": {coin: ("999959.92", "40")}, "B": {coin: ("999959.76", "40")}},
        "resting2": {"B": {coin: ("999909.46", "90.3")}},
        "after2": {"A": {coin: ("999899.62", "0")}, "B": {coin: ("1000099.66", "0")}},
        "fills1": {"A": ("sell", "limit", "40000", "0.01", "400", "maker", coin, "0.08", "0"),
                   "B": ("buy", "limit", "40000", "0.01", "400", "taker", coin, "0.24", "0")},
        "fills2": {"A": ("buy", "market", "50000", "0.01", "500", "taker", coin, "0.3", "-100"),
                   "B": ("sell", "limit", "50000", "0.01", "500", "maker", coin, "0.1", "100")},
        "margin": "40", "volume": ("0.02", "900"), "trade2": ("0.01", "buy"),
    }


TRIPS: dict[str, dict[str, Any]] = {
    "SPOT": SPOT_TRIP,
    "MARGIN": SPOT_TRIP,
    "USDT-FUTURES": linear_trip("USDT"),
    "USDC-FUTURES": linear_trip("USDC"),
    "COIN-FUTURES": {
        "coins": ("BTC",),
        "after1": {"A": {"BTC": ("99.998998", "0.001")}, "B": {"BTC": ("99.998994", "0.001")}},
        "resting2": {"B": {"BTC": ("99.997988", "0.002006")}},
        "after2": {"A": {"BTC": ("99.997992", "0")}, "B": {"BTC": ("100.001992", "0")}},
        "fills1": {"A": ("sell", "limit", "40000", "0.01", "400", "maker", "BTC", "0.000002", "0"),
                   "B": ("buy", "limit", "40000", "0.01", "400", "taker", "BTC", "0.000006", "0")},
        "fills2": {"A": ("buy", "market", "50000", "0.01", "500", "taker", "BTC", "0.000006", "-0.002"),
                   "B": ("sell", "limit", "50000", "0.01", "500", "maker", "BTC", "0.000002", "0.002")},
        "margin": "0.001", "volume": ("0.02", "900"), "trade2": ("0.01", "buy"),
    },
}


@each_category
def test_round_trip_fills_fees_positions_and_market_data(fresh: Server, cat: str) -> None:
    m, want = MARKETS[cat], TRIPS[cat]
    a, b = fresh.new_user(FUNDS), fresh.new_user(FUNDS)
    with fresh.client(a) as ca, fresh.client(b) as cb:
        users = {"A": ca, "B": cb}
        a1 = order(ca, cat, m.symbol, "sell", "0.01", "40000")
        book = ca.get("/api/v3/market/orderbook", category=cat, symbol=m.symbol)
        assert (book["a"], book["b"]) == ([[40000, 0.01]], [])
        b1 = order(cb, cat, m.symbol, "buy", "0.01", "40000")
        for u, c in users.items():
            assert balances(c, *want["coins"]) == want["after1"][u], u
        assert open_ids(ca, cat) == open_ids(cb, cat) == set()
        if m.futures:
            for u, c, side in (("A", ca, "short"), ("B", cb, "long")):
                [pos] = c.get("/api/v3/position/current-position", category=cat)["list"]
                assert (pos["category"], pos["symbol"], pos["marginCoin"], pos["posSide"], pos["holdMode"]) == (
                    cat, m.symbol, m.settle, side, "one_way_mode"), u
                assert (pos["total"], pos["available"], pos["frozen"], pos["avgPrice"], pos["positionBalance"],
                        pos["leverage"], pos["markPrice"], pos["unrealisedPnl"]) == (
                    "0.01", "0.01", "0", "40000", want["margin"], "10", "40000", "0"), u

        qty2 = "0.005" if not m.futures else "0.01"
        b2 = order(cb, cat, m.symbol, "sell", qty2, "50000")
        for u, expected in want["resting2"].items():
            assert balances(users[u], *expected) == expected, u
        a2 = order(ca, cat, m.symbol, "buy", "250" if not m.futures else "0.01")
        for u, c in users.items():
            assert balances(c, *want["coins"]) == want["after2"][u], u
            if m.futures:
                assert c.get("/api/v3/position/current-position", category=cat)["list"] == []

        # private fills, newest first, with the order they belong to
        for u, c, first, second in (("A", ca, a1, a2), ("B", cb, b1, b2)):
            fills = c.get("/api/v3/trade/fills", category=cat)["list"]
            assert [fill_view(f) for f in fills] == [want["fills2"][u], want["fills1"][u]], u
            assert [f["orderId"] for f in fills] == [second["orderId"], first["orderId"]]
            assert all(f["category"] == cat and f["symbol"] == m.symbol for f in fills)
            assert fills[0]["execId"] != fills[1]["execId"]
            assert c.get("/api/v3/trade/fills", orderId=first["orderId"])["list"] == [fills[1]]
        assert (ca.get("/api/v3/trade/fills")["list"][1]["execId"] ==
                cb.get("/api/v3/trade/fills")["list"][1]["execId"])  # both sides of one trade share its id

        # the orders ended filled: history and order-info agree
        for c, placed, qty, value, avg in ((ca, a1, "0.01", "400", "40000"), (cb, b2, qty2, want["fills2"]["B"][4],
                                                                               "50000")):
            doc = c.get("/api/v3/trade/order-info", orderId=placed["orderId"])
            assert (doc["orderStatus"], doc["cumExecQty"], doc["cumExecValue"], doc["avgPrice"],
                    doc["cancelReason"]) == ("filled", qty, value, avg, "")
            history = c.get("/api/v3/trade/history-orders", category=cat)["list"]
            assert doc in history
        market_buy = ca.get("/api/v3/trade/order-info", orderId=a2["orderId"])
        assert (market_buy["orderType"], market_buy["price"], market_buy["orderStatus"]) == ("market", "0", "filled")

        # public market data
        [ticker] = ca.get("/api/v3/market/tickers", category=cat, symbol=m.symbol)
        assert (ticker["category"], ticker["symbol"], ticker["lastPrice"], ticker["openPrice24h"],
                ticker["highPrice24h"], ticker["lowPrice24h"], ticker["price24hPcnt"], ticker["volume24h"],
                ticker["turnover24h"], ticker["bid1Price"], ticker["ask1Price"]) == (
            cat, m.symbol, "50000", "40000", "50000", "40000", "0.25", *want["volume"], "", "")
        if m.futures:
            assert ticker["markPrice"] == ticker["indexPrice"] == "50000"
        trades = ca.get("/api/v3/market/fills", category=cat, symbol=m.symbol)
        assert [(t["price"], t["size"], t["side"]) for t in trades] == [
            ("50000", *want["trade2"]), ("40000", "0.01", "buy")]
        assert int(trades[0]["ts"]) >= int(trades[1]["ts"]) and trades[0]["execId"] > trades[1]["execId"]
        assert ca.get("/api/v3/market/fills", category=cat, symbol=m.symbol, limit=1) == trades[:1]
        book = ca.get("/api/v3/market/orderbook", category=cat, symbol=m.symbol)
        assert (book["a"], book["b"]) == ([], [])


# ---- orders ---------------------------------------------------------------------------------------------
@each_category
def test_place_order_and_its_open_record(venue: Server, cat: str) -> None:
    m = MARKETS[cat]
    with venue.client(venue.new_user(FUNDS)) as c:
        placed = order(c, cat, m.symbol, "buy", "0.01", "30000", clientOid="my-first-order")
        assert placed["clientOid"] == "my-first-order" and placed["orderId"].isdigit()
        [doc] = open_orders(c, cat)
        assert {k: doc[k] for k in ("orderId", "clientOid", "category", "symbol", "orderType", "side", "price", "qty",
                                    "amount", "cumExecQty", "cumExecValue", "avgPrice", "timeInForce",
                                    "orderStatus", "reduceOnly", "feeDetail", "stpMode")} == {
            **placed, "category": cat, "symbol": m.symbol, "orderType": "limit", "side": "buy", "price": "30000",
            "qty": "0.01", "amount": "0" if m.futures else "300", "cumExecQty": "0", "cumExecValue": "0",
            "avgPrice": "0", "timeInForce": "gtc", "orderStatus": "live", "reduceOnly": "NO",
            "feeDetail": [{"feeCoin": "", "fee": ""}], "stpMode": "none"}
        assert doc["createdTime"] == doc["updatedTime"]
        assert c.get("/api/v3/trade/order-info", clientOid="my-first-order") == doc
        err = error_of(order, c, cat, m.symbol, "buy", "0.01", "30001", clientOid="my-first-order")
        assert (err.status, err.code) == (400, "25212")
        err = error_of(order, c, cat, m.symbol, "buy", "0.01", "30000.005")
        assert (err.code, err.status) == ("25244", 400)  # price not a multiple of the tick
        err = error_of(order, c, cat, m.symbol, "buy", "10000000", "30000")  # far beyond the balance
        assert err.code in ("25202", "25203", "25208")
        fok = order(c, cat, m.symbol, "buy", "0.01", "30000", timeInForce="fok")
        assert open_ids(c, cat) == {placed["orderId"]}  # the FOK found nothing and did not rest
        ended = c.get("/api/v3/trade/order-info", orderId=fok["orderId"])
        assert (ended["orderStatus"], ended["cancelReason"], ended["timeInForce"]) == (
            "cancelled", "fok_not_full_cancel", "fok")
        c.post("/api/v3/trade/cancel-order", {"orderId": placed["orderId"]})


@each_category
def test_place_batch(venue: Server, cat: str) -> None:
    m = MARKETS[cat]

    def body(price: str, **extra: str) -> dict[str, str]:
        return {"category": cat, "symbol": m.symbol, "side": "buy", "orderType": "limit", "qty": "0.01",
                "price": price, **extra}

    with venue.client(venue.new_user(FUNDS)) as c:
        result = c.post("/api/v3/trade/place-batch", [body("30000"), body("30000.005", clientOid="bad-tick"),
                                                      body("30001", clientOid="good")])
        assert set(result[0]) == {"orderId", "clientOid"} and result[2]["clientOid"] == "good"
        assert result[1]["orderId"] == "" and result[1]["clientOid"] == "bad-tick"
        assert result[1]["code"] == "25244" and result[1]["msg"]
        assert open_ids(c, cat) == {result[0]["orderId"], result[2]["orderId"]}
        for bad in ([], [body("30002")] * 21, [body("30002"), {**body("30003"), "category": "SPOT" if m.futures
                                                              else "USDT-FUTURES"}], body("30002")):
            err = error_of(c.post, "/api/v3/trade/place-batch", bad)
            assert (err.status, err.code) == (400, "40017"), bad
        assert len(open_ids(c, cat)) == 2
        c.post("/api/v3/trade/cancel-symbol-order", {"category": cat})


@each_category
def test_cancel_order(venue: Server, cat: str) -> None:
    m = MARKETS[cat]
    with venue.client(venue.new_user(FUNDS)) as c, venue.client(venue.new_user(FUNDS)) as other:
        coin = m.coin
        x = order(c, cat, m.symbol, "buy", "0.01", "30000")
        y = order(c, cat, m.symbol, "buy", "0.01", "30000", clientOid="cancel-me")
        theirs = order(other, cat, m.symbol, "buy", "0.01", "30000")
        locked_two = balance(c, coin)[1]
        # ccxt sends no category; the symbol is tolerated
        assert c.post("/api/v3/trade/cancel-order", {"orderId": x["orderId"]}) == x
        assert c.post("/api/v3/trade/cancel-order", {"clientOid": "cancel-me", "symbol": m.symbol}) == y
        assert locked_two != "0" and balance(c, coin) == (FUNDS[coin], "0")
        for req in ({"orderId": x["orderId"]}, {"orderId": theirs["orderId"]}, {"clientOid": "cancel-me"},
                    {"orderId": "1"}):
            err = error_of(c.post, "/api/v3/trade/cancel-order", req)
            assert (err.status, err.code, err.msg) == (400, "25204", "Order does not exist"), req
        err = error_of(other.post, "/api/v3/trade/cancel-order", {"orderId": theirs["orderId"], "symbol": m.other})
        assert err.code == "25204"
        assert error_of(c.post, "/api/v3/trade/cancel-order", {}).code in ("40017", "40034")
        assert open_ids(other, cat) == {theirs["orderId"]}
        assert other.post("/api/v3/trade/cancel-order", {"orderId": theirs["orderId"], "category": cat.lower(),
                                                         "symbol": m.symbol}) == theirs


@each_category
def test_cancel_symbol_order(venue: Server, cat: str) -> None:
    m = MARKETS[cat]
    elsewhere = "SPOT" if m.futures else "USDT-FUTURES"
    with venue.client(venue.new_user(FUNDS)) as c:
        mine = [order(c, cat, m.symbol, "buy", "0.01", str(30000 + i)) for i in range(3)]
        eth = order(c, cat, m.other, "buy", "0.1", "2000")
        away = order(c, elsewhere, "BTCUSDT", "buy", "0.01", "30000")
        result = c.post("/api/v3/trade/cancel-symbol-order", {"category": cat, "symbol": m.symbol})
        assert result == {"list": mine}
        assert open_ids(c, cat) == {eth["orderId"]}
        assert c.post("/api/v3/trade/cancel-symbol-order", {"category": cat, "symbol": m.symbol}) == {"list": []}
        assert c.post("/api/v3/trade/cancel-symbol-order", {"category": cat.lower()}) == {"list": [eth]}
        assert open_ids(c, elsewhere) == {away["orderId"]}
        for doc in c.get("/api/v3/trade/history-orders", category=cat)["list"]:
            assert (doc["orderStatus"], doc["cancelReason"]) == ("cancelled", "normal_cancel")
        c.post("/api/v3/trade/cancel-symbol-order", {"category": elsewhere})
        assert all(balance(c, coin) == (FUNDS[coin], "0") for coin in FUNDS)


def test_unfilled_orders_cursor_paging(venue: Server) -> None:
    with venue.client(venue.new_user(FUNDS)) as c:
        spot = c.post("/api/v3/trade/place-batch", [
            {"category": "SPOT", "symbol": "BTCUSDT" if i % 2 else "ETHUSDT", "side": "buy", "orderType": "limit",
             "qty": "0.01", "price": str(1000 + i)} for i in range(20)])
        spot += c.post("/api/v3/trade/place-batch", [
            {"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": "0.01",
             "price": str(2000 + i)} for i in range(5)])
        margin = order(c, "MARGIN", "BTCUSDT", "buy", "0.01", "3000")
        pages, cursor = [], None
        while True:
            page = c.get("/api/v3/trade/unfilled-orders", category="SPOT", limit=10, cursor=cursor)
            pages.append([o["orderId"] for o in page["list"]])
            cursor = page["cursor"]
            if not cursor:
                break
            assert cursor == pages[-1][-1]
        assert [len(p) for p in pages[:3]] == [10, 10, 5] and pages[3:] in ([], [[]])
        seen = [oid for p in pages for oid in p]
        assert seen == sorted((p["orderId"] for p in spot), key=int, reverse=True)  # newest first, each once
        btc = c.get("/api/v3/trade/unfilled-orders", category="SPOT", symbol="BTCUSDT", limit=100)["list"]
        assert len(btc) == 15 and {o["symbol"] for o in btc} == {"BTCUSDT"}
        assert [o["orderId"] for o in c.get("/api/v3/trade/unfilled-orders", category="MARGIN")["list"]] == [
            margin["orderId"]]
        everything = c.get("/api/v3/trade/unfilled-orders", limit=100)["list"]  # no category: all of them
        assert len(everything) == 26
        for bad in ({"limit": "101"}, {"limit": "0"}, {"cursor": "abc"}, {"category": "OPTION"}):
            assert error_of(c.get, "/api/v3/trade/unfilled-orders", **bad).code == "40017", bad
        c.post("/api/v3/trade/cancel-symbol-order", {"category": "SPOT"})
        c.post("/api/v3/trade/cancel-symbol-order", {"category": "MARGIN"})


def test_history_orders_and_fills_cursor_paging(fresh: Server) -> None:
    """300 orders: the 10 best are filled by a market sell, 280 are cancelled, 10 stay live."""
    a, b = fresh.new_user(FUNDS), fresh.new_user(FUNDS)
    with fresh.client(a) as ca, fresh.client(b) as cb:
        placed: list[dict[str, str]] = []
        for batch in range(15):
            placed += ca.post("/api/v3/trade/place-batch", [
                {"category": "SPOT", "symbol": "BTCUSDT", "side": "buy", "orderType": "limit", "qty": "0.001",
                 "price": f"{20000 + batch * 20 + i}.5"} for i in range(20)])
        assert len({p["orderId"] for p in placed}) == 300
        order(cb, "SPOT", "BTCUSDT", "sell", "0.01")  # fills the ten best bids, one maker each
        filled = {p["orderId"] for p in placed[-10:]}
        live = {p["orderId"] for p in placed[:10]}
        cancelled = {p["orderId"] for p in placed[10:-10]}
        for i in range(0, 280, 20):
            chunk = placed[10 + i:30 + i]
            assert ca.post("/api/v3/trade/cancel-batch", [
                {"category": "SPOT", "symbol": "BTCUSDT", "orderId": p["orderId"]} for p in chunk]) == chunk
        assert open_ids(ca, "SPOT") == live

        for limit in (100, 37):
            seen: list[dict[str, Any]] = []
            cursor = None
            while True:
                page = ca.get("/api/v3/trade/history-orders", category="SPOT", limit=limit, cursor=cursor)
                assert len(page["list"]) <= limit
                seen += page["list"]
                cursor = page["cursor"]
                if not cursor:
                    break
            ids = [o["orderId"] for o in seen]
            assert len(ids) == len(set(ids)) == 290, limit
            assert ids == sorted(ids, key=int, reverse=True)
            assert {o["orderId"] for o in seen if o["orderStatus"] == "filled"} == filled
            assert {o["orderId"] for o in seen if o["orderStatus"] == "cancelled"} == cancelled
        assert ca.get("/api/v3/trade/history-orders", category="MARGIN")["list"] == []
        assert len(ca.get("/api/v3/trade/history-orders", category="SPOT", symbol="ETHUSDT")["list"]) == 0

        taker_fills: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = cb.get("/api/v3/trade/fills", limit=3, cursor=cursor)
            taker_fills += page["list"]
            cursor = page["cursor"]
            if not cursor:
                break
        assert len(taker_fills) == len({f["execId"] for f in taker_fills}) == 10
        assert sorted(f["execPrice"] for f in taker_fills) == [f"{20290 + i}.5" for i in range(10)]
        assert all(f["tradeScope"] == "taker" and f["execQty"] == "0.001" for f in taker_fills)
        assert len(ca.get("/api/v3/trade/fills", category="SPOT")["list"]) == 10
        assert ca.get("/api/v3/trade/fills", category="USDT-FUTURES")["list"] == []


# ---- positions, leverage, hold mode -------------------------------------------------------------------------
def test_hedge_mode_positions_and_leverage(fresh: Server) -> None:
    a, b = fresh.new_user(FUNDS), fresh.new_user(FUNDS)
    cat, sym = "USDT-FUTURES", "BTCUSDT"
    with fresh.client(a) as ca, fresh.client(b) as cb:
        for c in (ca, cb):
            assert c.post("/api/v3/account/set-hold-mode", {"holdMode": "hedge_mode"}) == "success"
            assert c.get("/api/v3/account/settings")["holdMode"] == "hedge_mode"
        assert ca.post("/api/v3/account/set-leverage", {"category": cat, "symbol": sym, "leverage": "20",
                                                        "coin": "USDT"}) == "success"
        assert error_of(order, ca, cat, sym, "buy", "0.01", "40000").code == "40017"  # posSide is required
        # A opens long 0.01 @ 40000 at 20x (maker): freezes 400/20 + 0.24 = 20.24, then holds margin 20
        order(ca, cat, sym, "buy", "0.01", "40000", posSide="long")
        assert balance(ca, "USDT") == ("999979.76", "20.24")
        order(cb, cat, sym, "sell", "0.01", "40000", posSide="short")
        # A opens short 0.02 @ 40000 (maker) against B's long: 2 x (20 + 0.48) frozen, then margin 40
        order(ca, cat, sym, "sell", "0.02", "40000", posSide="short")
        order(cb, cat, sym, "buy", "0.02", "40000", posSide="long")
        # A: fees 0.08 + 0.16 = 0.24; margin 20 + 40 = 60
        assert balance(ca, "USDT") == ("999939.76", "60")
        positions = {p["posSide"]: p for p in ca.get("/api/v3/position/current-position", category=cat)["list"]}
        assert {s: (p["total"], p["positionBalance"], p["leverage"], p["holdMode"]) for s, p in positions.items()} == {
            "long": ("0.01", "20", "20", "hedge_mode"), "short": ("0.02", "40", "20", "hedge_mode")}
        # B (10x) holds both sides too
        positions = {p["posSide"]: p for p in cb.get("/api/v3/position/current-position", category=cat)["list"]}
        assert {s: (p["total"], p["positionBalance"], p["leverage"]) for s, p in positions.items()} == {
            "long": ("0.02", "80", "10"), "short": ("0.01", "40", "10")}
        assert error_of(ca.post, "/api/v3/account/set-hold-mode", {"holdMode": "one_way_mode"}).code == "25107"

        # closing part of A's long: a resting sell(posSide long) reserves the position, not margin
        closing = order(ca, cat, sym, "sell", "0.004", "45000", posSide="long")
        [long] = ca.get("/api/v3/position/current-position", category=cat, posSide="long")["list"]
        assert (long["total"], long["available"], long["frozen"]) == ("0.01", "0.006", "0.004")
        assert error_of(order, ca, cat, sym, "sell", "0.007", "45000", posSide="long").code == "25231"
        order(cb, cat, sym, "buy", "0.004", posSide="long")  # B opens more long at 45000, taker
        # A: PnL 0.004 x 5000 = 20, maker fee 180 x 0.0002 = 0.036, released margin 0.004/0.01 x 20 = 8
        assert balance(ca, "USDT") == ("999967.724", "52")
        [long] = ca.get("/api/v3/position/current-position", category=cat, posSide="long")["list"]
        assert (long["total"], long["available"], long["frozen"], long["curRealisedPnl"]) == (
            "0.006", "0.006", "0", "20")
        fills = ca.get("/api/v3/trade/fills", orderId=closing["orderId"])["list"]
        assert [(f["execPnl"], f["feeDetail"][0]["fee"]) for f in fills] == [("20", "0.036")]
        settings = ca.get("/api/v3/account/settings")
        assert {(s["category"], s["symbol"]): s["leverage"] for s in settings["symbolConfigList"]}[(cat, sym)] == "20"


def test_set_leverage_rules_and_margin(venue: Server) -> None:
    with venue.client(venue.new_user(FUNDS)) as c:
        for cat, sym in (("USDT-FUTURES", "ETHUSDT"), ("USDC-FUTURES", "BTCPERP"), ("COIN-FUTURES", "BTCUSD")):
            assert c.post("/api/v3/account/set-leverage", {"category": cat, "symbol": sym, "leverage": "25"}) == (
                "success")
        # a resting order at 25x freezes notional / 25 + taker fee: USDC 0.01 x 30000 = 300 -> 12 + 0.18
        order(c, "USDC-FUTURES", "BTCPERP", "buy", "0.01", "30000")
        assert balance(c, "USDC") == ("999987.82", "12.18")
        order(c, "COIN-FUTURES", "BTCUSD", "buy", "0.01", "30000")  # 0.01 / 25 + 0.000006 BTC
        assert balance(c, "BTC") == ("99.999594", "0.000406")
        for body, code in (({"category": "USDT-FUTURES", "symbol": "BTCUSDT", "leverage": "0"}, "40017"),
                           ({"category": "USDT-FUTURES", "symbol": "BTCUSDT", "leverage": "126"}, "25223"),
                           ({"category": "USDT-FUTURES", "symbol": "BTCUSDT", "leverage": "2.5"}, "40017"),
                           ({"category": "USDT-FUTURES", "symbol": "NOPEUSDT", "leverage": "2"}, "25100"),
                           ({"category": "SPOT", "symbol": "BTCUSDT", "leverage": "2"}, "40017"),
                           ({"category": "MARGIN", "symbol": "BTCUSDT", "leverage": "2"}, "25002")):
            assert error_of(c.post, "/api/v3/account/set-leverage", body).code == code, body
        levels = {(s["category"], s["symbol"]): s["leverage"]
                  for s in c.get("/api/v3/account/settings")["symbolConfigList"]}
        assert levels == {("USDT-FUTURES", "BTCUSDT"): "10", ("USDT-FUTURES", "ETHUSDT"): "25",
                          ("COIN-FUTURES", "BTCUSD"): "25", ("COIN-FUTURES", "ETHUSD"): "10",
                          ("USDC-FUTURES", "BTCPERP"): "25", ("USDC-FUTURES", "ETHPERP"): "10"}
        c.post("/api/v3/trade/cancel-symbol-order", {"category": "USDC-FUTURES"})
        c.post("/api/v3/trade/cancel-symbol-order", {"category": "COIN-FUTURES"})


def test_set_hold_mode_rules(venue: Server) -> None:
    with venue.client(venue.new_user(FUNDS)) as c:
        assert c.get("/api/v3/account/settings")["holdMode"] == "one_way_mode"
        assert c.post("/api/v3/account/set-hold-mode", {"holdMode": "one_way_mode"}) == "success"
        err = error_of(c.post, "/api/v3/account/set-hold-mode", {"holdMode": "hedge"})
        assert (err.status, err.code, err.msg) == (400, "40034", "Parameter hedge does not exist")
        o = order(c, "USDT-FUTURES", "BTCUSDT", "buy", "0.01", "30000")
        assert error_of(c.post, "/api/v3/account/set-hold-mode", {"holdMode": "hedge_mode"}).code == "25010"
        c.post("/api/v3/trade/cancel-order", {"orderId": o["orderId"]})
        order(c, "SPOT", "BTCUSDT", "buy", "0.01", "30000")  # spot orders do not block the switch
        assert c.post("/api/v3/account/set-hold-mode", {"holdMode": "hedge_mode"}) == "success"
        assert c.get("/api/v3/account/settings")["holdMode"] == "hedge_mode"
        c.post("/api/v3/trade/cancel-symbol-order", {"category": "SPOT"})


# ---- account and market reference data ------------------------------------------------------------------------
def test_settings_and_fee_rates(venue: Server) -> None:
    creds = venue.new_user(FUNDS)
    with venue.client(creds) as c:
        s = c.get("/api/v3/account/settings")
        assert (s["uid"], s["holdMode"], s["accountMode"], s["stpMode"]) == (
            creds["uid"], "one_way_mode", "unified", "none")
        assert len(s["symbolConfigList"]) == 6 and {x["leverage"] for x in s["symbolConfigList"]} == {"10"}
        assert {x["marginMode"] for x in s["symbolConfigList"]} == {"crossed"}
        for cat in CATEGORIES:
            m = MARKETS[cat]
            for sym in (m.symbol, m.other):
                rate = c.get("/api/v3/account/fee-rate", category=cat, symbol=sym)
                assert rate == ({"makerFeeRate": "0.0002", "takerFeeRate": "0.0006"} if m.futures else
                                {"makerFeeRate": "0.001", "takerFeeRate": "0.001"})
        assert error_of(c.get, "/api/v3/account/fee-rate", category="SPOT", symbol="XYZUSDT").code == "25100"
        assert error_of(c.get, "/api/v3/account/fee-rate", symbol="BTCUSDT").code == "40034"


def test_assets_document(venue: Server) -> None:
    with venue.client(venue.new_user({"USDT": "1234.5", "BTC": "0.25"})) as c:
        doc = c.get("/api/v3/account/assets")
        rows = {a["coin"]: a for a in doc["assets"]}
        assert set(rows) == {"USDT", "BTC"}
        assert rows["USDT"] == {"coin": "USDT", "equity": "1234.5", "usdValue": "1234.5", "balance": "1234.5",
                                "available": "1234.5", "debt": "0", "locked": "0"}
        assert (rows["BTC"]["balance"], rows["BTC"]["available"], rows["BTC"]["locked"]) == ("0.25", "0.25", "0")
        order(c, "SPOT", "BTCUSDT", "sell", "0.1", "90000")  # freezes 0.1 BTC
        order(c, "USDT-FUTURES", "BTCUSDT", "buy", "0.01", "10000")  # 10 + 0.06 USDT
        rows = {a["coin"]: a for a in c.get("/api/v3/account/assets")["assets"]}
        assert (rows["BTC"]["balance"], rows["BTC"]["available"], rows["BTC"]["locked"]) == ("0.25", "0.15", "0.1")
        assert (rows["USDT"]["balance"], rows["USDT"]["available"], rows["USDT"]["locked"]) == (
            "1234.5", "1224.44", "10.06")
        c.post("/api/v3/trade/cancel-symbol-order", {"category": "SPOT"})
        c.post("/api/v3/trade/cancel-symbol-order", {"category": "USDT-FUTURES"})


INSTRUMENTS = {  # (category, symbol): (base, quote, minOrderQty, pricePrecision, quantityPrecision, minOrderAmount)
    ("SPOT", "BTCUSDT"): ("BTC", "USDT", "0.00001", "2", "6", "1"),
    ("SPOT", "ETHUSDT"): ("ETH", "USDT", "0.0001", "2", "4", "1"),
    ("MARGIN", "BTCUSDT"): ("BTC", "USDT", "0.00001", "2", "6", "5"),
    ("MARGIN", "ETHUSDT"): ("ETH", "USDT", "0.0001", "2", "4", "5"),
    ("USDT-FUTURES", "BTCUSDT"): ("BTC", "USDT", "0.0001", "1", "4", "5"),
    ("USDT-FUTURES", "ETHUSDT"): ("ETH", "USDT", "0.01", "2", "2", "5"),
    ("COIN-FUTURES", "BTCUSD"): ("BTC", "USD", "0.001", "1", "3", "5"),
    ("COIN-FUTURES", "ETHUSD"): ("ETH", "USD", "0.01", "2", "2", "5"),
    ("USDC-FUTURES", "BTCPERP"): ("BTC", "USDC", "0.0001", "1", "4", "5"),
    ("USDC-FUTURES", "ETHPERP"): ("ETH", "USDC", "0.01", "2", "2", "5"),
}


@each_category
def test_instruments(server: Server, cat: str) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        docs = http.get("/api/v3/market/instruments", params={"category": cat}).json()["data"]
        got = {(d["category"], d["symbol"]): (d["baseCoin"], d["quoteCoin"], d["minOrderQty"], d["pricePrecision"],
                                              d["quantityPrecision"], d["minOrderAmount"]) for d in docs}
        assert got == {k: v for k, v in INSTRUMENTS.items() if k[0] == cat}
        for d in docs:
            assert (d["makerFeeRate"], d["takerFeeRate"]) == (("0.0002", "0.0006") if cat in FUTURES else
                                                              ("0.001", "0.001"))
            assert d["status"] == "online"
            if cat in FUTURES:
                assert (d["maxLeverage"], d["symbolType"]) == ("125", "perpetual")
        one = http.get("/api/v3/market/instruments", params={"category": cat.lower(), "symbol": MARKETS[cat].other})
        assert [d["symbol"] for d in one.json()["data"]] == [MARKETS[cat].other]
        bad = http.get("/api/v3/market/instruments", params={"category": cat, "symbol": "NOPE"})
        assert (bad.status_code, bad.json()["code"]) == (400, "25100")


def test_order_book_levels(fresh: Server) -> None:
    with fresh.client(fresh.new_user(FUNDS)) as c, fresh.client(fresh.new_user(FUNDS)) as d:
        for price, qty in (("30000.5", "0.01"), ("30000.5", "0.02"), ("29999", "0.1"), ("30001.25", "0.001")):
            order(c, "SPOT", "BTCUSDT", "buy", qty, price)
        order(d, "MARGIN", "BTCUSDT", "buy", "0.004", "29999")  # MARGIN shares the SPOT book
        for price in ("31000", "30500.75", "32000", "30500.75"):
            order(d, "SPOT", "BTCUSDT", "sell", "0.005", price)
        with httpx.Client(base_url=fresh.base_url, timeout=10) as http:
            resp = http.get("/api/v3/market/orderbook", params={"category": "SPOT", "symbol": "BTCUSDT",
                                                                 "limit": "50"})
            data = json.loads(resp.content)["data"]
            assert set(data) == {"a", "b", "ts"} and isinstance(data["ts"], str)
            for side in ("a", "b"):
                for level in data[side]:
                    assert len(level) == 2 and all(isinstance(v, (int, float)) for v in level), level
            assert data["a"] == [[30500.75, 0.01], [31000, 0.005], [32000, 0.005]]  # ascending
            assert data["b"] == [[30001.25, 0.001], [30000.5, 0.03], [29999, 0.104]]  # descending
            top = http.get("/api/v3/market/orderbook", params={"category": "MARGIN", "symbol": "BTCUSDT",
                                                                "limit": "1"}).json()["data"]
            assert (top["a"], top["b"]) == ([[30500.75, 0.01]], [[30001.25, 0.001]])
            [ticker] = http.get("/api/v3/market/tickers", params={"category": "SPOT", "symbol": "BTCUSDT"}).json()[
                "data"]
            assert (ticker["bid1Price"], ticker["bid1Size"], ticker["ask1Price"], ticker["ask1Size"]) == (
                "30001.25", "0.001", "30500.75", "0.01")
            assert ticker["lastPrice"] == "" and ticker["volume24h"] == "0"
            futures = http.get("/api/v3/market/orderbook", params={"category": "USDT-FUTURES",
                                                                   "symbol": "BTCUSDT"}).json()["data"]
            assert (futures["a"], futures["b"]) == ([], [])
            for q in ({"category": "SPOT", "symbol": "BTCUSDT", "limit": "0"}, {"category": "SPOT"},
                      {"category": "SPOT", "symbol": "BTCUSD"}, {"symbol": "BTCUSDT"}):
                r = http.get("/api/v3/market/orderbook", params=q)
                assert r.status_code == 400 and r.json()["code"] in ("40017", "40034", "25100"), q


def test_tickers_list_every_symbol_of_a_category(server: Server) -> None:
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        for cat in CATEGORIES:
            data = http.get("/api/v3/market/tickers", params={"category": cat}).json()["data"]
            assert {t["symbol"] for t in data} == {MARKETS[cat].symbol, MARKETS[cat].other}
            assert all(t["category"] == cat for t in data)
            assert all(("markPrice" in t) == (cat in FUTURES) for t in data)


# ---- dead-man switch --------------------------------------------------------------------------------------------
def test_countdown_cancel_all(venue: Server) -> None:
    armed, disarmed = venue.new_user(FUNDS), venue.new_user(FUNDS)
    with venue.client(armed) as x, venue.client(disarmed) as y:
        for c in (x, y):
            for cat in CATEGORIES:
                m = MARKETS[cat]
                order(c, cat, m.symbol, "buy", "0.01", "30000")
        before = time.monotonic()  # x's countdown is armed after this: it fires at before + 5 s at the earliest
        assert x.post("/api/v3/trade/countdown-cancel-all", {"countdown": "5"}) == "success"
        assert y.post("/api/v3/trade/countdown-cancel-all", {"countdown": "5"}) == "success"
        assert y.post("/api/v3/trade/countdown-cancel-all", {"countdown": "0"}) == "success"  # 0 disables
        for bad in ("4", "61", "-1", "five", ""):
            assert error_of(x.post, "/api/v3/trade/countdown-cancel-all", {"countdown": bad}).code == "40017", bad
        # not yet (read from 2 s on, leaving a loaded machine 3 s for the reads before the countdown can fire)
        time.sleep(max(0.0, before + 2 - time.monotonic()))
        assert all(len(open_ids(x, cat)) == 1 for cat in CATEGORIES)
        deadline = before + 30  # then x's orders go: waited for, the deadline only ends a hang
        while not all(open_ids(x, cat) == set() for cat in CATEGORIES):
            assert time.monotonic() < deadline, "the countdown never cancelled x's orders"
            time.sleep(0.2)
        assert all(len(open_ids(y, cat)) == 1 for cat in CATEGORIES)  # y's countdown, disabled, never fired
        for coin in FUNDS:
            assert balance(x, coin) == (FUNDS[coin], "0")
        for cat in CATEGORIES:
            [doc] = x.get("/api/v3/trade/history-orders", category=cat)["list"]
            assert doc["orderStatus"] == "cancelled"
            y.post("/api/v3/trade/cancel-symbol-order", {"category": cat})
