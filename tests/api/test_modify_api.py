"""POST /api/v3/trade/modify-order and /api/v3/trade/batch-modify-order over real HTTP, in all five
categories: shapes as on the pages, the orderId kept, exact re-freezing, a crossing modify matching at
once, autoCancel, newClientOid, the error codes, partial success per item and whole-batch refusals.

Reserve per resting BUY: spot/margin qty x price of quote; futures margin (notional / 10) plus the taker fee
(0.06 %) at the order price; coin-M (inverse) notional is the qty in the base coin.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from uta_helpers import CATEGORIES, MARKETS, Market, balance, envelope, error_of, failure, fmt, open_orders, order, raw

from support import Server

MODIFY = "/api/v3/trade/modify-order"
BATCH = "/api/v3/trade/batch-modify-order"
FUNDS = {"USDT": "1000000", "USDC": "1000000", "BTC": "100", "ETH": "1000"}
NOT_FOUND = {"code": "25204", "msg": "Order does not exist"}

each_category = pytest.mark.parametrize("cat", CATEGORIES)


def reserve(m: Market, qty: str, price: str) -> tuple[str, Decimal]:
    q, p = Decimal(qty), Decimal(price)
    if not m.futures:
        return m.coin, q * p
    if m.category == "COIN-FUTURES":
        return "BTC", q / 10 + q * Decimal("0.0006")
    return m.coin, q * p / 10 + q * p * Decimal("0.0006")


def locked(c: object, m: Market, qty: str, price: str) -> None:
    coin, amount = reserve(m, qty, price)
    assert balance(c, coin) == (fmt(Decimal(FUNDS[coin]) - amount), fmt(amount))  # type: ignore[arg-type]


def info(c: object, order_id: str) -> dict[str, str]:
    return c.get("/api/v3/trade/order-info", orderId=order_id)  # type: ignore[attr-defined,no-any-return]


@each_category
def test_modify_price_and_qty_keeps_ids_and_refreezes(venue: Server, cat: str) -> None:
    m = MARKETS[cat]
    with venue.client(venue.new_user(FUNDS)) as c:
        placed = order(c, cat, m.symbol, "buy", "0.01", "30000")
        locked(c, m, "0.01", "30000")
        result = c.post(MODIFY, {"orderId": placed["orderId"], "qty": "0.02", "price": "29000", "autoCancel": "no"})
        assert result == placed  # the page's data: {orderId, clientOid}, the same order
        doc = info(c, placed["orderId"])
        assert (doc["price"], doc["qty"], doc["orderStatus"]) == ("29000", "0.02", "live")
        locked(c, m, "0.02", "29000")
        # by clientOid, with category/symbol filters, a qty decrease only
        assert c.post(MODIFY, {"clientOid": placed["clientOid"], "qty": "0.005", "category": cat.lower(),
                               "symbol": m.symbol}) == placed
        locked(c, m, "0.005", "29000")
        assert [o["orderId"] for o in open_orders(c, cat)] == [placed["orderId"]]


def test_response_shapes_match_the_pages(venue: Server) -> None:
    creds = venue.new_user(FUNDS)
    with venue.client(creds) as c:
        a = order(c, "SPOT", "BTCUSDT", "buy", "0.01", "30000")
        b = order(c, "SPOT", "BTCUSDT", "buy", "0.01", "30001")
    env = envelope(raw(venue, "POST", MODIFY, creds=creds, body=json.dumps({"orderId": a["orderId"], "price": "1000"})))
    assert env["code"] == "00000" and env["msg"] == "success"
    assert env["data"] == a and all(isinstance(v, str) for v in env["data"].values())
    body = json.dumps([{"orderId": a["orderId"], "qty": "0.02"}, {"orderId": b["orderId"], "qty": "0.02"}])
    env = envelope(raw(venue, "POST", BATCH, creds=creds, body=body))
    assert env["code"] == "00000" and env["data"] == [a, b]
    assert all(set(r) == {"orderId", "clientOid"} and all(isinstance(v, str) for v in r.values())
               for r in env["data"])


@each_category
def test_crossing_modify_matches_at_once(fresh: Server, cat: str) -> None:
    venue, m = fresh, MARKETS[cat]
    maker_creds, taker_creds = venue.new_user(FUNDS), venue.new_user(FUNDS)
    with venue.client(maker_creds) as mk, venue.client(taker_creds) as tk:
        ask = order(mk, cat, m.other, "sell", "0.1", "2100")
        bid = order(tk, cat, m.other, "buy", "0.3", "2000")
        assert tk.post(MODIFY, {"orderId": bid["orderId"], "price": "2200"}) == bid
        assert info(mk, ask["orderId"])["orderStatus"] == "filled"
        doc = info(tk, bid["orderId"])
        assert (doc["orderStatus"], doc["cumExecQty"], doc["avgPrice"], doc["price"]) == (
            "partially_filled", "0.1", "2100", "2200")
        fills = tk.get("/api/v3/trade/fills", category=cat)["list"]
        mine = [f for f in fills if f["orderId"] == bid["orderId"]]
        assert len(mine) == 1 and mine[0]["execPrice"] == "2100" and mine[0]["tradeScope"] == "taker"
        book = tk.get("/api/v3/market/orderbook", category=cat, symbol=m.other)
        assert book["b"][0][0] == 2200 and not book["a"]


def test_errors_and_auto_cancel(venue: Server) -> None:
    cat, m = "USDT-FUTURES", MARKETS["USDT-FUTURES"]
    creds, other = venue.new_user(FUNDS), venue.new_user(FUNDS)
    with venue.client(creds) as c, venue.client(other) as o:
        a = order(c, cat, m.symbol, "buy", "0.01", "30000")
        theirs = order(o, cat, m.symbol, "buy", "0.01", "30000")

        def refused(body: object, *codes: str) -> dict[str, object]:
            return failure(raw(venue, "POST", MODIFY, creds=creds, body=json.dumps(body)), 400, *codes)

        refused({"orderId": a["orderId"], "price": "30000"}, "25571")
        refused({"orderId": a["orderId"]}, "40017")
        refused({"price": "1"}, "40034")
        refused({"orderId": theirs["orderId"], "price": "29000"}, "25204")
        refused({"orderId": "123", "price": "29000"}, "25204")
        refused({"orderId": a["orderId"], "price": "29000.05"}, "25244")
        refused({"orderId": a["orderId"], "qty": "0.00001"}, "25610")
        refused({"orderId": a["orderId"], "qty": "100000000"}, "25208")
        refused({"orderId": a["orderId"], "qty": "100", "price": "100000"}, "25203")
        refused({"orderId": a["orderId"], "price": "29000", "autoCancel": "maybe"}, "40017")
        refused({"orderId": a["orderId"], "price": "29000", "category": "SPOTX"}, "40017")
        refused({"orderId": a["orderId"], "price": "29000", "category": cat, "symbol": "NOPE"}, "25100")
        refused({"orderId": a["orderId"], "price": {"v": "29000"}}, "40017")  # a type that cannot be read
        refused({"orderId": a["orderId"], "price": True}, "40017")  # a number would be read as its text
        doc = info(c, a["orderId"])
        assert (doc["price"], doc["qty"], doc["orderStatus"]) == ("30000", "0.01", "live")
        assert info(o, theirs["orderId"])["price"] == "30000"
        # autoCancel: a failed modify cancels the original
        env = refused({"orderId": a["orderId"], "qty": "100", "price": "100000", "autoCancel": "YES"}, "25203")
        assert env["msg"] == "Insufficient margin"
        doc = info(c, a["orderId"])
        assert (doc["orderStatus"], doc["cancelReason"]) == ("cancelled", "modify_limit_order")
        assert balance(c, "USDT") == (FUNDS["USDT"], "0")
        refused({"orderId": a["orderId"], "price": "29000"}, "25204")  # cancelled: not modifiable

        # qty at or below the filled quantity; a reduce-only order
        s = order(c, cat, m.symbol, "sell", "0.03", "31000")
        order(o, cat, m.symbol, "buy", "0.02", "31000")
        assert info(c, s["orderId"])["cumExecQty"] == "0.02"
        env = refused({"orderId": s["orderId"], "qty": "0.02"}, "25568")
        assert env["msg"] == "The order does not meet the modification requirements."
        assert c.post(MODIFY, {"orderId": s["orderId"], "qty": "0.05"}) == s
        c.post("/api/v3/trade/cancel-order", {"orderId": s["orderId"]})
        ro = order(c, cat, m.symbol, "buy", "0.01", "20000", reduceOnly="yes")  # closes part of the short
        refused({"orderId": ro["orderId"], "price": "21000"}, "25568")


def test_new_client_oid(venue: Server) -> None:
    with venue.client(venue.new_user(FUNDS)) as c:
        a = order(c, "SPOT", "BTCUSDT", "buy", "0.01", "30000", clientOid="before")
        order(c, "SPOT", "BTCUSDT", "buy", "0.01", "30000", clientOid="taken")
        err = error_of(c.post, MODIFY, {"clientOid": "before", "price": "29000", "newClientOid": "taken"})
        assert err.code == "25212"
        assert c.post(MODIFY, {"clientOid": "before", "price": "29000", "newClientOid": "after"}) == {
            "orderId": a["orderId"], "clientOid": "after"}
        assert c.get("/api/v3/trade/order-info", clientOid="after")["orderId"] == a["orderId"]
        assert order(c, "SPOT", "BTCUSDT", "buy", "0.01", "28000", clientOid="before")["clientOid"] == "before"


def test_batch_partial_success_in_request_order(venue: Server) -> None:
    m = MARKETS["SPOT"]
    creds, other = venue.new_user(FUNDS), venue.new_user(FUNDS)
    with venue.client(creds) as c, venue.client(other) as o:
        a = order(c, "SPOT", m.symbol, "buy", "0.01", "30000")
        b = order(c, "SPOT", m.other, "buy", "0.1", "2000", clientOid="bee")
        d = order(c, "SPOT", m.symbol, "buy", "0.01", "30000")
        theirs = order(o, "SPOT", m.symbol, "buy", "0.01", "30000")
        result = c.post(BATCH, [
            {"orderId": a["orderId"], "price": "29000"},
            {"clientOid": "bee", "qty": "0.2", "category": "spot", "symbol": m.other},
            {"orderId": theirs["orderId"], "price": "29000"},
            {"orderId": a["orderId"], "price": "28000"},  # the same order again
            {"orderId": d["orderId"], "price": "30000"},  # no change
            {"orderId": d["orderId"], "qty": "0.02", "autoCancel": "yes"},  # d again (its first item failed)
            {"qty": "1"},
        ])
        assert result[:2] == [a, b]
        assert result[2] == {"orderId": theirs["orderId"], "clientOid": "", **NOT_FOUND}
        assert result[3]["code"] == "40017" and result[3]["orderId"] == a["orderId"]
        assert result[4]["code"] == "25571"
        assert result[5]["code"] == "40017"
        assert result[6]["code"] == "40017" and (result[6]["orderId"], result[6]["clientOid"]) == ("", "")
        assert len(result) == 7
        assert info(c, a["orderId"])["price"] == "29000" and info(c, b["orderId"])["qty"] == "0.2"
        assert info(c, d["orderId"])["orderStatus"] == "live" and info(o, theirs["orderId"])["price"] == "30000"


@pytest.mark.parametrize("body", [
    "{}",
    "[]",
    json.dumps([{"orderId": "1", "price": "1"}] * 21),
    json.dumps([{"orderId": "{a}", "price": "1", "category": "SPOT"},
                {"orderId": "{a}", "price": "2", "category": "MARGIN"}]),
    json.dumps([{"orderId": "{a}", "price": "29000", "autoCancel": "sometimes"}]),
    json.dumps([{"orderId": "{a}", "price": "29000", "category": "SPOT", "symbol": "NOPE"}]),
])
def test_batch_refused_as_a_whole(venue: Server, body: str) -> None:
    creds = venue.new_user(FUNDS)
    with venue.client(creds) as c:
        a = order(c, "SPOT", "BTCUSDT", "buy", "0.01", "30000")
        failure(raw(venue, "POST", BATCH, creds=creds, body=body.replace("{a}", a["orderId"])), 400, "40017",
                "25100")
        assert info(c, a["orderId"])["price"] == "30000"
